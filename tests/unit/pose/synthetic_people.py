"""Synthetic pose readings for the tracker's tests: 33 landmarks in one fixed body shape, placed and sized."""

from __future__ import annotations

import numpy as np

from cuedetect.pose.detector import Detection
from cuedetect.pose.keypoints import KeyPoints

TEMPLATE = np.random.default_rng(0).uniform([-0.12, -0.5], [0.12, 0.5], size=(33, 2))
HIPS = [23, 24]


def clothing(bin_: int) -> np.ndarray:
    """A 64-bin colour histogram with most of its mass in one bin (people in the same clothes share it)."""
    hist = np.full(64, 0.2 / 63, np.float32)
    hist[bin_] = 0.8
    return hist


def synthetic_detection(cx: float, cy: float = 0.5, height: float = 0.5, colour: np.ndarray | None = None,
                        box: tuple | np.ndarray | None = None, hips: bool = True) -> Detection:  # fmt: skip
    """A reading around (cx, cy), `height` tall; its box the landmarks' unless given, its colour a copy."""
    xy = np.asarray([cx, cy]) + TEMPLATE * height
    if not hips:
        xy[HIPS] = np.nan
    kp = KeyPoints(xy[None], np.ones((1, 33)), None, np.ones(1))
    b = kp.boxes()[0] if box is None else np.asarray(box, float)
    return Detection(kp, b, None if colour is None else colour.copy())
