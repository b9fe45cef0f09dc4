"""Palm toward the other person: hand-made scenes in the camera's 3D frame, seen through the same camera.

Each scene puts people's hips, torsos and wrists in the camera frame (x right, y down, z forward,
metres), projects them into the picture as the pose and hand stages would report them (normalized image
points, hip-centred world landmarks seen along the ray to the person, floor positions in the floor
stage's frame, a palm normal seen along the ray to the hand), and checks the stage finds the angle the
scene was built with.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.hands.toward_other import PALM_POINTS, TOWARD_DEG, Camera, palm_to_other
from cuedetect.landmarks import INDEX
from cuedetect.pose.floor_fit import ray_rotation
from cuedetect.pose.tracked import Tracks

SIZE = (1280, 720)
CAM = {"fov_deg": 65.0, "pitch_deg": 10.0, "roll_deg": 2.0, "height_m": 1.4}
CAMERA = Camera.from_fit(CAM, SIZE)
# a body around its hip midpoint, in the camera frame: shoulders 0.5 m up, wrists held out in front
BODY = {
    "left_hip": (-0.1, 0.0, 0.0), "right_hip": (0.1, 0.0, 0.0),
    "left_shoulder": (-0.2, -0.5, 0.0), "right_shoulder": (0.2, -0.5, 0.0),
    "left_wrist": (-0.25, -0.3, -0.2), "right_wrist": (0.25, -0.3, -0.2),
}  # fmt: skip


def _project(p: np.ndarray) -> np.ndarray:
    w, h = SIZE
    f = CAMERA.focal_px
    return np.array([p[0] / p[2] * f / w + 0.5, p[1] / p[2] * f / h + 0.5])


def _body(hips: np.ndarray) -> np.ndarray:
    """(33, 3) landmarks in the camera frame (unlisted ones at the hips)."""
    pts = np.tile(hips, (33, 1))
    for name, off in BODY.items():
        pts[INDEX[name]] = hips + np.array(off)
    return pts


def scene(people: dict[int, tuple[float, float, float] | None], hands: list[tuple[int, str, tuple]],
          facing: str = "side", drop_floor: tuple[int, ...] = (), floor_scale: dict[int, float] | None = None,
          ) -> tuple[pd.DataFrame, Tracks]:  # fmt: skip
    """One frame: `people` id -> hip midpoint (camera frame); `hands` (person, side, palm normal in the
    camera frame or None); `floor_scale`: person -> a factor the floor stage got their distance wrong by.
    Returns the hands table and the tracks as the pipeline would hold them."""
    ex, ey = CAMERA.floor_axes()
    ids = list(people)
    xy, world, floor = [], [], []
    for p in ids:
        hips = np.array(people[p], dtype=float)
        pts = _body(hips)
        xy.append([_project(q) for q in pts])
        rot = ray_rotation(CAMERA.rays(_project(hips))[:, :2])[0]
        world.append((pts - hips) @ rot)  # seen along the ray: rot @ world == camera-frame offsets
        k = (floor_scale or {}).get(p, 1.0)
        floor.append([np.nan] * 3 if p in drop_floor else [k * hips @ ex, k * hips @ ey, 0.05])
    n = len(ids)
    tracks = Tracks(
        np.array([0]), np.array([0.0]), np.zeros(n, np.int64), np.zeros(n), np.array(ids),
        np.array(xy), np.ones((n, 33)), np.array(world), size=SIZE, floor=np.array(floor),
    )  # fmt: skip
    rows = []
    for p, side, normal in hands:
        palm = _body(np.array(people[p], dtype=float))[INDEX[f"{side}_wrist"]]
        u, v = _project(palm)
        row = {"frame": 0, "time": 0.0, "person": p, "side": side, "status": "read", "palm_facing": facing}
        if normal is None:
            row.update(palm_nx=np.nan, palm_ny=np.nan, palm_nz=np.nan, palm_facing=None, status="not_found")
        else:
            rot = ray_rotation(CAMERA.rays(np.array([u, v]))[:, :2])[0]
            seen = rot.T @ (np.array(normal, dtype=float) / np.linalg.norm(normal))  # the crop's view
            row.update(palm_nx=seen[0], palm_ny=seen[1], palm_nz=seen[2])
        for j in PALM_POINTS:
            row[f"hx{j}"], row[f"hy{j}"] = u, v
        rows.append(row)
    return pd.DataFrame(rows), tracks


def true_angle(people: dict, p: int, side: str, other: int, normal: tuple) -> float:
    palm = _body(np.array(people[p], dtype=float))[INDEX[f"{side}_wrist"]]
    torso = _body(np.array(people[other], dtype=float))[[INDEX[k] for k in BODY if "wrist" not in k]].mean(0)
    d, nrm = torso - palm, np.array(normal, dtype=float)
    return math.degrees(math.acos(np.dot(d, nrm) / np.linalg.norm(d) / np.linalg.norm(nrm)))


SIDE_BY_SIDE = {0: (-0.7, 0.3, 3.0), 1: (0.7, 0.3, 3.2)}  # 1 stands to 0's right (the image's right)
MIRRORED = {0: (0.7, 0.3, 3.0), 1: (-0.7, 0.3, 3.2)}  # 1 stands to 0's left
BEHIND = {0: (-0.3, 0.3, 2.5), 1: (0.2, 0.3, 5.0)}  # 1 stands farther from the camera, behind 0
IN_FRONT = {0: (0.2, 0.3, 5.0), 1: (-0.3, 0.3, 2.5)}  # 1 stands between 0 and the camera


@pytest.mark.parametrize(
    ("people", "side", "normal", "before", "facing"),
    [
        (SIDE_BY_SIDE, "right", (1.0, 0.0, 0.0), "side", "other_person"),  # palm out to the right
        (SIDE_BY_SIDE, "left", (1.0, 0.0, 0.0), "side", "other_person"),
        (SIDE_BY_SIDE, "right", (-1.0, 0.0, 0.0), "side", "side"),  # the back of the hand to them
        (SIDE_BY_SIDE, "right", (0.0, 0.0, -1.0), "camera", "camera"),  # palm to the camera, not to them
        (SIDE_BY_SIDE, "right", (0.0, 1.0, 0.0), "down", "down"),
        (MIRRORED, "left", (-1.0, 0.0, 0.0), "side", "other_person"),
        (MIRRORED, "right", (-1.0, 0.0, 0.0), "side", "other_person"),
        (MIRRORED, "left", (1.0, 0.0, 0.0), "side", "side"),
        (BEHIND, "right", (0.0, 0.0, 1.0), "away", "other_person"),  # palm away from the camera, to them
        (BEHIND, "right", (0.0, 0.0, -1.0), "camera", "camera"),
        (IN_FRONT, "left", (0.0, 0.0, -1.0), "camera", "other_person"),  # to the camera and to them
        (IN_FRONT, "left", (0.0, 0.0, 1.0), "away", "away"),
    ],
)
def test_the_angle_to_the_other_person_and_the_palm_facing_word(people, side, normal, before, facing):
    hands, tracks = scene(people, [(0, side, normal)], facing=before)
    out = palm_to_other(hands, tracks, CAM)
    angle = out["palm_to_other_deg"].iloc[0]
    assert angle == pytest.approx(true_angle(people, 0, side, 1, normal), abs=0.01)
    assert out["palm_other"].iloc[0] == 1
    assert out["palm_facing"].iloc[0] == facing
    assert (angle < TOWARD_DEG) == (facing == "other_person")


def test_unknown_where_a_position_the_camera_another_person_or_the_palm_is_missing():
    palm = [(0, "right", (1.0, 0.0, 0.0))]
    cases = {
        "the other person is not on the floor": (scene(SIDE_BY_SIDE, palm, drop_floor=(1,)), CAM),
        "this person is not on the floor": (scene(SIDE_BY_SIDE, palm, drop_floor=(0,)), CAM),
        "no camera fitted": (scene(SIDE_BY_SIDE, palm), {}),
        "a camera without a field of view": (scene(SIDE_BY_SIDE, palm), {**CAM, "fov_deg": None}),
        "nobody else in view": (scene({0: SIDE_BY_SIDE[0]}, palm), CAM),
        "no palm read": (scene(SIDE_BY_SIDE, [(0, "right", None)]), CAM),
        # the floor put them at half (or twice) the distance their own size says: one of the two is wrong
        "the other person misplaced": (scene(SIDE_BY_SIDE, palm, floor_scale={1: 0.5}), CAM),
        "this person misplaced": (scene(SIDE_BY_SIDE, palm, floor_scale={0: 1.7}), CAM),
    }
    for why, ((hands, tracks), camera) in cases.items():
        out = palm_to_other(hands, tracks, camera)
        assert np.isnan(out["palm_to_other_deg"].iloc[0]), why
        assert out["palm_other"].iloc[0] == -1, why
        assert out["palm_facing"].iloc[0] == hands["palm_facing"].iloc[0], why  # its camera word stays


def test_a_floor_position_a_little_off_still_gives_an_angle():
    hands, tracks = scene(SIDE_BY_SIDE, [(0, "right", (1.0, 0.0, 0.0))], floor_scale={1: 1.1})
    out = palm_to_other(hands, tracks, CAM)
    assert out["palm_to_other_deg"].iloc[0] < TOWARD_DEG and out["palm_facing"].iloc[0] == "other_person"


def test_the_nearest_other_person_is_the_one_measured_to_and_other_columns_stay():
    people = {0: (0.0, 0.3, 3.0), 1: (1.0, 0.3, 3.0), 2: (-2.5, 0.3, 3.5)}  # 1 is near, 2 far on the left
    hands, tracks = scene(people, [(0, "right", (-1.0, 0.0, 0.0)), (1, "left", (-1.0, 0.0, 0.0))])
    out = palm_to_other(hands, tracks, CAM)
    assert list(out["palm_other"]) == [1, 0]
    assert out["palm_to_other_deg"].iloc[0] > 150  # palm to the left, away from its nearest other
    assert out["palm_to_other_deg"].iloc[1] < 30  # person 1's palm to the left, toward person 0
    assert list(out["palm_facing"]) == ["side", "other_person"]
    assert out.drop(columns=["palm_to_other_deg", "palm_other", "palm_facing"]).equals(
        hands.drop(columns=["palm_facing"])
    )


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.floats(-1.5, 1.5), st.floats(-0.2, 0.6), st.floats(2.0, 6.0)),
    st.tuples(st.floats(-1.5, 1.5), st.floats(-0.2, 0.6), st.floats(2.0, 6.0)),
    st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1)).filter(lambda v: np.linalg.norm(v) > 0.2),
    st.sampled_from(["left", "right"]),
)
def test_any_scene_gives_the_angle_it_was_built_with(me, other, normal, side):
    if np.linalg.norm(np.subtract(me, other)) < 0.6:
        return  # two people less than 0.6 m apart are not two people the pose model tells apart
    people = {0: me, 1: other}
    hands, tracks = scene(people, [(0, side, normal)])
    out = palm_to_other(hands, tracks, CAM)
    assert out["palm_to_other_deg"].iloc[0] == pytest.approx(true_angle(people, 0, side, 1, normal), abs=0.01)


def test_measuring_twice_gives_the_same_table_and_a_palm_no_longer_toward_them_gets_its_camera_word():
    hands, tracks = scene(SIDE_BY_SIDE, [(0, "right", (1.0, 0.0, 0.0)), (1, "left", (0.0, 0.0, -1.0))])
    hands["palm_facing"] = ["side", "camera"]
    once = palm_to_other(hands, tracks, CAM)
    assert list(once["palm_facing"]) == ["other_person", "camera"]
    assert palm_to_other(once, tracks, CAM).equals(once)
    moved = once.copy()
    moved.loc[0, ["palm_nx", "palm_ny", "palm_nz"]] = [0.0, 1.0, 0.0]  # the palm turned down, away from them
    assert palm_to_other(moved, tracks, CAM)["palm_facing"].iloc[0] == "down"
