"""Tracker cases colour cannot solve: everyone wears the SAME clothes (identical colour histograms).

Ids must then come from motion, box overlap, the landmarker that followed a person and the
re-identification gate; each of those has a case here that fails without it.
"""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.pose.detector import Detection
from cuedetect.pose.tracking import (
    INF_COST,
    Tracker,
    TrackerOptions,
    default_distance,
    reid_distance,
)
from tests.unit.pose.synthetic_people import clothing, synthetic_detection

ASPECT = 16 / 9
SAME_CLOTHES = clothing(7)


def person(cx: float, cy: float = 0.5, height: float = 0.5, box: np.ndarray | None = None,
           source: int | None = None) -> Detection:  # fmt: skip
    """A detection in the shared clothing: 33 landmarks around (cx, cy); its box (default: the landmarks')."""
    det = synthetic_detection(cx, cy, height, SAME_CLOTHES, box)
    det.source = source
    return det


def _ids(seen, dets) -> list[int]:
    """Track id of each detection, in the order of `dets`."""
    by_det = {id(tr.detection): tr.id for tr in seen}
    return [by_det[id(d)] for d in dets]


@pytest.mark.parametrize("occluded_frames", [4, 6, 10])
def test_identical_people_crossing_keep_ids_by_motion(occluded_frames: int) -> None:
    """A walks right, B walks left a little higher in the picture; they cross (B hidden behind A while
    they overlap) and walk on. Same clothes: only motion and boxes keep them apart."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    fps, n = 15, 60
    names: dict[str, set[int]] = {"A": set(), "B": set()}
    for k in range(n):
        xa, xb = 0.2 + 0.6 * k / n, 0.8 - 0.6 * k / n
        dets = {"A": person(xa, 0.5, 0.5)}
        if not (n // 2 - occluded_frames // 2 <= k < n // 2 + (occluded_frames + 1) // 2):
            dets["B"] = person(xb, 0.56, 0.46)
        seen = tracker.update(list(dets.values()), k / fps)
        for name, tid in zip(dets, _ids(seen, list(dets.values())), strict=True):
            names[name].add(tid)
    assert names == {"A": {0}, "B": {1}}


def test_identical_people_swapping_places_keep_ids() -> None:
    """Two people walk around each other (one passes in front, lower in the picture) and end up in each
    other's place: the ids follow the people, not the places."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    fps, n = 15, 45
    for k in range(n):
        s = k / (n - 1)
        a = person(0.35 + 0.3 * s, 0.5 + 0.08 * np.sin(np.pi * s))
        b = person(0.65 - 0.3 * s, 0.5 - 0.08 * np.sin(np.pi * s))
        assert _ids(tracker.update([a, b], k / fps), [a, b]) == [0, 1]


def test_identical_person_leaving_and_reentering_where_they_left_keeps_the_id() -> None:
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    for k in range(15):
        stay, leave = person(0.75), person(0.25)
        tracker.update([stay, leave], k / 15)
    for k in range(15, 30):  # 1 s out of view (behind a door)
        (seen,) = tracker.update([person(0.75)], k / 15)
        assert seen.id == 0
    stay, back = person(0.75), person(0.27)
    assert _ids(tracker.update([stay, back], 2.0), [stay, back]) == [0, 1]


def _lost_track(height: float = 0.25, gone_s: float = 0.4) -> tuple[Tracker, float, float]:
    """One person seen for 1 s at x = 0.3, then gone for `gone_s`: returns the tracker, the time now and
    how far (in x, normalized) the re-identification gate reaches."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    for k in range(15):
        tracker.update([person(0.3, height=height)], k / 15)
    o = tracker.options
    t = 14 / 15 + gone_s
    allowed_heights = o.gate + o.gate_growth * gone_s
    return tracker, t, allowed_heights * tracker.tracks[0].height / ASPECT


@pytest.mark.parametrize(("reach", "same"), [(0.5, True), (0.9, True), (1.1, False), (1.5, False)])
def test_reidentification_position_gate(reach: float, same: bool) -> None:
    """A person in the same clothes appearing `reach` x the gate away after 0.4 s is the one who left
    only inside the gate; outside it, colour alone (identical) must not re-identify them."""
    tracker, t, gate_x = _lost_track()
    (seen,) = tracker.update([person(0.3 + reach * gate_x, height=0.25)], t)
    assert (seen.id == 0) is same


def test_reid_distance_is_infinite_outside_the_gate_even_in_the_same_clothes() -> None:
    tracker, t, gate_x = _lost_track()
    track = tracker.tracks[0]
    o = tracker.options
    assert reid_distance(track, person(0.3 + 1.2 * gate_x, height=0.25), t, o) == INF_COST
    inside = reid_distance(track, person(0.3 + 0.8 * gate_x, height=0.25), t, o)
    assert inside == pytest.approx(0.5 * 0.8, rel=0.02)  # colour 0 + half the share of the gate used


def _two_tracks() -> Tracker:
    tracker = Tracker(TrackerOptions(aspect=ASPECT))
    tracker.update([person(0.4), person(0.6)], 0.0)
    return tracker


def test_box_overlap_decides_when_landmarks_are_equally_far() -> None:
    """Both new readings are equally far (in landmarks) from both tracks and look the same: the one whose
    box overlaps a track's box is that track's person."""
    tracker = _two_tracks()
    box0, box1 = (tr.box.copy() for tr in tracker.tracks)
    up, down = person(0.5, 0.4, box=box1), person(0.5, 0.6, box=box0)
    assert _ids(tracker.update([up, down], 1 / 15), [up, down]) == [1, 0]


def test_box_overlap_term_costs_one_minus_iou() -> None:
    tracker = _two_tracks()
    track, o = tracker.tracks[0], tracker.options
    same_box = person(0.41, box=track.box)
    far_box = person(0.41, box=track.box + np.array([0.5, 0, 0.5, 0]))
    assert default_distance(track, far_box, 1 / 15, o) - default_distance(track, same_box, 1 / 15, o) == (
        pytest.approx(o.w_box)
    )


def test_own_landmarker_bonus_lowers_the_cost() -> None:
    tracker = _two_tracks()
    track, o = tracker.tracks[0], tracker.options
    plain, own = person(0.45), person(0.45, source=track.id)
    other = person(0.45, source=1)
    assert default_distance(track, plain, 1 / 15, o) - default_distance(track, own, 1 / 15, o) == (
        pytest.approx(o.own_bonus)
    )
    assert default_distance(track, other, 1 / 15, o) == pytest.approx(
        default_distance(track, plain, 1 / 15, o)
    )


def test_own_landmarker_decides_between_two_identical_people_side_by_side() -> None:
    """Two people in the same clothes step toward each other and the readings land between them, as far
    (in landmarks and boxes) from either track: each landmarker followed its own person, so the bonus
    keeps the ids with the landmarkers."""
    tracker = _two_tracks()  # track 0 at x 0.4, track 1 at x 0.6
    of1, of0 = person(0.5, 0.43, source=1), person(0.5, 0.57, source=0)
    assert _ids(tracker.update([of1, of0], 1 / 15), [of1, of0]) == [1, 0]
    assert tracker.moves == {}
