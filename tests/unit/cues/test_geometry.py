"""Body geometry of one constructed pose, value by value: every feature the cue model and rules read.

The poses are built in body units (torso length 1, y up) and the expected numbers were worked out by
hand from the definitions (wrist above the shoulder in torso lengths, elbow angle in degrees, ...), not
by running `geometry`: a sign, an axis, a side or a scale that goes wrong shows as a wrong number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cuedetect.cues.geometry import TURNED_MAX_DEG, closeup_torso, image_features, world_features
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


def _turned(body: dict, axis: str, deg: float) -> dict:
    """`body` (x right, y up, z away) turned `deg` about the vertical ("y") or the camera's axis ("z")."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    if axis == "y":
        return {k: (c * x + s * z, y, -s * x + c * z) for k, (x, y, z) in body.items()}
    return {k: (c * x - s * y, s * x + c * y, z) for k, (x, y, z) in body.items()}


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
    ("x", "k", "want"),
    [
        ([5.0, 6.0, 7.0], 3, [5.5, 6.0, 6.5]),
        ([5, 6, 7], 3, [5.5, 6.0, 6.5]),  # integer samples: the edges are padded with NaN all the same
        ([1.0, 9.0], 1, [1.0, 9.0]),
        ([1.0, 9.0], 0, [1.0, 9.0]),  # a window of no sample smooths nothing either
        # +-inf (a ratio over a zero length) is missing like NaN, in a window of one sample as in more
        ([1.0, np.inf, 3.0], 1, [1.0, np.nan, 3.0]),
        ([1.0, -np.inf, 3.0], 0, [1.0, np.nan, 3.0]),
        ([1.0, np.inf, 3.0], 3, [1.0, 2.0, 3.0]),
        ([np.inf, -np.inf], 3, [np.nan, np.nan]),
        ([np.inf], 3, [np.nan]),
    ],
)
def test_rolling_median_edges_use_only_the_samples_there(x: list, k: int, want: list) -> None:
    from cuedetect.cues.geometry import rolling_median

    np.testing.assert_allclose(rolling_median(np.array(x), k), want)


def test_turning_round_keeps_the_twist_and_turns_the_heading() -> None:
    """The whole body turned 30 deg about the vertical: the hips' twist against the shoulders is the same,
    the heading (forward in the camera's floor plane) turns by 30 deg."""
    c, s = math.cos(math.radians(30)), math.sin(math.radians(30))
    f = world_features(_world(_turned(WORLD, "y", 30.0)))
    np.testing.assert_allclose(f["w_twist"], WORLD_BODY["w_twist"], atol=1e-6)
    np.testing.assert_allclose(f["w_fwd_x"], -s, atol=1e-9)
    np.testing.assert_allclose(f["w_fwd_z"], -c, atol=1e-9)


@pytest.mark.filterwarnings("ignore:Mean of empty slice")  # the missing hand's length: no point to average
@pytest.mark.parametrize("missing", ["left", "right"])
def test_a_missing_wrist_is_never_the_higher_arm(missing: str) -> None:
    """One wrist out of view, the other hanging below its shoulder (elbow out at shoulder height, forearm
    down): the seen arm is "hi" although its wrist is low, and the missing one's numbers are "lo" (NaN)."""
    seen = "right" if missing == "left" else "left"
    sx = BODY[f"{seen}_shoulder"][0]
    out = 0.5 if seen == "left" else -0.5  # the elbow half a torso out to its own side
    body = dict(BODY, **{f"{seen}_elbow": (sx + out, 0.8), f"{seen}_wrist": (sx + out, 0.3)})
    xy, vis = _image(body)
    xy[:, INDEX[f"{missing}_wrist"]] = np.nan
    f = image_features(xy, vis, ASPECT, 3)
    np.testing.assert_allclose(f["hi_wr_above_sh"], -0.5, atol=1e-9)
    np.testing.assert_allclose(f["hi_elbow_angle"], 90.0, atol=1e-6)
    assert np.isnan(f["lo_wr_above_sh"]).all()
    assert np.isnan(f["lo_elbow_angle"]).all()


def test_hips_out_of_view_in_one_frame_blank_only_that_frames_hip_features() -> None:
    """Hips hidden in the middle frame only: the torso length comes from the frames around it, the arms
    are measured there as usual, and what needs the real hips is NaN in that frame alone."""
    xy, vis = _image(BODY)
    xy[1, [INDEX["left_hip"], INDEX["right_hip"]]] = np.nan
    f = image_features(xy, vis, ASPECT, 3)
    np.testing.assert_allclose(f["torso_len"], SCALE, atol=1e-9)
    np.testing.assert_allclose(f["hi_wr_above_sh"], ARMS["wr_above_sh"][0], atol=1e-9)
    for key, want in (("hi_wr_above_hip", ARMS["wr_above_hip"][0]), ("wrists_height", BOTH["wrists_height"]),
                      ("hip_width", BOTH["hip_width"]), ("torso_tilt", BOTH["torso_tilt"])):  # fmt: skip
        np.testing.assert_allclose(f[key][[0, 2]], want, atol=1e-6, err_msg=key)
        assert np.isnan(f[key][1]), key


def _turned_world(turn_deg: float, n: int = 3) -> np.ndarray:
    """World landmarks (torso 1 long, shoulders 0.4 apart in the camera's x-y plane) of `BODY`'s shoulders
    and hips, the shoulder line turned `turn_deg` out of the picture's plane (depth z): turned, the same
    x-y shoulders are a wider body seen obliquely."""
    w = np.zeros((n, 33, 3))
    half = np.array([0.2, 0.0, 0.2 * math.tan(math.radians(turn_deg))])
    mid = np.array([0.6, -0.8, 0.0])  # y down: the shoulders 1 above the hips (|(0.6, 0.8)| = 1)
    w[:, INDEX["left_shoulder"]], w[:, INDEX["right_shoulder"]] = mid + half, mid - half
    w[:, INDEX["left_hip"]], w[:, INDEX["right_hip"]] = (0.1, 0.0, 0.0), (-0.1, 0.0, 0.0)
    return w


@pytest.mark.parametrize("turn_deg", [0.0, 30.0, 50.0, 65.0])
def test_a_turned_close_up_keeps_the_torso_scale(turn_deg: float) -> None:
    """No hips in view, the person turned: the shoulders in the picture are 0.4 torso lengths apart
    however far the body is turned (a wider body seen obliquely), and the world landmarks' shoulder line
    shows the turn. The torso scale is the true one (the picture's shoulders over the world's x-y
    shoulders, times the world torso), so the arm's numbers are the same as with the hips in view; the
    shoulder-width rule (1.4 x 0.4) would have made them 1.8 times too large whatever the turn."""
    xy, vis = _image(BODY)
    xy[:, [INDEX["left_hip"], INDEX["right_hip"]]] = np.nan
    f = image_features(xy, vis, ASPECT, 3, _turned_world(turn_deg))
    np.testing.assert_allclose(f["torso_len"], SCALE, rtol=1e-6)
    for key in ("wr_above_sh", "reach", "wr_to_opp_el", "hand_len"):
        np.testing.assert_allclose(f[f"hi_{key}"], ARMS[key][0], atol=1e-5, err_msg=key)
        np.testing.assert_allclose(f[f"lo_{key}"], ARMS[key][1], atol=1e-5, err_msg=key)
    assert np.isnan(f["hi_wr_above_hip"]).all()  # still measured from no made-up hip


@pytest.mark.parametrize(
    ("turn_deg", "world", "want"),
    [
        (40.0, True, 1.0),  # turn-corrected: the true torso
        (TURNED_MAX_DEG + 5, True, np.nan),  # shoulders nearly end-on: no scale, NaN
        (40.0, False, 1.4 * 0.4),  # no world landmarks: the square-to-camera rule
        (40.0, "nan", 1.4 * 0.4),  # world landmarks missing in those frames: the same
    ],
)
def test_closeup_torso(turn_deg: float, world: bool | str, want: float) -> None:
    """The close-up torso in picture units (body units here: the picture's shoulders 0.4 apart)."""
    p = np.zeros((3, 33, 2))
    p[:, INDEX["left_shoulder"]], p[:, INDEX["right_shoulder"]] = (0.8, 0.8), (0.4, 0.8)
    w = _turned_world(turn_deg)
    if world == "nan":
        w[:] = np.nan
    got = closeup_torso(p, w if world else None)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_hands_in_front_of_an_upright_body() -> None:
    """Upright (shoulder midpoint straight above the hips), the left hand at chest height just across the
    midline, the right hand low and out: the wrists' numbers from their x and y separately."""
    body = {
        "left_hip": (0.15, 0.0), "right_hip": (-0.15, 0.0), "left_shoulder": (0.25, 1.0),
        "right_shoulder": (-0.25, 1.0), "left_elbow": (0.3, 0.6), "right_elbow": (-0.35, 0.5),
        "left_wrist": (0.1, 0.6), "right_wrist": (-0.3, 0.2), "nose": (0.0, 1.3),
    }  # fmt: skip
    f = image_features(*_image(body), ASPECT, 3)
    np.testing.assert_allclose(f["wrists_mid_x"], 0.1, atol=1e-9)  # |(0.1 - 0.3) / 2 - 0|
    np.testing.assert_allclose(f["wrists_height"], 0.4, atol=1e-9)
    np.testing.assert_allclose(f["wrists_apart"], math.hypot(0.4, 0.4), atol=1e-9)
    np.testing.assert_allclose(f["hi_wr_from_mid"], 0.1, atol=1e-9)  # the left wrist is the higher
    np.testing.assert_allclose(f["hi_wr_own_side"], 0.1 * 0.25, atol=1e-9)
    np.testing.assert_allclose(f["lo_wr_own_side"], -0.3 * -0.25, atol=1e-9)
    np.testing.assert_allclose(f["torso_tilt"], 0.0, atol=1e-6)


@pytest.mark.parametrize(("dx", "dy"), [(-0.1, -0.1), (0.3, 0.2), (-0.2, 0.15), (0.1, -0.3)])
def test_a_straight_arm_is_180_degrees_in_any_direction(dx: float, dy: float) -> None:
    """Shoulder, elbow and wrist on one line: 180 deg, never NaN (a cosine that rounds to just below -1 is
    clipped). The right wrist stays below the raised left one, so the right arm is "lo"."""
    sx, sy = BODY["right_shoulder"]
    body = dict(BODY, right_elbow=(sx + dx, sy + dy), right_wrist=(sx + 2 * dx, sy + 2 * dy))
    f = image_features(*_image(body), ASPECT, 3)
    np.testing.assert_allclose(f["lo_elbow_angle"], 180.0, atol=1e-5)


@pytest.mark.parametrize(("dx", "dy"), [(-0.3, -0.1), (-0.2, 0.2), (0.1, -0.1), (-0.1, 0.15)])
def test_an_arm_folded_flat_is_0_degrees_in_any_direction(dx: float, dy: float) -> None:
    """The wrist back on the upper arm halfway to the shoulder (an arm folded flat in the picture): 0 deg,
    never NaN (a cosine that rounds to just above +1 is clipped)."""
    sx, sy = BODY["right_shoulder"]
    body = dict(BODY, right_elbow=(sx + 2 * dx, sy + 2 * dy), right_wrist=(sx + dx, sy + dy))
    f = image_features(*_image(body), ASPECT, 3)
    np.testing.assert_allclose(f["lo_elbow_angle"], 0.0, atol=1e-5)


@given(st.tuples(*[st.floats(-3.0, 3.0)] * 3))
@example((0.3, -0.2, 1.5))
def test_world_geometry_does_not_depend_on_where_the_origin_is(shift: tuple) -> None:
    """MediaPipe centres its world landmarks on the hips, but nothing here may rely on that: the whole body
    moved anywhere gives the same numbers (every feature is a difference of points, or a direction)."""
    moved = {k: tuple(np.add(p, shift)) for k, p in WORLD.items()}
    ref, f = world_features(_world(WORLD)), world_features(_world(moved))
    for key, want in ref.items():  # 1e-4: a straight arm's 180 deg is the square root of rounding away
        np.testing.assert_allclose(f[key], want, atol=1e-4, err_msg=key)


def test_mirrored_world_pose_gives_the_same_hi_and_lo() -> None:
    """The pose mirrored left to right (the left arm now points at the camera): the same arm numbers."""
    mirrored = {}
    for name, (x, y, z) in WORLD.items():
        side, _, part = name.partition("_")
        flip = {"left": "right", "right": "left"}.get(side)
        mirrored[f"{flip}_{part}" if flip else name] = (-x, y, z)
    f = world_features(_world(mirrored))
    for key, (hi, lo) in WORLD_ARMS.items():
        np.testing.assert_allclose(f[f"hi_{key}"], hi, atol=1e-5, err_msg=key)
        np.testing.assert_allclose(f[f"lo_{key}"], lo, atol=1e-5, err_msg=key)


def test_one_shoulder_raised_leaves_the_body_frame_square() -> None:
    """The left shoulder 0.05 m up, the right 0.05 m down (same midpoint): the shoulder line is no longer
    square to the spine, but "right" is taken square to it, so heading, leans, stance and twist stay."""
    body = dict(WORLD, left_shoulder=(0.2, 0.55, 0.0), right_shoulder=(-0.2, 0.45, 0.0))
    f = world_features(_world(body))
    for key, want in WORLD_BODY.items():
        np.testing.assert_allclose(f[key], want, atol=1e-6, err_msg=key)


def test_twist_is_measured_seen_from_above() -> None:
    """The whole body tipped 30 deg sideways (about the camera's axis): shoulders and hips are no longer
    level, and the twist is the angle between their horizontal parts: the shoulders' line (-1, 0) against
    the hips' (-0.2 cos 30, -0.1), atan(0.1 / (0.2 cos 30)) = 30 deg. Leans and arms do not change."""
    f = world_features(_world(_turned(WORLD, "z", 30.0)))
    np.testing.assert_allclose(f["w_twist"], 30.0, atol=1e-6)
    np.testing.assert_allclose(f["w_right_x"], -math.cos(math.radians(30)), atol=1e-9)
    for key in ("w_lean", "w_lean_abs", "w_lean_cam", "w_fwd_z", "w_stagger", "w_head_fwd"):
        np.testing.assert_allclose(f[key], WORLD_BODY[key], atol=1e-6, err_msg=key)
    np.testing.assert_allclose(f["hi_w_wr_out"], WORLD_ARMS["w_wr_out"][0], atol=1e-6)


@pytest.mark.parametrize(("bend", "yaw"), [(b, y) for b in (1, -1) for y in (30.0, -30.0, 20.0)])
def test_a_torso_bent_level_leans_exactly_90_degrees(bend: int, yaw: float) -> None:
    """Bent at the hips until the torso is level, towards the camera (bend 1) or away (-1), legs straight
    down, the body turned `yaw` about the vertical: the torso's forward points straight down (up), so both
    leans are +-90 deg and the lean's size against the legs 90, never NaN (sines and cosines that round past
    +-1 are clipped)."""
    body = {
        "left_hip": (0.1, 0.0, 0.0), "right_hip": (-0.1, 0.0, 0.0), "left_shoulder": (0.2, 0.0, -0.5 * bend),
        "right_shoulder": (-0.2, 0.0, -0.5 * bend), "left_ankle": (0.1, -0.8, 0.0),
        "right_ankle": (-0.1, -0.8, 0.0), "nose": (0.0, 0.0, -0.7 * bend),
    }  # fmt: skip
    f = world_features(_world(_turned(body, "y", yaw)))
    np.testing.assert_allclose(f["w_lean_cam"], 90.0 * bend, atol=1e-5)
    np.testing.assert_allclose(f["w_lean"], 90.0 * bend, atol=1e-5)
    np.testing.assert_allclose(f["w_lean_abs"], 90.0, atol=1e-5)


def test_a_world_torso_of_zero_length_gives_nan_not_infinity() -> None:
    """Shoulders on the hips in frame 0 (a degenerate reading): nothing can be scaled there, so every
    torso-scaled world feature is missing (NaN, the package's word for it) instead of infinite, and
    frame 1 is measured as usual."""
    w = _world(WORLD)
    for side in ("left", "right"):
        w[0, INDEX[f"{side}_shoulder"]] = w[0, INDEX[f"{side}_hip"]]
    f = world_features(w)
    assert not any(np.isinf(np.asarray(v, dtype=float)).any() for v in f.values())
    for key in ("hi_w_reach", "lo_w_reach", "hi_w_wr_to_opp_el", "lo_w_wr_to_hip", "w_stance", "w_torso_m"):
        assert np.isnan(f[key][0]), key
        assert np.isfinite(f[key][1]), key
