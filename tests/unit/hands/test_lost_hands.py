"""Hands the body loses: faint wrists kept for placing crops, and a hand followed on its own landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.hands.crops import ARM_POINTS, with_faint_arms
from cuedetect.hands.stage import HandStage, HandStageOptions
from cuedetect.landmarks import INDEX, NUM_LANDMARKS
from tests.unit.hands.test_crops import FakeReader, H, W, body

IMAGE = np.zeros((H, W, 3), np.uint8)
NO_REREADS = HandStageOptions(reread_scales=())


def lost(xy: np.ndarray, side: str = "left") -> np.ndarray:
    """The pose with that side's wrist, knuckles and thumb gone (as cleaning drops a faint wrist)."""
    out = xy.copy()
    for part in ("wrist", "index", "pinky", "thumb"):
        out[INDEX[f"{side}_{part}"]] = np.nan
    return out


def test_faint_arm_points_come_from_the_raw_row_of_the_same_frame_and_person():
    clean = np.full((3, NUM_LANDMARKS, 2), 0.5)
    wrist, nose = INDEX["left_wrist"], INDEX["nose"]
    clean[0, wrist] = np.nan  # frame 10, person 1: the wrist was dropped
    clean[0, nose] = np.nan  # not an arm point: stays missing
    clean[1, wrist] = np.nan  # frame 10, person 2: no raw row for it (an interpolated row)
    raw = np.full((2, NUM_LANDMARKS, 2), 0.2)
    raw[1, wrist] = [0.31, 0.42]
    out = with_faint_arms(np.array([10, 10, 11]), np.array([1, 2, 1]), clean,
                          np.array([11, 10]), np.array([1, 1]), raw)  # fmt: skip
    assert out[0, wrist] == pytest.approx([0.31, 0.42])  # matched by (frame, person), not by row order
    assert np.isnan(out[0, nose]).all() and np.isnan(out[1, wrist]).all()
    keep = np.ones(NUM_LANDMARKS, bool)
    keep[wrist] = False
    assert np.array_equal(out[0, keep], clean[0, keep], equal_nan=True)
    assert np.array_equal(out[2], clean[2])  # nothing missing: the cleaned (smoothed) points stay
    assert np.isnan(clean[0, wrist]).all()  # the input is not modified
    assert len(ARM_POINTS) == 10 and wrist in ARM_POINTS and nose not in ARM_POINTS


def test_a_hand_the_body_loses_is_read_where_its_last_landmarks_put_it():
    reader = FakeReader()
    stage = HandStage(reader, NO_REREADS)
    xy, vis = body({"left": (300, 400)})
    first = stage.update(IMAGE, 0, 0.0, [(0, xy, vis)])[0]
    assert first.status == "read"
    rows = stage.update(IMAGE, 1, 0.2, [(0, lost(xy), vis)])
    assert rows[0].status == "read" and rows[0].person == 0 and rows[0].side == "left"
    assert rows[0].size_px == pytest.approx(first.size_px)
    last_roi = reader.crops[-1]
    assert np.linalg.norm(rows[0].landmarks[0, :2] - first.landmarks[0, :2]) < 0.3 * first.size_px
    assert last_roi.side == pytest.approx(2.0 * np.ptp(first.landmarks[[0, 5, 17], 0]), rel=0.6)
    assert rows[1].status == "out_of_view"  # the right hand was never read: nothing to follow


@pytest.mark.parametrize(
    ("gap_s", "status"),
    [
        (0.1, "held"),  # read under min_interval_s ago: kept without a read
        (0.3, "read"),
        (0.6, "out_of_view"),  # the last reading is older than lost_gap_s
    ],
)
def test_a_lost_hand_is_followed_only_while_its_reading_is_recent(gap_s, status):
    reader = FakeReader()
    stage = HandStage(reader, NO_REREADS)
    xy, vis = body({"left": (300, 400)})
    stage.update(IMAGE, 0, 0.0, [(0, xy, vis)])
    reads = len(reader.crops)
    row = stage.update(IMAGE, 1, gap_s, [(0, lost(xy), vis)])[0]
    assert row.status == status
    assert len(reader.crops) - reads == (1 if status == "read" else 0)
    assert (row.shape is None) == (status == "out_of_view")


def test_a_lost_hand_is_followed_at_most_lost_max_s_after_the_body_last_placed_it():
    reader = FakeReader()
    stage = HandStage(reader, HandStageOptions(reread_scales=(), lost_max_s=0.7))
    xy, vis = body({"left": (300, 400)})
    stage.update(IMAGE, 0, 0.0, [(0, xy, vis)])
    statuses = [stage.update(IMAGE, k, 0.3 * k, [(0, lost(xy), vis)])[0].status for k in (1, 2, 3)]
    assert statuses == ["read", "read", "out_of_view"]  # 0.9 s after the body's last wrist
    stage.update(IMAGE, 4, 1.2, [(0, xy, vis)])  # the body has the wrist again
    assert stage.update(IMAGE, 5, 1.5, [(0, lost(xy), vis)])[0].status == "read"


def test_a_lost_hand_not_found_again_stays_out_of_view_and_is_no_longer_followed():
    class Vanishes(FakeReader):
        def read(self, image, roi):
            return super().read(image, roi) if len(self.crops) < 1 else self.crops.append(roi)

    reader = Vanishes()
    stage = HandStage(reader, NO_REREADS)
    xy, vis = body({"left": (300, 400)})
    stage.update(IMAGE, 0, 0.0, [(0, xy, vis)])
    assert stage.update(IMAGE, 1, 0.2, [(0, lost(xy), vis)])[0].status == "out_of_view"
    reads = len(reader.crops)
    assert stage.update(IMAGE, 2, 0.3, [(0, lost(xy), vis)])[0].status == "out_of_view"
    assert len(reader.crops) == reads  # not looked for again


def test_a_lost_hand_stays_with_its_owner_when_another_persons_hand_is_near():
    """Person 0's left hand is lost by the body; person 1's right hand, 60-80 px away, is in view and
    moves (read again): both hands are read, each stays with its owner."""
    reader = FakeReader()
    stage = HandStage(reader, NO_REREADS)
    a_xy, a_vis = body({"left": (300, 400)})
    b_xy, b_vis = body({"right": (360, 400)})
    first = stage.update(IMAGE, 0, 0.0, [(0, a_xy, a_vis), (1, b_xy, b_vis)])
    b_moved, _ = body({"right": (380, 400)})
    rows = stage.update(IMAGE, 1, 0.2, [(0, lost(a_xy), a_vis), (1, b_moved, b_vis)])
    mine = {(r.person, r.side): r for r in rows}
    assert mine[(0, "left")].status == mine[(1, "right")].status == "read"
    before = next(f for f in first if (f.person, f.side) == (0, "left"))
    assert np.linalg.norm(mine[(0, "left")].landmarks[0, :2] - before.landmarks[0, :2]) < 30  # not the other
    assert mine[(1, "right")].landmarks[0, 0] == pytest.approx(380, abs=10)
