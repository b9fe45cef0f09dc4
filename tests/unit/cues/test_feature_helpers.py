"""The small time-series helpers under the motion features: frame rate, durations in frames, slopes and
direction reversals.

Mutation testing of features.py found them checked only through whole feature tables; these tables pin
their values at the edges, for each window size, and with missing samples.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.cues.features import _fps, _frames, _reversals, _slope


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 9])
def test_slope_of_a_straight_line_is_its_gradient_everywhere_edges_included(k):
    t = np.arange(12) / 6.0
    np.testing.assert_allclose(_slope(2.5 * t - 1.0, t, k), np.full(12, 2.5))


@pytest.mark.parametrize(
    ("y", "k", "want"),
    [
        # centred over k // 2 samples each side, clipped at the ends (one-sided there)
        ([0, 1, 4, 9, 16], 2, [1.0, 2.0, 4.0, 6.0, 7.0]),
        ([0, 1, 4, 9, 16], 4, [2.0, 3.0, 4.0, 5.0, 6.0]),
        ([0, 1, 4, 9, 16], 1, [1.0, 2.0, 4.0, 6.0, 7.0]),  # at least one sample each side
        ([3, 5], 3, [2.0, 2.0]),
        ([0, np.nan, 4, 9, 16], 2, [np.nan, 2.0, np.nan, 6.0, 7.0]),  # a gap spoils only its neighbours
    ],
)
def test_slope_table(y, k, want):
    t = np.arange(len(y), dtype=float)
    np.testing.assert_allclose(_slope(np.asarray(y, dtype=float), t, k), want)


def test_slope_uses_the_real_times_not_the_sample_count():
    t = np.array([0.0, 0.1, 0.3, 0.6])
    np.testing.assert_allclose(_slope(10 * t, t, 2), np.full(4, 10.0))


@pytest.mark.parametrize("n", [0, 1])
def test_slope_of_fewer_than_two_samples_is_unknown(n):
    out = _slope(np.ones(n), np.arange(n, dtype=float), 3)
    assert out.shape == (n,) and np.isnan(out).all()


@pytest.mark.parametrize(
    ("v", "thr", "want"),
    [
        ([1, 1, -1, -1], 0.5, [0, 0, 1, 0]),
        ([1, 0.2, -0.2, -1], 0.5, [0, 0, 0, 1]),  # slow samples carry the last direction
        ([1, 0, 0, 1], 0.5, [0, 0, 0, 0]),  # a pause is no reversal
        ([-1, 1, -1, 1], 0.5, [0, 1, 1, 1]),
        ([0.6, -0.6], 0.6, [0, 0]),  # exactly at the threshold is slow
        ([0.7, -0.7], 0.6, [0, 1]),
        ([0, 0, 1, -1], 0.5, [0, 0, 0, 1]),  # no direction yet at the start
    ],
)
def test_reversals_table(v, thr, want):
    np.testing.assert_array_equal(_reversals(np.asarray(v, dtype=float), thr), want)


@given(st.lists(st.floats(-5, 5), min_size=1, max_size=40), st.floats(0, 2))
def test_reversals_are_zero_or_one_never_at_the_start_and_symmetric(values, thr):
    v = np.asarray(values)
    r = _reversals(v, thr)
    assert r.shape == v.shape and set(np.unique(r)) <= {0.0, 1.0} and r[0] == 0
    np.testing.assert_array_equal(_reversals(-v, thr), r)  # flipping every sign flips no reversal


@pytest.mark.parametrize(
    ("t", "fps"),
    [
        ([0.0, 0.1, 0.2, 0.3], 10.0),
        ([0.0, 0.0, 0.125, 0.125, 0.25], 8.0),  # repeated timestamps are not steps of zero
        ([0.0, 0.04, 0.08, 0.2], 25.0),  # the median step: one dropped frame does not move it
        ([2.0, 2.0], 25.0),  # no step at all: the default
        ([1.5], 25.0),
        ([], 25.0),
    ],
)
def test_frame_rate_is_one_over_the_median_time_step(t, fps):
    assert _fps(np.asarray(t, dtype=float)) == pytest.approx(fps)


@pytest.mark.parametrize(
    ("seconds", "fps", "frames"),
    [(0.4, 10.0, 4), (0.26, 10.0, 3), (1.0, 25.0, 25), (0.04, 10.0, 1), (0.0, 25.0, 1), (0.3, 2.0, 1)],
)
def test_a_duration_in_frames_is_rounded_and_at_least_one(seconds, fps, frames):
    assert _frames(seconds, fps) == frames


@pytest.mark.parametrize(
    ("y", "want"),
    [
        ([1.0, 2.0, 3.0], [np.inf, 20.0, 10.0]),  # a step over no time: infinitely fast
        ([1.0, 1.0, 3.0], [np.nan, 20.0, 20.0]),  # no step over no time: unknown
    ],
)
def test_slope_over_a_repeated_timestamp_warns_of_nothing(y, want):
    t = np.array([0.0, 0.0, 0.1])  # the first two frames carry the same time
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (divide by zero, invalid value) would fail here
        got = _slope(np.asarray(y), t, 2)
    np.testing.assert_allclose(got, want)
