"""`HandReader`: MediaPipe's HandLandmarker (Tasks API) run on crops around hands.

In MediaPipe Tasks' idiom: `HandReaderOptions` -> `HandReader.create_from_options(options)`, used as a
context manager. `read(crop)` returns every hand found in the crop with its 21 landmarks (crop pixels),
world landmarks (metres), presence and the model's own handedness (kept for reference; people and sides
come from the body, see `crops.assign`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The hand model sees its crop at this many pixels at least: smaller crops are scaled up first, so the
# palm detector (192x192 input) meets the hand at a size it was trained on.
MIN_CROP_PX = 160


@dataclass
class HandReaderOptions:
    """Options of `HandReader`.

    Attributes:
        model_path: a verified `hand_landmarker.task` (`cuedetect.models.hand_provision.ensure_hand_model`).
        num_hands: hands to look for per crop (2: the other hand or a neighbour's may share the crop).
        min_detection: palm detector confidence.
        min_presence: hand presence confidence.
    """

    model_path: Path
    num_hands: int = 2
    min_detection: float = 0.4
    min_presence: float = 0.4


@dataclass(frozen=True)
class HandReading:
    """One hand found in a crop: `landmarks` (21, 3) in crop pixels, `world` (21, 3) metres, and the
    model's handedness with its score (the only per-hand score Tasks returns)."""

    landmarks: np.ndarray
    world: np.ndarray
    handedness: str
    score: float


class HandReader:
    """Runs the HandLandmarker on image crops (IMAGE mode: every crop is read afresh)."""

    def __init__(self, options: HandReaderOptions, landmarker: Any) -> None:
        self.options = options
        self._landmarker = landmarker
        self.calls = 0

    @classmethod
    def create_from_options(cls, options: HandReaderOptions) -> HandReader:
        from mediapipe.tasks.python import BaseOptions, vision

        opts = vision.HandLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(options.model_path)),
            running_mode=vision.RunningMode.IMAGE,
            num_hands=options.num_hands,
            min_hand_detection_confidence=options.min_detection,
            min_hand_presence_confidence=options.min_presence,
        )
        return cls(options, vision.HandLandmarker.create_from_options(opts))

    def read(self, crop: np.ndarray) -> list[HandReading]:
        """Hands in an RGB uint8 crop; landmarks in the crop's own pixels."""
        import cv2
        import mediapipe as mp

        h, w = crop.shape[:2]
        if min(h, w) < 4:
            return []
        scale = max(1.0, MIN_CROP_PX / min(h, w))
        image = crop if scale == 1.0 else cv2.resize(crop, (round(w * scale), round(h * scale)))
        result = self._landmarker.detect(
            mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image))
        )
        self.calls += 1
        out = []
        for k, hand in enumerate(result.hand_landmarks):
            lm = np.array([[p.x * w, p.y * h, p.z * w] for p in hand], dtype=np.float64)
            world = np.array([[p.x, p.y, p.z] for p in result.hand_world_landmarks[k]], dtype=np.float64)
            cat = result.handedness[k][0] if result.handedness and result.handedness[k] else None
            score = float(cat.score) if cat is not None else float("nan")
            out.append(HandReading(lm, world, cat.category_name if cat else "", score))
        return out

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> HandReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
