"""Hands the body loses: faint wrists kept for placing crops, and a hand followed on its own landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.hands.crops import ARM_POINTS, with_faint_arms
from cuedetect.landmarks import INDEX, NUM_LANDMARKS


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
