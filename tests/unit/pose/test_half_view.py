"""Where and how often the search for new people looks: half views of the frame and the interval."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions, half_view, search_interval
from cuedetect.pose.proposals import pick_half
from cuedetect.pose.tile_search import TileSearchOptions


@pytest.mark.parametrize(
    ("size", "which", "expected"),
    [
        ((1280, 720), 0, (0, 0, 768, 720)),
        ((1280, 720), 1, (512, 0, 1280, 720)),
        ((720, 1280), 0, (0, 0, 720, 768)),
        ((720, 1280), 1, (0, 512, 720, 1280)),
        ((640, 640), 1, (256, 0, 640, 640)),
    ],
)
def test_half_view_boxes(size, which, expected):
    assert half_view(size, which) == expected


@given(st.integers(16, 4000), st.integers(16, 4000))
def test_the_two_halves_cover_the_frame_and_overlap_in_the_middle(w, h):
    a, b = half_view((w, h), 0), half_view((w, h), 1)
    axis = 0 if w >= h else 1
    assert a[axis] == 0 and b[axis + 2] == (w, h)[axis]
    assert b[axis] < (w, h)[axis] / 2 < a[axis + 2]  # someone standing at the middle is whole in one
    assert a[1 - axis] == b[1 - axis] == 0 and a[3 - axis] == b[3 - axis] == (w, h)[1 - axis]


@pytest.fixture
def detector(tmp_path) -> MultiPersonPoseDetector:
    model = tmp_path / "model.task"
    model.write_bytes(b"not used: no landmarker is made")
    return MultiPersonPoseDetector(PoseDetectorOptions(model))


def box(cx: float) -> np.ndarray:
    return np.array([cx - 0.05, 0.2, cx + 0.05, 0.9])


@pytest.mark.parametrize(
    ("centres", "expected"),
    [([0.3], 1), ([0.8], 0), ([0.2, 0.3], 1), ([0.7, 0.9, 0.1], 0)],
)
def test_the_half_with_fewer_known_people_is_searched(centres, expected):
    assert pick_half([box(c) for c in centres], (1280, 720), 1) == expected


def test_halves_alternate_when_both_hold_as_many():
    known = [box(0.3), box(0.7)]
    picks = [1]
    for _ in range(4):
        picks.append(pick_half(known, (1280, 720), picks[-1]))
    assert picks[1:] == [0, 1, 0, 1]


@pytest.mark.parametrize(
    ("missing", "fruitless", "expected"),
    [(True, 0, 6), (True, 9, 6), (False, 0, 15), (False, 2, 15), (False, 3, 30), (False, 40, 30)],
)
def test_search_interval(tmp_path, missing, fruitless, expected):
    assert search_interval(PoseDetectorOptions(tmp_path), missing, fruitless) == expected


@given(st.booleans(), st.integers(0, 100))
def test_search_interval_never_exceeds_the_backfill(missing, fruitless):
    from pathlib import Path

    from cuedetect.pose.pipeline import BACKFILL_FRAMES

    assert search_interval(PoseDetectorOptions(Path()), missing, fruitless) <= BACKFILL_FRAMES


@pytest.mark.parametrize(
    ("rate", "missing", "fruitless", "expected"),
    [(6.0, True, 0, 2), (6.0, False, 0, 6), (6.0, False, 3, 12), (30.0, True, 0, 12), (30.0, False, 3, 60),
     (1.0, True, 0, 1)],
)  # fmt: skip
def test_search_interval_is_counted_in_seconds_at_the_analysed_rate(
    tmp_path, rate, missing, fruitless, expected
):
    """The schedule's counts are set for 15 frames a second: a clip analysed at 6 fps is searched as
    often per second (every 0.4 s while someone is missing, 1 s, 2 s when calm), never under a frame."""
    assert search_interval(PoseDetectorOptions(tmp_path, rate=rate), missing, fruitless) == expected


@pytest.mark.parametrize(("rate", "rest", "max_rest"), [(15.0, 90, 720), (6.0, 36, 288), (30.0, 180, 1440)])
def test_tile_search_rests_are_counted_in_seconds_at_the_analysed_rate(tmp_path, rate, rest, max_rest):
    from cuedetect.pose.detector_options import tile_options

    tiles = tile_options(PoseDetectorOptions(tmp_path, rate=rate))
    assert (tiles.rest, tiles.max_rest) == (rest, max_rest)
    assert tiles.per_frame == TileSearchOptions().per_frame  # tiles per analysed frame: the same
