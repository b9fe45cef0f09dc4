"""The poses tracked so far in a live session, as rows, sliceable into the pose engine's `Tracks`."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cuedetect.landmarks import NUM_LANDMARKS
from cuedetect.pose.tracked import Tracks


@dataclass(frozen=True)
class PersonPose:
    """One tracked person in one processed frame."""

    person: int
    xy: np.ndarray  # (33, 2) normalized
    vis: np.ndarray  # (33,)
    world: np.ndarray  # (33, 3), NaN when absent


class PoseHistory:
    """Append-only rows of (frame, t, person, landmarks); thread-safe reads of any time window."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._analysed: list[int] = []
        self._analysed_t: list[float] = []
        self._frame: list[int] = []
        self._t: list[float] = []
        self._person: list[int] = []
        self._xy: list[np.ndarray] = []
        self._vis: list[np.ndarray] = []
        self._world: list[np.ndarray] = []

    def add(self, frame: int, t: float, persons: Sequence[PersonPose]) -> None:
        with self._lock:
            self._analysed.append(frame)
            self._analysed_t.append(t)
            for p in persons:
                self._frame.append(frame)
                self._t.append(t)
                self._person.append(p.person)
                self._xy.append(np.asarray(p.xy, np.float32))
                self._vis.append(np.asarray(p.vis, np.float32))
                self._world.append(np.asarray(p.world, np.float32))

    @property
    def frames(self) -> int:
        return len(self._analysed)

    @property
    def last_t(self) -> float:
        return self._analysed_t[-1] if self._analysed_t else 0.0

    def window(self, start_t: float = -np.inf, end_t: float = np.inf) -> Tracks:
        """The rows with `start_t <= t <= end_t` (all by default) as a `Tracks`."""
        with self._lock:
            at = np.asarray(self._analysed_t, np.float64)
            a0, a1 = np.searchsorted(at, start_t, "left"), np.searchsorted(at, end_t, "right")
            t = np.asarray(self._t, np.float64)
            r0, r1 = np.searchsorted(t, start_t, "left"), np.searchsorted(t, end_t, "right")
            res = Tracks.empty(self.size)
            res.analysed = np.asarray(self._analysed[a0:a1], np.int64)
            res.analysed_t = at[a0:a1]
            if r1 > r0:
                res.frame = np.asarray(self._frame[r0:r1], np.int64)
                res.t = t[r0:r1]
                res.person = np.asarray(self._person[r0:r1], np.int64)
                res.xy = np.stack(self._xy[r0:r1])
                res.vis = np.stack(self._vis[r0:r1])
                res.world = np.stack(self._world[r0:r1])
            return res


def empty_world() -> np.ndarray:
    return np.full((NUM_LANDMARKS, 3), np.nan, np.float32)
