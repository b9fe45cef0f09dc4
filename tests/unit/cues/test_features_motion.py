"""The motion features of `person_features`, from hand-made movements whose values follow from the
definitions: hip speed on the floor and in the picture, wrist speed, the higher wrist's rise, pacing
reversals, the long-window speed and moving fraction, and the 1 s / brief windows' alignment.

Mutation testing of `cues/features.py` found these computed but never checked against a known answer.
At 10 fps the motion smoothing is a 4-frame running median and a slope over 2 frames each side (0.4 s);
in the middle of a steady movement both reproduce it exactly.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cuedetect.cues.features import _slope, build_features, person_features
from cuedetect.cues.geometry import rolling_median
from cuedetect.cues.settings import CueSettings
from cuedetect.landmarks import INDEX
from cuedetect.pose.tracked import PersonTrack
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track

L_WRIST, R_WRIST = INDEX["left_wrist"], INDEX["right_wrist"]


def _torso(tr: PersonTrack) -> float:
    """The picture's torso length (shoulder midpoint to hip midpoint, x in the same units as y)."""
    p = tr.xy[0] * np.array([ASPECT, 1.0])
    return float(np.linalg.norm((p[11] + p[12]) / 2 - (p[23] + p[24]) / 2))


def _features(tr: PersonTrack):
    return build_features([tr], None, ASPECT)


def _triangle(t: np.ndarray, speed: float, period: float = 2.0) -> np.ndarray:
    """Back and forth at `speed`, turning every half period (first turn at period / 2)."""
    phase = (t % period) / period
    return np.where(phase < 0.5, phase, 1.0 - phase) * period * speed


@pytest.mark.parametrize("v", [(0.8, 0.0), (0.0, 0.6), (0.3, 0.4)])
def test_hip_speed_of_a_steady_walk_on_the_floor(v) -> None:
    tr = posed_track(n=80)
    tr.floor = np.array([1.0, 3.0]) + np.outer(tr.t, v)  # the picture stays still: the floor decides
    f = _features(tr)
    speed = float(np.hypot(*v))
    assert f["hip_speed"].to_numpy()[5:75] == pytest.approx(np.full(70, speed))
    # 4 s windows at frame 40 hold only frames of the steady walk
    assert f["mean_speed_long"][40] == pytest.approx(speed) and f["moving_frac_long"][40] == 1.0
    assert (f["reversals"] == 0).all()


@pytest.mark.parametrize(("per_frame", "moving"), [(8, 0.0), (9, 1.0), (7, 0.0), (10, 1.0)])
def test_moving_means_faster_than_a_quarter_metre_per_second(per_frame, moving) -> None:
    # 8 fps and steps of per_frame / 256 m keep the arithmetic exact: 8 / 256 m per frame is 0.25 m/s
    tr = posed_track(n=64, fps=8.0)
    tr.floor = np.stack([np.arange(64) * per_frame / 256, np.zeros(64)], axis=1)
    f = _features(tr)
    assert f["hip_speed"][32] == per_frame / 32
    assert f["moving_frac_long"][32] == moving


def test_without_a_floor_position_hip_speed_is_half_the_picture_speed_in_torso_lengths() -> None:
    tr = posed_track(n=40)
    tr.floor[:] = np.nan
    tr.xy[..., 0] += 0.005 * np.arange(40)[:, None]  # the whole body slides right, 0.05 widths/s
    f = _features(tr)
    want = 0.5 * 0.05 * ASPECT / _torso(tr)
    assert f["hip_speed"].to_numpy()[5:35] == pytest.approx(np.full(30, want))


@pytest.mark.parametrize(("wrist", "axis"), [(L_WRIST, 0), (R_WRIST, 0), (L_WRIST, 1), (R_WRIST, 1)])
def test_wrist_speed_of_a_short_jab(wrist, axis) -> None:
    # one wrist jumps 0.06 (picture widths or heights) for 0.6 s and back; the 4-frame median keeps a
    # 6-frame movement (a longer one would wash it out), and the slope sees it over 0.4 s
    tr = posed_track(n=40)
    tr.xy[20:26, wrist, axis] += 0.06
    f = _features(tr)
    scale = ASPECT if axis == 0 else 1.0
    speed = f["wrist_speed"].to_numpy()
    assert speed.max() == pytest.approx(0.06 * scale / _torso(tr) / 0.4)
    assert speed[:14] == pytest.approx(np.zeros(14)) and speed[32:] == pytest.approx(np.zeros(8))


def test_a_half_second_raise_and_its_brief_windows() -> None:
    tr = posed_track(n=40)
    tr.xy[20:25, L_WRIST, 1] -= 0.5  # the left wrist well above the shoulder for 5 frames (0.5 s)
    f = _features(tr)
    above = f["hi_wr_above_sh"].to_numpy()
    low, high = above[10], above[22]
    assert high > low + 1.0 and above[20:25] == pytest.approx(np.full(5, high))
    # rise: a 2-frame median (the mean of this frame and the one before), sloped over 1 frame each side
    rise = f["hi_wr_rise"].to_numpy()
    assert rise.max() == pytest.approx((high - low) / 0.2) and rise.argmax() == 20
    assert rise.min() == pytest.approx(-(high - low) / 0.2) and rise.argmin() == 25
    # centred windows at frame 20: the 1 s mean over frames 15-24, the brief (0.3 s) mean over 19-21; the
    # 1 s peak at frame 16 spans 11-20 (the raise's first frame), at frame 15 it spans 10-19
    assert f["m_hi_wr_above_sh"][20] == pytest.approx((low + high) / 2)
    assert f["b_hi_wr_above_sh"][20] == pytest.approx((low + 2 * high) / 3)
    assert f["x_hi_wr_above_sh"][16] == pytest.approx(high)
    assert f["x_hi_wr_above_sh"][15] == pytest.approx(low)


def test_one_frame_has_its_own_values_as_window_means() -> None:
    tr = posed_track("raised_up", "neutral", n=1)
    f = _features(tr)
    assert len(f) == 1 and f["reversals"][0] == 0 and f["moving_frac_long"][0] == 0
    for col in ("hi_wr_above_sh", "wrists_apart"):
        assert f[f"m_{col}"][0] == f[col][0] and f[f"b_{col}"][0] == f[col][0]
    assert f["x_hi_wr_above_sh"][0] == f["hi_wr_above_sh"][0]


def test_a_track_without_frames_gives_no_rows_every_column_and_no_warning() -> None:
    tr = posed_track(n=3)
    empty = PersonTrack(0, tr.frame[:0], tr.t[:0], tr.xy[:0], tr.vis[:0], tr.world[:0], tr.floor[:0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing to average is no reason to warn (a mean of nothing would)
        f = person_features(empty, [], {}, ASPECT, CueSettings())
    assert len(f) == 0 and list(f.columns) == list(person_features(tr, [], {}, ASPECT, CueSettings()).columns)


def test_coming_nearer_for_a_second_keeps_the_body_s_proportions() -> None:
    # the whole body 1.5x larger in the picture (about the hips) for 1.2 s: the torso scale (a 2 s
    # median) follows it, so shape features stay what they were
    tr = posed_track("raised_up", "neutral", n=60)
    hip = (tr.xy[:, 23] + tr.xy[:, 24]) / 2
    tr.xy[24:36] = hip[24:36, None] + 1.5 * (tr.xy[24:36] - hip[24:36, None])
    f = _features(tr)
    for col in ("hi_wr_above_sh", "shoulder_width"):
        assert f[col][30] == pytest.approx(f[col][5])


@pytest.mark.parametrize("axis", [0, 1])
def test_pacing_on_the_floor_counts_the_turns_in_a_centred_four_second_window(axis) -> None:
    # 1 m/s back and forth along one floor axis, turning every second (frames 10, 20, ...); each turn is
    # counted once the smoothed velocity has passed -0.2 m/s the other way, one frame after it
    tr = posed_track(n=80)
    tr.floor[:, axis] = _triangle(tr.t, 1.0)
    f = _features(tr)
    rev = f["reversals"].to_numpy()
    assert rev[35] == 4  # frames 15-54: turns at 20, 30, 40, 50
    assert rev[5] == 2 and rev[0] == 1  # frames 0-24 and 0-19: the window is cut at the start


def test_pacing_in_the_picture_without_a_floor_position() -> None:
    tr = posed_track(n=80)
    tr.floor[:] = np.nan
    base = tr.xy.copy()
    width = _torso(tr) / ASPECT  # one torso length across, in picture widths

    def pace(speed: float) -> np.ndarray:  # torso lengths per second
        tr.xy = base.copy()
        tr.xy[..., 0] += _triangle(tr.t, speed * width)[:, None]
        return _features(tr)["reversals"].to_numpy()

    assert pace(2.0)[35] == 4  # read at half the picture speed: 1 a second, above 0.2
    assert (pace(0.3) == 0).all()  # 0.15 a second: swaying, not pacing


@pytest.mark.parametrize(("known", "turns"), [(20, False), (22, True)])
def test_pacing_is_read_from_the_floor_only_where_its_speed_is_known_on_over_half_the_frames(known, turns):
    # The floor (pacing, turns every 0.5 s) is known on the first `known` of 40 frames; the picture is
    # still. With 20 known, the smoothed floor slope is known on frames 0-19: exactly half, so not used.
    tr = posed_track(n=40)
    tr.floor[:, 0] = _triangle(tr.t, 1.0, period=1.0)
    tr.floor[known:] = np.nan
    rev = _features(tr)["reversals"].to_numpy()
    assert (rev.max() > 0) == turns


def test_a_floor_position_known_on_one_axis_only_is_an_unknown_speed() -> None:
    tr = posed_track(n=40)
    tr.floor[:, 0] = _triangle(tr.t, 1.0)
    tr.floor[:, 1] = np.nan
    f = _features(tr)
    assert f["hip_speed"].isna().all() and len(f) == 40


def test_pacing_along_two_floor_axes_that_move_equally_is_read_along_x() -> None:
    # x: out for 1 s, back for 1 s, out for 3 s, back (turns at frames 8, 16, 40); z: the same walk
    # backwards in time (turns at 23, 47, 55). At 8 fps with 1/8 m steps the smoothed velocities are
    # exact and the two axes' variances exactly equal: the tie goes to x.
    n = 64
    tr = posed_track(n=n, fps=8.0)
    out = (np.arange(n) < 8) | ((np.arange(n) >= 16) & (np.arange(n) < 40))
    x = np.concatenate([[0.0], np.cumsum(np.where(out, 0.125, -0.125)[:-1])])
    tr.floor = np.stack([x, x[::-1]], axis=1)
    vx, vz = (_slope(rolling_median(tr.floor[:, i], 3), tr.t, 3) for i in (0, 1))
    assert np.nanvar(vx) == np.nanvar(vz) and not np.array_equal(np.abs(vx), np.abs(vz))
    rev = _features(tr)["reversals"].to_numpy()
    # each turn counts one frame after it (x: 9, 17, 41); the centred 4 s window spans frames i-16..i+15
    assert rev[12] == 2 and rev[40] == 1 and rev[58] == 0
