"""The palm detector itself: its score threshold and decoding of boxes and keypoints, box overlap and
weighted suppression, the hand ROI a palm calls for, and the detector run on a fake interpreter and on
the hand bundle's real one (the search that uses it: test_palm.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cuedetect.hands.palm import PalmDetector, _iou, decode, hand_roi, ssd_anchors, weighted_nms
from cuedetect.hands.roi import HandRoi

UPRIGHT = np.array([0.0, -1.0])


def test_a_score_exactly_at_the_threshold_is_kept():
    anchors = ssd_anchors()
    logits = np.full(len(anchors), -10.0)
    logits[300] = 0.0  # a score of exactly 0.5
    boxes, _, scores = decode(np.zeros((len(anchors), 18)), logits, anchors, min_score=0.5)
    assert len(boxes) == 1 and scores[0] == 0.5


def test_every_kept_anchor_has_its_own_box_and_seven_keypoints_offset_from_its_own_anchor():
    anchors = ssd_anchors()
    raw = np.zeros((len(anchors), 18))
    logits = np.full(len(anchors), -10.0)
    for k in (302, 1500):  # anchors off the diagonal: (7.5 / 24, 6.5 / 24) and (10.5 / 12, 4.5 / 12)
        raw[k] = [19.2, -9.6, 38.4, 19.2, *np.arange(14.0)]
        logits[k] = 2.0
    boxes, kps, _ = decode(raw, logits, anchors, min_score=0.5)
    assert anchors[302] == pytest.approx([7.5 / 24, 6.5 / 24]) and anchors[1500] == pytest.approx(
        [10.5 / 12, 4.5 / 12]
    )
    assert kps.shape == (2, 7, 2)
    for j, k in enumerate((302, 1500)):
        assert boxes[j] == pytest.approx([anchors[k][0] + 0.1, anchors[k][1] - 0.05, 0.2, 0.1])
        assert kps[j] == pytest.approx(np.arange(14.0).reshape(7, 2) / 192 + anchors[k])


def test_logits_far_out_of_range_score_about_0_or_1_without_overflow():
    anchors = ssd_anchors()
    logits = np.full(len(anchors), -1000.0)
    logits[300] = 1000.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning fails the test
        _, _, scores = decode(np.zeros((len(anchors), 18)), logits, anchors, min_score=0.0)
    assert scores.max(initial=0.0, where=np.arange(len(anchors)) != 300) < 1e-40 and scores[300] == 1.0


def test_a_palm_whose_wrist_and_knuckle_coincide_still_calls_for_a_finite_upright_crop():
    region = HandRoi(np.array([300.0, 200.0]), 192.0, UPRIGHT)
    roi = hand_roi(np.array([0.5, 0.5, 0.25, 0.2]), np.full((7, 2), 0.5), region)
    assert np.isfinite(roi.centre).all() and np.linalg.norm(roi.up) == pytest.approx(1.0)
    assert abs(roi.up[0]) < 1e-9  # along the region's vertical


def test_a_palm_under_a_pixel_long_is_still_turned_along_its_keypoints():
    region = HandRoi(np.array([300.0, 200.0]), 19.2, UPRIGHT)  # 0.1 px of the frame per crop pixel
    kps = np.full((7, 2), 0.9)
    kps[0], kps[2] = (0.5, 0.5), (0.53, 0.5)  # wrist -> knuckle 0.58 px to the right
    assert hand_roi(np.array([0.5, 0.5, 0.25, 0.2]), kps, region).up == pytest.approx([1.0, 0.0])


@pytest.mark.parametrize(
    ("a", "b", "iou"),
    [
        ((0.3, 0.7, 0.2, 0.1), (0.3, 0.7, 0.2, 0.1), 1.0),  # the same box
        ((0.3, 0.7, 0.2, 0.1), (0.4, 0.7, 0.2, 0.1), 1 / 3),  # half a width to the right: 0.01 / 0.03
        ((0.3, 0.7, 0.1, 0.2), (0.3, 0.6, 0.1, 0.2), 1 / 3),  # half a height up
        ((0.3, 0.7, 0.4, 0.2), (0.3, 0.7, 0.2, 0.1), 0.25),  # one inside the other: 0.02 / 0.08
        ((0.3, 0.7, 0.2, 0.1), (0.3, 0.7, 0.4, 0.2), 0.25),
        ((0.3, 0.7, 0.2, 0.1), (0.35, 0.72, 0.2, 0.1), 0.012 / 0.028),  # 0.15 x 0.08 overlap
        ((0.3, 0.7, 0.2, 0.1), (0.6, 0.7, 0.2, 0.1), 0.0),  # side by side, apart
        ((0.3, 0.7, 0.2, 0.1), (0.3, 0.9, 0.2, 0.1), 0.0),  # one above the other, apart
    ],
)
def test_the_overlap_of_two_boxes_is_their_intersection_over_their_union(a, b, iou):

    got = _iou(np.array(a), np.array([b, a]))  # against several boxes at once
    assert got == pytest.approx([iou, 1.0], abs=1e-9)


@pytest.mark.parametrize(("dx", "iou", "detections"), [(0.1, 0.3, 1), (0.12, 0.3, 2), (0.1, 0.4, 2)])
def test_detections_merge_when_they_overlap_more_than_the_threshold(dx, iou, detections):
    # IoU 1/3 at dx 0.1, 0.25 at dx 0.12
    boxes = np.array([[0.3, 0.7, 0.2, 0.1], [0.3 + dx, 0.7, 0.2, 0.1]])
    kps = np.zeros((2, 7, 2))
    assert len(weighted_nms(boxes, kps, np.array([0.9, 0.8]), iou=iou)) == detections
    if iou == 0.3:  # the default
        assert len(weighted_nms(boxes, kps, np.array([0.9, 0.8]))) == detections


class FakeInterpreter:
    """LiteRT's interpreter API around fixed outputs: the palm detector's (1, 2016, 18) boxes and keypoints
    and (1, 2016, 1) score logits, the logits listed first."""

    def __init__(self, raw: np.ndarray, logits: np.ndarray) -> None:
        self.tensors = {0: raw[None], 1: logits[None, :, None]}
        self.inputs: list = []

    def get_input_details(self):
        return [{"index": 7}]

    def get_output_details(self):
        return [{"index": 1, "shape": np.array([1, 2016, 1])}, {"index": 0, "shape": np.array([1, 2016, 18])}]

    def set_tensor(self, index, value):
        self.inputs.append((index, value))

    def invoke(self):
        pass

    def get_tensor(self, index):
        return self.tensors[index]


def detector_outputs() -> tuple[np.ndarray, np.ndarray]:
    """Palms at anchors 300 (score 0.95, its wrist below its middle knuckle), 1000 (0.88) and 600 (0.52);
    anchor 1500 scores 0.48; every other anchor nothing."""
    raw = np.zeros((2016, 18))
    logits = np.full(2016, -10.0)
    for k, logit in [(300, 3.0), (1000, 2.0), (600, 0.1), (1500, -0.1)]:
        raw[k, :4] = [19.2, -9.6, 38.4, 19.2]
        logits[k] = logit
    raw[300, 4:6], raw[300, 8:10] = [0.0, 19.2], [0.0, -19.2]  # keypoints 0 (wrist) and 2 (middle knuckle)
    return raw, logits


@pytest.mark.parametrize(
    ("min_score", "scores"), [(None, [0.95, 0.88, 0.52]), (0.9, [0.95]), (0.5, [0.95, 0.88, 0.52])]
)
def test_the_detector_reads_its_outputs_by_their_shape_and_returns_the_palms_best_first(min_score, scores):

    it = FakeInterpreter(*detector_outputs())
    det = PalmDetector(it) if min_score is None else PalmDetector(it, min_score=min_score)
    region = HandRoi(np.array([300.0, 200.0]), 192.0, UPRIGHT)  # crop pixel (x, y) = frame (x + 204, y + 104)
    image = np.full((480, 640, 3), 255, np.uint8)
    palms = det.find(image, region)
    assert [round(p.score, 2) for p in palms] == scores and det.calls == 1
    ((index, tensor),) = it.inputs  # the crop, one image of 192 x 192 in 0..1
    assert index == 7 and tensor.dtype == np.float32 and tensor.shape == (1, 192, 192, 3)
    assert tensor.min() == pytest.approx(1.0) and tensor.max() == pytest.approx(1.0)
    # anchor 300: cell (6, 6) of the 24 x 24 grid; the box 0.1 right and 0.05 up of it, 0.2 x 0.1 wide
    box_centre = (np.array([6.5 / 24 + 0.1, 6.5 / 24 - 0.05]) * 192) + [204.0, 104.0]
    side = 0.2 * 192
    assert palms[0].roi.up == pytest.approx([0.0, -1.0])  # the fingers up
    assert palms[0].roi.centre == pytest.approx(box_centre + [0.0, -0.5 * side])
    assert palms[0].roi.side == pytest.approx(2.6 * side)
    det.find(image, region)
    assert det.calls == 2  # every run counted


def test_the_detector_of_the_hand_bundle_finds_no_palm_in_an_empty_picture():

    from cuedetect.models.hand_provision import ensure_hand_model

    det = PalmDetector.create(ensure_hand_model())
    assert det.min_score == 0.5 and PalmDetector.create(ensure_hand_model(), min_score=0.7).min_score == 0.7
    region = HandRoi(np.array([320.0, 240.0]), 300.0, UPRIGHT)
    assert det.find(np.full((480, 640, 3), 90, np.uint8), region) == [] and det.calls == 1
