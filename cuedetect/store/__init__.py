"""Session store: sessions, analyses, events, the append-only review history, agreement and progress.

from cuedetect.store import SessionStore, StoreOptions
with SessionStore.create_from_options(StoreOptions(path=None)) as store:  # data_dir()/cuedetect.sqlite
    ...
"""

from __future__ import annotations

from pathlib import Path

from cuedetect.store.models import (
    CUES,
    PAIR_CUES,
    Analysis,
    CurrentEvent,
    Event,
    Note,
    ReviewAction,
    Session,
    SessionState,
    StoreOptions,
    Trainee,
)
from cuedetect.store.session_store import ImportResult, SessionStore

__all__ = [
    "CUES",
    "PAIR_CUES",
    "Analysis",
    "CurrentEvent",
    "Event",
    "ImportResult",
    "Note",
    "ReviewAction",
    "Session",
    "SessionState",
    "SessionStore",
    "StoreOptions",
    "Trainee",
    "import_analysis",
]


def import_analysis(
    out_dir: str | Path,
    *,
    store_path: str | Path | None = None,
    trainee: str | None = None,
    scenario: str | None = None,
    instructor: str | None = None,
    date: str | None = None,
) -> int:
    """Register the analysis in `out_dir` in the store (default: data_dir()/cuedetect.sqlite).

    Returns the session id. Importing the same analysis again returns the same id and changes nothing.
    """
    options = StoreOptions(path=None if store_path is None else Path(store_path))
    with SessionStore.create_from_options(options) as store:
        return store.import_analysis(
            out_dir, trainee=trainee, scenario=scenario, instructor=instructor, date=date
        ).session_id
