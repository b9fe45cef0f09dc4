"""Pair distances and their SD from hand-made floor tracks (no fitting): which frames pair up, who is
`person` and who `other`, and each term of the distance's uncertainty; and the positions' smoothing
over time (running median, then mean).

The SD of a pair distance adds, in quadrature: the spread of the distance over the posterior draws, each
person's frame-to-frame jitter, and each person's body-size depth error (a share of their range) along
their own viewing ray, projected on the line to the other person.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.pose.filters import nanmedian_last, running_median_mean
from cuedetect.pose.floor import (
    CameraEstimate,
    FloorEstimate,
    FloorPosition,
    FloorTrack,
    pair_distances,
)

CAMERA = CameraEstimate(65.0, 1.0, 10.0, 0.5, 0.0, 1.6, 0.05)


def track(
    person: int, frames: list[int], xy: tuple, draws: list[tuple], jitter: float, rel: float
) -> FloorTrack:
    n = len(frames)
    xy_m = np.tile(np.asarray(xy, float), (n, 1))
    samples = np.stack([np.tile(np.asarray(d, float), (n, 1)) for d in draws])
    return FloorTrack(
        person, np.asarray(frames), np.asarray(frames) / 10.0, xy_m, np.full(n, 0.1), jitter, samples, rel
    )


def test_pair_distance_and_each_term_of_its_sd() -> None:
    # person 5 straight ahead at 2 m, person 2 1.5 m to the right: 2.5 m from the camera
    a = track(5, [0, 1, 2, 3], (0.0, 2.0), [(0.0, 2.0), (0.0, 2.0)], jitter=0.01, rel=0.02)
    b = track(2, [2, 3, 4], (1.5, 2.0), [(1.6, 2.0), (1.4, 2.0)], jitter=0.02, rel=0.02)
    a.xy_m[3] = np.nan  # person 5 not placed in frame 3
    rows = pair_distances(FloorEstimate({5: a, 2: b}, CAMERA, {}))
    assert [(r.frame, r.person, r.other) for r in rows] == [(2, 2, 5)]  # common frames, person < other
    (r,) = rows
    assert r.t == pytest.approx(0.2)
    assert r.distance_m == pytest.approx(1.5)
    draws = 0.1**2  # the draws put them 1.6 and 1.4 m apart
    jitter = 0.01**2 + 0.02**2
    # person 5's depth error runs along y, across the line to person 2: nothing; person 2's runs along
    # its ray (0.6, 0.8), 0.6 of it along the line to person 5: 0.02 x 2.5 m x 0.6
    depth = (0.02 * 2.5 * 0.6) ** 2
    assert r.distance_sd_m == pytest.approx(math.sqrt(draws + jitter + depth))


def test_depth_error_counts_fully_when_the_other_is_straight_behind() -> None:
    a = track(0, [0], (0.0, 2.0), [(0.0, 2.0)], jitter=0.0, rel=0.02)
    b = track(1, [0], (0.0, 3.0), [(0.0, 3.0)], jitter=0.0, rel=0.05)
    (r,) = pair_distances(FloorEstimate({0: a, 1: b}, CAMERA, {}))
    assert r.distance_m == pytest.approx(1.0)
    assert r.distance_sd_m == pytest.approx(math.hypot(0.02 * 2.0, 0.05 * 3.0))


def test_no_common_frames_no_rows_and_positions_per_frame() -> None:
    a = track(0, [0, 1], (0.5, 2.0), [(0.5, 2.0)], jitter=0.0, rel=0.0)
    b = track(1, [5, 6], (1.0, 2.0), [(1.0, 2.0)], jitter=0.0, rel=0.0)
    assert pair_distances(FloorEstimate({0: a, 1: b}, CAMERA, {})) == []
    a.xy_m[1] = (0.7, 2.5)
    a.sd_m[1] = 0.3
    assert a.positions() == [FloorPosition(0.5, 2.0, 0.1), FloorPosition(0.7, 2.5, 0.3)]


@pytest.mark.parametrize(
    ("window", "median"),
    [([4.0, 1.0, 3.0], 3.0), ([4.0, 1.0, 3.0, 2.0], 2.5), ([1.0, np.nan, 5.0, 3.0], 3.0),
     ([np.nan, 7.0, np.nan], 7.0), ([np.nan, np.nan], np.nan), ([1.0, 3.0], 2.0), ([5.0], 5.0)],
)  # fmt: skip
def test_window_median_ignores_missing_positions(window: list, median: float) -> None:
    np.testing.assert_equal(nanmedian_last(np.array([window])), [median])


def test_smoothing_drops_a_one_frame_jump_keeps_a_walk_and_the_gaps() -> None:
    jump = np.zeros((1, 7, 1))
    jump[0, 3] = 9.0  # one bad frame 9 m away
    np.testing.assert_allclose(running_median_mean(jump, 3), 0.0)
    walk = np.arange(7.0).reshape(1, 7, 1)
    walk[0, 5] = np.nan  # not placed in one frame
    out = running_median_mean(walk, 3)[0, :, 0]
    np.testing.assert_allclose(out[1:4], [1.0, 2.0, 3.0], atol=0.2)
    assert np.isnan(out[5]) and np.isfinite(out[[0, 1, 2, 3, 4, 6]]).all()
    np.testing.assert_array_equal(running_median_mean(walk, 1), walk)  # a window of one frame: as it is


def test_a_frame_where_one_is_unplaced_leaves_the_other_frames_sd_alone() -> None:
    """Person 1 straight behind person 0, unplaced in frame 1: frame 0's SD still has both depth terms
    (each person's range is their own, frame by frame)."""
    a = track(0, [0, 1], (0.0, 2.0), [(0.0, 2.0)], jitter=0.0, rel=0.02)
    b = track(1, [0, 1], (0.0, 3.0), [(0.0, 3.0)], jitter=0.0, rel=0.05)
    b.xy_m[1] = np.nan
    (r,) = pair_distances(FloorEstimate({0: a, 1: b}, CAMERA, {}))
    assert (r.frame, r.distance_m) == (0, pytest.approx(1.0))
    assert r.distance_sd_m == pytest.approx(math.hypot(0.02 * 2.0, 0.05 * 3.0))


def test_every_pair_with_common_frames_even_after_a_pair_without() -> None:
    """Persons 0 and 1 never share a frame; 0 and 2, and 1 and 2, do: both of those pairs are listed."""
    a = track(0, [0, 1], (0.0, 2.0), [(0.0, 2.0)], jitter=0.0, rel=0.0)
    b = track(1, [5, 6], (1.0, 2.0), [(1.0, 2.0)], jitter=0.0, rel=0.0)
    c = track(2, [1, 5], (0.0, 4.0), [(0.0, 4.0)], jitter=0.0, rel=0.0)
    rows = pair_distances(FloorEstimate({0: a, 1: b, 2: c}, CAMERA, {}))
    assert [(r.person, r.other, r.frame) for r in rows] == [(0, 2, 1), (1, 2, 5)]
    assert [r.distance_m for r in rows] == pytest.approx([2.0, math.sqrt(5.0)])


def test_tracks_without_posterior_draws_keep_the_other_terms_of_the_sd() -> None:
    a = track(0, [0], (0.0, 2.0), [(0.0, 2.0)], jitter=0.03, rel=0.0)
    b = track(1, [0], (0.0, 3.0), [(0.0, 3.0)], jitter=0.04, rel=0.0)
    a.samples, b.samples = a.samples[:0], b.samples[:0]  # (0, n, 2): no draws
    (r,) = pair_distances(FloorEstimate({0: a, 1: b}, CAMERA, {}))
    assert r.distance_sd_m == pytest.approx(0.05)


def test_positions_refuse_a_track_whose_sds_do_not_match_its_positions() -> None:
    a = track(0, [0, 1], (0.5, 2.0), [(0.5, 2.0)], jitter=0.0, rel=0.0)
    a.sd_m = a.sd_m[:1]
    with pytest.raises(ValueError):
        a.positions()


def test_window_median_is_over_the_last_axis_of_any_shape() -> None:
    windows = np.array([[[4.0, 1.0, 3.0, 2.0], [np.nan, 9.0, 1.0, np.nan]]])  # (1, 2, 4)
    np.testing.assert_array_equal(nanmedian_last(windows), [[2.5, 5.0]])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # medians over 3 (NaN padding ignored): 0.5, 1, 2, 3, 3.5, 5, 6; then means over 3 of those
        ([0.0, 1.0, 2.0, 3.0, 4.0, np.nan, 6.0], [0.75, 3.5 / 3, 2.0, 8.5 / 3, 11.5 / 3, np.nan, 5.5]),
        ([1.0, 3.0], [2.0, 2.0]),  # two frames: each window holds both
        ([4.0], [4.0]),
    ],
)
def test_smoothing_by_hand_at_the_edges(values: list, expected: list) -> None:
    a = np.array(values).reshape(1, -1, 1)
    two = np.concatenate([a, 10 * a], axis=2)  # a second coordinate, ten times the first
    out = running_median_mean(np.concatenate([two, two + 1]), 3)  # and a second draw, shifted by 1
    np.testing.assert_allclose(out[0, :, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(out[0, :, 1], 10 * np.array(expected), rtol=1e-12)
    np.testing.assert_allclose(out[1, :, 0], np.array(expected) + 1, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    window=st.integers(2, 9),
    n=st.integers(2, 30),
    start=st.floats(-5, 5),
    speed=st.floats(-2, 2),
    gap=st.one_of(st.none(), st.integers(0, 29)),
)
def test_smoothing_keeps_a_steady_walk_where_it_is_for_odd_and_even_windows(window, n, start, speed, gap):
    """A steady walk comes out unchanged wherever both windows are full (an even window shifts neither
    late nor early), the shape is kept, and an unplaced frame stays unplaced."""
    walk = (start + speed * np.arange(n, dtype=float)).reshape(1, n, 1)
    if gap is not None and gap < n:
        walk[0, gap] = np.nan
    out = running_median_mean(walk, window)
    assert out.shape == walk.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(walk))
    reach = window - 1  # how far the median and the mean together look back and ahead
    full = [i for i in range(reach, n - reach) if gap is None or abs(i - gap) > reach]
    np.testing.assert_allclose(out[0, full, 0], walk[0, full, 0], atol=1e-9)


@pytest.mark.parametrize(
    ("window", "values", "expected"),
    [
        # medians over this frame and the next: 0.5 1.5 2.5 6.5 10; means over the frame before and this
        (2, [0.0, 1.0, 2.0, 3.0, 10.0], [0.5, 1.0, 2.0, 4.5, 8.25]),
        # medians over 1 back, 2 ahead: 1 1.5 2.5 3.5 4.5 5 5.5; means over 2 back, 1 ahead
        (4, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.25, 5.0 / 3, 2.125, 3.0, 3.875, 4.625, 5.0]),
    ],
)
def test_smoothing_over_an_even_window_by_hand(window: int, values: list, expected: list) -> None:
    out = running_median_mean(np.array(values).reshape(1, -1, 1), window)
    np.testing.assert_allclose(out[0, :, 0], expected, rtol=1e-12)
