"""Erasing a session: a trainee's right to erasure, or a mistaken import taken back.

`SessionStore.erase_session(sid)` removes the session and everything that hangs on it, in one
transaction: its analyses, their events, and its whole review history (confirmations, rejections,
comments, bookmarks, role changes). The debrief numbers and a trainee's progress are derived from those
rows, so they go with them. A failure part-way leaves the store as it was.

What stays, on purpose:
- the trainee (a name may have other sessions); `erase_trainee` removes the name once no session is left;
- one row in `erasures`: the erased id, the time and how many rows went (no name, no path), so an
  erased id is never given to a new session and the record shows that an erasure happened;
- the original recording (the instructor's own file, wherever it lies), unless it is inside a removed
  analysis folder;
- the analysis folders on disk, unless `files=True` (see `folder_problem` for when one is removed);
- backups made earlier with `cuedetect store backup`: they still hold the session.

The deleted rows are overwritten with zeros (`PRAGMA secure_delete`) and the write-ahead log is
truncated afterwards, so the texts do not linger in the store's files (a reader holding the store open,
such as a running dashboard, can delay the truncation until it closes).
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cuedetect.errors import InputError
from cuedetect.store import db
from cuedetect.store.importer import read_analysis
from cuedetect.store.models import Analysis, Session, Trainee


@dataclass(frozen=True)
class Erasure:
    """What an erasure removes (a plan) or removed. `folders_*` are analysis folders on disk."""

    session_id: int
    recording: str
    analyses: int
    events: int
    review_actions: int
    folders_removed: tuple[str, ...] = ()
    folders_kept: tuple[str, ...] = ()  # each "PATH (why)"
    folder_errors: tuple[str, ...] = field(default=())

    def contents(self) -> str:
        """'2 analysis(es), 6 events, 6 review actions[, 1 analysis folder(s)]'."""
        files = f", {len(self.folders_removed)} analysis folder(s)" if self.folders_removed else ""
        return (
            f"{self.analyses} analysis(es), {self.events} events, {self.review_actions} review actions{files}"
        )

    def summary(self) -> str:
        """One line: what went."""
        return f"session {self.session_id} ({Path(self.recording).name}) erased: {self.contents()}"


def folder_problem(folder: Path, session: Session, store_path: Path, shared_with: list[int]) -> str | None:
    """Why the registered analysis folder `folder` must not be removed, or None when it may be.

    A folder is removed only if it is exactly where the store registered it (an absolute path with no
    symbolic link in it, so nothing leads outside), still holds an analysis of this session's recording,
    belongs to no other session, and does not hold the store itself.
    """
    if not folder.is_absolute() or not folder.is_dir():
        return "not there any more"
    if folder.is_symlink() or folder.resolve() != folder:
        return "reached through a symbolic link; not followed"
    if len(folder.parts) < 3 or folder == Path.home():
        return "too close to the root of the disk"
    if Path(store_path).resolve().is_relative_to(folder):
        return "holds the session store"
    if shared_with:
        return f"also the result of session(s) {', '.join(map(str, shared_with))}"
    try:
        if read_analysis(folder).recording_sha256 != session.recording_sha256:
            return "now holds the analysis of another recording"
    except InputError:
        return "no longer holds a readable analysis"
    return None


def remove_folder(folder: Path) -> str | None:
    """Remove `folder` (symbolic links inside are removed, never followed). Returns an error line or None."""
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    return None


@contextlib.contextmanager
def erasing(conn: sqlite3.Connection, what: str) -> Iterator[Callable[..., sqlite3.Cursor]]:
    """One erasure: the deletes inside run in one transaction with `PRAGMA secure_delete` on (the
    deleted rows are overwritten with zeros), and the write-ahead log is truncated after the commit.
    Yields `conn.execute`.

    Raises:
        InputError: `cannot erase WHAT: ...; nothing was changed` for any SQLite failure (the
            transaction is rolled back); an InputError raised inside passes through as it is.
    """
    conn.execute("PRAGMA secure_delete = ON")
    try:
        with db.transaction(conn):
            yield conn.execute
    except sqlite3.Error as exc:
        raise InputError(f"cannot erase {what}: {exc}; nothing was changed") from None
    with contextlib.suppress(sqlite3.Error):  # busy readers: the next checkpoint finishes it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class ErasureMixin:
    """Erasure over `self._conn`; needs `session()`, `analyses()`, `sessions_using()` from `SessionStore`."""

    _conn: sqlite3.Connection
    path: Path

    def session(self, session_id: int | str) -> Session:  # pragma: no cover - provided by SessionStore
        raise NotImplementedError

    def analyses(self, session_id: int) -> list[Analysis]:  # pragma: no cover - provided by SessionStore
        raise NotImplementedError

    def sessions_using(self, out_dir: str | Path) -> list[Session]:  # pragma: no cover
        raise NotImplementedError

    def sessions(self, trainee: int | str | None = None) -> list[Session]:  # pragma: no cover
        raise NotImplementedError

    def trainee(self, ref: int | str) -> Trainee:  # pragma: no cover - provided by SessionStore
        raise NotImplementedError

    def erasable_trainee(self, ref: int | str) -> Trainee:
        """The trainee `ref` names, if no session of theirs is left.

        Raises:
            InputError: no such trainee, or the trainee still has sessions.
        """
        trainee = self.trainee(ref)
        left = [s.id for s in self.sessions(trainee.id)]
        if left:
            raise InputError(
                f"trainee {trainee.name} still has {len(left)} session(s) ({', '.join(map(str, left))}): "
                "erase them first with `cuedetect sessions delete ID`; nothing was changed"
            )
        return trainee

    def erase_trainee(self, ref: int | str) -> Trainee:
        """Remove a trainee's name once none of their sessions is left; returns who was removed.

        Raises:
            InputError: no such trainee, or the trainee still has sessions (they are erased one by one,
                each with its confirmation, so a name typed by mistake cannot take a whole record).
        """
        trainee = self.erasable_trainee(ref)
        with erasing(self._conn, f"trainee {trainee.name}") as run:
            run("DELETE FROM trainees WHERE id = ?", (trainee.id,))
        return trainee

    def erasure_plan(self, session_id: int, files: bool = False) -> Erasure:
        """What `erase_session` would remove; changes nothing.

        Raises:
            InputError: there is no such session.
        """
        session = self.session(session_id)
        sid = session.id
        events = self._conn.execute(
            "SELECT COUNT(*) FROM events WHERE analysis_id IN (SELECT id FROM analyses WHERE session_id = ?)",
            (sid,),
        ).fetchone()[0]
        actions = self._conn.execute(
            "SELECT COUNT(*) FROM review_log WHERE session_id = ?", (sid,)
        ).fetchone()[0]
        analyses = self.analyses(sid)
        removable, kept = [], []
        for out in dict.fromkeys(a.output_dir for a in analyses):
            if not files:
                kept.append(f"{out} (--files removes it)")
                continue
            others = [s.id for s in self.sessions_using(out) if s.id != sid]
            why = folder_problem(Path(out), session, self.path, others)
            (kept.append(f"{out} ({why})") if why else removable.append(out))
        return Erasure(
            sid,
            session.recording_path,
            len(analyses),
            int(events),
            int(actions),
            tuple(removable),
            tuple(kept),
        )

    def erase_session(self, session_id: int, files: bool = False) -> Erasure:
        """Remove a session and all its rows in one transaction, then (with `files`) its analysis folders.

        Returns what went. Folders that could not be removed are in `folder_errors` (the rows are gone).

        Raises:
            InputError: there is no such session, or the store cannot be written (nothing was changed).
        """
        plan = self.erasure_plan(session_id, files)
        sid = plan.session_id
        with erasing(self._conn, f"session {sid}") as run:
            run("INSERT INTO erasures (session_id, erased_at) VALUES (?, ?)", (sid, db.now_iso()))
            actions = run("DELETE FROM review_log WHERE session_id = ?", (sid,)).rowcount
            events = run(
                "DELETE FROM events WHERE analysis_id IN (SELECT id FROM analyses WHERE session_id = ?)",
                (sid,),
            ).rowcount
            analyses = run("DELETE FROM analyses WHERE session_id = ?", (sid,)).rowcount
            if run("DELETE FROM sessions WHERE id = ?", (sid,)).rowcount != 1:
                raise InputError(f"session {sid} does not exist (erased meanwhile?)")
            counts = {"analyses": analyses, "events": events, "review_actions": actions}
            run(
                "UPDATE erasures SET done = 1, counts_json = ? WHERE session_id = ? AND done = 0",
                (json.dumps(counts), sid),
            )
        errors = tuple(e for e in (remove_folder(Path(f)) for f in plan.folders_removed) if e)
        removed = tuple(f for f in plan.folders_removed if not Path(f).exists())
        return Erasure(
            sid,
            plan.recording,
            analyses,
            events,
            actions,
            removed,
            plan.folders_kept,
            errors,
        )
