"""Windows -> one event log: committing settled frames reproduces the whole-clip answer."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.cues.detect import detect_cues
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
    events = runs_to_events(samples, gap)
    for i, a in enumerate(active):
        inside = any(e["start"] - 1e-9 <= i * dt <= e["end"] + 1e-9 for e in events)
        if a:
            assert inside
    for a, b in itertools.pairwise(events):
        assert b["start"] - a["end"] > gap - 1e-9  # closer runs would have been merged
    assert all(e["start"] <= e["end"] for e in events)


def test_short_runs_are_dropped_by_minimum_duration() -> None:
    samples = [(i * 0.1, {KEY: (0.9, "")} if 2 <= i <= 4 else {}) for i in range(10)]
    assert runs_to_events(samples, 0.05, {"pointing": 0.5}) == []
    assert len(runs_to_events(samples, 0.05, {"pointing": 0.2})) == 1


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
