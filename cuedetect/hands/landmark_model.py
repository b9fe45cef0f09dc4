"""`HandLandmarkModel`: MediaPipe's hand landmark network read on a rotated crop, without the palm detector.

MediaPipe's HandLandmarker runs a palm detector and then the landmark network; in video it skips the
detector while it can track the hand from its last landmarks. Here the body already says where each hand
is, so the detector is never needed: the landmark network (`hand_landmarks_detector.tflite`, taken from
the verified `hand_landmarker.task` bundle) reads a 224x224 crop placed from the body or from the hand's
last landmarks (`cuedetect.hands.roi`), and its presence score says whether a hand is there. This costs
about a quarter of a detector-and-landmarks read, and finds hands the palm detector misses (a relaxed hand
seen edge-on).

The network runs on LiteRT (`ai-edge-litert`, Apache-2.0), one thread per process. In MediaPipe Tasks'
idiom: `HandLandmarkModelOptions` -> `HandLandmarkModel.create_from_options(options)`, a context manager.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.hands.roi import HandRoi, crop_roi, to_frame, turn_to_frame

INPUT_PX = 224
LANDMARK_MEMBER = "hand_landmarks_detector.tflite"


@dataclass
class HandLandmarkModelOptions:
    """Options of `HandLandmarkModel`.

    Attributes:
        model_path: a verified `hand_landmarker.task` (`cuedetect.models.hand_provision.ensure_hand_model`).
        min_presence: the network's hand presence (0..1) below which no hand is reported.
        num_threads: LiteRT threads (1: the analysis already runs one process per core).
    """

    model_path: Path
    min_presence: float = 0.5
    num_threads: int = 1


@dataclass(frozen=True)
class HandReading:
    """One hand read: `landmarks` (21, 3) in frame pixels, `world` (21, 3) metres in the frame's axes (x
    right, y down, z away from the camera; origin the hand's centre), the network's handedness
    (kept for reference: people and sides come from the body, see `crops.assign`) and `score`, its
    presence (0..1)."""

    landmarks: np.ndarray
    world: np.ndarray
    handedness: str
    score: float


class HandLandmarkModel:
    """Reads one hand per call from a rotated region of a frame."""

    def __init__(self, options: HandLandmarkModelOptions, interpreter: Any) -> None:
        self.options = options
        self._it = interpreter
        self.calls = 0
        if interpreter is not None:
            self._input = interpreter.get_input_details()[0]["index"]
            out = {d["name"]: d for d in interpreter.get_output_details()}
            # outputs by shape: two (1, 63) (screen landmarks first, then world), two (1, 1) (presence
            # first, then handedness), in the bundle's order
            wide = [out[k]["index"] for k in sorted(out) if int(np.prod(out[k]["shape"])) == 63]
            one = [out[k]["index"] for k in sorted(out) if int(np.prod(out[k]["shape"])) == 1]
            self._landmarks, self._world = wide
            self._presence, self._handedness = one

    @classmethod
    def create_from_options(cls, options: HandLandmarkModelOptions) -> HandLandmarkModel:
        from ai_edge_litert.interpreter import Interpreter

        with zipfile.ZipFile(options.model_path) as bundle:
            content = bundle.read(LANDMARK_MEMBER)
        it = Interpreter(model_content=content, num_threads=options.num_threads)
        it.allocate_tensors()
        return cls(options, it)

    def read(self, image: np.ndarray, roi: HandRoi) -> HandReading | None:
        """The hand in `roi` of an RGB uint8 frame: landmarks (21, 3) in frame pixels, or None when the
        network's presence is under `min_presence`. `score` is the presence."""
        crop = crop_roi(image, roi, INPUT_PX)
        self._it.set_tensor(self._input, (crop[None].astype(np.float32) * (1.0 / 255.0)))
        self._it.invoke()
        self.calls += 1
        presence = float(self._it.get_tensor(self._presence).ravel()[0])
        if presence < self.options.min_presence:
            return None
        screen = self._it.get_tensor(self._landmarks).reshape(21, 3)
        world = self._it.get_tensor(self._world).reshape(21, 3).astype(np.float64)
        if np.abs(screen).max() < np.abs(world).max():  # a bundle naming its outputs the other way round:
            screen, world = world, screen.astype(np.float64)  # screen is in crop pixels, world in metres
        lm = to_frame(screen, roi, INPUT_PX)
        right = float(self._it.get_tensor(self._handedness).ravel()[0])
        return HandReading(lm, turn_to_frame(world, roi), "Right" if right >= 0.5 else "Left", presence)

    def close(self) -> None:
        self._it = None

    def __enter__(self) -> HandLandmarkModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
