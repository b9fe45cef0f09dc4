"""`HandAnnotator`: hand skeletons and the hand state in words, drawn on a frame (annotated.mp4).

One annotator, one `annotate()`, in the manner of `cuedetect.annotate` (whose palette and colour
order it shares): the 21-point skeleton of every read hand in its person's colour, and a small label
with the hand's state in the instructor's words ("fist", "open hand", "pointing", "thumbs-up").
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from cuedetect.annotate import PALETTE, Color, _Annotator, _text, color_for
from cuedetect.hands.shape import HAND_EDGES

LABELS = {"fist": "fist", "open_palm": "open hand", "point": "pointing", "thumb_up": "thumbs-up"}


class HandAnnotator(_Annotator):
    """Hand skeletons (21 landmarks) and their state, one colour per person id."""

    def __init__(self, thickness: int = 1, radius: int = 2, scale: float = 0.4,
                 palette: Sequence[Color] = PALETTE, color_order: str = "bgr") -> None:  # fmt: skip
        super().__init__(color_order)
        self.thickness, self.radius, self.scale, self.palette = thickness, radius, scale, palette

    def annotate(self, scene: np.ndarray, landmarks: np.ndarray, ids: Sequence[int],
                 states: Sequence[str | None] | None = None) -> np.ndarray:  # fmt: skip
        """Draw hands on `scene` (in place; returned).

        Args:
            scene: the frame (h, w, 3).
            landmarks: (hands, 21, 2+) normalized image coordinates (NaN where missing).
            ids: the person each hand belongs to (its colour).
            states: each hand's state, labelled next to the wrist ("other" and None are not labelled).
        """
        h, w = scene.shape[:2]
        for k, pid in enumerate(ids):
            pts = np.asarray(landmarks[k], dtype=float)[:, :2] * [w, h]
            if not np.isfinite(pts).all():
                continue
            color = self._c(color_for(pid, self.palette))
            p = np.round(pts).astype(int)
            for a, b in HAND_EDGES:
                cv2.line(scene, tuple(p[a]), tuple(p[b]), color, self.thickness, cv2.LINE_AA)
            for q in p:
                cv2.circle(scene, tuple(q), self.radius, color, -1, cv2.LINE_AA)
            label = LABELS.get(states[k] or "") if states is not None else None
            if label:
                top = p[:, 1].min()
                _text(scene, label, (int(p[:, 0].min()), int(top) - 4), color, self.scale)
        return scene
