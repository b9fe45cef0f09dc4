"""Skip the pose network on a person's crop that has not changed since the network last read it.

In a role-play people stand and talk much of the time: a tracked person's crop (which stays still while
they are well inside it, `proposals.track_window`) then shows the same pixels frame after frame, and the
pose landmark network would read the same landmarks again at ~20 ms a crop. `StillGate` keeps, per
landmarker, a small grey thumbnail of the crop it last read and the landmarks it found; a new crop of the
same window whose thumbnail differs from that one by less than `max_mean` grey levels on average and
`max_cell` in every cell, at most `max_age_s` after that read, gets those landmarks again instead of a
read. It compares with the crop of the last *read*, not of the previous frame, so slow drift adds up and
triggers a read; and the age limit reads a person at least every `max_age_s` however still they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cuedetect.pose.keypoints import KeyPoints

__all__ = ["LastRead", "StillGate", "StillGateOptions", "crop_change", "thumbnail"]


@dataclass(frozen=True)
class StillGateOptions:
    """Options of `StillGate`.

    Attributes:
        max_mean: the crop is still when its thumbnail's mean absolute difference from the last read's
            is below this (grey levels, 0-255)...
        max_cell: ...and no thumbnail cell differs by more than this (a hand raised in a still scene
            changes a few cells a lot and the mean little).
        max_age_s: a person is read at least this often, still or not.
        side: the thumbnail's longer side in cells.
    """

    max_mean: float = 1.5
    max_cell: float = 12.0
    max_age_s: float = 0.4
    side: int = 32


@dataclass(frozen=True)
class LastRead:
    """What a landmarker last read: when (ms), which window (pixels), its thumbnail, what it found."""

    ms: int
    window: tuple[int, int, int, int]
    thumb: np.ndarray
    keypoints: KeyPoints


def thumbnail(crop: np.ndarray, side: int) -> np.ndarray:
    """`crop` (RGB uint8) as grey float32, area-averaged down so its longer side is `side` cells."""
    import cv2

    h, w = crop.shape[:2]
    s = side / max(h, w, 1)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)


def crop_change(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(mean, largest) absolute difference of two thumbnails of the same shape."""
    d = np.abs(a - b)
    return float(d.mean()), float(d.max())


class StillGate:
    """Decides per crop whether the last read's landmarks still hold (the detector counts the crops it
    kept, in `calls["track_still"]`)."""

    def __init__(self, options: StillGateOptions) -> None:
        self.options = options

    def still(self, last: LastRead | None, window: tuple[int, int, int, int], thumb: np.ndarray, ms: int
              ) -> bool:  # fmt: skip
        """May the crop `window` (thumbnail `thumb`) at `ms` reuse `last`'s landmarks?"""
        o = self.options
        if last is None or last.window != window or last.thumb.shape != thumb.shape:
            return False
        if not 0 < ms - last.ms <= 1000 * o.max_age_s:
            return False
        mean, cell = crop_change(last.thumb, thumb)
        return mean < o.max_mean and cell < o.max_cell

    def kept(self, last: LastRead | None, window: tuple[int, int, int, int], thumb: np.ndarray, ms: int
             ) -> KeyPoints | None:  # fmt: skip
        """`last`'s landmarks when the crop is `still`, else None: read it."""
        if last is None or not self.still(last, window, thumb, ms):
            return None
        return last.keypoints
