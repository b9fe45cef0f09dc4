"""The hand landmark network on LiteRT, read from the verified bundle (real model, no palm detector)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.hands.landmark_model import HandLandmarkModel, HandLandmarkModelOptions
from cuedetect.hands.roi import HandRoi
from cuedetect.models.hand_provision import ensure_hand_model


@pytest.fixture(scope="module")
def model():
    with HandLandmarkModel.create_from_options(HandLandmarkModelOptions(ensure_hand_model())) as m:
        yield m


def test_an_empty_region_has_no_hand(model):
    image = np.full((360, 640, 3), 90, np.uint8)
    assert model.read(image, HandRoi(np.array([320.0, 180.0]), 120.0, np.array([0.0, -1.0]))) is None
    assert model.calls == 1


def test_landmarks_come_back_in_frame_pixels_inside_the_region():
    """With no presence threshold the network always answers; its landmarks lie in the region read."""
    with HandLandmarkModel.create_from_options(
        HandLandmarkModelOptions(ensure_hand_model(), min_presence=0.0)
    ) as m:
        rng = np.random.default_rng(0)
        image = rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)
        roi = HandRoi(np.array([500.0, 100.0]), 80.0, np.array([1.0, 0.0]))
        hand = m.read(image, roi)
    assert hand is not None and hand.landmarks.shape == (21, 3) and hand.world.shape == (21, 3)
    assert 0.0 <= hand.score < 0.5
    x0, y0, x1, y1 = roi.box()
    assert (hand.landmarks[:, 0] > x0 - 40).all() and (hand.landmarks[:, 0] < x1 + 40).all()
    assert (hand.landmarks[:, 1] > y0 - 40).all() and (hand.landmarks[:, 1] < y1 + 40).all()


def test_world_landmarks_turn_with_the_region_into_the_frames_axes():
    """The network answers in the turned crop's axes; like MediaPipe (its world-landmark projection),
    world landmarks come back in the frame's: x right, y down. The same picture turned a quarter and read
    through the region turned with it gives the same crop, so the same network output, and its landmarks,
    screen and world, must turn with the picture. (World landmarks stayed in the crop's axes before: a
    hand pointing up-left had its palm normal turned ~60 degrees in one_person_gestures' thumbs-up.)"""
    rng = np.random.default_rng(1)
    image = np.repeat(np.repeat(rng.integers(0, 255, (45, 80, 3), dtype=np.uint8), 8, 0), 8, 1)  # 360x640
    w = image.shape[1]
    turned = np.ascontiguousarray(np.rot90(image))  # (x, y) -> (y, w - 1 - x); vectors (dx, dy) -> (dy, -dx)
    centre = np.array([300.0, 170.0])
    with HandLandmarkModel.create_from_options(
        HandLandmarkModelOptions(ensure_hand_model(), min_presence=0.0)
    ) as m:
        a = m.read(image, HandRoi(centre, 150.0, np.array([0.0, -1.0])))
        b = m.read(turned, HandRoi(np.array([centre[1], w - 1 - centre[0]]), 150.0, np.array([-1.0, 0.0])))
    assert a is not None and b is not None
    assert np.abs(a.world[:, :2]).max() > 0.01  # an answer with some extent in the picture's plane
    turn = np.array([[0.0, 1.0], [-1.0, 0.0]])  # (dx, dy) -> (dy, -dx)
    np.testing.assert_allclose(b.landmarks[:, :2], a.landmarks[:, :2] @ turn.T + [0.0, w - 1], atol=0.5)
    np.testing.assert_allclose(b.world[:, :2], a.world[:, :2] @ turn.T, atol=1e-3)
    np.testing.assert_allclose(b.world[:, 2], a.world[:, 2], atol=1e-3)
