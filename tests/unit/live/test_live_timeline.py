"""Windows -> one event log: committing settled frames reproduces the whole-clip answer."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.cues.detect import detect_cues
from cuedetect.cues.events import hysteresis_spans
from cuedetect.cues.settings import CueSettings
from cuedetect.live.agreement import event_agreement
from cuedetect.live.cuework import WindowCues
from cuedetect.live.timeline import CueTimeline, held_events, runs_to_events
from cuedetect.training.synthetic import make_clip

KEY = ("pointing", 0, None)


def _window(events: list[dict], t: np.ndarray) -> WindowCues:
    return WindowCues(float(t[0]), float(t[-1]), t, events, {0: "client"}, [])


@given(
    st.lists(st.booleans(), min_size=1, max_size=80),
    st.floats(0.0, 0.5),
    st.sampled_from([0.04, 0.1]),
)
def test_runs_cover_exactly_the_active_samples(active: list[bool], gap: float, dt: float) -> None:
    samples = [(i * dt, {KEY: (0.9, "e")} if a else {}) for i, a in enumerate(active)]
    events = runs_to_events(samples, CueSettings(merge_gap_s=gap))  # pointing: a brief cue, the plain gap
    for i, a in enumerate(active):
        inside = any(e["start"] - 1e-9 <= i * dt <= e["end"] + 1e-9 for e in events)
        if a:
            assert inside
    for a, b in itertools.pairwise(events):
        assert b["start"] - a["end"] > gap - 1e-9  # closer runs would have been merged
    assert all(e["start"] <= e["end"] for e in events)


def test_short_runs_are_dropped_by_minimum_duration() -> None:
    samples = [(i * 0.1, {KEY: (0.9, "")} if 2 <= i <= 4 else {}) for i in range(10)]
    assert runs_to_events(samples, CueSettings(), {"pointing": 0.5}) == []
    assert len(runs_to_events(samples, CueSettings(), {"pointing": 0.2})) == 1


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([(1.0, True), (2.0, True), (3.0, False)], [(1.0, 3.0)]),  # held until the next answer
        ([(1.0, True), (2.0, False), (3.0, True)], [(1.0, 2.0), (3.0, 4.0)]),  # last one held to the end
        ([(1.0, False)], []),
    ],
)
def test_held_events(states, expected) -> None:
    samples = [(t, {KEY: (0.8, "")} if on else {}) for t, on in states]
    got = [(e["start"], e["end"]) for e in held_events(samples, 4.0)]
    assert got == expected


def test_timeline_commits_only_settled_frames() -> None:
    t = np.arange(0, 5.0, 0.1)
    ev = [{"cue": "pointing", "person": 0, "other": None, "start": 1.0, "end": 4.9, "confidence": 0.9,
           "evidence": "x"}]  # fmt: skip
    tl = CueTimeline(settle_s=1.0)
    tl.absorb(_window(ev, t))
    assert tl.committed_until == pytest.approx(3.9)
    assert tl.active() == {0: ["pointing"]}
    assert [(e["start"], e["end"]) for e in tl.events()] == [(1.0, 3.9)]
    tl.absorb(_window([], t), final=True)  # later evidence: the cue had already ended
    assert [(e["start"], e["end"]) for e in tl.events()] == [(1.0, 3.9)]
    assert tl.active() == {}
    strip = tl.strip_events()
    assert all(not e.get("provisional") for e in strip)


def test_pair_cues_are_shown_for_both_people() -> None:
    t = np.arange(0, 3.0, 0.1)
    ev = [{"cue": "too_close", "person": 0, "other": 1, "start": 0.0, "end": 2.9, "confidence": 1.0,
           "evidence": ""}]  # fmt: skip
    tl = CueTimeline()
    tl.absorb(_window(ev, t))
    assert tl.active() == {0: ["too_close"], 1: ["too_close"]}


def _slice(df, a, b):
    return df[(df["t"] >= a) & (df["t"] <= b)]


@pytest.mark.parametrize("seed", [3])
def test_windows_reproduce_the_whole_clip(seed: int) -> None:
    """The live log from 10 s windows every 1.5 s equals detect_cues on the whole clip (same poses)."""
    clip = make_clip(seed, 12.0)
    poses, pairs = clip.poses, clip.pairs
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = detect_cues(poses, pairs, aspect=clip.aspect, model="baseline")
        times = np.sort(poses["t"].unique())
        tl = CueTimeline(settle_s=1.0)
        last = -1.0
        for i, now in enumerate(times):
            final = i == len(times) - 1
            if now - last < 1.5 and not final:
                continue
            last = now
            win = detect_cues(_slice(poses, now - 10, now), _slice(pairs, now - 10, now), aspect=clip.aspect,
                              model="baseline")  # fmt: skip
            inside = times[(times >= now - 10) & (times <= now)]
            tl.absorb(_window([e.to_dict() for e in win.events], inside), final=final)
    total, _ = event_agreement(tl.events(), [e.to_dict() for e in whole.events], {0: 0, 1: 1})
    assert total.tp + total.fn > 0
    assert total.f1 >= 0.9


@pytest.mark.parametrize(
    ("cue", "hold", "gap", "pieces"),
    [
        ("arms_crossed", 3.0, 1.5, 1),  # a held posture broken for 1.5 s (under held_merge_gap_s 2.0): one
        ("arms_crossed", 3.0, 2.5, 1),  # over 2.0 s but shorter than the 3 s hold before it: one
        ("hands_on_hips", 1.0, 2.5, 2),  # longer than 2.0 s and than the 1 s hold: two
        ("bladed_stance", 6.0, 4.5, 2),  # shorter than the hold but past held_merge_gap_max_s (4.0 s): two
        ("pointing", 3.0, 1.5, 2),  # a brief cue keeps merge_gap_s (0.4 s): two
    ],
)
def test_a_posture_split_at_a_window_edge_merges_as_the_offline_events_do(cue, hold, gap, pieces) -> None:
    """The first window sees the posture's first hold end and commits into the gap; the next (final) one
    no longer sees that hold, only the posture taken again. The live log joins the two pieces exactly when
    the offline detector's merge rule does (the same function): it merged every cue over 0.4 s before."""
    s, dt = CueSettings(), 0.1
    t = np.round(np.arange(0.0, 14.0, dt), 3)
    a0, a1 = 1.0, 1.0 + hold
    b0, b1 = round(a1 + gap, 3), round(a1 + gap + 2.0, 3)

    def ev(start: float, end: float) -> dict:
        return {"cue": cue, "person": 0, "other": None, "start": start, "end": end, "confidence": 0.9,
                "evidence": ""}  # fmt: skip

    tl = CueTimeline(s, settle_s=0.2)
    edge = a1 + 0.6 * gap  # inside the gap: the first window commits up to it, its end 0.2 s later
    tl.absorb(_window([ev(a0, a1)], t[t <= edge + 0.2 + 1e-9]))
    assert tl.committed_until == pytest.approx(edge, abs=0.11)
    tl.absorb(_window([ev(b0, b1)], t[t > a1 + 1e-9]), final=True)
    live = [(e["start"], e["end"]) for e in tl.events()]

    p = ((t >= a0 - 1e-9) & (t <= a1 + 1e-9)) | ((t >= b0 - 1e-9) & (t <= b1 + 1e-9))
    spans = hysteresis_spans(p.astype(float), t, s.on_threshold, s.off_threshold, s.min_duration(cue),
                             s.merge_gap(cue), s.merge_gap_max(cue))  # fmt: skip
    offline = [(round(float(t[i]), 3), round(float(t[j]), 3)) for i, j in spans]
    assert len(offline) == pieces
    assert live == offline
