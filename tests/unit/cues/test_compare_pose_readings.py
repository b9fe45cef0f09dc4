"""bench/compare_pose_readings.py: which arm is the features' "hi" arm, and what changes between two
world readings of the same body (the run-to-run noise of the pose measurement)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
import compare_pose_readings as cpr

from cuedetect.landmarks import INDEX as I


def body(left_wrist, right_wrist) -> np.ndarray:
    """One frame of world landmarks (camera axes: x right, y down, z away), a person facing the camera:
    shoulders 0.5 m above the hips; wrists given as (x, y, z)."""
    w = np.zeros((1, 33, 3))
    w[0, I["left_shoulder"]] = (0.2, -0.5, 0.0)
    w[0, I["right_shoulder"]] = (-0.2, -0.5, 0.0)
    w[0, I["left_hip"]] = (0.1, 0.0, 0.0)
    w[0, I["right_hip"]] = (-0.1, 0.0, 0.0)
    w[0, I["left_elbow"]] = (0.25, -0.25, 0.0)
    w[0, I["right_elbow"]] = (-0.25, -0.25, 0.0)
    w[0, I["left_wrist"]] = left_wrist
    w[0, I["right_wrist"]] = right_wrist
    return w


def test_the_higher_wrist_is_the_hi_arm_and_a_missing_one_never_is():
    assert cpr.left_arm_is_hi(body((0.2, -0.3, 0.0), (-0.2, 0.0, 0.0)))[0]
    assert not cpr.left_arm_is_hi(body((0.2, 0.0, 0.0), (-0.2, -0.3, 0.0)))[0]
    assert not cpr.left_arm_is_hi(body((np.nan,) * 3, (-0.2, 0.0, 0.0)))[0]


def test_two_near_equal_readings_of_level_wrists_swap_the_hi_arm():
    a = body((0.2, 0.00, 0.1), (-0.2, 0.01, 0.1))  # left 1 cm higher
    b = body((0.2, 0.01, 0.1), (-0.2, 0.00, 0.1))  # right 1 cm higher
    assert cpr.arm_readings(a, b)["hi_swap"][0]
    assert not cpr.arm_readings(a, a)["hi_swap"][0]


def test_a_wrist_read_in_front_instead_of_behind_flips_the_forward_sign():
    behind = body((0.15, 0.0, 0.15), (-0.15, 0.0, 0.15))  # z away from the camera: behind the back
    front = body((0.15, 0.0, 0.15), (-0.15, 0.0, -0.2))  # the right wrist read 35 cm nearer
    r = cpr.arm_readings(behind, front)
    assert r["fwd_sign_flip"][0] and r["fwd_max_change"][0] > 0.5
    same = cpr.arm_readings(behind, behind)
    assert not same["fwd_sign_flip"][0] and same["fwd_max_change"][0] == 0.0
