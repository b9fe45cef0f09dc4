"""A person the pose engine loses and finds again rejoins their old track (keeps their id).

Close-ups: the model guesses the landmarks outside the frame (a head-and-shoulders person's legs), two
readings of one person up to two body heights apart there, so only landmarks inside the frame in both
readings are compared (`keypoint_distance`).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.pose.keypoints import KeyPoints
from cuedetect.pose.proposals import Detection
from cuedetect.pose.tracking import Tracker, TrackerOptions, in_frame, keypoint_distance
from tests.unit.pose.synthetic_people import clothing, synthetic_detection

ASPECT = 16 / 9


def person(cx: float, cy: float = 0.5, height: float = 0.5, colour: int = 3) -> Detection:
    return synthetic_detection(cx, cy, height, clothing(colour))


def guessed_elsewhere(det: Detection, shift: float) -> Detection:
    """The same reading with every landmark outside the frame moved by `shift` (frame heights)."""
    xy = det.keypoints.xy[0].copy()
    out = ~in_frame(xy)
    xy[out] += shift
    kp = KeyPoints(xy[None], np.ones((1, 33)), None, np.ones(1))
    return Detection(kp, det.box.copy(), None if det.appearance is None else det.appearance.copy())


@pytest.mark.parametrize(
    ("cy", "height", "shift", "distance"),
    [
        (0.85, 1.0, 1.5, 0.0),  # close-up: legs below the frame, guessed 1.5 frame heights apart
        (0.5, 0.5, 1.5, 0.0),  # the whole body in view: nothing guessed, nothing moved
        (2.5, 1.0, 0.7, None),  # under 4 landmarks in view: all of them count
    ],
)
def test_only_landmarks_in_view_in_both_readings_count(cy, height, shift, distance):
    a = person(0.5, cy, height)
    b = guessed_elsewhere(a, shift)
    d = keypoint_distance(a.keypoints.xy[0], b.keypoints.xy[0], ASPECT, min_in_frame=4)
    if distance is None:  # too few in view to go by them
        assert in_frame(a.keypoints.xy[0]).sum() < 4
        assert d > 0.1
    else:
        assert d == pytest.approx(distance, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.5, 2.0), st.floats(-0.05, 0.05), st.integers(3, 12))
def test_a_close_up_whose_guessed_legs_jump_keeps_its_id(shift, dx, frames):
    """Head and shoulders in view, the rest guessed anew every frame: one id throughout."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, rejoin_in_frame=4))
    ids = set()
    base = person(0.5, 0.9, 1.0)
    for k in range(frames):
        det = guessed_elsewhere(person(0.5 + dx * k / frames, 0.9, 1.0), shift * (-1) ** k)
        det.box = base.box.copy()
        (tr,) = tracker.update([det], k / 6.0)
        ids.add(tr.id)
    assert ids == {0}


@pytest.mark.parametrize(
    ("gap_s", "rejoins"),
    [(0.17, True), (0.5, True), (1.9, True), (2.0, True), (2.2, False), (4.0, False)],
)
@pytest.mark.parametrize("shift", [0.0, 1.2])
def test_a_lost_close_up_rejoins_its_track_within_the_window_else_is_dropped(gap_s, rejoins, shift):
    """Lost for `gap_s` and found again (its guessed legs elsewhere): the old id within the
    re-identification window (2 s, boundary included); after it, the old track is gone and the person
    gets a new id."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, rejoin_in_frame=4))
    t = 0.0
    for k in range(6):
        t = k / 6.0
        (tr,) = tracker.update([person(0.5, 0.9, 1.0)], t)
    (back,) = tracker.update([guessed_elsewhere(person(0.5, 0.9, 1.0), shift)], t + gap_s)
    assert (back.id == tr.id) is rejoins
    assert len(tracker.tracks) == 1  # the old track ended, or it is this one
    assert [x.id for x in tracker.tracks] == [tr.id if rejoins else tr.id + 1]


@settings(max_examples=30, deadline=None)
@given(st.integers(6, 10), st.floats(0.4, 1.2))
def test_two_close_ups_crossing_keep_their_ids(hidden_frames, shift):
    """Two big people (legs out of view) walk past each other, B hidden behind A for 1-1.7 s at 6 fps
    (at least while their readings would overlap) and found again with its guessed legs `shift` frame
    heights elsewhere: B rejoins B's track, A keeps A's."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, rejoin_in_frame=4))
    n, middle = 30, 15
    back = middle + (hidden_frames + 1) // 2
    names: dict[str, set[int]] = {"A": set(), "B": set()}
    for k in range(n):
        xa, xb = 0.25 + 0.5 * k / n, 0.75 - 0.5 * k / n
        dets = [("A", person(xa, 0.85, 0.9, colour=3))]
        if k < middle - hidden_frames // 2:
            dets.append(("B", person(xb, 0.86, 0.85, colour=40)))
        elif k >= back:
            dets.append(("B", guessed_elsewhere(person(xb, 0.86, 0.85, colour=40), shift)))
        seen = tracker.update([d for _, d in dets], k / 6.0)
        for name, det in dets:
            (tr,) = [tr for tr in seen if tr.detection is det]
            names[name].add(tr.id)
    assert len(names["A"]) == len(names["B"]) == 1 and names["A"] != names["B"]


@pytest.mark.parametrize("rejoin", [4, None])
def test_without_the_rejoin_stage_a_re_found_close_up_gets_a_new_id(rejoin):
    """The same close-up found again a frame later with its guessed legs 2 frame heights away: the
    continuity gate (all landmarks) refuses it; the rejoin stage (landmarks in view) keeps the id."""
    tracker = Tracker(TrackerOptions(aspect=ASPECT, rejoin_in_frame=rejoin))
    (tr,) = tracker.update([person(0.5, 0.9, 1.0)], 0.0)
    (again,) = tracker.update([guessed_elsewhere(person(0.5, 0.9, 1.0), 2.0)], 1 / 6)
    assert (again.id == tr.id) is (rejoin is not None)


def test_the_trial_options_are_off_by_default(tmp_path):
    """Session 12's trials stay off (README "Far people"): the pose engine runs as before them."""
    from cuedetect.pose.detector_options import PoseDetectorOptions
    from cuedetect.pose.pipeline import TrackingOptions
    from cuedetect.pose.tile_search import TileSearchOptions

    o = TrackingOptions(tmp_path)
    assert (o.schedule_per_second, o.look_around, o.second_looks, o.rejoin_in_frame) == (
        False, False, (3.0, 2.4), None
    )  # fmt: skip
    assert PoseDetectorOptions(tmp_path).look_around is False
    assert TileSearchOptions().second_looks == (3.0, 2.4)
    assert TrackerOptions().rejoin_in_frame is None
