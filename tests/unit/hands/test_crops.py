"""Hand crops from the body, and hands tied to people and sides by the body (hands crossing)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.hands.crops import CropOptions, assign, dedupe, hand_slots
from cuedetect.hands.roi import HandRoi
from cuedetect.hands.stage import HandStage, HandStageOptions
from cuedetect.landmarks import INDEX, NUM_LANDMARKS

W, H = 1280, 720


def body(wrists: dict[str, tuple[float, float]], reach: dict[str, tuple[float, float]] | None = None,
         vis: float = 0.9) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """A pose (normalized) with elbows 120 px above-outside the wrists and knuckles `reach` px beyond."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    reach = reach or {}
    for side, (x, y) in wrists.items():
        dx, dy = reach.get(side, (0.0, 30.0))
        xy[INDEX[f"{side}_wrist"]] = [x / W, y / H]
        xy[INDEX[f"{side}_elbow"]] = [(x - 0.2 * dx) / W, (y - 120) / H]
        xy[INDEX[f"{side}_index"]] = [(x + dx - 6) / W, (y + dy) / H]
        xy[INDEX[f"{side}_pinky"]] = [(x + dx + 6) / W, (y + dy) / H]
    return xy, np.full(NUM_LANDMARKS, vis)


def found_hand(wrist: tuple[float, float], toward: tuple[float, float] = (0.0, 1.0), size: float = 80.0):
    """21 landmarks of a hand found by the model (frame pixels): wrist, knuckles `size` away."""
    lm = np.zeros((21, 3))
    w = np.array(wrist, float)
    d = np.array(toward, float) / np.linalg.norm(toward)
    perp = np.array([-d[1], d[0]])
    lm[:, :2] = w
    for k, off in zip((5, 9, 13, 17), (-0.3, -0.1, 0.1, 0.3), strict=True):
        lm[k, :2] = w + 0.45 * size * d + off * size * perp
        lm[k + 1 : k + 4, :2] = lm[k, :2] + 0.3 * size * d
    lm[1:5, :2] = w + 0.3 * size * perp
    return lm


def test_slots_are_placed_beyond_the_wrist_and_sized_by_the_forearm():
    xy, vis = body({"left": (400, 400), "right": (800, 400)})
    slots = hand_slots(7, xy, vis, (W, H))
    assert [s.side for s in slots] == ["left", "right"] and all(s.person == 7 for s in slots)
    for s in slots:
        assert s.status == "ok"
        x0, y0, x1, y1 = s.box
        assert x1 - x0 == pytest.approx(y1 - y0, abs=1)  # square
        assert x0 < s.wrist[0] < x1 and y0 < s.wrist[1] < y1
        assert (y0 + y1) / 2 > s.wrist[1]  # centred toward the fingers (down here)
        assert s.length_px == pytest.approx(0.75 * np.hypot(0, 120), rel=0.05)


@pytest.mark.parametrize(
    ("wrist", "vis", "scale", "status"),
    [
        ((400, 400), 0.9, 1.0, "ok"),
        ((1400, 400), 0.9, 1.0, "out_of_view"),  # past the right edge
        ((400, 400), 0.15, 1.0, "out_of_view"),  # the pose model says it is not visible
        ((400, 400), 0.25, 1.0, "ok"),  # seen faintly (against the body): still read
        ((400, 400), 0.9, 0.1, "too_small"),  # a far-away person
    ],
)
def test_slot_status_says_why_a_hand_is_not_read(wrist, vis, scale, status):
    xy, v = body({"left": wrist}, vis=vis)
    w = np.array(wrist) / [W, H]
    xy = (xy - w) * scale + w  # shrink the arm around the wrist
    slot = hand_slots(0, xy, v, (W, H))[0]
    assert slot.status == status


def test_missing_landmarks_are_out_of_view():
    xy, vis = body({"left": (400, 400)})
    right = hand_slots(0, xy, vis, (W, H))[1]
    assert right.status == "out_of_view" and right.length_px == 0.0


def test_hands_crossing_between_two_people_stay_with_their_owners():
    """A's right hand and B's left hand cross in front of them: each found hand goes to the body whose
    wrist and knuckles it matches, not to the nearer person or the hand model's order."""
    a_xy, a_vis = body({"left": (300, 420), "right": (640, 400)}, reach={"right": (60, 10)})
    b_xy, b_vis = body({"left": (700, 410), "right": (1000, 420)}, reach={"left": (-60, 10)})
    slots = hand_slots(0, a_xy, a_vis, (W, H)) + hand_slots(1, b_xy, b_vis, (W, H))
    hands = [
        found_hand((700, 410), toward=(-1.0, 0.15)),  # B's left, reaching left over A's right
        found_hand((300, 420)),  # A's left
        found_hand((640, 400), toward=(1.0, 0.15)),  # A's right, reaching right
        found_hand((1000, 420)),  # B's right
    ]
    match = assign(slots, hands)
    owner = {(slots[s].person, slots[s].side): h for s, h in match.items()}
    assert owner == {(0, "left"): 1, (0, "right"): 2, (1, "left"): 0, (1, "right"): 3}


def test_a_hand_far_from_every_body_hand_is_nobodys():
    xy, vis = body({"left": (300, 420), "right": (640, 400)})
    slots = hand_slots(0, xy, vis, (W, H))
    assert assign(slots, [found_hand((1100, 100))]) == {}


def test_one_hand_read_in_two_crops_counts_once():
    a = found_hand((640, 400))
    again = a + [3.0, -2.0, 0.0]
    other = found_hand((300, 420))
    assert dedupe([a, other, again], [0.9, 0.8, 0.95], tol_px=20) == [1, 2]


class FakeReader:
    """Finds a hand whose wrist sits where the body's wrist is (below the ROI's centre along its "up") and
    counts the reads."""

    def __init__(self) -> None:
        self.crops: list = []

    def read(self, image, roi):
        from cuedetect.hands.landmark_model import HandReading

        self.crops.append(roi)
        wrist = roi.centre - roi.up * 0.25 * roi.side
        lm = found_hand(tuple(wrist), toward=tuple(roi.up), size=0.5 * roi.side)
        return HandReading(lm, np.zeros((21, 3)), "Right", 0.9)


def test_a_still_hand_is_read_once_then_held_and_read_again_when_it_moves():
    reader = FakeReader()
    stage = HandStage(reader)
    xy, vis = body({"left": (300, 400)})
    image = np.zeros((H, W, 3), np.uint8)
    statuses = []
    for k, t in enumerate((0.0, 0.1, 0.2, 0.3)):
        rows = stage.update(image, k, t, [(0, xy, vis)])
        statuses.append(rows[0].status)
    assert statuses == ["read", "held", "held", "held"]
    rows = stage.update(image, 4, 0.5, [(0, xy, vis)])  # hold time over: read again
    assert rows[0].status == "read"
    before = rows[0].landmarks.copy()
    moved, _ = body({"left": (360, 400)})
    rows = stage.update(image, 5, 0.6, [(0, moved, vis)])
    assert rows[0].status == "held"  # moved, but read 0.1 s ago: under min_interval_s
    assert rows[0].landmarks[:, :2] == pytest.approx(before[:, :2] + [60.0, 0.0])  # moved with the wrist
    rows = stage.update(image, 6, 0.7, [(0, moved, vis)])
    assert rows[0].status == "read"
    assert len(reader.crops) == 3
    assert rows[1].status == "out_of_view" and rows[1].shape is None


def test_no_hand_in_view_reads_nothing():
    reader = FakeReader()
    stage = HandStage(reader)
    xy, vis = body({"left": (1500, 400), "right": (-100, 400)})
    rows = stage.update(np.zeros((H, W, 3), np.uint8), 0, 0.0, [(0, xy, vis)])
    assert [r.status for r in rows] == ["out_of_view", "out_of_view"]
    assert reader.crops == []


def test_small_hands_follow_the_option():
    xy, vis = body({"left": (400, 400)})
    assert hand_slots(0, xy, vis, (W, H), CropOptions(min_hand_px=200))[0].status == "too_small"


def test_a_hand_lost_where_its_landmarks_put_it_is_looked_for_where_the_body_says():
    """Tracking first (the last landmarks moved with the wrist), the body's crop when that finds nothing."""

    class LosesTrack(FakeReader):
        def read(self, image, roi):
            hand = super().read(image, roi)
            return hand if len(self.crops) == 1 or len(self.crops) % 2 == 1 else None

    reader = LosesTrack()
    stage = HandStage(reader, HandStageOptions(reread_scales=()))  # no re-reads at other scales here
    image = np.zeros((H, W, 3), np.uint8)
    xy, vis = body({"left": (300, 400)})
    assert stage.update(image, 0, 0.0, [(0, xy, vis)])[0].status == "read"
    moved, _ = body({"left": (380, 400)})
    rows = stage.update(image, 1, 0.2, [(0, moved, vis)])
    assert rows[0].status == "read"
    assert len(reader.crops) == 3  # the tracked crop (lost), then the body's
    assert reader.crops[1].centre[0] > 300 + 60  # the tracked crop moved with the wrist
    assert rows[0].landmarks[0, 0] == pytest.approx(380, abs=15)


@pytest.mark.parametrize(
    ("presences", "reads", "kept"),
    [
        ((0.9,), 1, 0.9),  # present enough: read once
        ((0.6, 0.8, 0.7), 3, 0.8),  # barely present: read narrower and wider, the most present kept
        ((None, None, 0.55), 3, 0.55),  # not found in the first crop, found in the wider one
        ((None, None, None), 3, None),  # nowhere: no hand
    ],
)
def test_a_crop_with_a_faint_or_no_hand_is_read_again_at_other_scales(presences, reads, kept):
    from cuedetect.hands.landmark_model import HandReading

    class Scripted(FakeReader):
        def read(self, image, roi):
            hand = super().read(image, roi)
            p = presences[len(self.crops) - 1]
            return None if p is None else HandReading(hand.landmarks, hand.world, "Right", p)

    reader = Scripted()
    stage = HandStage(reader, HandStageOptions(reread_below=0.7, reread_scales=(0.85, 1.2)))
    roi = HandRoi(np.array([300.0, 400.0]), 100.0, np.array([0.0, -1.0]))
    hand = stage._read(np.zeros((H, W, 3), np.uint8), roi)
    assert len(reader.crops) == reads == stage.crops_read
    assert [c.side for c in reader.crops] == pytest.approx([100.0, 85.0, 120.0][:reads])
    assert all(np.allclose(c.centre, roi.centre) and np.allclose(c.up, roi.up) for c in reader.crops)
    assert (hand is None) if kept is None else hand.score == kept
    reader.crops.clear()
    stage._read(np.zeros((H, W, 3), np.uint8), roi, size_px=30.0)  # a small hand is read once
    assert len(reader.crops) == 1


@pytest.mark.parametrize(
    ("wrist_shift", "toward", "kept"),
    [
        ((0.0, 0.0), (0.0, 1.0), "tracked"),  # where the body's hand is, pointing its way: kept
        ((0.0, 0.0), (0.0, -1.0), "body"),  # read up the forearm (pointing back at the elbow)
        ((0.0, -80.0), (0.0, 1.0), "tracked"),  # away from the body's wrist (the body's may be off)
        ((0.0, 0.0), (1.0, 0.5), "tracked"),  # well off to the body's hand: not contradicted
    ],
)
def test_a_tracked_reading_that_contradicts_the_body_is_replaced_by_the_bodys_crop(wrist_shift, toward, kept):
    from cuedetect.hands.landmark_model import HandReading

    class Tracked(FakeReader):
        def read(self, image, roi):
            hand = super().read(image, roi)
            if len(self.crops) == 2:  # the tracked crop of the second frame
                wrist = hand.landmarks[0, :2] + wrist_shift
                lm = found_hand(tuple(wrist), toward=toward, size=80.0)
                return HandReading(lm, hand.world, "Right", 0.9)
            return hand

    reader = Tracked()
    stage = HandStage(reader, HandStageOptions(reread_scales=()))
    image = np.zeros((H, W, 3), np.uint8)
    xy, vis = body({"left": (300, 400)}, reach={"left": (0.0, 40.0)})  # the body's hand points down
    stage.update(image, 0, 0.0, [(0, xy, vis)])
    moved, _ = body({"left": (340, 400)}, reach={"left": (0.0, 40.0)})
    rows = stage.update(image, 1, 0.2, [(0, moved, vis)])
    assert rows[0].status == "read"
    body_crop = [np.allclose(c.centre, [340.0, 400.0 + 0.45 * 90.0]) for c in reader.crops[1:]]
    assert body_crop[0] is False and any(body_crop) == (kept == "body")
    down = rows[0].landmarks[9, 1] > rows[0].landmarks[0, 1]
    assert down == (toward[1] >= 0 or kept == "body")
