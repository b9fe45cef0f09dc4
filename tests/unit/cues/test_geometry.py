"""Body geometry of one constructed pose, value by value: every feature the cue model and rules read.

The poses are built in body units (torso length 1, y up) and the expected numbers were worked out by
hand from the definitions (wrist above the shoulder in torso lengths, elbow angle in degrees, ...), not
by running `geometry`: a sign, an axis, a side or a scale that goes wrong shows as a wrong number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cuedetect.cues.geometry import image_features, world_features
from cuedetect.landmarks import INDEX

# Image pose, body units (x right in the picture, y up; hip midpoint at 0, torso length 1, leaning so the
# shoulder midpoint is at (0.6, 0.8)). The right arm is raised straight up; the left elbow is out at
# shoulder height with the forearm up (90 deg).
BODY = {
    "left_hip": (0.1, 0.0), "right_hip": (-0.1, 0.0), "left_shoulder": (0.8, 0.8),
    "right_shoulder": (0.4, 0.8), "right_elbow": (0.4, 1.3), "right_wrist": (0.4, 1.8),
    "right_index": (0.4, 2.0), "right_pinky": (0.5, 1.95), "right_thumb": (0.3, 1.9),
    "left_elbow": (1.3, 0.8), "left_wrist": (1.3, 1.3), "left_index": (1.3, 1.6), "left_pinky": (1.4, 1.45),
    "left_thumb": (1.2, 1.4), "nose": (0.7, 1.1), "left_ankle": (0.15, -1.0), "right_ankle": (-0.25, -1.1),
}  # fmt: skip
ASPECT, SCALE = 2.0, 0.25  # the torso is a quarter of the frame's height


def _image(body: dict, n: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(n, 33, 2) normalized image points of `body` (others at the hip midpoint) and distinct visibilities."""
    u = np.zeros((33, 2))
    for name, p in body.items():
        u[INDEX[name]] = p
    xy = np.stack([0.5 + u[:, 0] * SCALE / ASPECT, 0.7 - u[:, 1] * SCALE], axis=1)
    vis = 0.5 + np.arange(33) / 100
    return np.repeat(xy[None], n, 0), np.repeat(vis[None], n, 0)


# feature: (raised right arm = "hi", left arm = "lo"), in torso lengths or degrees
ARMS = {
    "wr_above_sh": (1.0, 0.5),
    "wr_above_hip": (1.8, 1.3),
    "wr_from_mid": (0.1, 1.0),  # from the torso's midline (x 0.3 at half height)
    "wr_own_side": (0.01, 0.5),  # > 0: the wrist on its own shoulder's side of the midline
    "el_from_mid": (0.1, 1.0),
    "elbow_angle": (180.0, 90.0),
    "upper_elev": (180.0, 90.0),  # upper arm from hanging down
    "fore_elev": (180.0, 180.0),
    "reach": (1.0, math.sqrt(0.5)),
    "wr_to_opp_el": (1.345362, 0.9),
    "wr_to_hip": (1.868154, 1.769181),
    "hand_len": (0.1739, 0.207233),
    "hand_spread": (0.111803, 0.180278),
}
BOTH = {
    "wrists_apart": 1.029563,
    "wrists_height": 1.55,
    "wrists_mid_x": 0.55,
    "shoulder_width": 0.4,
    "hip_width": 0.2,
    "ankle_width": 0.412311,
    "ankle_height_diff": 0.1,
    "torso_tilt": 36.869898,  # atan(0.6 / 0.8)
    "torso_tilt_x": 0.6,
    "nose_x": 0.1,
    "nose_above_sh": 0.3,
    "torso_len": SCALE,  # frame heights
    "hip_x": 0.5 * ASPECT,  # aspect-scaled frame units, y up
    "hip_y": -0.7,
}


@pytest.fixture  # per test (microseconds): mutation testing maps each test to the code it runs
def image() -> dict[str, np.ndarray]:
    return image_features(*_image(BODY), ASPECT, 3)


@pytest.mark.parametrize("key", sorted(ARMS))
def test_arm_geometry_of_the_raised_and_the_bent_arm(image: dict, key: str) -> None:
    hi, lo = ARMS[key]
    np.testing.assert_allclose(image[f"hi_{key}"], hi, atol=1e-5)
    np.testing.assert_allclose(image[f"lo_{key}"], lo, atol=1e-5)


@pytest.mark.parametrize("key", sorted(BOTH))
def test_body_geometry(image: dict, key: str) -> None:
    np.testing.assert_allclose(image[key], BOTH[key], atol=1e-5)


def test_visibility_features_follow_the_arm_they_belong_to(image: dict) -> None:
    vis = 0.5 + np.arange(33) / 100
    i = INDEX
    np.testing.assert_allclose(image["hi_vis_wrist"], vis[i["right_wrist"]])
    np.testing.assert_allclose(image["lo_vis_elbow"], vis[i["left_elbow"]])
    np.testing.assert_allclose(
        image["hi_vis_hand"], vis[[i["right_index"], i["right_pinky"], i["right_thumb"]]].mean()
    )
    np.testing.assert_allclose(image["vis_wrists_min"], vis[i["left_wrist"]])
    np.testing.assert_allclose(image["vis_wrists_max"], vis[i["right_wrist"]])


def test_mirrored_arms_give_the_same_hi_and_lo() -> None:
    """The left arm raised instead (the pose mirrored, torso leaning the other way): same numbers."""
    mirrored = {}
    for name, (x, y) in BODY.items():
        side, _, part = name.partition("_")
        flip = {"left": "right", "right": "left"}.get(side)
        mirrored[f"{flip}_{part}" if flip else name] = (-x, y)
    f = image_features(*_image(mirrored), ASPECT, 3)
    for key, (hi, lo) in ARMS.items():
        np.testing.assert_allclose(f[f"hi_{key}"], hi, atol=1e-5, err_msg=key)
        np.testing.assert_allclose(f[f"lo_{key}"], lo, atol=1e-5, err_msg=key)


def test_close_up_without_hips_stands_the_torso_on_the_shoulder_width() -> None:
    """No hips in view: the torso is taken as 1.4 shoulder widths, the hips straight below the shoulders;
    the arms are measured from that, whatever needs the real hips is NaN."""
    body = dict(BODY)
    xy, vis = _image(body)
    xy[:, [INDEX["left_hip"], INDEX["right_hip"]]] = np.nan
    f = image_features(xy, vis, ASPECT, 3)
    torso = 1.4 * 0.4
    np.testing.assert_allclose(f["torso_len"], torso * SCALE, atol=1e-9)
    np.testing.assert_allclose(f["hi_wr_above_sh"], 1.0 / torso, atol=1e-9)
    np.testing.assert_allclose(f["hi_reach"], 1.0 / torso, atol=1e-9)
    np.testing.assert_allclose(f["hip_x"], 0.5 * ASPECT + 0.6 * SCALE, atol=1e-9)  # under the shoulders
    np.testing.assert_allclose(f["hip_y"], -0.7 + (0.8 - torso) * SCALE, atol=1e-9)
    for key in (
        "hi_wr_above_hip",
        "lo_wr_to_hip",
        "wrists_height",
        "hip_width",
        "torso_tilt",
        "torso_tilt_x",
    ):
        assert np.isnan(f[key]).all(), key


# World pose (metres, y up; MediaPipe's y points down): facing the camera (forward is -z), torso 0.5 m
# upright, hips turned a little, the right arm pointing at the camera, the left hand down behind the hip,
# the ankles behind the hips (legs slanting back), the right foot ahead of the left.
WORLD = {
    "left_hip": (0.1, 0.0, 0.05), "right_hip": (-0.1, 0.0, -0.05), "left_shoulder": (0.2, 0.5, 0.0),
    "right_shoulder": (-0.2, 0.5, 0.0), "right_elbow": (-0.2, 0.5, -0.3), "right_wrist": (-0.2, 0.5, -0.6),
    "left_elbow": (0.25, 0.25, 0.0), "left_wrist": (0.25, 0.0, 0.1), "left_ankle": (0.15, -0.9, 0.4),
    "right_ankle": (-0.15, -0.9, 0.2), "nose": (0.0, 0.7, -0.1),
}  # fmt: skip
WORLD_ARMS = {  # (pointing right arm = "hi", left arm = "lo"), torso lengths or degrees
    "w_wr_fwd": (1.2, -0.2),  # in front of the torso's centre / behind it
    "w_wr_up": (0.0, -1.0),  # from the shoulders' height
    "w_wr_out": (0.4, 0.5),  # out to its own side
    "w_reach": (1.2, 1.024695),
    "w_elbow_angle": (180.0, 155.567103),
    "w_el_out": (0.4, 0.5),
    "w_wr_to_opp_el": (1.581139, 1.565248),
    "w_wr_to_hip": (1.5, 0.316228),
}
WORLD_BODY = {
    "w_wr_fwd_max": 1.2,
    "w_lean": -18.434949,  # legs slanting back under an upright torso: leaning back against the legs
    "w_lean_abs": 18.434949,
    "w_stagger": 0.4,  # the feet 0.2 m apart front to back
    "w_stance": 0.721110,
    "w_twist": 26.565051,  # hips turned against the shoulders, seen from above
    "w_lean_cam": 0.0,
    "w_head_fwd": 0.2,
    "w_fwd_x": 0.0,
    "w_fwd_z": -1.0,
    "w_right_x": -1.0,
    "w_right_z": 0.0,
    "w_feet_x": -0.3,
    "w_feet_z": -0.2,
    "w_torso_m": 0.5,
}


def _world(body: dict, pitch_deg: float = 0.0, n: int = 2) -> np.ndarray:
    """(n, 33, 3) MediaPipe world landmarks of `body` turned `pitch_deg` towards the camera about the hips."""
    w = np.zeros((33, 3))
    for name, p in body.items():
        w[INDEX[name]] = p
    c, s = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))
    w = w @ np.array([[1, 0, 0], [0, c, s], [0, -s, c]]).T  # up (0, 1, 0) -> (0, c, -s)
    return np.repeat((w * [1.0, -1.0, 1.0])[None], n, 0)


@pytest.fixture  # per test (microseconds): mutation testing maps each test to the code it runs
def world() -> dict[str, np.ndarray]:
    return world_features(_world(WORLD))


@pytest.mark.parametrize("key", sorted(WORLD_ARMS))
def test_world_arm_geometry(world: dict, key: str) -> None:
    hi, lo = WORLD_ARMS[key]
    np.testing.assert_allclose(world[f"hi_{key}"], hi, atol=1e-5)
    np.testing.assert_allclose(world[f"lo_{key}"], lo, atol=1e-5)


@pytest.mark.parametrize("key", sorted(WORLD_BODY))
def test_world_body_geometry(world: dict, key: str) -> None:
    np.testing.assert_allclose(world[key], WORLD_BODY[key], atol=1e-5)


@pytest.mark.parametrize("pitch", [20.0, -10.0])
def test_world_lean_towards_the_camera_needs_no_legs(pitch: float) -> None:
    """The whole body tipped towards the camera (or away): the camera lean is the angle; the lean against
    the legs and the arms' numbers do not change."""
    f = world_features(_world(WORLD, pitch))
    np.testing.assert_allclose(f["w_lean_cam"], pitch, atol=1e-6)
    np.testing.assert_allclose(f["w_lean"], WORLD_BODY["w_lean"], atol=1e-6)
    np.testing.assert_allclose(f["hi_w_reach"], WORLD_ARMS["w_reach"][0], atol=1e-6)


def test_wrists_at_the_same_height_make_the_left_arm_hi() -> None:
    body = dict(BODY, left_wrist=(1.3, 1.8))  # the left wrist as high as the raised right one
    f = image_features(*_image(body), ASPECT, 3)
    np.testing.assert_allclose(f["hi_elbow_angle"], 90.0, atol=1e-6)  # the left arm's
    np.testing.assert_allclose(f["lo_elbow_angle"], 180.0, atol=1e-6)


def test_hand_features_are_per_frame() -> None:
    """The hands open wider in the middle frame only: hand length and visibility change there alone."""
    xy, vis = _image(BODY)
    w = INDEX["right_wrist"]
    for part in ("right_index", "right_pinky", "right_thumb"):
        xy[1, INDEX[part]] = xy[1, w] + 2 * (xy[1, INDEX[part]] - xy[1, w])
        vis[1, INDEX[part]] = 0.1
    f = image_features(xy, vis, ASPECT, 3)
    np.testing.assert_allclose(f["hi_hand_len"], [0.1739, 2 * 0.1739, 0.1739], atol=1e-4)
    hand = [INDEX["right_index"], INDEX["right_pinky"], INDEX["right_thumb"]]
    np.testing.assert_allclose(f["hi_vis_hand"][[0, 2]], vis[0, hand].mean())
    np.testing.assert_allclose(f["hi_vis_hand"][1], 0.1)


@pytest.mark.parametrize(
    ("x", "k", "want"), [([5.0, 6.0, 7.0], 3, [5.5, 6.0, 6.5]), ([1.0, 9.0], 1, [1.0, 9.0])]
)
def test_rolling_median_edges_use_only_the_samples_there(x: list, k: int, want: list) -> None:
    from cuedetect.cues.geometry import rolling_median

    np.testing.assert_allclose(rolling_median(np.array(x), k), want)


def test_turning_round_keeps_the_twist_and_turns_the_heading() -> None:
    """The whole body turned 30 deg about the vertical: the hips' twist against the shoulders is the same,
    the heading (forward in the camera's floor plane) turns by 30 deg."""
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    body = {k: (c * x + s * z, y, -s * x + c * z) for k, (x, y, z) in WORLD.items()}
    f = world_features(_world(body))
    np.testing.assert_allclose(f["w_twist"], WORLD_BODY["w_twist"], atol=1e-6)
    np.testing.assert_allclose(f["w_fwd_x"], -s, atol=1e-9)
    np.testing.assert_allclose(f["w_fwd_z"], -c, atol=1e-9)
