"""Tracker: unique ids at every moment, never reused; crossing people keep their ids; re-id within 2 s."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.pose.detector import Detection
from cuedetect.pose.tracking import (
    INF_COST,
    Tracker,
    TrackerOptions,
    appearance_distance,
    box_iou,
    deduplicate,
    hungarian,
)
from tests.unit.pose.synthetic_people import clothing, synthetic_detection


def person(cx: float, cy: float, height: float = 0.5, colour: int | None = 0) -> Detection:
    """A synthetic detection: 33 landmarks spread over a box centred at (cx, cy)."""
    return synthetic_detection(cx, cy, height, None if colour is None else clothing(colour))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.floats(0.05, 0.95), st.floats(0.3, 0.7), st.integers(0, 63)), max_size=4),
        min_size=1,
        max_size=40,
    ),
    st.floats(0.03, 1.5),
)
def test_ids_unique_at_every_moment_and_never_reused(frames: list, dt: float) -> None:
    tracker = Tracker(TrackerOptions(aspect=16 / 9))
    ended: set[int] = set()
    alive_before: set[int] = set()
    for k, people in enumerate(frames):
        t = k * dt
        dets = [person(x, y, 0.4, c) for x, y, c in people]
        seen = tracker.update(dets, t)
        ids = [tr.id for tr in seen]
        # One id per person, each person (after merging exact duplicates) an id.
        assert len(ids) == len(set(ids)) == len(deduplicate(dets, 16 / 9))
        assert not set(ids) & ended  # an expired id never comes back
        alive = {tr.id for tr in tracker.tracks}
        ended |= alive_before - alive
        alive_before = alive
        assert all(i < tracker.next_id for i in ids)


@pytest.mark.parametrize("occluded_frames", [0, 3, 8])
def test_two_crossing_people_keep_their_ids(occluded_frames: int) -> None:
    """A walks right, B walks left; they cross (B hidden behind A for a while) and walk on."""
    tracker = Tracker(TrackerOptions(aspect=16 / 9))
    fps, n = 15, 60
    labels: dict[str, set[int]] = {"A": set(), "B": set()}
    middle = n // 2
    for k in range(n):
        t = k / fps
        xa, xb = 0.2 + 0.6 * k / n, 0.8 - 0.6 * k / n
        dets = [("A", person(xa, 0.5, 0.5, colour=3))]
        if not (middle - occluded_frames // 2 <= k < middle + (occluded_frames + 1) // 2):
            dets.append(("B", person(xb, 0.52, 0.48, colour=40)))
        seen = tracker.update([d for _, d in dets], t)
        for (name, det), tr in ((nd, tr) for nd in dets for tr in seen if tr.detection is nd[1]):
            assert det is tr.detection
            labels[name].add(tr.id)
    assert labels == {"A": {0}, "B": {1}}


@pytest.mark.parametrize("gap_s, same_id", [(0.5, True), (1.8, True), (2.5, False)])
def test_reidentified_within_two_seconds(gap_s: float, same_id: bool) -> None:
    tracker = Tracker(TrackerOptions(aspect=16 / 9))
    fps = 15
    t = 0.0
    for k in range(15):  # walking right at 0.15 widths per second
        t = k / fps
        first = tracker.update([person(0.3 + 0.15 * t, 0.5, colour=5), person(0.8, 0.5, colour=50)], t)
    first_id = next(tr.id for tr in first if np.argmax(tr.detection.appearance) == 5)
    t_back = t + gap_s
    # Back a little farther along (where walking would take them), the other person still there.
    back = tracker.update([person(0.3 + 0.15 * t_back, 0.5, colour=5), person(0.8, 0.5, colour=50)], t_back)
    back_id = next(tr.id for tr in back if np.argmax(tr.detection.appearance) == 5)
    assert (back_id == first_id) is same_id


def test_colour_decides_between_two_returning_people() -> None:
    """Two people leave and come back at each other's old places: colour, not position, names them."""
    tracker = Tracker(TrackerOptions(aspect=16 / 9))
    for k in range(10):
        seen = tracker.update([person(0.4, 0.5, colour=1), person(0.6, 0.5, colour=60)], k / 15)
    ids = {int(np.argmax(tr.appearance)): tr.id for tr in seen}
    back = tracker.update([person(0.6, 0.5, colour=1), person(0.4, 0.5, colour=60)], 10 / 15 + 1.0)
    assert {int(np.argmax(tr.detection.appearance)): tr.id for tr in back} == ids


def test_moves_hand_a_landmarker_to_the_track_its_person_matched() -> None:
    tracker = Tracker(TrackerOptions(aspect=16 / 9))
    tracker.update([person(0.3, 0.5, colour=1), person(0.7, 0.5, colour=60)], 0.0)
    det = person(0.7, 0.5, colour=60)
    det.source = 0  # track 0's landmarker drifted onto the other person
    tracker.update([det], 1 / 15)
    assert tracker.moves == {0: 1}


def test_deduplicate_keeps_one_of_two_landmarkers_on_the_same_person() -> None:
    a, b, c = person(0.5, 0.5), person(0.501, 0.5), person(0.7, 0.5)
    assert len(deduplicate([a, b, c], 16 / 9)) == 2


@pytest.mark.parametrize(
    "a, b, iou",
    [
        ((0, 0, 1, 1), (0, 0, 1, 1), 1.0),
        ((0, 0, 1, 1), (1, 1, 2, 2), 0.0),
        ((0, 0, 2, 1), (1, 0, 3, 1), 1 / 3),
    ],
)
def test_box_iou(a: tuple, b: tuple, iou: float) -> None:
    assert box_iou(np.asarray(a, float), np.asarray(b, float)) == pytest.approx(iou)


def test_appearance_distance_bounds() -> None:
    p = np.asarray([0.5, 0.5, 0, 0])
    q = np.asarray([0, 0, 0.5, 0.5])
    assert appearance_distance(p, p) == pytest.approx(0.0, abs=1e-6)
    assert appearance_distance(p, q) == pytest.approx(1.0)
    assert appearance_distance(None, p) == 0.5


def test_hungarian_refuses_infinite_pairs() -> None:
    cost = np.asarray([[0.1, INF_COST], [INF_COST, INF_COST]])
    assert hungarian(cost) == [(0, 0)]


# Geometry helpers of the tracker, pinned by tables (mutation testing found them untested).
def test_anchor_is_the_hip_midpoint_else_the_box_centre() -> None:
    from cuedetect.pose.tracking import anchor

    xy = np.full((33, 2), 0.9)
    xy[23], xy[24], xy[25] = (0.2, 0.6), (0.4, 0.8), (0.0, 0.0)
    box = np.array([0.1, 0.2, 0.5, 0.9])
    assert anchor(xy, box) == pytest.approx([0.3, 0.7])
    xy[24] = np.nan  # one hip unseen: the box centre
    assert anchor(xy, box) == pytest.approx([0.3, 0.55])


@pytest.mark.parametrize(
    ("a", "b", "inside"),
    [
        (
            (0.1, 0.2, 0.5, 0.9),
            (0.3, 0.4, 0.6, 0.7),
            0.06 / 0.09,
        ),  # overlap 0.2 x 0.3 over the smaller 0.3 x 0.3
        ((0.3, 0.4, 0.6, 0.7), (0.1, 0.2, 0.5, 0.9), 0.06 / 0.09),  # either order
        ((0.1, 0.1, 0.9, 0.9), (0.2, 0.3, 0.4, 0.7), 1.0),  # one holds the other
        ((0.1, 0.1, 0.3, 0.3), (0.5, 0.5, 0.7, 0.9), 0.0),  # apart
        ((0.1, 0.2, 0.4, 0.8), (0.4, 0.2, 0.6, 0.8), 0.0),  # touching edges
        ((0.2, 0.2, 0.2, 0.6), (0.1, 0.1, 0.5, 0.9), 0.0),  # a box of no area
    ],
)
def test_box_inside(a: tuple, b: tuple, inside: float) -> None:
    from cuedetect.pose.tracking import box_inside

    assert box_inside(np.array(a), np.array(b)) == pytest.approx(inside)
