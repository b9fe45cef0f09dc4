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
