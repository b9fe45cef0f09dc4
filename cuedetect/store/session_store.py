"""`SessionStore`: the repository the CLI, exports and dashboard use. SQL stays in this module and db.py.

with SessionStore.create_from_options(StoreOptions(path=...)) as store:
    sid = store.import_analysis("out/demo", trainee="Sam").session_id
    store.confirm(sid, store.current_events(sid)[0].key, reviewer="instructor")
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cuedetect.errors import InputError
from cuedetect.store import db
from cuedetect.store.erasure import ErasureMixin
from cuedetect.store.importer import AnalysisBundle, read_analysis
from cuedetect.store.matching import match_events, model_event_key
from cuedetect.store.models import (
    Analysis,
    Event,
    Session,
    StoreOptions,
    Trainee,
)
from cuedetect.store.review_api import ReviewMixin

now_iso = db.now_iso
# A new session never takes the id of an erased one (an export named session-5 stays unambiguous).
_NEXT_SESSION_ID = (
    "SELECT MAX(m) + 1 FROM (SELECT COALESCE(MAX(id), 0) AS m FROM sessions "
    "UNION ALL SELECT COALESCE(MAX(session_id), 0) FROM erasures)"
)


@dataclass(frozen=True)
class ImportResult:
    session_id: int
    analysis_id: int
    created_session: bool
    new_analysis: bool
    events: int
    carried_over: int  # events of the new analysis that kept the key (and reviews) of an earlier one


class SessionStore(ReviewMixin, ErasureMixin):
    """Sessions, analyses, events and the append-only review log in one SQLite file.

    `erase_session` (from `ErasureMixin`) removes a session and everything tied to it.

    One instance holds one connection: use it from one thread at a time (a Streamlit app opens one per
    rerun; opening an existing store takes about a millisecond). Any number of processes may open the
    same file at once: writes are serialised by SQLite (WAL mode, busy timeout), none is lost.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def create_from_options(cls, options: StoreOptions) -> SessionStore:
        path = Path(options.path) if options.path is not None else db.default_store_path()
        return cls(db.connect(path, options.busy_timeout_s), path)

    @classmethod
    def open(cls, path: str | Path | None = None) -> SessionStore:
        return cls.create_from_options(StoreOptions(path=None if path is None else Path(path)))

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Rows per table (for checks that a failed operation changed nothing)."""
        return {
            t: self._conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in sorted(db.OUR_TABLES)
        }

    # ----- trainees ---------------------------------------------------------------------------------
    def add_trainee(self, name: str) -> Trainee:
        """Create a trainee (or return the one with that name)."""
        name = name.strip()
        if not name:
            raise InputError("a trainee needs a name")
        with db.transaction(self._conn):
            tid = self._trainee_id(name, create=True)
        return self.trainee(tid)

    def _trainee_id(self, name: str, create: bool) -> int:
        row = self._conn.execute("SELECT id FROM trainees WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        if not create:
            raise InputError(f"no trainee named {name!r} (see `cuedetect trainees list`)")
        return int(
            self._conn.execute(
                "INSERT INTO trainees (name, created_at) VALUES (?, ?)", (name, now_iso())
            ).lastrowid
        )

    def trainees(self) -> list[Trainee]:
        return [
            Trainee(r["id"], r["name"], r["created_at"])
            for r in self._conn.execute("SELECT * FROM trainees ORDER BY name")
        ]

    def trainee(self, ref: int | str) -> Trainee:
        """A trainee by id or name."""
        if isinstance(ref, str) and not ref.isdigit():
            ref = self._trainee_id(ref, create=False)
        row = self._conn.execute("SELECT * FROM trainees WHERE id = ?", (int(ref),)).fetchone()
        if row is None:
            raise InputError(f"trainee {ref} does not exist (see `cuedetect trainees list`)")
        return Trainee(row["id"], row["name"], row["created_at"])

    # ----- sessions ---------------------------------------------------------------------------------
    _SESSION_SQL = (
        "SELECT s.*, t.name AS trainee_name FROM sessions s LEFT JOIN trainees t ON t.id = s.trainee_id"
    )

    @staticmethod
    def _session(row: sqlite3.Row) -> Session:
        return Session(
            id=row["id"],
            recording_path=row["recording_path"],
            recording_sha256=row["recording_sha256"],
            duration=row["duration"],
            date=row["date"],
            scenario=row["scenario"],
            trainee_id=row["trainee_id"],
            trainee_name=row["trainee_name"],
            instructor=row["instructor"],
            roles={int(k): v for k, v in json.loads(row["roles_json"]).items()},
            created_at=row["created_at"],
        )

    def sessions(self, trainee: int | str | None = None) -> list[Session]:
        if trainee is None:
            rows = self._conn.execute(self._SESSION_SQL + " ORDER BY s.date, s.id")
        else:
            tid = self.trainee(trainee).id
            rows = self._conn.execute(
                self._SESSION_SQL + " WHERE s.trainee_id = ? ORDER BY s.date, s.id", (tid,)
            )
        return [self._session(r) for r in rows]

    def session(self, session_id: int | str) -> Session:
        try:
            sid = int(session_id)
        except (TypeError, ValueError):
            raise InputError(f"session id should be a number, got {session_id!r}") from None
        row = self._conn.execute(self._SESSION_SQL + " WHERE s.id = ?", (sid,)).fetchone()
        if row is None:
            raise InputError(f"session {session_id} does not exist (see `cuedetect sessions list`)")
        return self._session(row)

    def latest_session_id(self, among: Sequence[int] | None = None) -> int:
        """The session whose analysis was imported last (the newest one when none has an analysis), of
        all sessions or of those in `among`."""
        wanted = None if among is None else {int(i) for i in among}
        for sql in (
            "SELECT session_id FROM analyses ORDER BY id DESC",
            "SELECT id FROM sessions ORDER BY id DESC",
        ):
            for (sid,) in self._conn.execute(sql):
                if wanted is None or int(sid) in wanted:
                    return int(sid)
        raise InputError("there are no sessions yet: `cuedetect analyze VIDEO --out DIR` adds one")

    def update_session(
        self,
        session_id: int,
        *,
        trainee: str | None = None,
        scenario: str | None = None,
        instructor: str | None = None,
        date: str | None = None,
    ) -> Session:
        """Set a session's facts (None leaves a fact as it is)."""
        self.session(session_id)
        with db.transaction(self._conn):
            self._set_facts(session_id, trainee, scenario, instructor, date)
        return self.session(session_id)

    def _set_facts(
        self, sid: int, trainee: str | None, scenario: str | None, instructor: str | None, date: str | None
    ) -> None:
        if trainee:
            self._conn.execute(
                "UPDATE sessions SET trainee_id = ? WHERE id = ?",
                (self._trainee_id(trainee.strip(), create=True), sid),
            )
        for column, value in (("scenario", scenario), ("instructor", instructor), ("date", date)):
            if value is not None:
                self._conn.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, sid))

    def analyses(self, session_id: int) -> list[Analysis]:
        self.session(session_id)
        rows = self._conn.execute("SELECT * FROM analyses WHERE session_id = ? ORDER BY id", (session_id,))
        return [
            Analysis(
                r["id"],
                r["session_id"],
                r["model_version"],
                r["output_dir"],
                r["digest"],
                r["imported_at"],
                json.loads(r["summary_json"]),
            )
            for r in rows
        ]

    def sessions_using(self, out_dir: str | Path) -> list[Session]:
        """Sessions with an analysis whose result folder is `out_dir` (compared as resolved paths)."""
        rows = self._conn.execute(
            "SELECT DISTINCT session_id FROM analyses WHERE output_dir = ? ORDER BY session_id",
            (str(Path(out_dir).resolve()),),
        )
        return [self.session(r[0]) for r in rows.fetchall()]

    # ----- import -----------------------------------------------------------------------------------
    def import_analysis(
        self,
        out_dir: str | Path | AnalysisBundle,
        *,
        trainee: str | None = None,
        scenario: str | None = None,
        instructor: str | None = None,
        date: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportResult:
        """Register an analysis folder as a session (or a new analysis of a known recording).

        One transaction: a crash or kill part-way leaves the store as it was. The same recording (by
        content hash) is one session; the same events from the same model are one analysis, so importing
        twice changes nothing. Events of a newer analysis that match earlier ones (cue, person, other,
        temporal IoU) keep their keys, so the reviews stay attached.
        """
        bundle = out_dir if isinstance(out_dir, AnalysisBundle) else read_analysis(out_dir)
        with db.transaction(self._conn):
            return self._import(bundle, trainee, scenario, instructor, date, progress)

    def _import(
        self,
        b: AnalysisBundle,
        trainee: str | None,
        scenario: str | None,
        instructor: str | None,
        date: str | None,
        progress: Callable[[int, int], None] | None,
    ) -> ImportResult:
        row = self._conn.execute(
            "SELECT id FROM sessions WHERE recording_sha256 = ?", (b.recording_sha256,)
        ).fetchone()
        created = row is None
        if created:
            sid = int(
                self._conn.execute(
                    "INSERT INTO sessions (id, recording_path, recording_sha256, duration, date, roles_json, "
                    f"created_at) VALUES (({_NEXT_SESSION_ID}), ?, ?, ?, ?, ?, ?)",
                    (
                        b.video_path,
                        b.recording_sha256,
                        b.duration,
                        date or (b.created or now_iso())[:10],
                        json.dumps({str(k): v for k, v in sorted(b.roles.items())}),
                        now_iso(),
                    ),
                ).lastrowid
            )
        else:
            sid = int(row[0])
        self._set_facts(sid, trainee, scenario, instructor, None if created else date)
        same = self._conn.execute(
            "SELECT id FROM analyses WHERE session_id = ? AND digest = ?", (sid, b.digest)
        ).fetchone()
        if same is not None:
            n = self._conn.execute(
                "SELECT COUNT(*) FROM events WHERE analysis_id = ?", (same[0],)
            ).fetchone()[0]
            return ImportResult(sid, int(same[0]), False, False, int(n), 0)
        current, earlier = self.model_events(sid) if not created else ([], {})
        reviewed = self._reviewed_keys(sid)
        candidates = current + [ev for key, ev in earlier.items() if key in reviewed]
        new = [
            Event("", e.cue, e.person, e.other, e.start, e.end, e.confidence, e.evidence) for e in b.events
        ]
        matched = match_events(new, candidates)
        aid = int(
            self._conn.execute(
                "INSERT INTO analyses (session_id, model_version, output_dir, digest, imported_at, "
                "summary_json) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    sid,
                    b.model_version,
                    str(b.out_dir),
                    b.digest,
                    now_iso(),
                    json.dumps(b.summary, default=str),
                ),
            ).lastrowid
        )
        if not created:
            self._conn.execute(
                "UPDATE sessions SET roles_json = ?, duration = ?, recording_path = ? WHERE id = ?",
                (json.dumps({str(k): v for k, v in sorted(b.roles.items())}), b.duration, b.video_path, sid),
            )
        used: set[str] = set()
        for i, e in enumerate(b.events):
            key = matched.get(i) or model_event_key(
                b.recording_sha256, e.cue, e.person, e.other, e.start, e.end
            )
            base, n = key, 1
            while key in used:
                key, n = f"{base}-{n}", n + 1
            used.add(key)
            self._conn.execute(
                'INSERT INTO events (analysis_id, event_key, cue, person, other, start, "end", confidence, '
                "evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    aid,
                    key,
                    e.cue,
                    e.person,
                    e.other,
                    e.start,
                    e.end,
                    e.confidence,
                    None if e.evidence is None else json.dumps(e.evidence, default=str),
                ),
            )
            if progress is not None:
                progress(i + 1, len(b.events))
        return ImportResult(sid, aid, created, True, len(b.events), len(matched))

    def model_events(self, session_id: int) -> tuple[list[Event], dict[str, Event]]:
        """The current (latest) analysis' events, and earlier analyses' events by key that it lacks."""
        rows = self._conn.execute(
            "SELECT e.*, a.id AS aid FROM events e JOIN analyses a ON a.id = e.analysis_id "
            "WHERE a.session_id = ? ORDER BY a.id, e.id",
            (session_id,),
        ).fetchall()
        if not rows:
            return [], {}
        latest = max(r["aid"] for r in rows)
        current, earlier = [], {}
        for r in rows:
            ev = Event(
                r["event_key"],
                r["cue"],
                r["person"],
                r["other"],
                r["start"],
                r["end"],
                r["confidence"],
                None if r["evidence_json"] is None else json.loads(r["evidence_json"]),
            )
            (current.append(ev) if r["aid"] == latest else earlier.__setitem__(ev.key, ev))
        keys = {e.key for e in current}
        return current, {k: v for k, v in earlier.items() if k not in keys}

    def _reviewed_keys(self, session_id: int) -> set[str]:
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT DISTINCT event_key FROM review_log WHERE session_id = ? AND event_key IS NOT NULL",
                (session_id,),
            )
        }
