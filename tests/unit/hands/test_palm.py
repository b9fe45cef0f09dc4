"""The palm detector's decoding (anchors, boxes, keypoints, suppression, hand ROI) and the hand stage's palm
search: a last resort for hands the body's crops miss, per person and on a schedule, off by default."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.hands.crops import HandSlot
from cuedetect.hands.landmark_model import HandReading
from cuedetect.hands.palm import (
    INPUT_PX,
    Palm,
    PalmSearch,
    PalmSearchOptions,
    decode,
    hand_roi,
    search_region,
    ssd_anchors,
    weighted_nms,
)
from cuedetect.hands.roi import HandRoi
from cuedetect.hands.stage import HandStage, HandStageOptions
from tests.unit.hands.test_crops import H, W, body, found_hand

UPRIGHT = np.array([0.0, -1.0])


def test_anchors_are_two_per_cell_at_stride_8_then_six_per_cell_at_stride_16():
    a = ssd_anchors()
    assert a.shape == (2016, 2)  # 24 x 24 x 2 + 12 x 12 x 6
    assert a[0] == pytest.approx([0.5 / 24, 0.5 / 24]) and a[1] == pytest.approx(a[0])
    assert a[2] == pytest.approx([1.5 / 24, 0.5 / 24])  # x runs fastest
    assert a[1152] == pytest.approx([0.5 / 12, 0.5 / 12]) and a[1157] == pytest.approx(a[1152])
    assert a[1158] == pytest.approx([1.5 / 12, 0.5 / 12])


@pytest.mark.parametrize(("logit", "kept"), [(3.0, 1), (0.1, 1), (-0.1, 0), (-5.0, 0)])
def test_decode_keeps_anchors_scoring_over_the_threshold_and_offsets_them_from_their_anchor(logit, kept):
    anchors = ssd_anchors()
    raw = np.zeros((len(anchors), 18))
    logits = np.full(len(anchors), -10.0)
    raw[300] = [19.2, -9.6, 38.4, 19.2, *([9.6, 0.0] * 7)]  # in input pixels
    logits[300] = logit
    boxes, kps, scores = decode(raw, logits, anchors, min_score=0.5)
    assert len(boxes) == kept
    if kept:
        assert boxes[0] == pytest.approx([anchors[300][0] + 0.1, anchors[300][1] - 0.05, 0.2, 0.1])
        assert kps[0][3] == pytest.approx(anchors[300] + [0.05, 0.0])
        assert scores[0] == pytest.approx(1 / (1 + np.exp(-logit)))


def test_overlapping_detections_become_one_their_score_weighted_mean_and_far_ones_stay():
    boxes = np.array([[0.5, 0.5, 0.2, 0.2], [0.52, 0.5, 0.2, 0.2], [0.1, 0.1, 0.1, 0.1]])
    kps = np.stack([np.full((7, 2), 0.5), np.full((7, 2), 0.52), np.full((7, 2), 0.1)])
    out = weighted_nms(boxes, kps, np.array([0.9, 0.6, 0.7]))
    assert [round(s, 2) for _, _, s in out] == [0.9, 0.7]  # best first
    merged_box, merged_kp, _ = out[0]
    assert merged_box[0] == pytest.approx((0.5 * 0.9 + 0.52 * 0.6) / 1.5)
    assert merged_kp[0] == pytest.approx([(0.5 * 0.9 + 0.52 * 0.6) / 1.5, (0.5 * 0.9 + 0.52 * 0.6) / 1.5])


@pytest.mark.parametrize(
    ("wrist", "knuckle", "up"),
    [
        ((0.5, 0.6), (0.5, 0.4), (0.0, -1.0)),  # fingers up
        ((0.4, 0.5), (0.6, 0.5), (1.0, 0.0)),  # fingers to the right
        ((0.5, 0.4), (0.5, 0.6), (0.0, 1.0)),  # hanging
    ],
)
def test_a_palm_calls_for_a_crop_turned_along_it_wider_than_its_box_and_shifted_toward_the_fingers(
    wrist, knuckle, up
):
    region = HandRoi(np.array([300.0, 200.0]), 192.0, UPRIGHT)  # 1 px of the region = 1 px of the frame
    kps = np.full((7, 2), 0.9)  # the other keypoints off the hand's axis
    kps[0], kps[2] = wrist, knuckle
    roi = hand_roi(np.array([0.5, 0.5, 0.25, 0.2]), kps, region)
    assert roi.up == pytest.approx(up)
    assert roi.side == pytest.approx(2.6 * 0.25 * 192)
    assert roi.centre == pytest.approx(np.array([300.0, 200.0]) + np.array(up) * 0.5 * 0.25 * 192)


def test_the_search_region_spans_the_arm_points_and_is_at_least_the_given_size():
    pts = np.array([[100.0, 100.0], [300.0, 200.0], [np.nan, np.nan]])
    r = search_region(pts, min_side=50.0)
    assert r.centre == pytest.approx([200.0, 150.0]) and r.side == pytest.approx(1.3 * 200)
    assert search_region(pts, min_side=400.0).side == 400.0
    assert search_region(np.full((3, 2), np.nan), min_side=10.0) is None
    wide = search_region(np.array([[100.0, 150.0], [300.0, 250.0]]), min_side=50.0)  # x and y apart
    assert wide.centre == pytest.approx([200.0, 200.0]) and wide.side == pytest.approx(1.3 * 200)


class FakeDetector:
    """Finds one palm, whose crop is `roi`, in every search; counts the searches."""

    def __init__(self, roi: HandRoi) -> None:
        self.roi = roi
        self.regions: list = []

    def find(self, image, region):
        self.regions.append(region)
        return [Palm(self.roi, 0.9)]


class OnlyThere:
    """Finds the hand `lm` only in crops centred within 20 px of `at`; counts every read."""

    def __init__(self, at: np.ndarray, lm: np.ndarray) -> None:
        self.at, self.lm, self.reads = np.asarray(at, float), lm, 0

    def read(self, image, roi):
        self.reads += 1
        if np.linalg.norm(roi.centre - self.at) > 20:
            return None
        return HandReading(self.lm, np.zeros((21, 3)), "Left", 0.9)


# the body's left wrist at (300, 400), its hand 90 px long and pointing down; the real hand a hand length
# lower (a wrist the pose engine placed high): beyond the stage's own match (0.9 hand lengths), within the
# palm search's (1.5)
WRIST = (300.0, 400.0)
HAND = found_hand((300.0, 490.0), toward=(0.0, 1.0), size=80.0)
PALM_ROI = HandRoi(np.array([300.0, 540.0]), 150.0, np.array([0.0, 1.0]))
IMAGE = np.zeros((H, W, 3), np.uint8)


def frames(stage: HandStage, times: list[float], wrist=WRIST, vis: float = 0.9) -> list[str]:
    xy, v = body({"left": wrist}, vis=vis)
    return [stage.update(IMAGE, k, t, [(0, xy, v)])[0].status for k, t in enumerate(times)]


def test_without_the_palm_search_the_hand_is_not_found_and_no_detector_runs():
    detector = FakeDetector(PALM_ROI)
    stage = HandStage(OnlyThere(PALM_ROI.centre, HAND), HandStageOptions(), detector)  # option off
    assert frames(stage, [0.0]) == ["not_found"] and detector.regions == []


def test_a_hand_the_body_misplaces_is_found_by_the_palm_search_and_tied_to_its_slot():
    detector = FakeDetector(PALM_ROI)
    reader = OnlyThere(PALM_ROI.centre, HAND)
    stage = HandStage(reader, HandStageOptions(palm_search=PalmSearchOptions()), detector)
    xy, v = body({"left": WRIST})
    row = stage.update(IMAGE, 0, 0.0, [(0, xy, v)])[0]
    assert row.status == "read" and row.landmarks[0, :2] == pytest.approx([300.0, 490.0])
    assert len(detector.regions) == 1 and stage.palms.searches == 1
    region = detector.regions[0]  # around the person's arm points, at least 4 hand lengths wide
    assert region.side >= 4 * 90 - 1e-6 and np.allclose(region.up, UPRIGHT)


def test_a_hand_the_palm_search_finds_too_far_from_the_body_hand_stays_unread():
    far = found_hand((300.0, 600.0), toward=(0.0, 1.0), size=80.0)  # over two hand lengths off
    stage = HandStage(OnlyThere(PALM_ROI.centre, far), HandStageOptions(palm_search=PalmSearchOptions()),
                      FakeDetector(PALM_ROI))  # fmt: skip
    assert frames(stage, [0.0]) == ["not_found"]


@pytest.mark.parametrize(("every_s", "searches"), [(0.25, 3), (0.5, 2), (0.0, 9)])
def test_a_person_is_searched_at_most_every_every_s_while_a_hand_stays_unread(every_s, searches):
    detector = FakeDetector(HandRoi(np.array([900.0, 100.0]), 150.0, UPRIGHT))  # a palm with no hand
    reader = OnlyThere(np.array([-1e4, -1e4]), HAND)  # finds nothing anywhere
    stage = HandStage(reader, HandStageOptions(palm_search=PalmSearchOptions(every_s=every_s)), detector)
    statuses = frames(stage, [k / 15 for k in range(9)])  # 0.53 s at 15 fps
    assert set(statuses) == {"not_found"} and len(detector.regions) == searches


def test_a_hand_its_own_crop_reads_is_not_searched_for():
    here = found_hand(WRIST, toward=(0.0, 1.0), size=80.0)

    class Everywhere(OnlyThere):
        def read(self, image, roi):
            self.reads += 1
            return HandReading(here, np.zeros((21, 3)), "Left", 0.9)

    stage = HandStage(Everywhere(np.zeros(2), here), HandStageOptions(palm_search=PalmSearchOptions()),
                      FakeDetector(PALM_ROI))  # fmt: skip
    # the right hand has no wrist at all (not searched); the left one is read by its body crop
    assert frames(stage, [0.0]) == ["read"] and stage.palms.searches == 0


def test_a_palm_on_a_hand_already_found_is_not_read_again():
    here = found_hand((600.0, 400.0), toward=(0.0, 1.0), size=80.0)  # another hand, found already
    on_it = HandRoi(here[[0, 5, 9, 13, 17], :2].mean(axis=0), 150.0, np.array([0.0, 1.0]))
    reads = []
    s = HandSlot(0, "left", np.array(WRIST), np.array([300.0, 430.0]), 90.0, (0, 0, 1, 1), "ok")
    search = PalmSearch(FakeDetector(on_it))
    points = {0: np.array([[250.0, 300.0], [350.0, 450.0]])}
    assert search.search(IMAGE, 0.0, points, [s], [here], reads.append) == [] and reads == []
    assert search.search(IMAGE, 1.0, points, [s], [], reads.append) == [] and len(reads) == 1


@pytest.mark.parametrize(
    ("status", "length", "tracked", "unread", "wanted"),
    [
        ("ok", 90.0, False, True, True),  # looked for and not found
        ("ok", 90.0, False, False, False),  # read or held
        ("ok", 30.0, False, True, False),  # too short for the search
        ("ok", 40.0, False, True, True),  # exactly `min_px` long
        ("ok", 90.0, True, True, False),  # followed on its own landmarks already
        ("out_of_view", 90.0, False, False, True),  # a faint wrist in the picture
        ("too_small", 90.0, False, False, False),
    ],
)
def test_the_hands_worth_a_search(status, length, tracked, unread, wanted):
    s = HandSlot(0, "left", np.array([300.0, 400.0]), np.array([300.0, 430.0]), length, (0, 0, 1, 1), status,
                 tracked)  # fmt: skip
    search = PalmSearch(None)
    assert (search.wanted([s], {id(s)} if unread else set(), (W, H)) == [s]) is wanted


def test_a_faint_wrist_outside_the_picture_is_not_searched_for():
    s = HandSlot(0, "left", np.array([-50.0, 400.0]), np.array([-50.0, 430.0]), 90.0, (0, 0, 1, 1),
                 "out_of_view")  # fmt: skip
    assert PalmSearch(None).wanted([s], set(), (W, H)) == []


def test_the_input_is_192_pixels():
    assert INPUT_PX == 192


@pytest.mark.parametrize(
    ("wrist", "wanted"),
    [((0.0, 400.0), True), ((W - 0.5, 400.0), True), ((W, 400.0), False), ((300.0, 0.0), True),
     ((300.0, H - 0.5), True), ((300.0, H), False), ((300.0, -0.5), False)],
)  # fmt: skip
def test_a_faint_wrist_on_the_pictures_first_row_or_column_is_in_it_and_on_its_far_edge_not(wrist, wanted):
    s = HandSlot(0, "left", np.array(wrist), np.array(wrist) + [0.0, 30.0], 90.0, (0, 0, 1, 1), "out_of_view")
    assert (PalmSearch(None).wanted([s], set(), (W, H)) == [s]) is wanted


def test_every_hand_worth_a_search_is_listed_after_one_that_is_not():
    short = HandSlot(0, "left", np.array(WRIST), np.array([300.0, 430.0]), 20.0, (0, 0, 1, 1), "ok")
    tracked = HandSlot(1, "left", np.array(WRIST), np.array([300.0, 430.0]), 90.0, (0, 0, 1, 1), "ok", True)
    lost = HandSlot(2, "left", np.array(WRIST), np.array([300.0, 430.0]), 90.0, (0, 0, 1, 1), "ok")
    assert PalmSearch(None).wanted([short, tracked, lost], {id(short), id(tracked), id(lost)}, (W, H)) == [
        lost
    ]


class Detections:
    """Finds the given palms in every search; keeps each search's image and region."""

    def __init__(self, palms: list[Palm]) -> None:
        self.palms, self.searches = palms, []

    def find(self, image, region):
        self.searches.append((image, region))
        return list(self.palms)


def slot(person: int, length: float = 90.0) -> HandSlot:
    return HandSlot(person, "left", np.array(WRIST), np.array([300.0, 430.0]), length, (0, 0, 1, 1), "ok")


def test_a_person_is_searched_again_exactly_every_s_later_and_each_search_is_counted():
    search = PalmSearch(Detections([]), PalmSearchOptions(every_s=0.25))
    points = {0: np.array([[250.0, 300.0], [350.0, 450.0]])}
    for t in (0.0, 0.125, 0.25, 0.375, 0.5):
        search.search(IMAGE, t, points, [slot(0)], [], lambda roi: None)
    assert search.searches == 3 and len(search.detector.searches) == 3


def test_a_person_not_due_or_without_points_does_not_stop_the_search_of_the_next():
    det = Detections([])
    search = PalmSearch(det, PalmSearchOptions(every_s=1.0))
    points = {0: np.array([[250.0, 300.0]]), 1: np.full((2, 2), np.nan), 3: np.array([[600.0, 300.0]])}
    search.search(IMAGE, 0.0, points, [slot(0)], [], lambda roi: None)  # person 0 searched at 0.0
    wanted = [slot(0), slot(1), slot(2), slot(3)]  # 0 not due, 1 no arm point, 2 not in `points`
    search.search(IMAGE, 0.5, points, wanted, [], lambda roi: None)
    assert search.searches == 2 and det.searches[1][1].centre == pytest.approx([600.0, 300.0])


def test_the_detector_searches_the_frame_in_a_region_four_of_the_longest_wanted_hands_wide():
    det = Detections([])
    points = {0: np.array([[300.0, 400.0], [310.0, 410.0]])}  # arm points close together
    PalmSearch(det).search(IMAGE, 0.0, points, [slot(0, 60.0), slot(0, 90.0)], [], lambda roi: None)
    ((image, region),) = det.searches
    assert image is IMAGE and region.side == pytest.approx(4 * 90.0)


@pytest.mark.parametrize(("off", "read"), [(0.0, False), (0.4, False), (0.6, True), (2.0, True)])
def test_a_palm_within_half_a_palm_box_of_a_hand_found_already_is_not_read(off, read):
    here = found_hand((600.0, 400.0), toward=(0.0, 1.0), size=80.0)
    centre = here[[0, 5, 9, 13, 17], :2].mean(axis=0)
    box = 150.0 / 2.6  # the palm box of a crop 150 px wide
    at = Palm(HandRoi(centre + [off * box, 0.0], 150.0, np.array([0.0, 1.0])), 0.9)
    beyond = Palm(HandRoi(np.array([900.0, 100.0]), 150.0, UPRIGHT), 0.8)  # far from any hand
    reads = []
    points = {0: np.array([[250.0, 300.0], [350.0, 450.0]])}
    PalmSearch(Detections([at, beyond])).search(IMAGE, 0.0, points, [slot(0)], [here], reads.append)
    assert [r.centre[0] for r in reads] == ([at.roi.centre[0]] if read else []) + [900.0]


@pytest.mark.parametrize("toward", [(0.0, -1.0), (0.0, 1.0), (-1.0, 0.0), (1.0, 0.0)])
def test_the_hand_found_already_is_where_its_wrist_and_four_knuckles_are_on_average(toward):
    # a palm 2 px inside half a palm box of that point, on any side of it, is on the hand found already
    here = found_hand((600.0, 400.0), toward=(0.0, 1.0), size=80.0)  # fingers down, thumb to the left
    centre = (here[0, :2] + here[5, :2] + here[9, :2] + here[13, :2] + here[17, :2]) / 5
    at = Palm(HandRoi(centre + (150.0 / 2.6 / 2 - 2.0) * np.array(toward), 150.0, UPRIGHT), 0.9)
    reads = []
    points = {0: np.array([[250.0, 300.0], [350.0, 450.0]])}
    PalmSearch(Detections([at])).search(IMAGE, 0.0, points, [slot(0)], [here], reads.append)
    assert reads == []
