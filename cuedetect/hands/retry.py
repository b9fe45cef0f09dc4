"""The hand stage's retry schedule for hands in view that the landmark network does not find.

A hand not found is looked for again in the next frame (a single miss is often one bad frame), then, while
it keeps not being found, less and less often: after `retry_s`, doubling with each further miss up to
`retry_max_s` (`retry_wait`), unless the body's hand moves more than `retry_move_frac` of its length since
the last look (`moved`). `Miss` is what the stage remembers of the last look. The options are the stage's
(`stage.HandStageOptions`: `retry_after`, `retry_s`, `retry_max_s`, `retry_move_frac`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cuedetect.hands.crops import HandSlot


@dataclass(frozen=True)
class Miss:
    """A hand in view looked for in vain: when, where the body put it then, and how many looks in a row."""

    t: float
    wrist: np.ndarray
    knuckles: np.ndarray
    length: float
    streak: int


def retry_wait(streak: int, options: Any) -> float:
    """Seconds before a hand not found in `streak` looks in a row is looked for again (if it stays still):
    0 under `retry_after` misses, then `retry_s` doubling with each further miss, at most `retry_max_s`.
    `options`: the stage's `HandStageOptions`."""
    o = options
    if streak < o.retry_after:
        return 0.0
    return min(o.retry_s * 2.0 ** (streak - o.retry_after), o.retry_max_s)


def moved(s: HandSlot, wrist: np.ndarray, knuckles: np.ndarray, length: float, frac: float) -> bool:
    """Has the body's hand `s` moved (wrist or knuckles, or its length changed) more than `frac` of its
    length from (`wrist`, `knuckles`, `length`)?"""
    tol = frac * max(s.length_px, length)
    return bool(
        np.linalg.norm(s.wrist - wrist) > tol
        or np.linalg.norm(s.knuckles - knuckles) > tol
        or abs(s.length_px - length) > tol
    )
