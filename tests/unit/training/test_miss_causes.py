"""One cause per ground-truth event (`training.miss_causes`): each row changes one measurement from a
found event and names the cause it must give; the order of the checks is part of the definition."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.training.miss_causes import CAUSES, covered, miss_cause

FOUND = {"best_iou": 0.6, "tracked": 1.0, "overlapping": 1, "p_max": 0.9, "threshold": 0.5}


@pytest.mark.parametrize(
    ("change", "nan_share", "out_share", "want"),
    [
        ({}, 0.0, 0.0, "found"),
        ({"best_iou": 0.3}, 0.0, 0.0, "found"),  # the scorer's IoU >= 0.3
        ({"tracked": 0.2}, 0.9, 0.9, "found"),  # found is found, however little was tracked
        ({"best_iou": 0.29}, 0.0, 0.0, "fragmented or shifted"),
        ({"best_iou": 0.0, "tracked": 0.49}, 0.0, 0.0, "person not found"),
        ({"best_iou": 0.0, "tracked": 0.5, "overlapping": 0}, 0.0, 0.0, "too short"),
        ({"best_iou": 0.0, "overlapping": 0, "p_max": 0.5}, 0.0, 0.0, "under threshold"),  # must pass it
        ({"best_iou": 0.0, "overlapping": 0, "p_max": np.nan}, 0.0, 0.0, "under threshold"),
        ({"best_iou": 0.0, "overlapping": 0, "p_max": 0.2}, 0.51, 0.9, "features missing"),
        ({"best_iou": 0.0, "overlapping": 0, "p_max": 0.2}, 0.5, 0.51, "features outside training"),
        ({"best_iou": 0.0, "overlapping": 0, "p_max": 0.2}, 0.5, 0.5, "under threshold"),
        ({"best_iou": 0.0, "tracked": 0.0, "overlapping": 0, "p_max": 0.99}, 1.0, 1.0, "person not found"),
    ],
)
def test_miss_cause(change: dict, nan_share: float, out_share: float, want: str) -> None:
    assert want in CAUSES
    assert miss_cause({**FOUND, **change}, nan_share, out_share) == want


@pytest.mark.parametrize(
    ("have", "want"),
    [
        ([0.0, 0.5, 1.0], 1.0),
        ([0.0, 1.0], 2 / 3),  # 0.5 is 0.5 s from both: more than 0.6 frame intervals (0.3 s)
        ([0.29], 2 / 3),  # within 0.3 s of 0.0 (0.29) and of 0.5 (0.21), not of 1.0
        ([0.75], 2 / 3),  # 0.25 s from 0.5 and from 1.0
        ([1.31], 0.0),  # 0.31 s past the last
        ([], 0.0),
    ],
)
def test_covered(have: list, want: float) -> None:
    """Share of the event's frames (0, 0.5, 1.0 s at 2 fps) that a track has a frame near."""
    assert covered(np.array([0.0, 0.5, 1.0]), np.array(have), 0.5) == pytest.approx(want)


def test_covered_is_zero_for_an_event_without_frames() -> None:
    assert covered(np.array([]), np.array([0.0, 0.5]), 0.5) == 0.0
