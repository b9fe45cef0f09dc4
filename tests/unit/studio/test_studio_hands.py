"""The studio's hand shapes: every held cue and gesture shapes the hands, and gt.json says which state.

These run without Blender: poses, bones and ground truth are computed by cuedetect itself.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cuedetect.errors import InputError
from cuedetect.studio import hand_shapes as hs
from cuedetect.studio.body import BodyShape, build_body
from cuedetect.studio.corpus import make_scenario
from cuedetect.studio.pose import PoseParams, Poser
from cuedetect.studio.render import compile_scenario, ground_truth
from cuedetect.studio.scenario import parse

FPS = 5
# (at, kind, name, hand): held 2 s after a 0.5 s transition, 3.5 s apart
PROGRAMME = [
    (0.5, "cue", "fists_up", "both"),
    (4.0, "cue", "open_hands", "both"),
    (7.5, "cue", "pointing", "right"),
    (11.0, "gesture", "thumb_up", "right"),
    (14.5, "gesture", "thumb_up", "left"),
    (18.0, "cue", "arms_crossed", "both"),
    (21.5, "gesture", "fist", "left"),
    (25.0, "cue", "hands_raised", "left"),
]


@pytest.fixture(scope="module")
def clip():
    timeline = [
        {"at": at, kind: name, "hand": hand, "hold": 2.0, "transition": 0.5}
        for at, kind, name, hand in PROGRAMME
    ]
    raw = {
        "name": "hands",
        "video": {"width": 960, "height": 540, "fps": FPS, "duration": 30},
        "camera": {"azimuth_deg": 10, "distance_m": 2.2, "height_m": 1.5, "look_at": [0, 1.0, 1.3]},
        "persons": [
            {"id": "A", "role": "client", "start": [0.0, 1.2], "timeline": timeline},
            {"id": "B", "role": "trainee", "start": [0.2, -2.5]},
        ],
    }
    c = compile_scenario(parse(raw))
    return c, ground_truth(c, "hands.mp4")


def _mid(at: float) -> int:
    return round((at + 0.5 + 1.0) * FPS)


@pytest.mark.parametrize(
    ("at", "left", "right"),
    [
        (0.5, "fist", "fist"),
        (4.0, "open_palm", "open_palm"),
        (7.5, "other", "point"),  # the free hand stays relaxed
        (11.0, "other", "thumb_up"),
        (14.5, "thumb_up", "other"),
        (21.5, "fist", "other"),
        (25.0, "open_palm", "other"),
    ],
)
def test_held_shapes_are_written_as_hand_states(clip, at, left, right):
    _, gt = clip
    hands = gt["frames"][_mid(at)]["persons"]["A"]["hands"]
    assert (hands["left"]["state"], hands["right"]["state"]) == (left, right)


def test_idle_hands_are_relaxed_and_a_hand_between_shapes_has_no_state(clip):
    _, gt = clip
    assert gt["frames"][0]["persons"]["A"]["hands"]["right"]["state"] == "other"
    mid_transition = round((0.5 + 0.25) * FPS)  # fists closing: half-way between relaxed and fist
    assert gt["frames"][mid_transition]["persons"]["A"]["hands"]["right"]["state"] is None


def test_tucked_hands_are_marked_occluded_and_shown_hands_are_not(clip):
    _, gt = clip
    crossed = gt["frames"][_mid(18.0)]["persons"]["A"]["hands"]
    assert crossed["left"]["occluded"] and crossed["right"]["occluded"]
    fists = gt["frames"][_mid(0.5)]["persons"]["A"]["hands"]
    assert not fists["left"]["occluded"] and not fists["right"]["occluded"]


def test_hand_boxes_sit_around_the_wrist_and_scale_with_distance(clip):
    _, gt = clip
    row = gt["frames"][_mid(0.5)]["persons"]
    for side in ("left", "right"):
        h = row["A"]["hands"][side]
        x0, y0, x1, y1 = h["box"]
        wx, wy = row["A"]["joints"][f"{side}_wrist"]
        assert x0 - 0.01 <= wx <= x1 + 0.01 and y0 - 0.01 <= wy <= y1 + 0.01
        assert h["in_view"] and 25 < h["size_px"] < 150
        assert h["size_px"] == pytest.approx(max((x1 - x0) * 960, (y1 - y0) * 540), abs=0.2)
    assert not row["B"]["hands"]["left"]["in_view"]  # B stands behind the camera


def _bone(c, i, name):
    body = c.bodies["A"]
    return c.heads["A"][i, body.bone(name)]


@pytest.mark.parametrize(("at", "s"), [(11.0, "R"), (14.5, "L")])
def test_thumbs_up_points_the_thumb_up_with_the_fingers_closed(clip, at, s):
    c, _ = clip
    i = _mid(at)
    thumb = _bone(c, i, f"finger1-3.{s}") - _bone(c, i, f"finger1-1.{s}")
    assert thumb[2] / np.linalg.norm(thumb) > 0.8
    wrist = _bone(c, i, f"wrist.{s}")
    chest_high = _bone(c, i, f"upperarm01.{s}")[2] - 0.45
    assert wrist[2] > chest_high


def _tip_reach(c, i, s):
    """Fingertip-joint distance from the wrist, index to pinky (smaller when curled)."""
    w = _bone(c, i, f"wrist.{s}")
    return np.array([np.linalg.norm(_bone(c, i, f"finger{f}-3.{s}") - w) for f in (2, 3, 4, 5)])


def test_a_fist_closes_the_fingers_and_a_point_keeps_the_index_out(clip):
    c, _ = clip
    fist, open_ = _tip_reach(c, _mid(0.5), "R"), _tip_reach(c, _mid(4.0), "R")
    assert (fist < 0.75 * open_).all()
    point = _tip_reach(c, _mid(7.5), "R")
    assert point[0] > 0.95 * open_[0] and (point[1:] < 0.75 * open_[1:]).all()


@pytest.mark.parametrize(
    ("curls", "state"),
    [
        ((1, 1, 1, 1, 1), "fist"),
        ((0, 0, 0, 0, 0), "open_palm"),
        ((1, 0, 1, 1, 1), "point"),
        ((0, 1, 1, 1, 1), "thumb_up"),
        ((0.3, 0.3, 0.35, 0.4, 0.45), "other"),
        ((0.65, 0.65, 0.65, 0.65, 0.65), None),  # half-way from relaxed to fist
        ((0.5, 0.5, 1, 1, 1), None),
        ((0, 0, 1, 1, 1), None),  # index and thumb out: not one of the states
    ],
)
def test_state_of_curls(curls, state):
    assert hs.state_of(np.array(curls, dtype=float)) == state


def test_every_named_shape_reads_back_as_its_state():
    for name, state in hs.SHAPE_STATE.items():
        assert hs.state_of(hs.shape(name)) == state
    rng = np.random.default_rng(0)
    for _ in range(50):
        assert all(hs.state_of(h) == "other" for h in hs.relaxed(rng))


def test_an_unknown_gesture_is_a_clear_input_error():
    raw = {"persons": [{"id": "A", "timeline": [{"at": 1, "gesture": "wave"}]}]}
    with pytest.raises(InputError, match="gesture 'wave'"):
        parse(raw)


def test_corpus_clips_carry_gestures_in_free_time_only():
    found = 0
    for seed in range(30):
        sc = make_scenario(seed)
        for p in sc["persons"]:
            spans = []
            for a in p["timeline"]:
                if "cue" in a or "gesture" in a:
                    spans.append((a["at"], a["at"] + 2 * a["transition"] + a["hold"], "gesture" in a))
                    assert a["at"] + 2 * a["transition"] + a["hold"] <= sc["video"]["duration"]
            spans.sort()
            assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
            found += sum(g for *_, g in spans)
    assert found >= 15


@pytest.mark.parametrize("name", ["fist", "point", "thumb_up", "relaxed"])
def test_the_left_hand_bends_as_the_mirror_of_the_right(name):
    """Both hands curl their fingers toward their own palm: a left fist is the right fist mirrored.

    (The left hand once curled backward, so its 'fist' was a claw bent over the back of the hand and its
    relaxed fingers were over-straightened: the ground truth said fist where the render showed none.)
    """
    body = build_body(BodyShape())
    p = PoseParams()
    p.fingers[:] = hs.shape(name)
    G, P = Poser(body).pose(p)
    tips = {}
    for s in ("L", "R"):
        w = P[body.bone(f"wrist.{s}")]
        ends = []
        for f in range(1, 6):
            j = body.bone(f"finger{f}-3.{s}")
            ends.append(P[j] + G[j] @ (body.tails[j] - body.heads[j]) - w)
        tips[s] = np.array(ends)
    mirrored = tips["L"] * [-1.0, 1.0, 1.0]  # x < 0 is the person's left
    np.testing.assert_allclose(mirrored, tips["R"], atol=0.004)
