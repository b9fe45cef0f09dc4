"""Exports of a reviewed session (csv, json, eaf, vtt, boris, html) and imports of human coding.

with SessionStore.open(path) as store:
    export_session(store, session_id, "html", Path("debrief.html"))
    import_coding(store, session_id, Path("coder1.eaf"), reviewer="coder1")
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from cuedetect.errors import InputError
from cuedetect.export.rows import SessionExport
from cuedetect.export.transcript import load_words
from cuedetect.store.models import Session
from cuedetect.store.session_store import SessionStore

FORMATS: dict[str, str] = {
    "csv": ".csv",
    "json": ".json",
    "eaf": ".eaf",
    "vtt": ".vtt",
    "boris": ".tsv",
    "boris-table": ".boris.tsv",
    "html": ".html",
}


def _writer(fmt: str) -> Callable[[SessionExport, Path], Path]:
    from cuedetect.export import boris, eaf, html_report, tables, vtt

    return {
        "csv": tables.write_csv,
        "json": tables.write_json_export,
        "eaf": eaf.write_eaf,
        "vtt": vtt.write_vtt,
        "boris": boris.write_boris,
        "boris-table": boris.write_boris_table,
        "html": html_report.write_html,
    }[fmt]


def load_export(store: SessionStore, session_id: int, safe_m: float | None = None) -> SessionExport:
    """A session's export data; `safe_m` is the safe distance (the dashboard's setting; default 1.2 m)."""
    from cuedetect.safe_distance import DEFAULT_SAFE_M
    from cuedetect.store.summary import session_summary

    session = store.session(session_id)
    summary = session_summary(store, session.id, safe_m=DEFAULT_SAFE_M if safe_m is None else safe_m)
    words, note = load_words(words_path(store, session))
    return SessionExport(session, store.state(session.id), summary, words, note)


def words_path(store: SessionStore, session: Session) -> Path | None:
    """The session's words.parquet in its latest results folder, when that folder is still the session's."""
    from cuedetect.store.maintenance import output_status

    analyses = store.analyses(session.id)
    if not analyses:
        return None
    problem = output_status(session, analyses[-1]).problem
    if problem is not None and "re-analysed" not in problem:
        return None
    return Path(analyses[-1].output_dir) / "words.parquet"


def default_path(session_id: int, fmt: str) -> Path:
    return Path(f"session-{session_id}{FORMATS[fmt]}")


def export_session(
    store: SessionStore, session_id: int, fmt: str, out: Path | None = None, safe_m: float | None = None
) -> Path:
    """Write one export; the file appears whole or not at all. Returns its path."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    data = load_export(store, session_id, safe_m)
    path = Path(out) if out is not None else default_path(data.session.id, fmt)
    if path.is_dir():
        path = path / default_path(data.session.id, fmt)
    written = _writer(fmt)(data, path)
    os.chmod(written, 0o644)  # temp files are private; an export is meant to be shared
    return written


def read_coding(store: SessionStore, session_id: int, path: Path) -> list[dict]:
    """Events of a human coding file (.eaf, or a BORIS .tsv/.csv/.txt export), checked against the session."""
    from cuedetect.export.boris import read_boris
    from cuedetect.export.eaf import read_eaf

    session = store.session(session_id)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist")
    if path.suffix.lower() == ".eaf":
        return read_eaf(path, session)
    if path.suffix.lower() in (".tsv", ".csv", ".txt"):
        return read_boris(path, session)
    raise InputError(f"{path.name}: expected an ELAN .eaf or a BORIS .tsv/.csv export")


def import_coding(store: SessionStore, session_id: int, path: Path, reviewer: str) -> list[str]:
    """Add a human coding to a session as `reviewer`'s annotations, in one transaction. Returns the keys."""
    events = read_coding(store, session_id, path)
    done = [
        a
        for a in store.review_log(session_id, reviewer)
        if a.action == "add" and a.payload.get("source") == Path(path).name
    ]
    if done:
        raise InputError(
            f"{reviewer} already imported {Path(path).name} into session {session_id}; "
            "nothing was imported (use another reviewer name for another coding)"
        )
    return store.add_coding(session_id, reviewer, events, source=Path(path).name)
