"""Tracker internals a user sees through ids and predicted boxes: the motion model (velocity, its speed
limit, forgetting it after a gap), the body height that scales every gate, the colour memory, the
active / lost time windows and the same-person test behind de-duplication.

Mutation testing (`tests/mutation/mutmut_module.py tracking`) found these untested; each case is small
and direct (no rendering, a handful of `Tracker.update` calls).
"""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.pose.keypoints import KeyPoints
from cuedetect.pose.proposals import Detection
from cuedetect.pose.tracking import (
    INF_COST,
    TrackedObject,
    Tracker,
    TrackerOptions,
    box_inside,
    box_iou,
    deduplicate,
    default_distance,
    keypoint_distance,
    reid_distance,
    same_person,
)
from tests.unit.pose.synthetic_people import synthetic_detection

ASPECT = 16 / 9
RED, BLUE = np.zeros(4), np.zeros(4)
RED[0], BLUE[3] = 1.0, 1.0


def person(cx: float, cy: float = 0.5, height: float = 0.5, colour: np.ndarray | None = RED,
           box: tuple | None = None, hips: bool = True) -> Detection:  # fmt: skip
    """A synthetic reading: 33 landmarks around (cx, cy); its box the landmarks' unless given."""
    det = synthetic_detection(cx, cy, height, colour, box, hips)
    det.box = det.box.astype(float)
    return det


def _walk(tracker: Tracker, vx: float, frames: int, fps: float = 16.0, hips: bool = True) -> TrackedObject:
    (tr,) = [tracker.update([person(0.3 + vx * k / fps, hips=hips)], k / fps) for k in range(frames)][-1]
    return tr


# --- prediction -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ahead_s", "used_s"), [(0.125, 0.125), (0.5, 0.5), (2.0, 0.5)])
def test_prediction_follows_the_velocity_for_at_most_half_a_second(ahead_s: float, used_s: float) -> None:
    box = np.array([0.2, 0.1, 0.4, 0.9])
    xy = np.tile([0.3, 0.5], (33, 1))
    tr = TrackedObject(0, xy, box, last_t=1.0, first_t=0.0, velocity=np.array([0.2, -0.1]))
    shift = np.array([0.2, -0.1]) * used_s
    np.testing.assert_allclose(tr.predicted_box(1.0 + ahead_s), box + np.r_[shift, shift])
    np.testing.assert_allclose(tr.predicted_xy(1.0 + ahead_s), xy + shift)


@pytest.mark.parametrize(
    ("gone_s", "active", "lost"),
    [(0.0, True, False), (0.25, True, False), (0.375, False, True), (1.75, False, True), (2.0, False, True),
     (2.125, False, False)],
)  # fmt: skip
def test_active_within_coast_then_lost_until_the_reid_window_ends(
    gone_s: float, active: bool, lost: bool
) -> None:
    """`predict` (boxes the landmarkers follow) holds tracks seen within `coast_s` (boundary included);
    `lost` says someone is out of view but may come back, up to `reid_window_s` (boundary included)."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, coast_s=0.25, reid_window_s=2.0))
    (tr,) = tracker.update([person(0.4)], 0.5)
    boxes = tracker.predict(0.5 + gone_s)
    assert (tr.id in boxes) is active
    if active:
        np.testing.assert_allclose(boxes[tr.id], tr.box)  # one sighting: no velocity yet
    assert tracker.lost(0.5 + gone_s) is lost


# --- velocity -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("hips", [True, False])
def test_velocity_is_the_walking_speed(hips: bool) -> None:
    """A steady walk of 0.15 frame widths per second is read as that (from the hips, or the box centre
    when the hips are not seen), and the predicted box moves on with it."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    tr = _walk(tracker, 0.15, 24, hips=hips)
    np.testing.assert_allclose(tr.velocity, [0.15, 0.0], atol=1e-4)
    ahead = tracker.predict(tr.last_t + 0.25)[tr.id]
    np.testing.assert_allclose(ahead - tr.box, [0.0375, 0, 0.0375, 0], atol=1e-4)


@pytest.mark.parametrize("gap_s", [0.5, 1.0])
def test_velocity_is_forgotten_after_a_gap(gap_s: float) -> None:
    """Back after half a second or more (same person, same place): the old velocity says little, so
    the predicted box stays where they reappeared."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    tr = _walk(tracker, 0.15, 10)
    assert tr.velocity[0] > 0.1
    (back,) = tracker.update([person(0.3 + 0.15 * 9 / 16)], tr.last_t + gap_s)
    assert back.id == tr.id
    np.testing.assert_array_equal(back.velocity, [0.0, 0.0])


def test_a_repeated_timestamp_leaves_the_velocity_alone() -> None:
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    tr = _walk(tracker, 0.15, 10)
    before = tr.velocity.copy()
    (again,) = tracker.update([person(0.32)], tr.last_t)
    np.testing.assert_array_equal(again.velocity, before)


def test_a_jump_is_capped_at_the_fastest_believed_speed() -> None:
    """A bad frame that throws the person 0.15 widths in 1/16 s: the velocity keeps its direction but is
    capped at `max_speed` body heights per second (measured with the frame's aspect)."""
    o = TrackerOptions(aspect=ASPECT)
    tracker = Tracker(o)
    for k in range(3):
        (tr,) = tracker.update([person(0.3)], k / 16)
    (tr,) = tracker.update([person(0.45)], 3 / 16)
    assert tr.id == 0
    speed = np.hypot(tr.velocity[0] * ASPECT, tr.velocity[1])
    assert speed == pytest.approx(o.max_speed * tr.height)
    assert tr.velocity[0] > 0 and tr.velocity[1] == pytest.approx(0.0, abs=1e-12)


def test_max_speed_zero_turns_the_motion_model_off() -> None:
    """`max_speed=0` believes no motion: a person standing still (velocity exactly 0, so speed and limit
    both 0) is tracked without a division by zero, and a walker's velocity is capped to 0, so the
    predicted box stays where they were last seen."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, max_speed=0.0))
    for k in range(3):
        (tr,) = tracker.update([person(0.3)], k / 16)
    np.testing.assert_array_equal(tr.velocity, [0.0, 0.0])
    for k in range(3, 6):
        (tr,) = tracker.update([person(0.3 + 0.01 * (k - 2))], k / 16)
    assert tr.id == 0
    np.testing.assert_array_equal(tr.velocity, [0.0, 0.0])
    np.testing.assert_array_equal(tracker.predict(tr.last_t + 0.25)[0], tr.box)


# --- body height, hits, colour ------------------------------------------------------------------------


def test_body_height_decays_slowly_when_a_person_crouches() -> None:
    """Crouching halves the box: the height that scales the gates shrinks 3% a frame, not at once."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    (tr,) = tracker.update([person(0.4, box=(0.3, 0.25, 0.5, 0.75))], 0.0)
    assert tr.height == pytest.approx(0.5)
    (tr,) = tracker.update([person(0.4, box=(0.35, 0.5, 0.45, 0.75))], 1 / 16)
    assert tr.height == pytest.approx(0.5 * 0.97)
    for k in range(2, 40):
        (tr,) = tracker.update([person(0.4, box=(0.35, 0.5, 0.45, 0.75))], k / 16)
    assert tr.height == pytest.approx(0.25)  # 0.5 * 0.97**38 is below: the box itself
    assert tr.hits == 40


def test_colour_memory_follows_slowly_and_not_from_overlapping_people() -> None:
    a = TrackerOptions(aspect=ASPECT).appearance_alpha
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    (tr,) = tracker.update([person(0.3, colour=None)], 0.0)  # first seen without a colour
    assert tr.appearance is None
    (tr,) = tracker.update([person(0.3, colour=RED)], 1 / 16)
    np.testing.assert_allclose(tr.appearance, RED)  # the first colour is taken as it is
    (tr,) = tracker.update([person(0.3, colour=BLUE)], 2 / 16)  # lighting changes
    np.testing.assert_allclose(tr.appearance, (1 - a) * RED + a * BLUE)
    learnt = tr.appearance.copy()
    (tr,) = tracker.update([person(0.3, colour=None)], 3 / 16)  # no colour read: memory kept
    np.testing.assert_allclose(tr.appearance, learnt)
    # someone stands in front (boxes overlap): their colours must not leak into this person's memory
    seen = tracker.update([person(0.3, colour=BLUE), person(0.36, colour=BLUE)], 4 / 16)
    mine = next(t for t in seen if t.id == tr.id)
    np.testing.assert_allclose(mine.appearance, learnt)


# --- gates at their boundaries ------------------------------------------------------------------------


def test_reid_gate_includes_its_boundary() -> None:
    """A lost person re-appearing exactly at the gate's reach is still a candidate (finite cost)."""
    track = TrackedObject(0, person(0.3).keypoints.xy[0].copy(), np.array([0.25, 0.25, 0.5, 0.75]), 1.0, 0.0)
    det = person(0.3, cy=0.625)
    kp = keypoint_distance(track.predicted_xy(1.5), det.keypoints.xy[0], ASPECT) / track.height
    at = TrackerOptions(aspect=ASPECT, gate=kp, gate_growth=0.0)
    assert reid_distance(track, det, 1.5, at) < INF_COST
    below = TrackerOptions(aspect=ASPECT, gate=kp * 0.99, gate_growth=0.0)
    assert reid_distance(track, det, 1.5, below) == INF_COST


def _pair(dy: float, box_a: tuple, box_b: tuple) -> tuple[Detection, Detection]:
    """Two readings whose landmarks differ by `dy` (frame heights) straight down, with given boxes."""
    return person(0.5, 0.375, box=box_a), person(0.5, 0.375 + dy, box=box_b)


SQUARE = (0.25, 0.25, 0.75, 0.75)  # height 0.5


@pytest.mark.parametrize(
    ("dy", "box_b", "same"),
    [
        (0.05, (0.0, 0.0, 1.0, 1.0), True),  # landmarks 0.1 heights apart: one person whatever the boxes
        (0.25, SQUARE, True),  # half a body height apart with the same box: two readings of one person
        (0.255, SQUARE, False),  # just beyond half a height
        (0.375, SQUARE, False),  # 0.75 heights
        (0.15, (0.33, 0.25, 0.83, 0.75), True),  # same-size boxes shifted: IoU 0.72, inside 0.84
        (0.15, (0.25, 0.25, 0.25 + 0.5 * 0.86, 0.75), True),  # a box inside: IoU 0.86 (and inside 1)
        (0.15, (0.45, 0.25, 0.95, 0.75), False),  # IoU 0.43, inside 0.6: two people
    ],
)
def test_same_person_table(dy: float, box_b: tuple, same: bool) -> None:
    a, b = _pair(dy, SQUARE, box_b)
    assert same_person(a, b, ASPECT) is same
    assert same_person(b, a, ASPECT) is same


def test_same_person_at_the_landmark_threshold_exactly() -> None:
    a, b = _pair(0.1, SQUARE, (0.0, 0.6, 0.1, 0.9))
    d = keypoint_distance(a.keypoints.xy[0], b.keypoints.xy[0], ASPECT) / 0.5
    assert same_person(a, b, ASPECT, same=d)
    assert not same_person(a, b, ASPECT, same=d * 0.99)


@pytest.mark.parametrize("taller", ["a", "b"])
def test_same_person_scales_by_the_taller_reading(taller: str) -> None:
    """Landmarks 0.06 apart: within 0.15 of the taller reading's height (0.5) though not of the shorter
    one's (0.2), so one person, whichever reading comes first."""
    tall, short = (0.3, 0.25, 0.6, 0.75), (0.65, 0.55, 0.8, 0.75)
    a, b = _pair(0.06, tall, short) if taller == "a" else _pair(0.06, short, tall)
    assert same_person(a, b, ASPECT)


def test_same_person_of_tiny_far_readings_uses_a_minimum_height() -> None:
    """Two readings of a far person with a degenerate box height (0.01): their landmarks 0.005 apart are
    one person (scaled by the 0.05 floor), not ten body heights apart."""
    a = person(0.5, 0.5, height=0.01, box=(0.5, 0.5, 0.505, 0.51))
    b = person(0.5, 0.505, height=0.01, box=(0.6, 0.2, 0.605, 0.21))
    assert same_person(a, b, ASPECT)


@pytest.mark.parametrize(
    ("box_b", "iou", "inside"),
    [
        ((0.0, 0.0625, 0.4375, 0.875), 0.7, 0.846),  # IoU exactly at its threshold (inside below its own)
        ((0.0, 0.21875, 0.03125, 0.84375), 0.044, 0.85),  # inside exactly at its threshold
    ],
)  # boxes on a 1/32 grid, found by search, whose IoU or inside share is exactly the threshold's float
def test_same_person_box_thresholds_include_their_boundary(box_b: tuple, iou: float, inside: float) -> None:
    """Landmarks 0.25 frame heights apart (about 0.3 body heights, beyond 0.15): one person only by the
    boxes; an overlap exactly at its threshold (IoU 0.7 or inside 0.85) counts."""
    box_a = (0.0, 0.0, 0.5, 0.75)
    assert box_iou(np.array(box_a), np.array(box_b)) == pytest.approx(iou, abs=1e-3)
    assert box_inside(np.array(box_a), np.array(box_b)) == pytest.approx(inside, abs=1e-3)
    a, b = _pair(0.25, box_a, box_b)
    assert same_person(a, b, ASPECT)


# --- the continuity cost and its gate -----------------------------------------------------------------


def _still_track() -> TrackedObject:
    """A track seen last at t = 1.0, standing still, its colour RED, its box 0.5 frame heights tall."""
    xy = person(0.4).keypoints.xy[0].copy()
    return TrackedObject(0, xy, np.array([0.3, 0.25, 0.5, 0.75]), 1.0, 0.0, appearance=RED.copy())


@pytest.mark.parametrize(
    ("dy", "colour", "box_shift", "want"),
    [
        (0.05, RED, 0.0, 0.05 / 0.5),  # landmarks 0.1 body heights away, same box, same colour
        (0.1, RED, 0.0, 0.1 / 0.5),
        (0.05, BLUE, 0.0, 0.05 / 0.5 + 0.8 * 1.0),  # other colours: + w_appearance x Hellinger 1
        (0.05, None, 0.0, 0.05 / 0.5 + 0.8 * 0.5),  # colour unknown: half way
        (0.05, RED, 10.0, 0.05 / 0.5 + 0.5 * 1.0),  # boxes apart: + w_box x (1 - IoU 0)
    ],
)
def test_continuity_cost_is_body_heights_plus_box_and_colour_terms(dy, colour, box_shift, want) -> None:
    track = _still_track()
    det = person(0.4, 0.5 + dy, colour=colour)
    det.box = track.box + np.array([box_shift, 0.0, box_shift, 0.0])
    o = TrackerOptions(aspect=ASPECT)
    assert track.height == 0.5
    assert default_distance(track, det, 1.0, o) == pytest.approx(want, rel=1e-6)


def test_continuity_gate_widens_with_the_time_unseen() -> None:
    """Landmarks 0.9 body heights away: beyond the 0.8 gate for a track seen this instant, inside it
    1/16 s later (0.8 + 3.0/s x 1/16 s = 0.9875)."""
    track = _still_track()
    det = person(0.4, 0.5 + 0.9 * track.height)
    det.box = track.box.copy()
    o = TrackerOptions(aspect=ASPECT)
    assert default_distance(track, det, 1.0, o) == INF_COST
    assert default_distance(track, det, 1.0 + 1 / 16, o) == pytest.approx(0.9, rel=1e-6)


def test_continuity_gate_includes_its_boundary() -> None:
    track = _still_track()
    det = person(0.4, 0.6)
    kp = keypoint_distance(track.predicted_xy(1.0), det.keypoints.xy[0], ASPECT) / track.height
    assert default_distance(track, det, 1.0, TrackerOptions(aspect=ASPECT, gate=kp)) < INF_COST
    assert default_distance(track, det, 1.0, TrackerOptions(aspect=ASPECT, gate=0.99 * kp)) == INF_COST


def test_boxes_of_no_area_do_not_overlap() -> None:
    flat = np.array([0.2, 0.5, 0.4, 0.5])
    assert box_iou(flat, flat) == 0.0


# --- options and the re-identification window ------------------------------------------------------------


def test_back_exactly_at_the_end_of_the_reid_window_keeps_the_id() -> None:
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    assert tracker.moves == {}
    (tr,) = tracker.update([person(0.4)], 0.5)
    (back,) = tracker.update([person(0.4)], 2.5)  # 2.0 s later: the window's end, included
    assert back.id == tr.id


def test_the_options_given_are_the_ones_used() -> None:
    """A longer re-identification window (3 s) keeps the id of someone back after 2.5 s."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, reid_window_s=3.0))
    (tr,) = tracker.update([person(0.4)], 0.0)
    (back,) = tracker.update([person(0.4)], 2.5)
    assert back.id == tr.id


def test_no_landmark_seen_by_both_is_infinitely_far() -> None:
    a = person(0.4).keypoints.xy[0]
    b = np.full((33, 2), np.nan)
    b[0] = (0.4, 0.5)
    a_without_nose = a.copy()
    a_without_nose[0] = np.nan
    assert keypoint_distance(a_without_nose, b, ASPECT) == float("inf")
    assert keypoint_distance(a, b, ASPECT) < float("inf")


def test_continuity_keeps_a_person_whose_colour_reading_changes_up_to_coast_s() -> None:
    """The light changes the colour read (red to blue) as the person steps down 0.2 frame heights, seen
    again exactly `coast_s` later: still active, continuity (not colour-led re-identification) keeps
    the id."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, coast_s=0.25))
    (tr,) = tracker.update([person(0.4, colour=RED)], 0.5)
    (again,) = tracker.update([person(0.4, 0.7, colour=BLUE)], 0.75)
    assert again.id == tr.id


def test_overlap_of_exactly_five_percent_is_not_crowded() -> None:
    """Colours are not learnt from a reading whose box overlaps another's by more than 5% IoU; at 5%
    exactly they are."""
    a = TrackerOptions(aspect=ASPECT).appearance_alpha
    box_a, box_b = (0.25, 0.25, 0.5, 0.75), (0.1875, 0.25, 0.265625, 0.75)  # IoU exactly 0.05
    assert box_iou(np.array(box_a), np.array(box_b)) == 0.05
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    first = tracker.update([person(0.375, box=box_a, colour=RED), person(0.8, box=box_b, colour=BLUE)], 0.0)
    mine = next(t.id for t in first if t.detection.box[0] == 0.25)
    seen = tracker.update(
        [person(0.375, box=box_a, colour=BLUE), person(0.8, box=box_b, colour=BLUE)], 1 / 16
    )
    np.testing.assert_allclose(next(t for t in seen if t.id == mine).appearance, (1 - a) * RED + a * BLUE)


@pytest.mark.parametrize(("cost", "kept"), [(2.0, True), (2.001, False)])
def test_a_match_costing_exactly_max_cost_is_accepted(cost: float, kept: bool) -> None:
    """The continuity distance is injected: a match at `max_cost` (2.0) keeps the id, above it a new one."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, rejoin_in_frame=None), distance_function=lambda *_: cost)
    (tr,) = tracker.update([person(0.4)], 0.0)
    (again,) = tracker.update([person(0.4)], 1 / 16)
    assert (again.id == tr.id) is kept


def test_a_track_at_exactly_coast_s_is_matched_once() -> None:
    """At exactly `coast_s` a track is active, not also lost: a second person in the same clothes nearby
    gets a new id instead of the same one twice."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, coast_s=0.25))
    (tr,) = tracker.update([person(0.4)], 0.5)
    seen = tracker.update([person(0.4), person(0.6)], 0.75)
    assert sorted(t.id for t in seen) == [tr.id, tr.id + 1]


def _reading(cx: float, conf: float, hidden: int = 0) -> Detection:
    """A reading with a given confidence and `hidden` landmarks not visible."""
    det = person(cx)
    vis = np.ones((1, 33))
    vis[0, :hidden] = 0.0
    kp = KeyPoints(det.keypoints.xy, vis, None, np.array([conf], np.float32))
    return Detection(kp, det.box, det.appearance)


@pytest.mark.parametrize("order", [0, 1])
def test_of_two_readings_of_one_person_the_fuller_then_the_surer_stays(order: int) -> None:
    fuller, partial = _reading(0.5, 0.5), _reading(0.501, 0.9, hidden=10)
    sure, unsure = _reading(0.7, 0.9), _reading(0.701, 0.5)
    dets = [fuller, partial, sure, unsure] if order == 0 else [unsure, sure, partial, fuller]
    kept = deduplicate(dets, ASPECT)
    assert {id(d) for d in kept} == {id(fuller), id(sure)}


def test_a_new_track_remembers_its_time_colour_and_who_found_it() -> None:
    """A landmarker (following track 0) drifts onto someone new far away while track 0's person is not
    seen: the new person gets a new id, their first colour, and the landmarker is handed to them."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    tracker.update([person(0.2, colour=RED)], 0.5)
    stray = person(0.9, colour=BLUE)
    stray.source = 0
    (new,) = tracker.update([stray], 0.5 + 1 / 16)
    assert new.id == 1 and new.first_t == 0.5 + 1 / 16
    np.testing.assert_allclose(new.appearance, BLUE)
    assert tracker.moves == {0: 1}


def test_new_people_get_the_next_id_and_ids_are_never_reused() -> None:
    """Three people arrive one per frame: ids 0, 1, 2. All leave; someone arriving after the
    re-identification window (2 s) is new: id 3, not a reused 0, 1 or 2."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    people = [person(0.2, colour=RED), person(0.5, colour=BLUE), person(0.8, colour=None)]
    for k in range(3):
        seen = tracker.update(people[: k + 1], k / 16)
        assert sorted(tr.id for tr in seen) == list(range(k + 1))
    (late,) = tracker.update([person(0.5, colour=BLUE)], 2 / 16 + 2.5)
    assert late.id == 3 and tracker.next_id == 4
