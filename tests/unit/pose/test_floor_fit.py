"""The body model and camera geometry behind the floor fit (`cuedetect.pose.floor_fit`), function by
function, on hand-made inputs whose answers are worked out from the definitions: the skeleton's joints
(Drillis & Contini), the stature implied by segment lengths, the hip translation as a weighted least
squares problem, the rotations, the floor's up vector and the image of the vertical.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cuedetect.landmarks import INDEX
from cuedetect.pose.floor_fit import (
    MP_SHAPE,
    hip_translation,
    implied_stature,
    ray_rotation,
    rotation_between,
    standing_skeleton,
    up_vector,
    vertical_angle,
)

# ---------------------------------------------------------------------------------------- the skeleton

# (landmark, x, y, z) at a stature of 1 m: the person's left is -x, right +x, facing +y, up +z
JOINTS = [
    ("nose", 0.0, 0.05, 0.925),
    ("left_eye_inner", -0.012, 0.042, 0.94),
    ("right_eye_outer", 0.032, 0.035, 0.94),
    ("mouth_left", -0.016, 0.045, 0.905),
    ("mouth_right", 0.016, 0.045, 0.905),
    ("left_shoulder", -0.129, 0.0, 0.818),
    ("right_shoulder", 0.129, 0.0, 0.818),
    ("right_wrist", 0.145, 0.02, 0.485),
    ("left_hip", -0.055, 0.0, 0.53),
    ("right_knee", 0.055, 0.005, 0.285),
    ("left_heel", -0.055, -0.025, 0.01),
    ("right_foot_index", 0.06, 0.08, 0.005),
]


@pytest.mark.parametrize(("name", "x", "y", "z"), JOINTS)
@pytest.mark.parametrize("stature", [1.0, 1.8])
def test_standing_skeleton_places_each_joint(name, x, y, z, stature) -> None:
    skel = standing_skeleton(stature)
    assert skel.shape == (33, 3)
    np.testing.assert_allclose(skel[INDEX[name]], np.array([x, y, z]) * stature, atol=1e-12)


def test_standing_skeleton_is_mirror_symmetric_and_170_cm_by_default() -> None:
    skel = standing_skeleton()
    np.testing.assert_array_equal(skel, standing_skeleton(1.70))
    for name, k in INDEX.items():
        if name.startswith("left_") or name == "mouth_left":
            other = INDEX[name.replace("left", "right")]
            np.testing.assert_allclose(skel[other], skel[k] * [-1, 1, 1], atol=1e-12)


# ------------------------------------------------------------------------------------ implied stature

LIMBS = [("knee", "ankle", "shin"), ("hip", "knee", "thigh"), ("shoulder", "elbow", "upper_arm"),
         ("elbow", "wrist", "forearm")]  # fmt: skip


def limb_ratio(a: str, b: str, shape: str) -> float:
    """A segment's length per metre of stature: Drillis & Contini's, re-proportioned like MediaPipe."""
    ref = standing_skeleton(1.0)
    return float(np.linalg.norm(ref[INDEX[f"left_{a}"]] - ref[INDEX[f"left_{b}"]])) * MP_SHAPE[shape]


TORSO_RATIO = (0.818 - 0.53) * MP_SHAPE["torso"]  # shoulders' midpoint above the hips', per metre


def sticks(lengths: dict[str, float], torso: float, frames: int = 3) -> np.ndarray:
    """World landmarks (frames, 33, 3): every limb of both sides with the given length (by limb name),
    the shoulders' midpoint `torso` above the hips'; landmarks not on those segments at the origin."""
    p = np.zeros((33, 3))
    for side, x in (("left", -0.1), ("right", 0.1)):
        hip = np.array([x, 0.0, 0.0])
        p[INDEX[f"{side}_hip"]] = hip
        p[INDEX[f"{side}_knee"]] = knee = hip - [0, 0, lengths["thigh"]]
        p[INDEX[f"{side}_ankle"]] = knee - [0, lengths["shin"], 0]  # limbs need not be vertical
        p[INDEX[f"{side}_shoulder"]] = sh = hip + [0, 0, torso]
        p[INDEX[f"{side}_elbow"]] = el = sh + [0, 0.6, 0.8] * np.array(lengths["upper_arm"])
        p[INDEX[f"{side}_wrist"]] = el + [lengths["forearm"], 0, 0]
    return np.broadcast_to(p, (frames, 33, 3)).copy()


def visible(*names: str, frames: int = 3, level: float = 1.0) -> np.ndarray:
    vis = np.zeros((frames, 33))
    vis[:, [INDEX[n] for n in names]] = level
    return vis


def test_every_segment_alone_implies_the_stature() -> None:
    s = 1.83
    lengths = {shape: limb_ratio(a, b, shape) * s for a, b, shape in LIMBS}
    world = sticks(lengths, TORSO_RATIO * s)
    assert implied_stature(world, np.ones((3, 33))) == pytest.approx(s, rel=1e-9)
    for a, b, _ in LIMBS:
        assert implied_stature(world, visible(f"left_{a}", f"left_{b}")) == pytest.approx(s, rel=1e-9)
    torso_only = visible("left_shoulder", "right_shoulder", "left_hip", "right_hip")
    # the torso is seen, the hips and shoulders also make no limb (knees and elbows hidden)
    assert implied_stature(world, torso_only) == pytest.approx(s, rel=1e-9)


def test_the_torso_counts_like_a_pair_of_limbs() -> None:
    """Both upper arms say 1.60 m, the torso 1.90 m (knees and wrists hidden, so no other segment):
    four estimates (1.60, 1.60, 1.90, 1.90), median 1.75."""
    lengths = {shape: limb_ratio(a, b, shape) * 1.60 for a, b, shape in LIMBS}
    world = sticks(lengths, TORSO_RATIO * 1.90)
    vis = visible("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_elbow", "right_elbow")
    assert implied_stature(world, vis) == pytest.approx(1.75, rel=1e-9)
    one_arm = visible("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_elbow")
    assert implied_stature(world, one_arm) == pytest.approx(1.90, rel=1e-9)  # 1.60, 1.90, 1.90


def test_visibility_threshold_and_unknown_visibility() -> None:
    lengths = {shape: limb_ratio(a, b, shape) * 1.70 for a, b, shape in LIMBS}
    world = sticks(lengths, TORSO_RATIO * 1.70)
    assert implied_stature(world, np.full((3, 33), 0.5)) == pytest.approx(1.70)  # at the default 0.5: seen
    assert math.isnan(implied_stature(world, np.full((3, 33), 0.49)))
    assert implied_stature(world, np.full((3, 33), 0.3), min_visibility=0.3) == pytest.approx(1.70)
    assert math.isnan(implied_stature(world, np.full((3, 33), np.nan)))  # unknown visibility: not seen


def test_nobody_seen_is_nan_quietly() -> None:
    """A track never seen well enough (a normal case: someone at the edge of the picture) gives NaN
    without numpy's empty-slice warnings."""
    world = sticks({shape: 0.3 for _, _, shape in LIMBS}, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(implied_stature(world, np.zeros((3, 33))))


def test_implied_stature_takes_the_median_over_frames() -> None:
    s = 1.70
    lengths = {shape: limb_ratio(a, b, shape) * s for a, b, shape in LIMBS}
    world = sticks(lengths, TORSO_RATIO * s, frames=5)
    world[1] *= 1.3  # one frame's body is too big, another's too small: the median ignores both
    world[3] *= 0.6
    world[4, INDEX["left_knee"]] = np.nan  # a landmark missing in a frame is skipped, not fatal
    assert implied_stature(world, np.ones((5, 33))) == pytest.approx(s, rel=1e-9)


# ------------------------------------------------------------------------------------ hip translation


def weighted_least_squares(ab: np.ndarray, body: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The definition, solved directly for one frame: a point X + T is seen at a = (X + Tx) / (Z + Tz),
    b = (Y + Ty) / (Z + Tz), i.e. Tx - a Tz = a Z - X and Ty - b Tz = b Z - Y; each equation weighted
    by its point's weight; points unknown in the image or in 3D left out."""
    use = np.isfinite(ab).all(1) & np.isfinite(body).all(1) & (w > 0)
    a, b, (X, Y, Z), sw = ab[use, 0], ab[use, 1], body[use].T, np.sqrt(w[use])
    one, nil = np.ones_like(a), np.zeros_like(a)
    M = np.concatenate([np.stack([one, nil, -a], 1), np.stack([nil, one, -b], 1)]) * np.tile(sw, 2)[:, None]
    rhs = np.concatenate([a * Z - X, b * Z - Y]) * np.tile(sw, 2)
    return np.linalg.lstsq(M, rhs, rcond=None)[0]


def test_hip_translation_is_the_weighted_least_squares_solution() -> None:
    """Noisy image points (the equations disagree), unequal weights, missing points: frame by frame
    the answer of the weighted least-squares problem; fewer than three usable points give NaN."""
    rng = np.random.default_rng(7)
    n, m = 6, 9
    body = rng.normal(0, 0.4, (n, m, 3))
    T = np.stack([rng.uniform(-1, 1, n), rng.uniform(-0.5, 1, n), rng.uniform(2, 6, n)], 1)
    cam = body + T[:, None]
    ab = cam[..., :2] / cam[..., 2:] + rng.normal(0, 0.02, (n, m, 2))
    w = rng.uniform(0.2, 3.0, (n, m))
    w[0, :4] = 0.0  # unusable by weight
    ab[1, 2] = np.nan  # unknown in the image (its weight still 1-ish)
    body[2, 5, 1] = np.nan  # unknown in 3D
    w[3, 3:] = 0.0  # exactly three usable points: still placed
    w[4, 2:] = 0.0  # two: not placed
    ab[5, 0:7] = np.nan  # two left in the image: not placed
    out = hip_translation(ab, body, w)
    for i in range(n):
        if i in (4, 5):
            assert np.isnan(out[i]).all()
        else:
            np.testing.assert_allclose(out[i], weighted_least_squares(ab[i], body[i], w[i]), atol=1e-7)
    # the weights matter: the same frame equally weighted is another answer
    assert np.abs(hip_translation(ab[:1], body[:1], np.ones((1, m))) - out[:1]).max() > 1e-3


# ---------------------------------------------------------------------------- rotations and the floor


def test_ray_rotation_is_the_smallest_rotation_for_each_ray_of_a_batch() -> None:
    ab = np.array([[0.4, -0.1], [0.0, 0.0], [-0.6, 0.5], [1e-14, 0.0], [0.0, 0.9]])
    R = ray_rotation(ab)
    assert R.shape == (5, 3, 3)
    for k, (a, b) in enumerate(ab):
        ray = np.array([a, b, 1.0]) / math.hypot(a, b, 1.0)
        np.testing.assert_allclose(R[k] @ [0, 0, 1], ray, atol=1e-12)
        np.testing.assert_allclose(R[k] @ R[k].T, np.eye(3), atol=1e-12)
        assert np.linalg.det(R[k]) == pytest.approx(1.0)
        axis = np.cross([0.0, 0.0, 1.0], ray)  # the smallest rotation turns about z x ray, fixing it
        np.testing.assert_allclose(R[k] @ axis, axis, atol=1e-12)
    np.testing.assert_array_equal(R[1], np.eye(3))  # straight ahead: no rotation


unit3 = st.tuples(*[st.floats(-1, 1)] * 3).map(np.array).filter(lambda v: np.linalg.norm(v) > 0.1)


@settings(max_examples=60, deadline=None)
@given(unit3, unit3)
def test_rotation_between_takes_a_onto_b_about_their_common_normal(a, b) -> None:
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    assume(np.linalg.norm(np.cross(a, b)) > 1e-6)  # a common normal to turn about
    R = rotation_between(a, b)
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-9)
    np.testing.assert_allclose(R @ a, b, atol=1e-9)
    axis = np.cross(a, b)
    np.testing.assert_allclose(R @ axis, axis, atol=1e-9)
    assert np.linalg.det(R) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(unit3, st.sampled_from([0.0, 1e-15, 1e-13, 1e-11, 1e-9, 1e-6, 1e-3]), unit3)
def test_rotation_between_nearly_opposite_vectors_is_still_a_rotation_onto_b(a, eps, d) -> None:
    """b = -a nudged by eps: 1 + a.b is then rounding error, yet R is orthonormal and takes a onto b."""
    a = a / np.linalg.norm(a)
    b = -a + eps * d
    b /= np.linalg.norm(b)
    R = rotation_between(a, b)
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-9)
    np.testing.assert_allclose(R @ a, b, atol=1e-9)
    assert np.linalg.det(R) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "a", [(1.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, 1.0), (0.0, 0.6, 0.8), (-0.48, 0.6, 0.64)]
)
def test_rotation_between_opposite_vectors_is_a_half_turn_onto_b(a) -> None:
    """a = -b: a half turn about an axis perpendicular to a (R R = I, trace -1) takes a onto -a."""
    a = np.array(a)
    R = rotation_between(a, -a)
    np.testing.assert_allclose(R @ a, -a, atol=1e-12)
    np.testing.assert_allclose(R @ R.T, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(R @ R, np.eye(3), atol=1e-12)
    assert np.trace(R) == pytest.approx(-1.0) and np.linalg.det(R) == pytest.approx(1.0)


def test_rotation_between_a_vector_and_itself_is_none() -> None:
    a = np.array([0.0, 0.6, 0.8])
    np.testing.assert_array_equal(rotation_between(a, a), np.eye(3))
    b = np.array([1e-13, 0.6, 0.8])  # a cross product below 1e-12: treated as the same direction
    np.testing.assert_array_equal(rotation_between(a, b / np.linalg.norm(b)), np.eye(3))


def camera_rotation(pitch: float, roll: float) -> np.ndarray:
    """World (z up) to camera (x right, y down, z forward): pitched down by `pitch`, then rolled
    about the optical axis by `roll` (the image's up turns towards +x)."""
    c, s = math.cos(pitch), math.sin(pitch)
    tilt = np.array([[1, 0, 0], [0, -s, -c], [0, c, -s]])
    cr, sr = math.cos(roll), math.sin(roll)
    return np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]]) @ tilt


@pytest.mark.parametrize(
    ("pitch_deg", "roll_deg", "up"),
    [
        (0.0, 0.0, (0.0, -1.0, 0.0)),  # level camera: up is the image's up (-y)
        (90.0, 0.0, (0.0, 0.0, -1.0)),  # looking straight down: up points back at the camera
        (0.0, 90.0, (1.0, 0.0, 0.0)),  # rolled a quarter turn
        (30.0, 0.0, (0.0, -math.sqrt(3) / 2, -0.5)),
    ],
)
def test_up_vector_by_hand(pitch_deg, roll_deg, up) -> None:
    np.testing.assert_allclose(up_vector(math.radians(pitch_deg), math.radians(roll_deg)), up, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(-1.2, 1.2), st.floats(-0.5, 0.5))
def test_up_vector_is_the_world_up_seen_from_the_camera(pitch, roll) -> None:
    np.testing.assert_allclose(up_vector(pitch, roll), camera_rotation(pitch, roll) @ [0, 0, 1], atol=1e-12)


def image_of_vertical(n: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Image direction (normalized coordinates) of the line from `point` along `n`, by projecting."""
    a, b = point, point + 1e-4 * n
    return b[:2] / b[2] - a[:2] / a[2]


def test_vertical_angle_by_hand() -> None:
    down = up_vector(math.radians(90.0), 0.0)  # looking straight down: verticals point away from the centre
    rays = np.array([[0.5, 0.0, 1.0], [0.5, 0.0, 1.0], [0.0, -0.5, 1.0], [0.3, 0.0, 1.0]])
    axes = np.array([[1.0, 0.0], [0.0, -1.0], [0.0, -2.0], [1.0, 1.0]])
    got = vertical_angle(down, rays, axes)
    np.testing.assert_allclose(got, np.radians([0.0, -90.0, 0.0, 45.0]), atol=1e-12)
    level = up_vector(0.0, 0.0)  # level camera: verticals point up the image everywhere
    lean = np.array([[1.0, -1.0], [-1.0, -1.0]])  # the body's axis leans 45 deg to the image's right / left
    np.testing.assert_allclose(vertical_angle(level, rays[:2], lean), np.radians([45.0, -45.0]))


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-0.6, 0.6), st.floats(-0.3, 0.3), st.floats(-0.8, 0.8), st.floats(-0.6, 0.6),
    st.floats(-math.pi + 0.01, math.pi - 0.01),
)  # fmt: skip
def test_vertical_angle_is_the_angle_from_the_projected_vertical(pitch, roll, a, b, turn) -> None:
    n = up_vector(pitch, roll)
    ray = np.array([a, b, 1.0])
    d = image_of_vertical(n, 3.0 * ray)
    c, s = math.cos(turn), math.sin(turn)
    axis = 40.0 * np.array([c * d[0] - s * d[1], s * d[0] + c * d[1]]) / np.linalg.norm(d)  # d turned
    got = vertical_angle(n, np.stack([ray, 2.0 * ray]), np.stack([axis, axis]))
    np.testing.assert_allclose(got, [turn, turn], atol=1e-6)
