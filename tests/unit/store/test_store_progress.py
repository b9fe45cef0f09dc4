"""Debrief numbers and trainee progress: definitions checked on hand-made sessions."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.safe_distance import SafeDistanceTime
from cuedetect.store.models import CurrentEvent, Session
from cuedetect.store.progress import covered, merge, session_metrics, trainee_progress

ROLES = {0: "trainee", 1: "client"}


def ev(
    cue: str, person: int, start: float, end: float, status: str = "unreviewed", other: int | None = None
) -> CurrentEvent:
    return CurrentEvent(f"{cue}{person}{start}", cue, person, other, start, end, None, None, status, "model")  # type: ignore[arg-type]


def test_escalation_rate_after_interventions_hand_computed() -> None:
    # 60 s video; trainee open hands at 10 s and 15 s -> windows (10, 20] and (15, 25]
    # merge to (10, 25]: 15 s.
    # Client escalation starts at 12 and 24 (inside), 40 and 50 (outside), 11 by the trainee (ignored).
    events = [
        ev("open_hands", 0, 10, 12),
        ev("open_hands", 0, 15, 16),
        ev("pointing", 1, 12, 13),
        ev("fists_up", 1, 24, 26),
        ev("pointing", 1, 40, 41),
        ev("pacing", 1, 50, 55),
        ev("pointing", 0, 11, 12),
        ev("pointing", 1, 30, 31, status="rejected"),  # rejected: does not count
    ]
    m = session_metrics(events, ROLES, duration=60.0)
    assert m["time_after_interventions_s"] == pytest.approx(15.0)
    assert m["client_escalation_per_min_after_interventions"] == pytest.approx(2 / (15 / 60))  # 8 per minute
    assert m["client_escalation_per_min_otherwise"] == pytest.approx(2 / (45 / 60), abs=1e-3)
    assert m["interventions"] == 2
    assert m["open_hands_s"] == pytest.approx(3.0)


def test_safe_distance_open_hands_and_confirmed_counts() -> None:
    events = [
        ev("too_close", 0, 5, 10, other=1),
        ev("too_close", 1, 8, 12, other=0),  # union 5..12 = 7 s
        ev("open_hands", 0, 0, 4, status="confirmed"),
        ev("open_hands", 1, 0, 30),  # the client's do not count
        ev("pointing", 1, 1, 2, status="confirmed"),
    ]
    safe = SafeDistanceTime(threshold_m=1.2, safe_s=9.0, measured_s=18.0)
    m = session_metrics(events, ROLES, duration=20.0, safe=safe)
    # the one definition (cuedetect.safe_distance), not the time outside too_close events
    assert m["safe_distance_s"] == pytest.approx(9.0) and m["safe_distance_pct"] == 50.0
    assert m["safe_distance_m"] == 1.2
    assert session_metrics(events, ROLES, duration=20.0)["safe_distance_s"] is None  # no distances
    assert m["open_hands_s"] == pytest.approx(4.0)
    assert m["confirmed_counts"] == {"open_hands": 1, "pointing": 1}
    # window (0, 10] after the trainee's open hands at 0: the client's pointing at 1 s -> 1 per 10 s;
    # too_close is a state of the pair, not the client's cue: it does not count.
    assert m["client_escalation_per_min_after_interventions"] == pytest.approx(6.0)


def test_without_roles_or_interventions_the_numbers_are_none() -> None:
    m = session_metrics([ev("pointing", 0, 1, 2)], {0: "unknown"}, duration=10.0)
    assert m["client_escalation_per_min_after_interventions"] is None
    assert m["safe_distance_s"] is None  # no measured distance
    assert m["open_hands_s"] is None


def test_progress_rows_are_in_date_order() -> None:
    def session(i: int, date: str) -> Session:
        return Session(i, "v.mp4", "x" * 64, 60.0, date, "s", 1, "Sam", None, ROLES, date)

    m = session_metrics([ev("open_hands", 0, 0, 30)], ROLES, 60.0)
    rows = trainee_progress([(session(2, "2026-02-01"), m), (session(1, "2026-01-01"), m)])
    assert [r["session"] for r in rows] == [1, 2]
    assert rows[0]["open_hands_pct"] == pytest.approx(50.0)


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 20)), max_size=20))
def test_merge_is_disjoint_and_covers_the_same_time(spans: list) -> None:
    intervals = [(s, s + d) for s, d in spans]
    merged = merge(intervals)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert covered(merged) == pytest.approx(covered(intervals))
    assert covered(intervals) <= sum(d for _, d in spans) + 1e-9


def test_cue_kinds_and_ids_agree_with_the_catalogue() -> None:
    from cuedetect.cues.catalogue import CATALOGUE
    from cuedetect.store.models import CUES, PAIR_CUES
    from cuedetect.store.progress import DEESCALATION_CUES, ESCALATION_CUES

    assert {c.id for c in CATALOGUE if c.kind == "escalation"} == ESCALATION_CUES
    assert {c.id for c in CATALOGUE if c.kind == "de-escalation"} == DEESCALATION_CUES
    assert set(CUES) == {c.id for c in CATALOGUE}
    assert {c.id for c in CATALOGUE if c.scope == "pair"} == PAIR_CUES
