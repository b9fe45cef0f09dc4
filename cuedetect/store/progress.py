"""Per-session debrief numbers and a trainee's progress across sessions (pure functions).

Definitions (all on the session's current state: events not rejected by a reviewer):

- An **intervention** is the start of a de-escalation cue (`DEESCALATION_CUES`, i.e. `open_hands`)
  by the person whose role is `trainee`. The **window after an intervention** is
  (start, start + `window_s`], clipped to the video; overlapping windows are merged.
- **Client escalation per minute after interventions** = number of escalation cues
  (`ESCALATION_CUES`, as the catalogue marks them; `too_close` is context there, a state of the pair
  rather than something the client does) by the `client` that *start* inside the merged windows,
  divided by the windows' total length in minutes. The same rate outside the windows is given as the
  baseline to compare with. `None` when there is no window (no intervention) or no time outside them.
- **Time at a safe distance**: `cuedetect.safe_distance.safe_distance_time`, the one definition every page,
  the report and the overlay use (the closest pair at or beyond the safe distance, as a share of the time
  the distance was measured). Given by the caller (it needs the measured distances); `None` without them.
- **Time with open hands** = time covered by the trainee's `open_hands` events.
- **Confirmed counts** = per cue, events a reviewer confirmed, adjusted or added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cuedetect.cue_ids import DEESCALATION_CUES, ESCALATION_CUES  # re-exported for the exports
from cuedetect.safe_distance import SafeDistanceTime
from cuedetect.store.models import CurrentEvent

WINDOW_S = 10.0


def merge(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of intervals as sorted, disjoint intervals."""
    out: list[tuple[float, float]] = []
    for s, e in sorted(intervals):
        if e < s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def covered(intervals: Iterable[tuple[float, float]], lo: float = 0.0, hi: float = float("inf")) -> float:
    """Total length of the union of `intervals` inside [lo, hi]."""
    return sum(max(0.0, min(e, hi) - max(s, lo)) for s, e in merge(intervals))


def _person_with(roles: Mapping[int, str], role: str) -> int | None:
    found = [p for p, r in sorted(roles.items()) if r == role]
    return found[0] if found else None


def session_metrics(
    events: Sequence[CurrentEvent],
    roles: Mapping[int, str],
    duration: float,
    window_s: float = WINDOW_S,
    safe: SafeDistanceTime | None = None,
) -> dict[str, Any]:
    """The debrief numbers of one session (see the module docstring for their definitions)."""
    live = [e for e in events if e.status != "rejected"]
    trainee = _person_with(roles, "trainee")
    client = _person_with(roles, "client")
    windows = merge(
        (e.start, min(e.start + window_s, duration))
        for e in live
        if e.person == trainee and e.cue in DEESCALATION_CUES
    )
    win_len = covered(windows, 0.0, duration)
    client_starts = [e.start for e in live if e.person == client and e.cue in ESCALATION_CUES]
    inside = sum(1 for t in client_starts if any(s < t <= e for s, e in windows))
    outside_len = duration - win_len
    open_hands = covered(
        ((e.start, e.end) for e in live if e.person == trainee and e.cue == "open_hands"), 0.0, duration
    )
    confirmed = Counter(e.cue for e in events if e.status == "confirmed")
    return {
        "duration_s": round(duration, 3),
        "trainee": trainee,
        "client": client,
        "interventions": sum(1 for e in live if e.person == trainee and e.cue in DEESCALATION_CUES),
        "window_s": window_s,
        "time_after_interventions_s": round(win_len, 3),
        "client_escalation_per_min_after_interventions": (
            round(inside / (win_len / 60), 3) if client is not None and win_len > 0 else None
        ),
        "client_escalation_per_min_otherwise": (
            round((len(client_starts) - inside) / (outside_len / 60), 3)
            if client is not None and outside_len > 0 and trainee is not None
            else None
        ),
        "safe_distance_s": safe.safe_s if safe is not None and safe.pct is not None else None,
        "safe_distance_pct": safe.pct if safe is not None else None,
        "safe_distance_m": safe.threshold_m if safe is not None else None,
        "distance_measured_s": safe.measured_s if safe is not None else None,
        "open_hands_s": round(open_hands, 3) if trainee is not None else None,
        "confirmed_counts": dict(sorted(confirmed.items())),
        "events": len(live),
    }


def trainee_progress(per_session: Sequence[tuple[Any, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Rows of a trainee's progress, oldest session first: `per_session` is (session, metrics) pairs."""
    rows = []
    for session, m in sorted(per_session, key=lambda sm: (sm[0].date, sm[0].id)):
        duration = m["duration_s"] or 1.0
        rows.append(
            {
                "session": session.id,
                "date": session.date,
                "scenario": session.scenario,
                "client_escalation_per_min_after_interventions": m[
                    "client_escalation_per_min_after_interventions"
                ],
                "client_escalation_per_min_otherwise": m["client_escalation_per_min_otherwise"],
                "safe_distance_s": m["safe_distance_s"],
                "safe_distance_pct": m.get("safe_distance_pct"),
                "open_hands_s": m["open_hands_s"],
                "open_hands_pct": None
                if m["open_hands_s"] is None
                else round(100 * m["open_hands_s"] / duration, 1),
                "confirmed": sum(m["confirmed_counts"].values()),
                "confirmed_counts": m["confirmed_counts"],
            }
        )
    return rows
