from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.cues.events import evidence_for, hysteresis_spans, person_events
from cuedetect.cues.settings import CueSettings

T = np.arange(50) / 10.0


def _p(*ranges: tuple[int, int, float]) -> np.ndarray:
    p = np.zeros(50)
    for a, b, v in ranges:
        p[a:b] = v
    return p


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (_p(), []),
        (_p((10, 30, 0.9)), [(10, 29)]),
        (_p((10, 30, 0.5)), []),  # never above "on"
        (_p((10, 20, 0.9), (20, 30, 0.5)), [(10, 29)]),  # stays on above "off"
        (_p((10, 20, 0.9), (22, 30, 0.9)), [(10, 29)]),  # 0.2 s gap merged
        (_p((10, 13, 0.9)), []),  # 0.2 s: shorter than the minimum
        (_p((0, 10, 0.9), (30, 50, 0.9)), [(0, 9), (30, 49)]),
    ],
)
def test_hysteresis(p, expected) -> None:
    assert hysteresis_spans(p, T, 0.6, 0.4, 0.5, 0.4) == expected


@given(st.lists(st.floats(0, 1), min_size=2, max_size=80))
def test_spans_are_ordered_disjoint_and_long_enough(values) -> None:
    p = np.array(values)
    t = np.arange(len(p)) / 10.0
    spans = hysteresis_spans(p, t, 0.6, 0.4, 0.3, 0.2)
    for a, b in spans:
        assert 0 <= a <= b < len(p) and t[b] - t[a] >= 0.3
        assert p[a] > 0.6
    assert all(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))


def test_events_have_evidence_with_numbers_and_duration() -> None:
    n = 60
    t = np.arange(n) / 10.0
    wr = np.where((t > 2) & (t < 4.5), 0.3, -1.0)
    feats = pd.DataFrame(
        {
            "frame": np.arange(n),
            "t": t,
            "person": 1,
            "m_hi_wr_above_sh": wr,
            "m_lo_wr_above_sh": np.full(n, -1.0),
        }
    )
    probs = pd.DataFrame({"hands_raised": (wr > 0).astype(float)})
    (ev,) = person_events(feats, probs, CueSettings())
    assert ev.cue == "hands_raised" and ev.person == 1 and ev.other is None
    assert ev.start == pytest.approx(2.1, abs=0.15) and ev.end == pytest.approx(4.4, abs=0.15)
    assert "higher wrist 0.3 torso-lengths above the shoulder" in ev.evidence
    assert ev.evidence.endswith("s") and " for 2." in ev.evidence
    assert 0.5 < ev.confidence <= 1.0


def test_evidence_without_features_still_says_something() -> None:
    f = pd.DataFrame({"t": [0.0, 0.1]})
    assert evidence_for("pacing", f, np.array([True, True]), 0.1) == "pose matched the cue for 0.1 s"


def test_the_evidence_reads_exactly_the_events_frames_first_and_last_included() -> None:
    """Probability 1 on frames 20-25 only (no smoothing): the event spans them, and the evidence's median
    is over those six frames (0.6). One frame fewer at the end would give 0.4, one more (frame 26 reads
    3.0) 0.7: the boundary frames of the span are neither dropped nor leaked into."""
    n = 40
    t = np.arange(n) / 10.0
    wr = np.full(n, -1.0)
    wr[20:26] = [0.1, 0.3, 0.5, 0.7, 0.9, 1.1]
    wr[26] = 3.0
    feats = pd.DataFrame({"t": t, "person": 2, "m_hi_wr_above_sh": wr})
    p = np.zeros(n)
    p[20:26] = 1.0
    (ev,) = person_events(feats, pd.DataFrame({"hands_raised": p}), CueSettings(prob_smooth_s=0.0))
    assert (ev.start, ev.end) == pytest.approx((2.0, 2.5))
    assert ev.confidence == pytest.approx(1.0)
    assert ev.evidence == "higher wrist 0.6 torso-lengths above the shoulder for 0.5 s"


@pytest.mark.parametrize("rows", [0, 1])
def test_a_person_seen_in_one_frame_or_none_has_no_events_and_no_error(rows: int) -> None:
    """Fewer than two frames give no frame rate and no span: no events, whatever the probabilities say
    (reading the person's id must not index a row that is not there)."""
    feats = pd.DataFrame({"t": np.arange(rows) / 10.0, "person": np.full(rows, 4)})
    probs = pd.DataFrame({"hands_raised": np.ones(rows)})
    assert person_events(feats, probs, CueSettings(min_duration_s={"hands_raised": 0.0})) == []
