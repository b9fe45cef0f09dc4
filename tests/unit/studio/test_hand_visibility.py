"""Which hands the camera sees, from the studio's skinned mesh (no Blender): hands behind the back are
covered by the body, a guard held in front of the face is not, and the other person can cover a hand."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.studio.hand_visibility import hand_vertices, hidden_hand_shares
from cuedetect.studio.render import compile_scenario
from cuedetect.studio.scenario import parse

FPS = 5


def _scenario(camera: dict, b_start: list[float]) -> dict:
    timeline = [
        {"at": 0.2, "cue": "fists_up", "hand": "both", "hold": 1.5, "transition": 0.4},
        {"at": 2.6, "cue": "hands_hidden", "hand": "both", "hold": 1.5, "transition": 0.4},
    ]
    return {
        "name": "visibility",
        "video": {"width": 480, "height": 270, "fps": FPS, "duration": 4.6},
        "camera": camera,
        "persons": [
            {"id": "A", "role": "client", "start": [0.0, 1.2], "timeline": timeline},
            {"id": "B", "role": "trainee", "start": b_start},
        ],
    }


FRONT = {"azimuth_deg": 0, "distance_m": 2.6, "height_m": 1.5, "look_at": [0, 1.2, 1.2]}
GUARD, BEHIND = round(1.4 * FPS), round(3.8 * FPS)  # mid-hold of each cue


@pytest.fixture(scope="module")
def front():
    sc = parse(_scenario(FRONT, [0.3, -3.5]))  # B behind the camera
    c = compile_scenario(sc, frames=[GUARD, BEHIND])
    return hidden_hand_shares(c, sc.camera)


def test_each_hand_is_its_own_bones_vertices(front):
    sc = parse(_scenario(FRONT, [0.3, -3.5]))
    body = compile_scenario(sc, frames=[0]).bodies["A"]
    sides = hand_vertices(body)
    assert sides["left"].sum() > 100 and sides["right"].sum() > 100
    assert not (sides["left"] & sides["right"]).any()


def test_a_guard_in_front_is_seen_and_hands_behind_the_back_are_not(front):
    guard, behind = front
    for side in ("left", "right"):
        assert guard["A"][side] < 0.1
        assert behind["A"][side] > 0.8


def test_a_person_standing_in_front_covers_the_hands(front):
    # B between the camera and A, close to A: A's raised fists are behind B's head and shoulders
    sc = parse(_scenario(FRONT, [0.0, 0.6]))
    c = compile_scenario(sc, frames=[GUARD])
    (guard,) = hidden_hand_shares(c, sc.camera)
    assert np.nanmean([guard["A"]["left"], guard["A"]["right"]]) > 0.5
