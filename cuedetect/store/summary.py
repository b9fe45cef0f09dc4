"""Session summary (counts, debrief numbers, agreement) and trainee progress, read from a store."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any

from cuedetect.safe_distance import DEFAULT_SAFE_M, SafeDistanceTime, safe_distance_time
from cuedetect.store.agreement import BIN_S, agreement
from cuedetect.store.models import CurrentEvent, Event
from cuedetect.store.progress import session_metrics, trainee_progress
from cuedetect.store.review import affirmed_events
from cuedetect.store.session_store import SessionStore

MODEL = "model"


def _agreement_table(
    a: list[Any], b: list[Any], duration: float, persons: set[int], bin_s: float
) -> dict[str, Any]:
    cues = {e.cue for e in a} | {e.cue for e in b}
    return {cue: ag.as_dict() for cue, ag in agreement(a, b, duration, persons, cues, bin_s).items()}


def session_agreement(store: SessionStore, session_id: int, bin_s: float = BIN_S) -> dict[str, Any]:
    """Kappa and percent agreement per cue: the model against each reviewer, and each pair of reviewers.

    A reviewer's coding is what they affirmed (confirmed, adjusted or added); the model's coding is the
    current analysis' events as the model put them. Cues neither coding has are left out.
    """
    session = store.session(session_id)
    model: list[Event] = store.model_events(session.id)[0]
    codings: dict[str, list[CurrentEvent]] = {}
    for reviewer in store.reviewers(session.id):
        affirmed = affirmed_events(store.state(session.id, reviewer))
        if affirmed:
            codings[reviewer] = affirmed
    persons = set(session.roles) | {e.person for e in model}
    for coding in codings.values():
        persons |= {e.person for e in coding}
    out: dict[str, Any] = {"bin_s": bin_s, "pairs": []}
    names = [MODEL, *sorted(codings)]
    for x, y in itertools.combinations(names, 2):
        a = model if x == MODEL else codings[x]
        out["pairs"].append(
            {"a": x, "b": y, "per_cue": _agreement_table(a, codings[y], session.duration, persons, bin_s)}
        )
    return out


def session_safe_distance(
    store: SessionStore, session_id: int, safe_m: float = DEFAULT_SAFE_M
) -> SafeDistanceTime | None:
    """Time at a safe distance (`cuedetect.safe_distance`) from the latest analysis' measured distances;
    None when it has none (one person, or no pairs.parquet)."""
    analyses = store.analyses(session_id)
    pairs = Path(analyses[-1].output_dir) / "pairs.parquet" if analyses else None
    if pairs is None or not pairs.is_file():
        return None
    import pandas as pd

    try:
        df = pd.read_parquet(pairs, columns=["t", "distance_m"])
    except (OSError, ValueError, KeyError):
        return None
    return safe_distance_time(df["t"].to_numpy(), df["distance_m"].to_numpy(), safe_m)


def session_summary(
    store: SessionStore, session_id: int, bin_s: float = BIN_S, safe_m: float = DEFAULT_SAFE_M
) -> dict[str, Any]:
    """Everything a debrief needs in numbers, as plain JSON-able data."""
    session = store.session(session_id)
    state = store.state(session.id)
    analyses = store.analyses(session.id)
    status = Counter((e.cue, e.status) for e in state.events)
    per_cue = {
        cue: {st: status[(cue, st)] for st in ("unreviewed", "confirmed", "rejected")}
        for cue in sorted({e.cue for e in state.events})
    }
    return {
        "session": session.id,
        "recording": session.recording_path,
        "date": session.date,
        "scenario": session.scenario,
        "trainee": session.trainee_name,
        "instructor": session.instructor,
        "duration_s": session.duration,
        "roles": {str(k): v for k, v in sorted(state.roles.items())},
        "model_version": analyses[-1].model_version if analyses else None,
        "analyses": len(analyses),
        "events_per_cue": per_cue,
        "from_earlier_analysis": sum(1 for e in state.events if e.origin == "earlier_analysis"),
        "reviewers": store.reviewers(session.id),
        "review_actions": len(store.review_log(session.id)),
        "metrics": session_metrics(
            state.events, state.roles, session.duration, safe=session_safe_distance(store, session.id, safe_m)
        ),
        "agreement": session_agreement(store, session.id, bin_s),
        "analysis_summary": analyses[-1].summary if analyses else {},
    }


def progress(store: SessionStore, trainee: int | str, safe_m: float = DEFAULT_SAFE_M) -> list[dict[str, Any]]:
    """A trainee's debrief numbers across their sessions, oldest first."""
    rows = []
    for session in store.sessions(trainee):
        state = store.state(session.id)
        safe = session_safe_distance(store, session.id, safe_m)
        rows.append((session, session_metrics(state.events, state.roles, session.duration, safe=safe)))
    return trainee_progress(rows)
