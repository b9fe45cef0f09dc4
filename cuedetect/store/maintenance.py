"""Keeping a programme's records: online backup, integrity check, and whether result folders still match.

`backup` copies a live store with SQLite's online backup API (readers and writers may keep working) into
a temporary file beside the destination and renames it into place, so a backup is whole or absent.
`check` runs `PRAGMA integrity_check` and `foreign_key_check`, and asks every session whether the
folder of its latest analysis is still the one that was imported (`output_status`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from cuedetect.errors import InputError
from cuedetect.io_atomic import atomic_path
from cuedetect.store import db
from cuedetect.store.importer import read_analysis
from cuedetect.store.models import Analysis, Session


@dataclass(frozen=True)
class OutputStatus:
    """Whether an analysis folder still holds what was imported. `problem` is one line, or None."""

    analysis_id: int
    output_dir: str
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def output_status(session: Session, analysis: Analysis) -> OutputStatus:
    """Compare an analysis folder with the store's record of it (recording hash and events digest)."""
    out = Path(analysis.output_dir)

    def bad(text: str) -> OutputStatus:
        return OutputStatus(analysis.id, str(out), f"session {session.id}: result folder {out} {text}")

    if not out.is_dir():
        return bad("is missing; re-run `cuedetect analyze` into a new folder and `cuedetect import` it")
    try:
        now = read_analysis(out)
    except InputError as exc:
        return bad(f"is no longer a readable analysis ({exc})")
    if now.recording_sha256 != session.recording_sha256:
        return bad("now holds the analysis of another recording; the distances and video there are "
                   "not this session's")  # fmt: skip
    if now.digest != analysis.digest:
        return bad("was re-analysed since it was imported; `cuedetect import` it to update the session")
    return OutputStatus(analysis.id, str(out))


def refuse_foreign_overwrite(store_path: Path, out: Path, video: Path) -> None:
    """Refuse to overwrite a result folder that a session of another recording owns.

    Sessions own their results: the store points at the folder, so replacing its files with another
    recording's analysis would show that recording's distances and video in the old session. Re-running
    the same recording into its folder stays allowed (the new analysis is imported into its session).

    Raises:
        InputError: `out` holds a session's result and `video` is another recording.
    """
    from cuedetect.hashing import file_sha256
    from cuedetect.store.session_store import SessionStore

    if not Path(store_path).is_file() or not (Path(out) / "analysis.json").exists():
        return
    with SessionStore(db.connect(store_path, create=False), Path(store_path)) as store:
        owners = store.sessions_using(out)
    if not owners:
        return
    sha = file_sha256(Path(video))
    for session in owners:
        if session.recording_sha256 != sha:
            raise InputError(
                f"{out} holds the result of session {session.id} ({Path(session.recording_path).name}); "
                "overwriting it with another recording would take it from that session: choose another --out"
            )


@dataclass
class CheckReport:
    """What `cuedetect store check` found: database problems and result folders that changed."""

    path: Path
    sessions: int = 0
    integrity: list[str] = field(default_factory=list)
    outputs: list[OutputStatus] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.integrity and all(o.ok for o in self.outputs)


def check(path: Path) -> CheckReport:
    """Check the store at `path` (it changes nothing but an old schema's upgrade): integrity, result folders.

    Raises:
        InputError: no store there, or a file that is not one (see `db.connect`).
    """
    from cuedetect.store.session_store import SessionStore

    report = CheckReport(Path(path))
    conn = db.connect(path, create=False)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        report.integrity += [r for r in rows if r != "ok"]
        for r in conn.execute("PRAGMA foreign_key_check"):
            report.integrity.append(f"table {r[0]} row {r[1]} points at a missing row of {r[2]}")
    except sqlite3.DatabaseError as exc:
        report.integrity.append(f"the database cannot be read: {exc}")
    if report.integrity:
        conn.close()
        return report
    store = SessionStore(conn, Path(path))
    with store:
        for session in store.sessions():
            report.sessions += 1
            analyses = store.analyses(session.id)
            if analyses:
                report.outputs.append(output_status(session, analyses[-1]))
    return report


def backup(path: Path, dest: Path) -> Path:
    """Copy the live store at `path` to `dest` (a file, or a folder to put a dated copy in).

    Raises:
        InputError: no store at `path`, `dest` is the store itself, or `dest` cannot be written.
    """
    path, dest = Path(path), Path(dest)
    if dest.is_dir():
        dest = dest / f"{path.stem}-{db.now_iso()[:19].replace(':', '')}.sqlite"
    if dest.exists() and dest.resolve() == path.resolve():
        raise InputError(f"{dest} is the store itself; give another file or folder for the backup")
    src = db.connect(path, create=False)
    try:
        with atomic_path(dest) as tmp:
            target = sqlite3.connect(tmp)
            try:
                src.backup(target)
                bad = [r[0] for r in target.execute("PRAGMA integrity_check") if r[0] != "ok"]
            finally:
                target.close()
            if bad:
                raise InputError(
                    f"the copy of {path} failed its integrity check ({bad[0]}); nothing was kept"
                )
    except OSError as exc:
        raise InputError(f"cannot write the backup {exc.filename or dest}: {exc.strerror}") from None
    except sqlite3.Error as exc:
        raise InputError(f"cannot write the backup {dest}: {exc}") from None
    finally:
        src.close()
    return dest
