"""Pose history: time windows as the pose engine's Tracks, in order, without copies leaking."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.live.history import PersonPose, PoseHistory


def _pose(p: int, v: float) -> PersonPose:
    return PersonPose(p, np.full((33, 2), v, np.float32), np.ones(33, np.float32), np.zeros((33, 3)))


@given(st.lists(st.integers(0, 3), min_size=1, max_size=40), st.floats(0, 4), st.floats(0, 4))
def test_window_holds_exactly_the_rows_in_range(people: list[int], a: float, b: float) -> None:
    h = PoseHistory((640, 360))
    for i, n in enumerate(people):
        h.add(i, i * 0.1, [_pose(p, i) for p in range(n)])
    lo, hi = min(a, b), max(a, b)
    w = h.window(lo, hi)
    expect_frames = [i for i in range(len(people)) if lo <= i * 0.1 <= hi]
    assert w.analysed.tolist() == expect_frames
    assert len(w.person) == sum(people[i] for i in expect_frames)
    assert np.all((w.t >= lo) & (w.t <= hi))
    assert w.size == (640, 360)
    if len(w.person):
        assert w.xy.shape == (len(w.person), 33, 2) and w.world.shape == (len(w.person), 33, 3)
        np.testing.assert_array_equal(w.xy[:, 0, 0], w.frame.astype(np.float32))


def test_whole_history_and_last_time() -> None:
    h = PoseHistory((10, 10))
    assert h.window().person.size == 0 and h.last_t == 0.0
    h.add(5, 0.2, [_pose(1, 0.5)])
    h.add(7, 0.3, [])
    assert h.window().analysed.tolist() == [5, 7] and h.last_t == 0.3 and h.frames == 2
