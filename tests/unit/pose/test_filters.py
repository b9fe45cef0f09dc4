"""Cleaning steps: masks, gap interpolation and the One Euro filter, with their processing log."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cuedetect.pose.filters import (
    CleanParams,
    clean_track,
    interpolate_gaps,
    mask_low_visibility,
    one_euro,
)

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
