"""The Library page's rows: one per session with its headline numbers; search and filter (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cuedetect.safe_distance import DEFAULT_SAFE_M, SafeDistanceTime
from cuedetect.store.models import CurrentEvent, Session
from cuedetect.store.progress import DEESCALATION_CUES, ESCALATION_CUES

REVIEW_STATUSES = ("not reviewed", "in review", "reviewed")


@dataclass(frozen=True)
class LibraryRow:
    session: int
    trainee: str
    date: str
    scenario: str
    length_s: float
    review_status: str
    events: int
    escalation: int
    deescalation: int
    confirmed: int
    rejected: int
    safe_distance_pct: float | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def review_status(events: Sequence[CurrentEvent], actions: int) -> str:
    """`not reviewed` (nobody acted), `reviewed` (every event confirmed or rejected), else `in review`."""
    if actions == 0:
        return "not reviewed"
    if all(e.status != "unreviewed" for e in events):
        return "reviewed"
    return "in review"


def library_row(
    session: Session, events: Sequence[CurrentEvent], actions: int, safe: SafeDistanceTime | None = None
) -> LibraryRow:
    """Headline numbers of one session from its current events (rejected ones do not count) and its time
    at a safe distance (`cuedetect.safe_distance`; None when the distance was not measured)."""
    live = [e for e in events if e.status != "rejected"]
    return LibraryRow(
        session=session.id,
        trainee=session.trainee_name or "",
        date=session.date or "",
        scenario=session.scenario or "",
        length_s=round(session.duration, 1),
        review_status=review_status(events, actions),
        events=len(live),
        escalation=sum(1 for e in live if e.cue in ESCALATION_CUES),
        deescalation=sum(1 for e in live if e.cue in DEESCALATION_CUES),
        confirmed=sum(1 for e in events if e.status == "confirmed"),
        rejected=sum(1 for e in events if e.status == "rejected"),
        safe_distance_pct=safe.pct if safe is not None else None,
    )


def load_rows(store: Any, safe_m: float = DEFAULT_SAFE_M) -> list[LibraryRow]:
    """Rows for every session in a `SessionStore`, newest first."""
    from cuedetect.store.summary import session_safe_distance

    rows = []
    for s in store.sessions():
        state = store.state(s.id)
        safe = session_safe_distance(store, s.id, safe_m)
        rows.append(library_row(s, state.events, len(store.review_log(s.id)), safe))
    return sorted(rows, key=lambda r: (r.date, r.session), reverse=True)


def filter_rows(
    rows: Iterable[LibraryRow],
    query: str = "",
    trainees: Sequence[str] = (),
    statuses: Sequence[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[LibraryRow]:
    """Rows matching every given filter. `query` matches trainee, scenario, date or `#id`, any case;
    several words must all match."""
    words = [w for w in query.lower().split() if w]
    out = []
    for r in rows:
        text = f"{r.trainee} {r.scenario} {r.date} #{r.session}".lower()
        if any(w not in text for w in words):
            continue
        if trainees and r.trainee not in trainees:
            continue
        if statuses and r.review_status not in statuses:
            continue
        if date_from and r.date < date_from:
            continue
        if date_to and r.date > date_to:
            continue
        out.append(r)
    return out


def fmt_length(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss`) for a duration in seconds."""
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
