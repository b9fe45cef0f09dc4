"""The feature table's bookkeeping: its index and columns, the pairs table's distance, direction reversals
(the mutation run on `cues/features.py` found these untested)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.features import (
    _facing,
    _pair_context,
    _reversals,
    build_features,
    feature_columns,
    pair_distances,
)
from cuedetect.cues.settings import CueSettings
from cuedetect.pose.tracked import PersonTrack
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track


def test_no_people_give_an_empty_table_with_every_column() -> None:
    empty = build_features([], None, ASPECT)
    assert len(empty) == 0
    assert list(empty.columns) == ["frame", "t", "person", *feature_columns()]


def test_rows_of_everyone_are_numbered_from_zero() -> None:
    a, b = posed_track(person=0, n=12), posed_track(pos=(1.5, 0.0), person=1, n=12)
    f = build_features([a, b], None, ASPECT)
    assert f.index.tolist() == list(range(24))
    assert f["person"].tolist() == [0] * 12 + [1] * 12


def test_the_pairs_table_distance_is_the_feature_not_the_floor_positions() -> None:
    a = posed_track(pos=(-1.5, 0.0), yaw=0.0, person=0)  # 3 m apart on the floor
    b = posed_track(pos=(1.5, 0.0), yaw=np.pi, person=1)
    pairs = pd.DataFrame({"frame": a.frame, "t": a.t, "person": 1, "other": 0, "distance_m": 0.8})
    f = build_features([a, b], pairs, ASPECT)
    assert f["distance_m"].to_numpy() == pytest.approx(np.full(len(f), 0.8))
    assert build_features([a, b], None, ASPECT)["distance_m"].to_numpy() == pytest.approx(
        np.full(len(f), 3.0), abs=0.05
    )


@pytest.mark.parametrize(
    ("v", "flips"),
    [
        ([0.5, 0.5, -0.5, -0.5, 0.5], [0, 0, 1, 0, 1]),
        ([0.5, 0.1, -0.1, -0.5, 0.0, 0.5], [0, 0, 0, 1, 0, 1]),  # slow stretches keep the last direction
        ([-0.5, -0.3, 0.3, 0.1], [0, 0, 1, 0]),
        ([0.1, -0.1, 0.15, 0.5], [0, 0, 0, 0]),  # never faster than the threshold the other way
    ],
)
def test_reversals_count_each_change_of_direction_above_the_threshold(v, flips) -> None:
    assert _reversals(np.array(v), 0.2).tolist() == flips


def _person(person: int, frames, hips_x: tuple[float, float], floor) -> PersonTrack:
    """Hips at picture x `hips_x` (left, right), on the floor at `floor` (one (x, z) or one per frame)."""
    frames = np.asarray(frames)
    n = len(frames)
    xy = np.full((n, 33, 2), np.nan)
    xy[:, 23], xy[:, 24] = (hips_x[0], 0.6), (hips_x[1], 0.6)
    fl = np.broadcast_to(np.asarray(floor, float), (n, 2)).copy()
    return PersonTrack(person, frames, frames / 10.0, xy, np.ones((n, 33)), np.full((n, 33, 3), np.nan), fl)


def _context(tr, others, dists=None):
    return _pair_context(tr, others, dists or {}, CueSettings(), 10.0)


def test_the_other_side_is_where_the_other_persons_hip_midpoint_is_in_the_picture() -> None:
    # a's hips are wide apart (0.40 and 0.60: midpoint 0.50), b's midpoint is 0.54: b is on a's right
    a, b = _person(0, range(10), (0.40, 0.60), (0, 0)), _person(1, range(10), (0.52, 0.56), (1, 0))
    assert _context(a, [b])["other_side"].tolist() == [1.0] * 10
    assert _context(b, [a])["other_side"].tolist() == [-1.0] * 10


def test_the_other_person_is_matched_by_frame_number() -> None:
    # b is seen from frame 5 on, walking away along x; a stands at the origin
    a = _person(0, range(20), (0.3, 0.4), (0.0, 0.0))
    fb = np.arange(5, 25)
    b = _person(1, fb, (0.6, 0.7), np.stack([1.0 + 0.1 * fb, np.zeros(20)], axis=1))
    ctx = _context(a, [b])
    seen = np.arange(5, 20)
    assert np.isnan(ctx["to_other_x"][:5]).all() and np.isnan(ctx["other_side"][:5]).all()
    assert ctx["to_other_x"][5:] == pytest.approx(1.0 + 0.1 * seen)
    assert ctx["other_side"][5:].tolist() == [1.0] * 15
    dists = {(0, 1): pd.Series(2.0 + 0.01 * fb, index=fb)}
    assert _context(a, [b], dists)["distance"][5:] == pytest.approx(2.0 + 0.01 * seen, abs=0.011)


def test_the_nearest_known_other_is_the_context_and_unknown_distance_is_nan() -> None:
    a = _person(0, range(10), (0.3, 0.4), (0.0, 0.0))
    b = _person(1, range(10), (0.6, 0.7), (0.0, 2.0))  # 2 m ahead
    c = _person(2, range(10), (0.1, 0.2), (np.nan, np.nan))  # somewhere: no floor position
    far = _person(3, range(10), (0.8, 0.9), (3.0, 0.0))
    ctx = _context(a, [b, c, far])
    assert ctx["distance"] == pytest.approx(np.full(10, 2.0))
    assert ctx["to_other_x"] == pytest.approx(np.zeros(10))
    assert ctx["to_other_z"] == pytest.approx(np.full(10, 2.0))
    alone = _context(a, [c])
    assert np.isnan(alone["distance"]).all() and alone["closing_speed"].dtype == float
    assert np.isnan(alone["closing_speed"]).all()


def test_facing_falls_back_to_the_side_the_other_appears_on_without_their_floor_position() -> None:
    # facing along +x; the other is: unknown on the floor but on the right in the picture; at (1, 0) on the
    # floor (the picture's side, wrongly -1 here, is not used); half unknown (z only) and on the left
    one = np.ones(3)
    w = {"w_fwd_x": one, "w_fwd_z": 0 * one, "w_right_x": 0 * one, "w_right_z": -one,
         "w_feet_x": 0 * one, "w_feet_z": 0.2 * one, "w_torso_m": 0.5 * one}  # fmt: skip
    ctx = {"to_other_x": np.array([np.nan, 1.0, np.nan]), "to_other_z": np.array([np.nan, 0.0, 1.0]),
           "other_side": np.array([1.0, -1.0, -1.0])}  # fmt: skip
    f = _facing(w, ctx)
    assert f["face_angle"] == pytest.approx([0.0, 0.0, 180.0])
    assert f["blade_angle"] == pytest.approx([0.0, 0.0, 0.0])
    assert f["feet_along_other"] == pytest.approx([0.0, 0.0, 0.0])


def test_facing_angles_of_a_turned_person() -> None:
    # forward (0.6, 0.8) and right (0.8, -0.6), not unit length; the other at (4, 3): direction (0.8, 0.6)
    w = {"w_fwd_x": np.array([1.2]), "w_fwd_z": np.array([1.6]), "w_right_x": np.array([2.4]),
         "w_right_z": np.array([-1.8]), "w_feet_x": np.array([0.3]), "w_feet_z": np.array([0.1]),
         "w_torso_m": np.array([0.5])}  # fmt: skip
    ctx = {"to_other_x": np.array([4.0]), "to_other_z": np.array([3.0]), "other_side": np.array([1.0])}
    f = _facing(w, ctx)
    assert f["face_angle"] == pytest.approx([np.degrees(np.arccos(0.96))])  # 16.3 degrees off square
    assert f["blade_angle"] == pytest.approx([np.degrees(np.arcsin(0.28))])
    assert f["feet_along_other"] == pytest.approx([0.6])  # (0.3 * 0.8 + 0.1 * 0.6) / 0.5


def test_the_columns_start_with_frame_time_and_person_then_the_track_s_own_values() -> None:
    a = posed_track(person=4, n=6)
    a.frame, a.t = np.arange(30, 36), np.arange(6) / 10.0 + 3.0  # a clip's frames 30-35, from 3 s on
    f = build_features([a], None, ASPECT)
    assert list(f.columns[:3]) == ["frame", "t", "person"]
    assert f["frame"].tolist() == list(range(30, 36)) and f["t"].to_numpy() == pytest.approx(a.t)
    assert f["person"].tolist() == [4] * 6


def test_pair_distances_key_each_unordered_pair_and_average_both_orders() -> None:
    pairs = pd.DataFrame({"frame": [0, 0, 0, 0, 1], "person": [0, 1, 2, 0, 2], "other": [1, 0, 1, 2, 1]})
    pairs["distance_m"] = [1.0, 3.0, 4.0, 5.0, 6.0]
    d = pair_distances(pairs)
    assert sorted(d) == [(0, 1), (0, 2), (1, 2)]
    assert d[(0, 1)].to_dict() == {0: 2.0}  # 1 m one way, 3 m the other: their mean
    assert d[(0, 2)].to_dict() == {0: 5.0}
    assert d[(1, 2)].to_dict() == {0: 4.0, 1: 6.0}


def test_pair_distances_of_one_row_and_of_a_table_without_distances() -> None:
    one = pd.DataFrame({"frame": [7], "person": [3], "other": [1], "distance_m": [1.25]})
    assert {k: v.to_dict() for k, v in pair_distances(one).items()} == {(1, 3): {7: 1.25}}
    assert pair_distances(one.drop(columns="distance_m")) == {}  # a pairs table from before distances
    assert pair_distances(one.iloc[:0]) == {} and pair_distances(None) == {}


def test_of_two_people_exactly_as_near_the_first_is_the_context() -> None:
    # a between b (1 m to the left, listed first) and c (1 m to the right): the same rule every frame
    a = _person(0, range(10), (0.45, 0.55), (0.0, 0.0))
    b = _person(1, range(10), (0.15, 0.25), (-1.0, 0.0))
    c = _person(2, range(10), (0.75, 0.85), (1.0, 0.0))
    for first, second, x, side in ((b, c, -1.0, -1.0), (c, b, 1.0, 1.0)):
        ctx = _context(a, [first, second])
        assert ctx["distance"] == pytest.approx(np.ones(10))
        assert ctx["to_other_x"] == pytest.approx(np.full(10, x))
        assert ctx["other_side"].tolist() == [side] * 10


def _facing_of(fwd, right, to_other, feet=(0.0, 0.0), torso=0.5) -> dict[str, np.ndarray]:
    w = {"w_fwd_x": np.array([fwd[0]]), "w_fwd_z": np.array([fwd[1]]), "w_right_x": np.array([right[0]]),
         "w_right_z": np.array([right[1]]), "w_feet_x": np.array([feet[0]]), "w_feet_z": np.array([feet[1]]),
         "w_torso_m": np.array([torso])}  # fmt: skip
    ctx = {"to_other_x": np.array([to_other[0]]), "to_other_z": np.array([to_other[1]]),
           "other_side": np.array([1.0])}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning (divide by zero, invalid value) would fail here
        return _facing(w, ctx)


@pytest.mark.parametrize(
    ("fwd", "right", "face", "blade"),
    [
        # the other 0.1 m ahead and 0.1 m to the side: a direction whose cosines round to 1 + 2e-16
        ((0.1, 0.1), (0.1, -0.1), 0.0, 0.0),  # facing them square on
        ((-0.1, -0.1), (-0.1, 0.1), 180.0, 0.0),  # back turned
        ((-0.1, 0.1), (0.1, 0.1), 90.0, 90.0),  # side on: the shoulder line points at them
        ((0.1, -0.1), (-0.1, -0.1), 90.0, 90.0),
    ],
)
def test_facing_angles_at_the_ends_of_their_range_are_exact_not_nan(fwd, right, face, blade) -> None:
    f = _facing_of(fwd, right, (0.1, 0.1))
    assert f["face_angle"] == pytest.approx([face], abs=1e-6)
    assert f["blade_angle"] == pytest.approx([blade], abs=1e-6)


def test_facing_someone_at_the_same_spot_or_with_no_torso_warns_of_nothing() -> None:
    same_spot = _facing_of((1.0, 0.0), (0.0, -1.0), (0.0, 0.0))  # no direction to them: unknown
    assert np.isnan(same_spot["face_angle"]).all() and np.isnan(same_spot["blade_angle"]).all()
    no_torso = _facing_of((1.0, 0.0), (0.0, -1.0), (2.0, 0.0), feet=(0.3, 0.0), torso=0.0)
    assert no_torso["face_angle"] == pytest.approx([0.0]) and np.isposinf(no_torso["feet_along_other"]).all()


@pytest.mark.parametrize(
    ("b_hips_x", "side"), [((0.62, 0.72), 1.0), ((0.12, 0.22), -1.0), ((0.40, 0.50), 0.0)]
)
def test_leaning_and_nose_toward_the_other_take_the_side_they_are_on(b_hips_x, side) -> None:
    a = posed_track(person=0, n=8)
    a.xy[:, 11:13, 0] += 0.02  # shoulders shifted right of the hips in the picture: a sideways tilt
    a.xy[:, 0, 0] -= 0.03  # the nose left of the shoulders' middle
    a.xy[:, 23, 0], a.xy[:, 24, 0] = 0.40, 0.50  # hip midpoint at x = 0.45
    b = posed_track(pos=(0.0, 2.0), person=1, n=8)
    b.xy[:, 23, 0], b.xy[:, 24, 0] = b_hips_x  # midpoint right of, left of or level with a's
    f = build_features([a, b], None, ASPECT)
    fa = f[f.person == 0]
    assert (fa["torso_tilt_x"].abs() > 0.01).all() and (fa["nose_x"].abs() > 0.01).all()
    assert fa["tilt_toward_other"].to_numpy() == pytest.approx(side * fa["torso_tilt_x"].to_numpy())
    assert fa["nose_toward_other"].to_numpy() == pytest.approx(side * fa["nose_x"].to_numpy())
