"""Boundary tables for every threshold of cue detection: just below, at and just above each setting.

Each table runs against `CueSettings()`'s defaults, so moving a default (or flipping a comparison) fails
here, not only in a slow sample test. Times are dyadic fractions where "at" must be exact.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.cues.events import hysteresis_spans, person_events
from cuedetect.cues.rules import pair_rule_events
from cuedetect.cues.settings import CueSettings
from cuedetect.training.skeleton import posed_track

DEFAULT = CueSettings()


# ---- hysteresis: on / off thresholds -------------------------------------------------------------


@pytest.mark.parametrize(
    ("peak", "on"),
    [
        (DEFAULT.on_threshold - 0.01, False),
        (DEFAULT.on_threshold, False),
        (DEFAULT.on_threshold + 0.01, True),
    ],
)
def test_switches_on_only_above_the_on_threshold(peak: float, on: bool) -> None:
    t = np.arange(20) * 0.125
    p = np.where((t >= 0.5) & (t < 2.0), peak, 0.0)
    spans = hysteresis_spans(p, t, DEFAULT.on_threshold, DEFAULT.off_threshold, 0.5, 0.25)
    assert bool(spans) is on


@pytest.mark.parametrize(
    ("dip", "spans"),
    [
        (DEFAULT.off_threshold - 0.01, [(0, 3), (6, 15)]),  # falls below "off": ends, starts again
        (DEFAULT.off_threshold, [(0, 15)]),  # at "off" it stays on
        (DEFAULT.off_threshold + 0.01, [(0, 15)]),
    ],
)
def test_switches_off_only_below_the_off_threshold(dip: float, spans: list) -> None:
    t = np.arange(16) * 0.125
    p = np.full(16, 0.9)
    p[4:6] = dip  # 0.25 s dip, then 0.75 s gap to merge: merging off (gap 0)
    assert hysteresis_spans(p, t, DEFAULT.on_threshold, DEFAULT.off_threshold, 0.0, 0.0) == spans


# ---- minimum durations, per cue ------------------------------------------------------------------


@pytest.mark.parametrize("cue", sorted(DEFAULT.min_duration_s))
@pytest.mark.parametrize(("delta", "kept"), [(-0.01, False), (0.0, True), (0.01, True)])
def test_minimum_duration_per_cue(cue: str, delta: float, kept: bool) -> None:
    min_dur = DEFAULT.min_duration(cue)
    end = min_dur + delta
    t = np.array([0.0, end / 2, end, end + 0.1, end + 0.2])  # the span is rows 0..2: exactly `end` long
    p = np.array([0.9, 0.9, 0.9, 0.0, 0.0])
    spans = hysteresis_spans(p, t, DEFAULT.on_threshold, DEFAULT.off_threshold, min_dur, DEFAULT.merge_gap_s)
    assert spans == ([(0, 2)] if kept else [])


def test_minimum_durations_are_the_documented_ones() -> None:
    # The per-cue minimums are part of the cue definitions users read in the catalogue.
    assert DEFAULT.min_duration("pacing") == 2.0 and DEFAULT.min_duration("rapid_approach") == 0.3
    assert DEFAULT.min_duration("not_a_cue") == 0.5


# ---- merge gaps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("gap_steps", "merged"), [(3, True), (4, False), (5, False)])
def test_merge_gap_boundary(gap_steps: int, merged: bool) -> None:
    """Two spans `gap_steps` x 0.125 s apart (end of one to start of the next); the merge gap is 0.5 s:
    strictly less merges, equal or more does not."""
    dt = 0.125
    t = np.arange(40) * dt
    p = np.zeros(40)
    p[4:10] = 0.9  # rows 4..9
    p[9 + gap_steps : 9 + gap_steps + 6] = 0.9
    spans = hysteresis_spans(p, t, 0.6, 0.4, 0.0, 0.5)
    if merged:
        assert spans == [(4, 9 + gap_steps + 5)]
    else:
        assert spans == [(4, 9), (9 + gap_steps, 9 + gap_steps + 5)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 0.9]), min_size=2, max_size=60), st.sampled_from([0.0, 0.25, 0.5]))
def test_merged_spans_are_at_least_the_merge_gap_apart(values: list, gap: float) -> None:
    t = np.arange(len(values)) * 0.125
    spans = hysteresis_spans(np.array(values), t, 0.6, 0.4, 0.0, gap)
    for (_, b), (c, _) in itertools.pairwise(spans):
        assert t[c] - t[b] >= gap


# ---- probability smoothing (prob_smooth_s) -----------------------------------------------------


def _person(p: np.ndarray, fps: float = 10.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = np.arange(len(p)) / fps
    feats = pd.DataFrame({"frame": np.arange(len(p)), "t": t, "person": 3})
    return feats, pd.DataFrame({"hands_raised": p})


def test_smoothing_bridges_one_frame_dropouts() -> None:
    """A detector that loses the cue for single frames (p 0.0 between 0.9s) keeps one event: the 0.3 s
    running mean never falls below "off". Without smoothing it would break into pieces."""
    p = np.full(40, 0.9)
    p[[8, 16, 24]] = 0.0
    feats, probs = _person(p)
    events = person_events(feats, probs, CueSettings(merge_gap_s=0.0))
    assert [(e.start, e.end) for e in events] == [(0.0, 3.9)]


def test_smoothing_ignores_a_one_frame_spike() -> None:
    p = np.zeros(40)
    p[20] = 1.0  # averaged over 3 frames: 0.33, below "on"
    feats, probs = _person(p)
    assert person_events(feats, probs, CueSettings(min_duration_s={"hands_raised": 0.0})) == []


def test_smoothing_averages_the_confidence() -> None:
    p = np.zeros(40)
    p[10:20] = 1.0
    feats, probs = _person(p)
    (ev,) = person_events(feats, probs, CueSettings(min_duration_s={"hands_raised": 0.0}))
    # The 3-frame mean ramps 1/3, 2/3, 1 ... 1, 2/3, 1/3: on at the first 2/3, off at the last 1/3.
    assert (ev.start, ev.end) == (1.0, 1.9)
    assert ev.confidence == pytest.approx((8 + 2 * 2 / 3) / 10)


@pytest.mark.parametrize(("smooth_s", "n_events"), [(0.0, 4), (0.3, 1)])
def test_smoothing_window_setting_is_used(smooth_s: float, n_events: int) -> None:
    p = np.full(40, 0.9)
    p[[8, 16, 24]] = 0.0
    feats, probs = _person(p)
    events = person_events(feats, probs, CueSettings(merge_gap_s=0.0, prob_smooth_s=smooth_s,
                                                     min_duration_s={"hands_raised": 0.0}))  # fmt: skip
    assert len(events) == n_events


# ---- too_close: distance ------------------------------------------------------------------------


def _still_pair(n: int = 40):
    a = posed_track(pos=(0.0, 0.0), yaw=0.0, person=0, n=n)
    b = posed_track(pos=(3.0, 0.0), yaw=np.pi, person=1, n=n)
    return a, b


def _pairs(d: np.ndarray, sd: float = 0.05) -> pd.DataFrame:
    n = len(d)
    return pd.DataFrame({"frame": np.arange(n), "t": np.arange(n) / 10.0, "person": 0, "other": 1,
                         "distance_m": d, "distance_sd_m": sd})  # fmt: skip


def _cues(events, cue: str) -> list:
    return [e for e in events if e.cue == cue]


@pytest.mark.parametrize(
    ("d", "close"),
    [(0.5, True), (0.9, True), (0.99, True), (1.0, False), (1.01, False), (1.1, False), (1.3, False)],
)
def test_too_close_distance_boundary(d: float, close: bool) -> None:
    a, b = _still_pair()
    events = pair_rule_events([a, b], _pairs(np.full(40, d)), CueSettings())
    assert bool(_cues(events, "too_close")) is close


@settings(max_examples=40, deadline=None)
@given(st.floats(0.2, 3.0).filter(lambda d: abs(d - DEFAULT.too_close_m) > 1e-6))
def test_too_close_iff_nearer_than_the_setting(d: float) -> None:
    a, b = _still_pair(20)
    events = pair_rule_events([a, b], _pairs(np.full(20, d)), CueSettings())
    assert bool(_cues(events, "too_close")) is (d < DEFAULT.too_close_m)


@pytest.mark.parametrize(
    ("back_to", "n_events"),
    [(1.03, 1), (1.049, 1), (1.06, 2), (1.2, 2)],  # off at 0.05 m beyond the threshold
)
def test_too_close_hysteresis(back_to: float, n_events: int) -> None:
    """0.8 m for 1 s, `back_to` for 1 s (longer than the merge gap), 0.8 m for 1 s."""
    d = np.r_[np.full(10, 0.8), np.full(10, back_to), np.full(10, 0.8)]
    a, b = _still_pair(30)
    assert len(_cues(pair_rule_events([a, b], _pairs(d), CueSettings()), "too_close")) == n_events


@pytest.mark.parametrize(("frames", "kept"), [(5, False), (6, True), (8, True)])
def test_too_close_minimum_duration(frames: int, kept: bool) -> None:
    """Close for `frames` rows at 10 fps: the span is (frames - 1) / 10 s; the minimum is 0.5 s."""
    d = np.r_[np.full(10, 2.0), np.full(frames, 0.7), np.full(12, 2.0)]
    a, b = _still_pair(len(d))
    assert bool(_cues(pair_rule_events([a, b], _pairs(d), CueSettings()), "too_close")) is kept


def test_too_close_setting_moves_the_boundary() -> None:
    a, b = _still_pair()
    assert _cues(
        pair_rule_events([a, b], _pairs(np.full(40, 1.2)), CueSettings(too_close_m=1.4)), "too_close"
    )
    assert not _cues(pair_rule_events([a, b], _pairs(np.full(40, 1.2)), CueSettings()), "too_close")


# ---- rapid_approach: closing speed ----------------------------------------------------------------


def _approach(speed: float, n: int = 40):
    a = posed_track(pos=(0.0, 0.0), yaw=0.0, person=0, n=n)
    b = posed_track(pos=(3.5, 0.0), yaw=np.pi, velocity=(-speed, 0.0), person=1, n=n)
    b.floor[:, 0] = np.maximum(b.floor[:, 0], a.floor[0, 0] + 1.5)  # stops 1.5 m away (never too close)
    return a, b


@pytest.mark.parametrize(
    ("speed", "rapid"),
    [(0.5, False), (0.7, False), (0.75, False), (0.85, True), (0.95, True), (1.0, True), (1.2, True)],
)
def test_closing_speed_boundary(speed: float, rapid: bool) -> None:
    """The default is 0.8 m/s: just below does not fire, just above does."""
    events = pair_rule_events(list(_approach(speed)), None, CueSettings())
    assert bool(_cues(events, "rapid_approach")) is rapid
    assert not _cues(events, "too_close")


def test_closing_speed_evidence_names_the_setting() -> None:
    (ev,) = _cues(pair_rule_events(list(_approach(1.0)), None, CueSettings()), "rapid_approach")
    assert "above 0.8 m/s" in ev.evidence and "closing at up to 1.0 m/s" in ev.evidence


@pytest.mark.parametrize(("threshold", "rapid"), [(0.9, True), (1.1, False)])
def test_closing_speed_setting_moves_the_boundary(threshold: float, rapid: bool) -> None:
    events = pair_rule_events(list(_approach(1.0)), None, CueSettings(closing_speed_mps=threshold))
    assert bool(_cues(events, "rapid_approach")) is rapid


def test_each_cue_uses_its_own_minimum_duration() -> None:
    """A 0.45 s `hands_raised` (minimum 0.4 s) is kept: the fallback minimum of 0.5 s would drop it."""
    p = np.zeros(40)
    p[10:20] = 1.0  # rows 10..19 at 20 fps: 0.45 s
    feats, probs = _person(p, fps=20.0)
    (ev,) = person_events(feats, probs, CueSettings(prob_smooth_s=0.0))
    assert (ev.start, ev.end) == pytest.approx((0.5, 0.95))


def test_two_frames_are_enough_for_an_event() -> None:
    feats, probs = _person(np.array([1.0, 1.0]))
    (ev,) = person_events(feats, probs, CueSettings(min_duration_s={"hands_raised": 0.0}))
    assert (ev.start, ev.end, ev.person) == (0.0, 0.1, 3)


def test_a_calibrated_threshold_switches_its_own_cue_only() -> None:
    """A model's per-cue switch-on level replaces the settings' one for that cue (off keeps the gap)."""
    s = CueSettings(prob_smooth_s=0.0)
    p = np.zeros(30)
    p[5:25] = s.on_threshold - 0.05  # under the default "on", over a calibrated 0.3
    feats, probs = _person(p)
    assert person_events(feats, probs, s) == []
    (ev,) = person_events(feats, probs, s, thresholds={"hands_raised": s.on_threshold - 0.1})
    assert (ev.start, ev.end) == pytest.approx((0.5, 2.4))
    assert person_events(feats, probs, s, thresholds={"pointing": 0.01}) == []


def test_held_postures_merge_across_their_longer_gap() -> None:
    s = CueSettings(prob_smooth_s=0.0)
    assert s.merge_gap("arms_crossed") == s.held_merge_gap_s > s.merge_gap("pointing") == s.merge_gap_s
    assert s.merge_gap_max("arms_crossed") == s.held_merge_gap_max_s and s.merge_gap_max("pointing") is None
    p = np.zeros(60)
    p[5:20] = p[30:45] = 1.0  # 1.0 s apart: longer than the default gap, shorter than the held one
    feats = pd.DataFrame({"frame": np.arange(60), "t": np.arange(60) / 10, "person": 3})
    probs = pd.DataFrame({"arms_crossed": p, "pointing": p})
    events = person_events(feats, probs, s, cues=("arms_crossed", "pointing"))
    assert sorted((e.cue, e.start, e.end) for e in events) == [
        ("arms_crossed", 0.5, 4.4), ("pointing", 0.5, 1.9), ("pointing", 3.0, 4.4)
    ]  # fmt: skip
    assert all(type(e.person) is int and e.person == 3 for e in events)  # a plain int, not numpy's


# A held posture (on for `hold` s), off for `gap` s, on again for 1 s; at the defaults (2.0 s, growing
# with the hold up to 4.0 s) the break joins when shorter than max(2.0, hold) capped at 4.0, strictly.
@pytest.mark.parametrize(
    ("hold", "gap", "merged"),
    [
        (1.0, 1.875, True),  # a short hold: the fixed gap
        (1.0, 2.0, False),  # at the fixed gap: two events
        (1.0, 2.5, False),  # longer than the fixed gap and than the hold
        (3.0, 2.5, True),  # longer than the fixed gap, shorter than the hold (the hands-on-hips take)
        (3.0, 3.0, False),  # as long as the hold
        (6.0, 3.875, True),  # a long hold: up to the cap
        (6.0, 4.0, False),  # at the cap
        (10.0, 5.0, False),  # a long hold does not bridge a break beyond the cap
    ],
)
def test_held_posture_merge_gap_grows_with_the_hold(hold: float, gap: float, merged: bool) -> None:
    s = CueSettings(prob_smooth_s=0.0)
    dt = 0.125
    t = np.arange(0, hold + gap + 3.0, dt)
    p = np.where((t >= 0.5) & (t <= 0.5 + hold), 1.0, 0.0)
    p[(t >= 0.5 + hold + gap) & (t <= 1.5 + hold + gap)] = 1.0
    feats = pd.DataFrame({"frame": np.arange(len(t)), "t": t, "person": 1})
    probs = pd.DataFrame({"hands_on_hips": p, "pointing": p})
    held = [(e.start, e.end) for e in person_events(feats, probs, s, cues=("hands_on_hips",))]
    assert held == (
        [(0.5, 1.5 + hold + gap)] if merged else [(0.5, 0.5 + hold), (0.5 + hold + gap, 1.5 + hold + gap)]
    )
    brief = person_events(feats, probs, s, cues=("pointing",))
    assert len(brief) == 2  # a brief cue's gap never grows


@pytest.mark.parametrize(
    ("pieces", "expected"),
    [
        # the shadow-boxing stance: 0.9, 1.5 and 1.7 s pieces 1.6 and 1.7 s apart are one stance
        ([(0.4, 1.3), (2.9, 4.4), (6.1, 7.8)], [(0.4, 7.8)]),
        # the guard: one piece 1.9 s on, then a 7.3 s break (longer than the 4.5 s hold and the cap)
        ([(0.6, 1.6), (3.5, 5.1), (12.4, 17.5)], [(0.6, 5.1), (12.4, 17.5)]),
        # the hold grows as pieces join: 2.4 s bridged only once the earlier pieces made 3.5 s
        ([(0.0, 1.5), (3.0, 3.5), (5.9, 6.4)], [(0.0, 6.4)]),
        ([(0.0, 1.5), (3.9, 4.4)], [(0.0, 1.5), (3.9, 4.4)]),
    ],
)
def test_held_pieces_chain(pieces: list, expected: list) -> None:
    t = np.round(np.arange(0, 20, 0.1), 1)
    p = np.zeros(len(t))
    for a, b in pieces:
        p[(t >= a) & (t <= b)] = 1.0
    spans = hysteresis_spans(p, t, 0.6, 0.4, 0.0, DEFAULT.held_merge_gap_s, DEFAULT.held_merge_gap_max_s)
    assert [(t[a], t[b]) for a, b in spans] == expected


def test_a_calibrated_threshold_keeps_the_hysteresis_gap_below_it() -> None:
    """Calibrated on 0.35 with the default gap (0.6 - 0.4): off at 0.15, so 0.2 keeps the event on;
    the default off (0.4) would end it there."""
    s = CueSettings(prob_smooth_s=0.0)
    p = np.zeros(30)
    p[5:10], p[10:20] = 0.4, 0.2
    feats, probs = _person(p)
    (ev,) = person_events(feats, probs, s, thresholds={"hands_raised": 0.35})
    assert (ev.start, ev.end) == pytest.approx((0.5, 1.9))
