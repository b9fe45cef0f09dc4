"""Rotated hand crops: placement from the body and from landmarks, and the map back to the frame."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.hands.roi import HandRoi, crop_roi, roi_change, roi_from_body, roi_from_landmarks, to_frame
from tests.unit.hands.test_crops import found_hand


@given(st.floats(-np.pi, np.pi), st.floats(20, 400), st.floats(0, 1000), st.floats(0, 700))
def test_the_crop_centre_and_up_map_to_the_roi(angle, side, x, y):
    up = np.array([np.cos(angle), np.sin(angle)])
    roi = HandRoi(np.array([x, y]), side, up)
    pts = to_frame(np.array([[112.0, 112.0, 0.0], [112.0, 0.0, 224.0]]), roi, 224)
    assert pts[0, :2] == pytest.approx([x, y], abs=1e-6)
    assert pts[1, :2] == pytest.approx([x, y] + up * side / 2, abs=1e-6)  # top middle: half a side "up"
    assert pts[1, 2] == pytest.approx(side)  # depth scales like x


@pytest.mark.parametrize("toward", [(0.0, 1.0), (1.0, 0.0), (-0.6, -0.8)])
def test_a_hand_points_up_in_its_own_crop_and_fills_about_half(toward):
    lm = found_hand((500.0, 300.0), toward=toward, size=80.0)
    roi = roi_from_landmarks(lm)
    assert float(roi.up @ (np.array(toward) / np.linalg.norm(toward))) > 0.95  # along wrist -> middle knuckle
    m = np.linalg.inv(np.vstack([roi.affine(224), [0, 0, 1]]))  # frame -> crop
    crop = (m[:2, :2] @ lm[:, :2].T).T + m[:2, 2]
    assert crop[0, 1] > crop[9, 1]  # wrist below the middle knuckle
    assert ((crop > 0) & (crop < 224)).all()
    assert 0.3 < np.ptp(crop[:, 1]) / 224 < 0.8


def test_the_body_crop_lies_beyond_the_wrist_or_along_the_forearm():
    roi = roi_from_body(np.array([100.0, 100.0]), np.array([100.0, 130.0]), 60.0, scale=2.0, reach=0.5)
    assert roi.centre == pytest.approx([100.0, 130.0]) and roi.side == 120.0
    assert roi.up == pytest.approx([0.0, 1.0])
    # knuckles on the wrist (fist toward the camera): the forearm says where the hand points
    wrist = np.array([100.0, 100.0])
    roi = roi_from_body(wrist, wrist.copy(), 60.0, elbow=np.array([40.0, 100.0]))
    assert roi.up == pytest.approx([1.0, 0.0])


def test_crop_reads_the_turned_region_and_pads_with_black():
    image = np.zeros((200, 300, 3), np.uint8)
    image[50:60, 200:210] = 255  # a white square right of the ROI centre
    roi = HandRoi(np.array([150.0, 55.0]), 120.0, np.array([1.0, 0.0]))  # "up" points right
    crop = crop_roi(image, roi, 224)
    ys, xs = np.nonzero(crop[..., 0] > 128)
    assert xs.mean() == pytest.approx(112, abs=4) and ys.mean() < 40  # the square is "up": top of the crop
    assert (crop[:, :30] == 0).all()  # above the frame's top edge


def test_roi_change_is_zero_for_the_same_roi_and_grows_with_shift_size_and_turn():
    a = HandRoi(np.array([0.0, 0.0]), 100.0, np.array([0.0, -1.0]))
    assert roi_change(a, a) == 0.0
    assert roi_change(a, HandRoi(np.array([30.0, 0.0]), 100.0, a.up)) == pytest.approx(0.3)
    assert roi_change(a, HandRoi(a.centre, 150.0, a.up)) == pytest.approx(np.log(1.5))
    assert roi_change(a, HandRoi(a.centre, 100.0, np.array([1.0, 0.0]))) == pytest.approx(1.0)
