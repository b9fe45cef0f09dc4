"""The studio's choreography: every scripted cue produces ground truth that matches its definition.

These run without Blender: poses, joints and events are computed by cuedetect itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.landmarks import INDEX
from cuedetect.studio.choreography import RAPID_APPROACH_MPS, TOO_CLOSE_M
from cuedetect.studio.cue_poses import ALL_CUES
from cuedetect.studio.render import compile_scenario
from cuedetect.studio.scenario import parse

FPS = 5
HOLDS = [  # (time, cue, hand) for B; every posture cue once, 3.4 s apart
    (0.5, "pointing", "right"),
    (3.9, "arms_crossed", "right"),
    (7.3, "hands_on_hips", "right"),
    (10.7, "hands_raised", "both"),
    (14.1, "fists_up", "right"),
    (17.5, "hands_hidden", "right"),
    (20.9, "bladed_stance", "left"),
    (24.3, "leaning_in", "right"),
]


@pytest.fixture(scope="module")
def compiled():
    raw = {
        "name": "all_cues",
        "video": {"width": 640, "height": 360, "fps": FPS, "duration": 40},
        "camera": {"azimuth_deg": 20, "distance_m": 4.0, "height_m": 1.6, "look_at": [0, 1.2, 1.0]},
        "persons": [
            {
                "id": "A",
                "role": "trainee",
                "start": [-1.0, 1.2],
                "timeline": [{"at": 1.0, "cue": "open_hands", "hold": 3.0}],
            },
            {
                "id": "B",
                "role": "client",
                "start": [1.0, 1.2],
                "body": {"sex": 0.9, "height_m": 1.85},
                "timeline": [
                    {"at": t, "cue": c, "hand": h, "hold": 2.0, "transition": 0.5} for t, c, h in HOLDS
                ]
                + [
                    {"at": 28.0, "pace": [[1.0, 0.6], [1.4, 1.9]], "speed": 1.0, "until": 33.0},
                    {"at": 34.0, "walk_to": [-0.35, 1.2], "speed": 1.5},
                ],
            },
        ],
    }
    return compile_scenario(parse(raw))


def _event(c, cue, person):
    found = [e for e in c.events if e.cue == cue and e.person == person]
    assert found, f"no {cue} event for {person}: {[(e.cue, e.person) for e in c.events]}"
    return found[0]


def _joints_mid(c, cue, person="B"):
    e = _event(c, cue, person)
    i = round((e.start + e.end) / 2 * FPS)
    return c.joints_world[person][i], c, i


def _body_frame(c, person, i, pts):
    """Room points -> the person's pelvis frame (x right, y forward), from the hip line."""
    J = c.joints_world[person][i]
    hip_mid = (J[INDEX["left_hip"]] + J[INDEX["right_hip"]]) / 2
    right = J[INDEX["right_hip"]] - J[INDEX["left_hip"]]
    right[2] = 0
    right /= np.linalg.norm(right)
    fwd = np.array([-right[1], right[0], 0.0])
    return np.stack([(pts - hip_mid) @ right, (pts - hip_mid) @ fwd, pts[..., 2]], axis=-1)


def test_every_cue_id_is_in_the_catalogue_of_the_issue():
    assert set(ALL_CUES) == {
        "pointing", "arms_crossed", "hands_on_hips", "hands_raised", "fists_up", "hands_hidden",
        "bladed_stance", "leaning_in", "pacing", "open_hands", "rapid_approach", "too_close",
    }  # fmt: skip


def test_every_cue_is_scripted_with_an_event(compiled):
    assert {e.cue for e in compiled.events} == set(ALL_CUES)


def test_held_event_runs_from_pose_reached_to_release(compiled):
    e = _event(compiled, "fists_up", "B")
    assert e.start == pytest.approx(14.1 + 0.5) and e.end == pytest.approx(14.1 + 0.5 + 2.0)


def _z(J, name):
    return J[INDEX[name], 2]


def _hands_raised(J, b):
    return all(_z(J, f"{s}_wrist") > _z(J, f"{s}_shoulder") + 0.1 for s in ("left", "right"))


def _fists_up(J, b):
    in_front = all(b[INDEX[f"{s}_wrist"], 1] > 0.15 for s in ("left", "right"))
    return in_front and all(_z(J, f"{s}_wrist") > _z(J, "left_shoulder") - 0.25 for s in ("left", "right"))


def _arms_crossed(J, b):
    return (
        b[INDEX["left_wrist"], 0] > 0.0
        and b[INDEX["right_wrist"], 0] < 0.0
        and b[INDEX["left_wrist"], 1] > 0.05
    )


def _hands_on_hips(J, b):
    return all(np.linalg.norm(J[INDEX[f"{s}_wrist"]] - J[INDEX[f"{s}_hip"]]) < 0.2 for s in ("left", "right"))


def _hands_hidden(J, b):
    return b[INDEX["left_wrist"], 1] < -0.1 and b[INDEX["right_wrist"], 1] < -0.1


def _leaning_in(J, b):
    return (b[INDEX["left_shoulder"], 1] + b[INDEX["right_shoulder"], 1]) / 2 > 0.15


@pytest.mark.parametrize(
    ("cue", "check"),
    [
        ("hands_raised", _hands_raised),
        ("fists_up", _fists_up),
        ("arms_crossed", _arms_crossed),
        ("hands_on_hips", _hands_on_hips),
        ("hands_hidden", _hands_hidden),
        ("leaning_in", _leaning_in),
    ],
)
def test_pose_matches_cue_definition(compiled, cue, check):
    J, c, i = _joints_mid(compiled, cue)
    b = _body_frame(c, "B", i, J)
    assert check(J, b), cue


def test_neutral_between_cues_has_hands_low(compiled):
    i = int(3.7 * FPS)  # between pointing's release and arms_crossed
    J = compiled.joints_world["B"][i + 1]
    for side in ("left", "right"):
        assert J[INDEX[f"{side}_wrist"], 2] < J[INDEX[f"{side}_hip"], 2] + 0.15


def test_pointing_arm_aims_at_the_other_person(compiled):
    J, c, i = _joints_mid(compiled, "pointing")
    arm = J[INDEX["right_wrist"]] - J[INDEX["right_shoulder"]]
    other = c.joints_world["A"][i]
    chest = (other[INDEX["left_shoulder"]] + other[INDEX["right_shoulder"]]) / 2
    to_other = chest - J[INDEX["right_shoulder"]]
    cos = arm @ to_other / np.linalg.norm(arm) / np.linalg.norm(to_other)
    assert cos > np.cos(np.radians(20))
    assert np.linalg.norm(arm) > 0.45


def test_bladed_stance_turns_the_hips_and_staggers_the_feet(compiled):
    J, c, i = _joints_mid(compiled, "bladed_stance")
    hips = J[INDEX["right_hip"], :2] - J[INDEX["left_hip"], :2]
    other = c.joints_world["A"][i]
    to_other = (other[INDEX["left_hip"], :2] + other[INDEX["right_hip"], :2]) / 2 - J[INDEX["left_hip"], :2]
    facing = np.array([-hips[1], hips[0]])  # forward from the hip line
    angle = np.degrees(np.arccos(facing @ to_other / np.linalg.norm(facing) / np.linalg.norm(to_other)))
    assert 30 < angle < 60
    b = _body_frame(c, "B", i, J)
    assert abs(b[INDEX["left_ankle"], 1] - b[INDEX["right_ankle"], 1]) > 0.3


def test_pacing_walks_back_and_forth(compiled):
    e = _event(compiled, "pacing", "B")
    hip = compiled.joints_world["B"][:, INDEX["left_hip"], :2]
    seg = hip[int(e.start * FPS) : int(e.end * FPS)]
    direction = np.sign(np.diff(seg[:, 1]))
    reversals = np.count_nonzero(np.diff(direction[direction != 0]))
    assert reversals >= 2


def test_pair_cues_follow_their_thresholds(compiled):
    c = compiled

    def floor(p):
        J = c.joints_world[p]
        return (J[:, INDEX["left_hip"], :2] + J[:, INDEX["right_hip"], :2]) / 2

    dist = np.linalg.norm(floor("A") - floor("B"), axis=1)
    close = _event(c, "too_close", "B")
    assert close.other == "A"
    inside = dist[int(np.ceil(close.start * FPS)) : int(close.end * FPS)]
    assert (inside < TOO_CLOSE_M + 0.02).all()
    rush = _event(c, "rapid_approach", "B")
    closing = -np.gradient(dist, 1 / FPS)
    assert closing[int(np.ceil(rush.start * FPS)) : int(rush.end * FPS)].mean() > RAPID_APPROACH_MPS
