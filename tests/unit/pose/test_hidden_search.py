"""`cuedetect.pose.hidden_search`: painting a found person's skeleton out, the crop around them, when to
look, and which proposals count as a second person."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.pose.hidden_search import HiddenSearch, HiddenSearchOptions, paint_skeleton, pair_view
from cuedetect.pose.keypoints import KeyPoints

W, H = 640, 360


def _person(x: float, top: float = 0.2, height: float = 0.6) -> np.ndarray:
    """A standing figure's 33 landmarks (normalized), centred on `x`."""
    xy = np.full((33, 2), np.nan)
    half = 0.04 * height / 0.6
    rows = {0: 0.05, 2: 0.03, 5: 0.03, 7: 0.05, 8: 0.05, 11: 0.18, 12: 0.18, 13: 0.35, 14: 0.35, 15: 0.5,
            16: 0.5, 19: 0.53, 20: 0.53, 23: 0.55, 24: 0.55, 25: 0.77, 26: 0.77, 27: 0.97, 28: 0.97,
            31: 1.0, 32: 1.0}  # fmt: skip
    for j, r in rows.items():
        side = 0 if j in (0,) else (-1 if j % 2 else 1)
        xy[j] = (x + side * half * (1.6 if j in (13, 14, 15, 16, 19, 20) else 1), top + r * height)
    return xy


def _kp(xy: np.ndarray, presence: float = 0.98) -> KeyPoints:
    vis = np.ones((1, 33), np.float32)
    return KeyPoints(xy[None].astype(np.float32), vis, confidence=np.array([presence]))


def test_the_skeleton_is_painted_grey_and_the_rest_of_the_picture_kept():
    image = np.full((H, W, 3), 200, np.uint8)
    person = _person(0.5)
    painted = paint_skeleton(image, [person], 0.07)
    changed = (painted != image).any(axis=2)
    torso = ((person[11] + person[24]) / 2 * (W, H)).astype(int)
    assert (painted[torso[1], torso[0]] == 127).all()  # the torso is filled
    shin = ((person[25] + person[27]) / 2 * (W, H)).astype(int)
    assert changed[shin[1], shin[0]]  # limbs are drawn
    assert not changed[:, : int(0.4 * W)].any() and not changed[:, int(0.6 * W) :].any()  # nothing else
    assert changed.mean() < 0.08  # a skeleton, not the person's whole box
    assert (image == 200).all()  # the frame itself is left alone


def test_the_crop_reaches_half_a_body_height_beside_the_person_and_stays_in_the_frame():
    person = _person(0.5)
    (left, top), (right, bottom) = np.nanmin(person, axis=0), np.nanmax(person, axis=0)
    body = bottom - top
    x0, y0, x1, y1 = pair_view(person, (W, H), 0.5)
    assert x0 == pytest.approx(left * W - 0.5 * body * H, abs=1)
    assert x1 == pytest.approx(right * W + 0.5 * body * H, abs=1)
    assert y0 == pytest.approx((top - 0.2 * body) * H, abs=1)  # a fifth of their height above and below
    assert y1 == pytest.approx((bottom + 0.2 * body) * H, abs=1)
    edge = pair_view(_person(0.02, top=0.3), (W, H), 0.5)
    assert edge[0] == 0 and edge[3] == H  # clipped to the frame
    few = np.full((33, 2), np.nan)
    few[:3] = 0.5
    assert pair_view(few, (W, H), 0.5) is None


@pytest.mark.parametrize("counts, looks", [
    ([2, 2, 2], [False, False, False]),   # both found: never
    ([0, 0], [False, False]),             # nobody found: nobody to look behind
    ([2, 1, 1, 1, 1], [False, True, False, True, False]),  # one missing: at once, then every other frame
])  # fmt: skip
def test_looks_only_while_someone_is_missing_behind_someone_found(counts, looks):
    search = HiddenSearch(HiddenSearchOptions(every=2, patience=10))
    got = []
    for n in counts:
        due = search.due(n)
        got.append(due)
        if due:
            search._after(False)
    assert got == looks


def test_fruitless_looks_rest_longer_each_round_and_a_drop_looks_again_at_once():
    o = HiddenSearchOptions(every=1, patience=2, rest=5, max_rest=12)
    search = HiddenSearch(o)
    gaps, last = [], None
    for frame in range(60):
        if search.due(1):
            search._after(False)
            if last is not None and frame - last > 1:
                gaps.append(frame - last - 1)
            last = frame
    assert gaps[:3] == [5, 10, 12]
    search.due(2)  # both found again, then one goes behind the other: look at once
    assert search.due(1)


def _search(proposals: dict[str, list[KeyPoints]], known: list[np.ndarray]) -> tuple[list[KeyPoints], list]:
    """Run one look with `read` answering from `proposals`: "first" for the crop around the found
    person, "second" for the crop around the candidate."""
    calls: list = []
    image = np.full((H, W, 3), 90, np.uint8)

    def read(painted, view):
        calls.append(view)
        kp = proposals["first" if len(calls) == 1 else "second"]
        return KeyPoints.concatenate(kp) if kp else KeyPoints.empty()

    search = HiddenSearch(HiddenSearchOptions())
    search._last_found = 2  # one of two just went missing
    return search.search(image, known, read), calls


def test_a_second_person_beside_the_found_one_found_twice_counts():
    found, hidden = _person(0.5), _person(0.56)
    new, calls = _search({"first": [_kp(found), _kp(hidden)], "second": [_kp(hidden + 0.002)]}, [found])
    assert len(new) == 1 and np.allclose(new[0].xy[0], hidden, equal_nan=True)
    assert len(calls) == 2


@pytest.mark.parametrize("case", ["again_the_found_one", "unsure", "not_confirmed", "on_the_paint"])
def test_what_is_not_a_second_person(case):
    found = _person(0.5)
    other = _person(0.56)
    first = {
        "again_the_found_one": [_kp(found + 0.005)],
        "unsure": [_kp(other, presence=0.7)],
        "not_confirmed": [_kp(other)],
        "on_the_paint": [_kp(found[::-1])],  # a body made of the painted skeleton's parts
    }[case]
    second = [] if case == "not_confirmed" else first
    new, _ = _search({"first": first, "second": second}, [found])
    assert new == []
