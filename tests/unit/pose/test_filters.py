"""Cleaning steps: masks, gap interpolation and the One Euro filter, with their processing log."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cuedetect.pose.filters import (
    CleanParams,
    StepRecord,
    clean_track,
    clean_tracks,
    interpolate_gaps,
    mask_low_visibility,
    one_euro,
)
from cuedetect.pose.tracked import Tracks

FLOATS = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, width=32)


@st.composite
def tracks(draw: st.DrawFn, max_t: int = 40) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (time, landmarks, dims) track with NaN holes, strictly increasing irregular t, visibilities."""
    n_t = draw(st.integers(1, max_t))
    n_l = draw(st.integers(1, 4))
    n_d = draw(st.sampled_from([2, 3]))
    xy = draw(hnp.arrays(np.float64, (n_t, n_l, n_d), elements=FLOATS))
    holes = draw(hnp.arrays(np.bool_, (n_t, n_l)))
    xy[holes] = np.nan
    steps = draw(hnp.arrays(np.float64, n_t, elements=st.floats(0.01, 0.3)))
    t = np.cumsum(steps)
    vis = draw(hnp.arrays(np.float64, (n_t, n_l), elements=st.floats(0.0, 1.0)))
    return xy, t, vis


def _missing(a: np.ndarray) -> np.ndarray:
    return np.isnan(a).any(axis=-1)


@settings(max_examples=60, deadline=None)
@given(tracks(), st.floats(0.0, 1.0))
def test_mask_marks_exactly_the_low_visibility_points(track, threshold) -> None:
    xy, _, vis = track
    log: list = []
    out = mask_low_visibility(xy, vis, threshold, log)
    assert out.shape == xy.shape
    assert np.array_equal(_missing(out), _missing(xy) | (vis < threshold))
    kept = ~_missing(out)
    assert np.array_equal(out[kept], xy[kept])
    assert log[0].step == "mask_low_visibility"
    assert log[0].n_marked_missing == int((~_missing(xy) & (vis < threshold)).sum())


@settings(max_examples=60, deadline=None)
@given(tracks(), st.floats(0.0, 2.0))
def test_interpolation_only_fills_short_gaps(track, max_gap) -> None:
    xy, t, _ = track
    out = interpolate_gaps(xy, t, max_gap)
    assert out.shape == xy.shape
    miss_in, miss_out = _missing(xy), _missing(out)
    assert not (miss_out & ~miss_in).any(), "interpolation removed a value"
    assert np.array_equal(out[~miss_in], xy[~miss_in]), "interpolation changed a present value"
    for i, j in zip(*np.nonzero(miss_in & ~miss_out), strict=True):
        before = np.flatnonzero(~miss_in[:i, j])
        after = np.flatnonzero(~miss_in[i + 1 :, j])
        assert len(before) and len(after), "filled a leading or trailing gap"
        span = t[i + 1 + after[0]] - t[before[-1]]
        assert span <= max_gap + 1e-12, "filled a gap longer than max_gap_s"


@pytest.mark.parametrize(
    ("values", "t", "max_gap", "expected"),
    [
        ([0.0, np.nan, 2.0], [0.0, 0.1, 0.2], 0.5, [0.0, 1.0, 2.0]),
        ([0.0, np.nan, 2.0], [0.0, 0.15, 0.2], 0.5, [0.0, 1.5, 2.0]),  # time-weighted
        ([0.0, np.nan, np.nan, 3.0], [0.0, 1.0, 2.0, 3.0], 3.0, [0.0, 1.0, 2.0, 3.0]),
        ([0.0, np.nan, np.nan, 3.0], [0.0, 1.0, 2.0, 3.0], 2.9, [0.0, np.nan, np.nan, 3.0]),
        ([np.nan, 1.0, np.nan], [0.0, 0.1, 0.2], 5.0, [np.nan, 1.0, np.nan]),  # edges stay NaN
    ],
)
def test_interpolation_known_values(values, t, max_gap, expected) -> None:
    xy = np.array(values, dtype=float).reshape(-1, 1, 1)
    out = interpolate_gaps(xy, np.array(t), max_gap)
    np.testing.assert_allclose(out[:, 0, 0], expected, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(tracks(), st.floats(0.05, 5.0), st.floats(0.0, 20.0))
def test_one_euro_keeps_shape_and_missing_pattern(track, min_cutoff, beta) -> None:
    xy, t, _ = track
    out = one_euro(xy, t, min_cutoff=min_cutoff, beta=beta)
    assert out.shape == xy.shape
    assert np.array_equal(_missing(out), _missing(xy))
    # Output stays within the range of the input (it is a convex combination of inputs).
    fin = ~_missing(xy)
    if fin.any():
        assert np.nanmin(out) >= np.nanmin(xy) - 1e-9
        assert np.nanmax(out) <= np.nanmax(xy) + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 60), st.floats(-1.0, 1.0), st.floats(0.05, 5.0), st.floats(0.0, 20.0))
def test_constant_signal_stays_constant(n, value, min_cutoff, beta) -> None:
    xy = np.full((n, 3, 2), value)
    t = np.arange(n) / 15.0
    np.testing.assert_allclose(one_euro(xy, t, min_cutoff, beta), xy)
    cleaned, log = clean_track(xy, np.ones((n, 3)), t)
    np.testing.assert_allclose(cleaned, xy)
    assert [r.step for r in log] == ["mask_low_visibility", "interpolate_gaps", "one_euro"]
    assert all(r.n_changed == 0 and r.n_marked_missing == 0 for r in log)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.05, 3.0), st.floats(0.1, 3.0), st.floats(0.0, 10.0), st.sampled_from([10.0, 15.0, 30.0]))
def test_one_euro_lag_on_a_ramp_is_bounded(speed, min_cutoff, beta, fps) -> None:
    """In steady state a first-order low pass lags a ramp by speed * tau, tau = 1 / (2 pi cutoff).

    The paper's speed estimate is (x_i - xhat_(i-1)) / dt = speed + lag / dt, so the steady-state lag is
    the fixed point of lag = speed / (2 pi (min_cutoff + beta (speed + lag / dt))).
    """
    dt = 1 / fps
    t = np.arange(int(fps * 20)) * dt
    xy = (speed * t)[:, None, None]
    out = one_euro(xy, t, min_cutoff=min_cutoff, beta=beta, d_cutoff=1.0)
    lag = xy[-1, 0, 0] - out[-1, 0, 0]
    expected = 0.0
    for _ in range(200):
        expected = speed / (2 * math.pi * (min_cutoff + beta * (speed + expected / dt)))
    assert lag > 0
    assert lag == pytest.approx(expected, rel=0.02, abs=1e-6)
    assert lag <= speed / (2 * math.pi * min_cutoff) + 1e-9


def test_one_euro_restarts_after_a_gap() -> None:
    xy = np.array([0.0, 0.0, 0.0, np.nan, 5.0, 5.0]).reshape(-1, 1, 1)
    out = one_euro(xy, np.arange(6) / 15.0, min_cutoff=0.5, beta=0.0)
    assert np.isnan(out[3, 0, 0])
    assert out[4, 0, 0] == 5.0, "a restarted filter starts at the input, not dragged from before the gap"


def test_one_euro_uses_real_time_steps() -> None:
    """The same jump is smoothed less when more time has passed since the previous sample."""
    xy = np.array([0.0, 1.0]).reshape(-1, 1, 1)
    fast = one_euro(xy, np.array([0.0, 0.01]), min_cutoff=1.0, beta=0.0)[1, 0, 0]
    slow = one_euro(xy, np.array([0.0, 1.0]), min_cutoff=1.0, beta=0.0)[1, 0, 0]
    tau = 1 / (2 * math.pi)
    assert fast == pytest.approx(1 / (1 + tau / 0.01))
    assert slow == pytest.approx(1 / (1 + tau / 1.0))


def test_one_euro_reduces_jitter_at_rest() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(300) / 15.0
    xy = 0.5 + rng.normal(0, 0.005, (300, 33, 2))
    out = one_euro(
        xy,
        t,
        **{k: v for k, v in vars(CleanParams()).items() if k != "visibility_threshold" and k != "max_gap_s"},
    )
    assert np.std(np.diff(out[30:], axis=0)) < 0.5 * np.std(np.diff(xy[30:], axis=0))


@pytest.mark.parametrize(
    "bad",
    [
        {"xy": np.zeros((3, 2)), "t": np.arange(3.0)},
        {"xy": np.zeros((3, 1, 2)), "t": np.array([0.0, 0.0, 1.0])},
        {"xy": np.zeros((3, 1, 2)), "t": np.arange(4.0)},
    ],
)
def test_bad_shapes_and_times_raise(bad) -> None:
    with pytest.raises(ValueError):
        one_euro(bad["xy"], bad["t"])
    with pytest.raises(ValueError):
        interpolate_gaps(bad["xy"], bad["t"])


def test_clean_track_log_counts() -> None:
    t = np.arange(10) / 15.0
    xy = np.tile(np.linspace(0, 1, 10)[:, None, None], (1, 2, 2))
    vis = np.ones((10, 2))
    vis[4, 0] = 0.1  # masked, then filled (short gap)
    vis[0, 1] = 0.1  # masked, stays missing (leading edge)
    out, log = clean_track(xy, vis, t)
    mask, interp, smooth = log
    assert mask.n_marked_missing == 2
    assert interp.n_filled == 1
    assert smooth.n_marked_missing == 0 and smooth.n_changed > 0
    assert np.isnan(out[0, 1]).all() and np.isfinite(out[4, 0]).all()


# Each step's defaults, errors and log, value by value (from mutation testing: docs/mutation/floor.md)


@pytest.mark.parametrize(("v", "masked"), [(0.49, True), (0.5, False), (0.51, False), (np.nan, True)])
def test_mask_default_threshold_and_unknown_visibility(v: float, masked: bool) -> None:
    """The default threshold is 0.5 (a point at exactly 0.5 is kept); a NaN visibility is unknown: masked."""
    xy = np.array([[[0.3, 0.4], [0.6, 0.7]]])
    out = mask_low_visibility(xy, np.array([[1.0, v]]))
    assert np.isnan(out[0, 1]).all() == masked and np.isfinite(out[0, 1]).all() != masked
    np.testing.assert_array_equal(out[0, 0], [0.3, 0.4])


def test_mask_nan_visibility_is_masked_even_at_threshold_zero() -> None:
    out = mask_low_visibility(np.ones((1, 2, 2)), np.array([[np.nan, 0.0]]), threshold=0.0)
    assert np.isnan(out[0, 0]).all() and np.isfinite(out[0, 1]).all()


def test_mask_log_names_its_threshold_and_rejects_a_wrong_vis_shape() -> None:
    log: list = []
    vis = np.ones((2, 3))
    vis[1, 2] = 0.2
    mask_low_visibility(np.ones((2, 3, 2)), vis, 0.7, log)
    assert log[0].params == {"threshold": 0.7} and log[0].n_points == 6
    assert (log[0].n_marked_missing, log[0].n_changed, log[0].n_filled) == (1, 0, 0)  # masked is not changed
    with pytest.raises(ValueError, match=r"^vis must have shape \(2, 3\), got \(2, 2\)$"):
        mask_low_visibility(np.ones((2, 3, 2)), np.ones((2, 2)))


@pytest.mark.parametrize(
    ("values", "t", "expected"),
    [
        # t starting at 1 s and values away from 0: weights are the share of the gap's time elapsed
        ([2.0, np.nan, 4.0], [1.0, 1.1, 1.2], [2.0, 3.0, 4.0]),
        ([2.0, np.nan, np.nan, 8.0], [1.0, 1.1, 1.3, 1.4], [2.0, 3.5, 6.5, 8.0]),
        ([-1.0, np.nan, 1.0], [5.0, 5.05, 5.2], [-1.0, -0.5, 1.0]),
    ],
)
def test_interpolation_away_from_zero(values, t, expected) -> None:
    out = interpolate_gaps(np.array(values).reshape(-1, 1, 1), np.array(t), 0.5)
    np.testing.assert_allclose(out[:, 0, 0], expected)


@pytest.mark.parametrize(("gap_s", "filled"), [(0.39, True), (0.4, True), (0.41, False), (1.2, False)])
def test_interpolation_default_max_gap_is_0_4_s(gap_s: float, filled: bool) -> None:
    xy = np.array([1.0, np.nan, 3.0]).reshape(-1, 1, 1)
    out = interpolate_gaps(xy, np.array([0.0, gap_s / 2, gap_s]))
    assert np.isfinite(out[1, 0, 0]) == filled
    if filled:
        assert out[1, 0, 0] == pytest.approx(2.0)


def test_interpolation_goes_on_past_a_long_gap_and_a_landmark_seen_once() -> None:
    """Landmark 0 is seen once (nothing to fill between); landmark 1 has a long gap, then a short one."""
    t = np.arange(8) * 0.1
    xy = np.full((8, 2, 1), np.nan)
    xy[3, 0] = 5.0
    xy[[0, 6, 7], 1, 0] = [0.0, 6.0, 7.0]  # 0 -> 6: 0.6 s, too long
    xy[5, 1, 0] = np.nan
    xy[4, 1, 0] = 4.0
    log: list = []
    out = interpolate_gaps(xy, t, 0.3, log)
    np.testing.assert_array_equal(out[:, 0, 0], xy[:, 0, 0])
    np.testing.assert_allclose(out[:, 1, 0], [0.0, *[np.nan] * 3, 4.0, 5.0, 6.0, 7.0])
    assert log[0].params == {"max_gap_s": 0.3} and log[0].n_filled == 1 and log[0].n_changed == 1
    assert log[0].n_marked_missing == 0 and log[0].n_points == 16


@settings(max_examples=60, deadline=None)
@given(tracks(), st.floats(0.0, 2.0))
def test_interpolation_fills_every_short_gap(track, max_gap) -> None:
    """The converse of `test_interpolation_only_fills_short_gaps`: no short inner gap is left open."""
    xy, t, _ = track
    out = interpolate_gaps(xy, t, max_gap)
    miss = _missing(xy)
    for j in range(xy.shape[1]):
        seen = np.flatnonzero(~miss[:, j])
        for i0, i1 in itertools.pairwise(seen):
            if i1 > i0 + 1 and t[i1] - t[i0] <= max_gap:
                assert not _missing(out)[i0 + 1 : i1, j].any()


def _alpha_ref(cutoff: float, dt: float) -> float:
    return 1.0 / (1.0 + 1.0 / (2.0 * math.pi * cutoff) / dt)


def test_one_euro_first_step_by_hand_with_the_defaults() -> None:
    """One step from rest with the documented defaults (min_cutoff 0.5 Hz, beta 20, d_cutoff 1 Hz):
    the speed is low-passed from 0, the cutoff rises with it, the output moves that share of the way."""
    xy = np.array([[[0.0]], [[1.0]], [[1.0]]])
    t = np.array([0.0, 0.1, 0.2])
    speed = _alpha_ref(1.0, 0.1) * 10.0  # from a speed of 0 towards (1 - 0) / 0.1
    x1 = _alpha_ref(0.5 + 20.0 * speed, 0.1) * 1.0
    speed2 = speed + _alpha_ref(1.0, 0.1) * ((1.0 - x1) / 0.1 - speed)
    x2 = x1 + _alpha_ref(0.5 + 20.0 * abs(speed2), 0.1) * (1.0 - x1)
    np.testing.assert_allclose(one_euro(xy, t)[:, 0, 0], [0.0, x1, x2], rtol=1e-12)


def test_one_euro_speed_is_the_norm_of_the_velocity() -> None:
    """A point moving diagonally (3, 4) stays on its line: both coordinates get the same smoothing."""
    t = np.arange(6) / 15.0
    xy = (np.arange(6.0)[:, None] * [0.03, 0.04])[:, None, :]
    out = one_euro(xy, t, min_cutoff=0.5, beta=5.0)
    np.testing.assert_allclose(out[:, 0, 1] * 3.0, out[:, 0, 0] * 4.0, rtol=1e-12)
    speed = _alpha_ref(1.0, t[1]) * 0.05 / t[1]  # |(0.03, 0.04)| per frame
    np.testing.assert_allclose(out[1, 0], _alpha_ref(0.5 + 5.0 * speed, t[1]) * np.array([0.03, 0.04]))


@pytest.mark.parametrize(
    "bad", [{"min_cutoff": 0.0}, {"d_cutoff": 0.0}, {"beta": -1.0}, {"min_cutoff": -1.0, "d_cutoff": 1.0}]
)
def test_one_euro_rejects_each_bad_parameter_alone(bad: dict) -> None:
    with pytest.raises(ValueError, match=r"^min_cutoff and d_cutoff must be > 0 and beta >= 0$"):
        one_euro(np.zeros((2, 1, 1)), np.array([0.0, 0.1]), **bad)


def test_clean_track_extends_the_log_it_is_given() -> None:
    log: list = [StepRecord("earlier")]
    out, back = clean_track(np.zeros((3, 1, 2)), None, np.arange(3) / 15.0, log=log)
    assert back is log
    assert [r.step for r in log] == ["earlier", "interpolate_gaps", "one_euro"]  # no vis: no mask step
    np.testing.assert_array_equal(out, 0.0)


def _rows(frames: list[int], person: int, xy: np.ndarray, vis: np.ndarray) -> tuple:
    n = len(frames)
    world = np.tile(np.arange(33.0)[None, :, None] * [0.01, 0.02, 0.03], (n, 1, 1)) + person
    return np.array(frames), np.full(n, person), xy, vis, world


def test_clean_tracks_on_the_analysis_grid() -> None:
    """Person 7 seen at frames 2, 4, 8 of the grid 0, 2, ..., 12 (15 fps): frame 6 is a short gap
    (0.27 s), filled and marked interpolated; person 3 at 0, 6 and 12, invisible at 6 (kept, all NaN), the
    0.8 s between 0 and 12 too long to fill. Rows come out sorted by frame, then person."""
    grid = np.arange(0, 13, 2)
    xy7 = np.zeros((3, 33, 2), np.float32)
    xy7[..., 0] = np.array([0.3, 0.4, 0.6])[:, None] + 0.001 * np.arange(33)
    xy7[..., 1] = 0.5
    xy3 = np.tile(np.stack([np.linspace(0.1, 0.9, 33), np.full(33, 0.2)], -1), (3, 1, 1)).astype(np.float32)
    vis3 = np.ones((3, 33), np.float32)
    vis3[1] = 0.0  # frame 6: nothing visible
    vis3[2, 5] = 0.2  # frame 12: one landmark hidden
    parts = [_rows([2, 4, 8], 7, xy7, np.ones((3, 33), np.float32)), _rows([0, 6, 12], 3, xy3, vis3)]
    frame, person, xy, vis, world = (np.concatenate(c) for c in zip(*parts, strict=True))
    world = world.astype(np.float32)
    video = {
        "appearance": {7: np.ones(4)},
        "size": (640, 480),
        "timings": {"pose": 1.0},
        "calls": {"full": 6},
    }
    tracks = Tracks(grid, grid / 15.0, frame, frame / 15.0, person, xy, vis, world, **video)
    out, logs = clean_tracks(tracks)

    assert list(zip(out.frame.tolist(), out.person.tolist(), strict=True)) == [
        (0, 3), (2, 7), (4, 7), (6, 3), (6, 7), (8, 7), (12, 3)
    ]  # fmt: skip
    np.testing.assert_allclose(out.t, out.frame / 15.0)
    assert out.interpolated.tolist() == [False, False, False, False, True, False, False]
    assert out.person.dtype == np.int64
    assert out.xy.dtype == out.vis.dtype == out.world.dtype == np.float32  # as the container holds them
    # person 7: clean_track on its own stretch of the grid (frames 2..8), the missing frame 6 as NaN
    dense = np.full((4, 33, 2), np.nan)
    dense[[0, 1, 3]] = xy7
    dense_vis = np.full((4, 33), np.nan)
    dense_vis[[0, 1, 3]] = 1.0
    want7, _ = clean_track(dense, dense_vis, np.array([2.0, 4.0, 6.0, 8.0]) / 15.0)
    np.testing.assert_allclose(out.xy[out.person == 7], want7.astype(np.float32))
    assert 0.4 < want7[2, 0, 0] < 0.6  # the filled frame lies between its neighbours
    # vis and world pass through; a filled row has none
    np.testing.assert_array_equal(out.vis[[1, 2, 5]], 1.0)
    assert np.isnan(out.vis[4]).all() and np.isnan(out.world[4]).all()
    np.testing.assert_array_equal(out.world[[1, 2, 5]], world[:3])
    # person 3: two lone frames (a restarted filter outputs its input), the invisible frame all NaN
    np.testing.assert_array_equal(out.xy[0], xy3[0])
    assert np.isnan(out.xy[3]).all() and np.isnan(out.xy[6, 5]).all()
    np.testing.assert_array_equal(np.delete(out.xy[6], 5, axis=0), np.delete(xy3[2], 5, axis=0))
    np.testing.assert_array_equal(out.vis[[0, 3, 6]], vis3)
    # what belongs to the video is kept
    np.testing.assert_array_equal(out.analysed, grid)
    np.testing.assert_array_equal(out.analysed_t, grid / 15.0)
    assert (out.size, out.timings, out.calls) == ((640, 480), {"pose": 1.0}, {"full": 6})
    assert list(out.appearance) == [7]
    # each person's log: the stretch of grid it spans (3: 7 frames, 7: 4 frames), 33 landmarks each
    assert sorted(logs) == [3, 7]
    assert [r["step"] for r in logs[3]] == ["mask_low_visibility", "interpolate_gaps", "one_euro"]
    assert [r["n_points"] for r in logs[3]] == [7 * 33] * 3 and logs[7][0]["n_points"] == 4 * 33
    assert logs[3][0]["n_marked_missing"] == 33 + 1 and logs[3][1]["n_filled"] == 0
    assert logs[7][1]["n_filled"] == 33 and logs[7][0]["params"] == {"threshold": 0.5}


def test_clean_tracks_of_nobody_returns_them_as_they_are() -> None:
    empty = Tracks.empty((320, 240))
    out, logs = clean_tracks(empty)
    assert out is empty and logs == {}


def test_times_are_checked_with_their_own_messages_even_two_of_them() -> None:
    with pytest.raises(ValueError, match=r"^t must be strictly increasing$"):
        one_euro(np.zeros((2, 1, 1)), np.array([0.5, 0.2]))
    with pytest.raises(ValueError, match=r"^t must be strictly increasing$"):
        interpolate_gaps(np.zeros((2, 1, 1)), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match=r"^t must have shape \(3,\), got \(2,\)$"):
        interpolate_gaps(np.zeros((3, 1, 1)), np.array([0.0, 0.1]))


def test_times_are_read_at_full_precision_whatever_their_dtype() -> None:
    """float32 times mean the same seconds as in float64: a float32 gap of 0.4 (0.40000000596 s) is
    longer than 0.4 s and stays open, as the same times in float64 do."""
    t32 = np.array([0.0, 0.2, 0.4], np.float32)
    xy = np.array([1.0, np.nan, 3.0]).reshape(-1, 1, 1)
    same = interpolate_gaps(xy, t32.astype(np.float64), 0.4)
    np.testing.assert_array_equal(interpolate_gaps(xy, t32, 0.4), same)
    assert np.isnan(same[1]).all()


def test_one_euro_log_names_its_parameters() -> None:
    log: list = []
    one_euro(np.zeros((3, 2, 2)), np.arange(3) / 15.0, 0.7, 3.0, 1.5, log)
    assert log[0].step == "one_euro" and log[0].params == {"min_cutoff": 0.7, "beta": 3.0, "d_cutoff": 1.5}
    assert log[0].n_points == 6 and log[0].n_changed == 0


def test_one_euro_log_counts_only_the_points_it_moved() -> None:
    """Landmark 0 stands still, landmark 1 moves: the filter changes landmark 1 after its first frame
    (lag), nothing else."""
    xy = np.zeros((3, 2, 2))
    xy[:, 1, 0] = [0.0, 1.0, 2.0]
    log: list = []
    one_euro(xy, np.arange(3) / 15.0, log=log)
    assert (log[0].n_changed, log[0].n_marked_missing, log[0].n_filled) == (2, 0, 0)


def test_integer_coordinates_are_cleaned_as_floats() -> None:
    """Pixel coordinates as integers: masked and filled like floats (NaN needs a float array)."""
    xy = np.array([[[10, 20]], [[30, 40]], [[50, 60]]])
    masked = mask_low_visibility(xy, np.array([[1.0], [0.1], [1.0]]))
    assert masked.dtype == np.float64 and np.isnan(masked[1]).all()
    np.testing.assert_array_equal(interpolate_gaps(masked, np.arange(3) / 15.0)[1, 0], [30.0, 40.0])
    np.testing.assert_array_equal(one_euro(xy, np.arange(3) / 15.0)[0, 0], [10.0, 20.0])


def test_a_track_of_the_wrong_shape_is_named_in_the_error() -> None:
    with pytest.raises(
        ValueError, match=r"^expected an array of shape \(time, landmarks, dims\), got \(3, 2\)$"
    ):
        mask_low_visibility(np.zeros((3, 2)), np.ones((3, 2)))


def test_float32_visibilities_are_compared_at_full_precision() -> None:
    """float32(0.7) is 0.69999999: under a threshold of 0.7 in any dtype, so masked."""
    out = mask_low_visibility(np.ones((1, 2, 2)), np.array([[0.7, 1.0]], np.float32), 0.7)
    assert np.isnan(out[0, 0]).all() and np.isfinite(out[0, 1]).all()
