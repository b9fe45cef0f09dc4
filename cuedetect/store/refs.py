"""Naming a session on the command line: its id, its recording's name, or "latest".

Ids are per store, so "session 1" on one machine is someone else's recording on another; the
recording's name (`standoff` or `standoff.mp4`) and "latest" mean the same thing everywhere.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from cuedetect.errors import InputError

if TYPE_CHECKING:
    from cuedetect.store.session_store import SessionStore

LATEST = "latest"
REF_HELP = "Session: its number, its recording's name (e.g. standoff) or 'latest'."


def _names(recording_path: str) -> set[str]:
    path = PurePath(recording_path)
    return {path.name.casefold(), path.stem.casefold()}


def resolve_session(store: SessionStore, ref: int | str) -> int:
    """The id of the session `ref` names.

    Args:
        store: an open session store.
        ref: a session id (int or digits), "latest" (the session analysed most recently), or a
            recording's file name with or without its extension (case-insensitive; when different
            recordings share the name, the one analysed most recently).

    Raises:
        InputError: no session answers to `ref`.
    """
    text = str(ref).strip()
    if text.isdigit():
        return store.session(int(text)).id
    sessions = store.sessions()
    if not sessions:
        raise InputError("there are no sessions yet: `cuedetect analyze VIDEO --out DIR` adds one")
    if text.casefold() == LATEST:
        return store.latest_session_id()
    wanted = text.casefold()
    found = [s.id for s in sessions if wanted in _names(s.recording_path)]
    if found:  # several recordings of that name (say, a re-rendered sample): the one analysed last
        return store.latest_session_id(among=found)
    names = ", ".join(sorted({PurePath(s.recording_path).stem for s in sessions})[:8])
    raise InputError(
        f"no session {text!r}: give a number, a recording's name ({names}) or 'latest' "
        "(see `cuedetect sessions`)"
    )
