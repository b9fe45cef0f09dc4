"""Live mode's hand stage: each tracked person's hands read on every processed frame, kept for the cues.

The offline hand stage runs here unchanged (`cuedetect.hands.stage.HandStage`: crops placed from the
body, hands tracked on their own landmarks, still hands held, states by `shape.classify`), on each
processed frame with that frame's tracked poses. Its rows are kept; each cue window gets the hands of
its span as a hands.parquet table, so cue detection gates the hand cues and words their evidence as
`cuedetect analyze` does, and the overlay draws the hands read in the newest frame with their state.

Off by default (`cuedetect live --hands`, `EngineOptions.hands`): on the 2 cores live mode is built for
it fits only a quiet machine. `bench/bench_live.py` on the standoff sample (two people, 640x360, lite
pose), with and without it back to back. Quiet (load 2): with no rate limit 24.3 -> 19.8 frames processed
a second (the benchmark's target is 20), the loop's CPU 39.5 -> 53.4 ms a frame; at live mode's 15 frames
a second 12.5 -> 12.3 a second, capture-to-overlay latency 41 -> 65 ms at the median and 69 -> 110 ms at
the 95th percentile (target 150). Under load 10-11, no rate limit: the loop's CPU per frame rose
from 36-37 ms to 58 ms with the hands (the stage itself 39-42 ms of wall time a frame on average, median
20-26; 1.4 crops read per frame) and the frames processed fell from 15-19 to about 8.5 a second, so the
pose, the ids and the cues would each see half as many frames. At live mode's 15 frames a second (load
12-13): 11.2 -> 6.3 frames processed a second, capture-to-overlay latency 55 -> 142 ms at the median and
162 -> 441 ms at the 95th percentile, CPU per frame 39 -> 65 ms. (Timed apart from the loop on the same
frames, once, at 960x540 and 15 frames a second, load 13-15: 12 ms of CPU a frame, 95th percentile 35,
beside the loop's 36.)
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.hands.stage import HandRow, HandStage, HandStageOptions

SHOWN = ("read", "held")  # statuses whose landmarks and state the overlay draws


@dataclass(frozen=True)
class HandsView:
    """The hands read in one frame, for the overlay: `landmarks` (hands, 21, 2) normalized image
    coordinates, the person each belongs to and its state."""

    landmarks: np.ndarray
    persons: list[int]
    states: list[str | None]

    @classmethod
    def empty(cls) -> HandsView:
        return cls(np.zeros((0, 21, 2), np.float32), [], [])


class LiveHands:
    """The hand stage of a live session; use as a context manager (it holds the hand model).

    Args:
        reader: the hand landmark model (`HandLandmarkModel`; anything with `read(image, roi)`).
        size: the frames' (width, height) in pixels.
        options: the hand stage's options (the offline defaults).
    """

    def __init__(self, reader: Any, size: tuple[int, int], options: HandStageOptions | None = None) -> None:
        self.reader = reader
        self.size = size
        self.stage = HandStage(reader, options)
        self._lock = threading.Lock()
        self._rows: list[HandRow] = []
        self._t: list[float] = []
        self.frames = 0

    @classmethod
    def create(cls, model_path: Path, size: tuple[int, int], options: HandStageOptions | None = None
               ) -> LiveHands:  # fmt: skip
        """Load the hand model from a verified `hand_landmarker.task` (as the offline stage does)."""
        from cuedetect.hands.landmark_model import HandLandmarkModel, HandLandmarkModelOptions

        presence = (options or HandStageOptions()).min_presence
        model = HandLandmarkModelOptions(model_path, min_presence=presence)
        reader = HandLandmarkModel.create_from_options(model)
        return cls(reader, size, options)

    def __enter__(self) -> LiveHands:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        close = getattr(self.reader, "close", None)
        if close is not None:
            close()

    @property
    def crops_per_frame(self) -> float:
        return self.stage.crops_read / self.frames if self.frames else 0.0

    def update(self, image: np.ndarray, frame: int, t: float,
               persons: Sequence[tuple[int, np.ndarray, np.ndarray]]) -> HandsView:  # fmt: skip
        """Read the hands of `persons` ((id, (33, 2) normalized landmarks, (33,) visibilities)) in the RGB
        frame `image`; keep the rows and return what the overlay shows."""
        rows = self.stage.update(image, frame, t, persons)
        self.frames += 1
        with self._lock:
            self._rows += rows
            self._t += [t] * len(rows)
        shown = [r for r in rows if r.status in SHOWN and r.landmarks is not None]
        if not shown:
            return HandsView.empty()
        w, h = self.size
        xy = np.stack([np.asarray(r.landmarks)[:, :2] / [w, h] for r in shown]).astype(np.float32)
        return HandsView(xy, [r.person for r in shown], [r.shape.state if r.shape else None for r in shown])

    def table(self, start_t: float = -np.inf, end_t: float = np.inf) -> Any:
        """The rows with `start_t <= time <= end_t` (all by default) as a hands.parquet table."""
        from cuedetect.hands.stage import hands_table

        with self._lock:
            t = np.asarray(self._t, np.float64)
            a, b = np.searchsorted(t, start_t, "left"), np.searchsorted(t, end_t, "right")
            rows = self._rows[a:b]
        return hands_table(rows, self.size)
