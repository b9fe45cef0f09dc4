"""`ChunkResult`: the tracked poses of a video (or of one time chunk of it), as plain arrays.

Rows are (frame, person) pairs. It is what the tracking workers return, what `stitch` joins and what the
cleaning and floor stages take; it lives on its own so that none of those modules import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cuedetect.landmarks import NUM_LANDMARKS


@dataclass
class ChunkResult:
    """Tracked poses of part of a video. Rows are (frame, person) pairs; ids are local to the chunk."""

    analysed: np.ndarray  # frame indices analysed, in order
    analysed_t: np.ndarray
    frame: np.ndarray
    t: np.ndarray
    person: np.ndarray
    xy: np.ndarray  # (rows, 33, 2)
    vis: np.ndarray  # (rows, 33)
    world: np.ndarray  # (rows, 33, 3)
    appearance: dict[int, np.ndarray] = field(default_factory=dict)
    size: tuple[int, int] = (0, 0)
    timings: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    @classmethod
    def empty(cls, size: tuple[int, int] = (0, 0)) -> ChunkResult:
        z = np.zeros(0)
        return cls(
            np.zeros(0, np.int64), z, np.zeros(0, np.int64), z, np.zeros(0, np.int64),
            np.zeros((0, NUM_LANDMARKS, 2), np.float32), np.zeros((0, NUM_LANDMARKS), np.float32),
            np.zeros((0, NUM_LANDMARKS, 3), np.float32), size=size,
        )  # fmt: skip
