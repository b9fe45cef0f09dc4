"""Rotated hand regions (ROIs): where the hand landmark model looks, and how its crop maps to the frame.

MediaPipe's own hand tracking reads the landmark model on a square crop turned so that the hand points up
(wrist at the bottom, middle finger at the top), placed from the previous frame's landmarks; the palm
detector runs only when tracking is lost. Holistic places the first crop from the body's wrist, index
and pinky instead of the palm detector. Both are done here with plain numpy and one `cv2.warpAffine`:

- `roi_from_body`: from a `HandSlot` (the body's wrist, knuckles and hand length);
- `roi_from_landmarks`: from 21 hand landmarks (MediaPipe's landmarks-to-ROI: the box of the palm and
  lower finger joints in the hand's own axes, doubled, shifted a tenth toward the fingers);
- `crop_roi` / `to_frame`: the model's input crop and its landmarks back in frame pixels;
  `turn_to_frame`: its world landmarks turned back into the frame's axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# landmarks MediaPipe uses to place a hand's next crop: wrist, thumb base, and the two lower joints of
# each finger (fingertips move too fast to place a crop by)
ROI_LANDMARKS = (0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18)


@dataclass(frozen=True)
class HandRoi:
    """A square region of the frame, turned so the hand points up in it.

    Attributes:
        centre: (2,) frame pixels.
        side: the square's side, frame pixels.
        up: (2,) unit vector, in frame pixels, of the crop's "up" (wrist toward the fingers).
    """

    centre: np.ndarray
    side: float
    up: np.ndarray

    def affine(self, size: int) -> np.ndarray:
        """(2, 3) map from crop pixels (size x size) to frame pixels."""
        k = self.side / size
        right = np.array([-self.up[1], self.up[0]])  # the crop's x axis: "up" turned a quarter clockwise
        a = np.column_stack([right * k, -self.up * k])
        t = self.centre - a @ np.array([size / 2, size / 2])
        return np.column_stack([a, t])

    def box(self) -> tuple[int, int, int, int]:
        """The axis-aligned box around the turned square (for drawing and overlap tests)."""
        half = self.side * (abs(self.up[0]) + abs(self.up[1])) / 2
        x, y = self.centre
        return int(x - half), int(y - half), int(x + half), int(y + half)


def _unit(v: np.ndarray, fallback: tuple[float, float] = (0.0, -1.0)) -> np.ndarray:
    v = np.asarray(v, dtype=float)[:2]
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 and np.isfinite(n) else np.array(fallback)


def roi_from_body(wrist: np.ndarray, knuckles: np.ndarray, length_px: float, elbow: np.ndarray | None = None,
                  scale: float = 2.2, reach: float = 0.45) -> HandRoi:  # fmt: skip
    """The crop the body's landmarks suggest: `scale` hand lengths wide, centred `reach` hand lengths
    from the wrist toward the knuckles (or along the forearm when the knuckles sit on the wrist)."""
    wrist = np.asarray(wrist, dtype=float)
    d = np.asarray(knuckles, dtype=float) - wrist
    if float(np.linalg.norm(d)) < 0.1 * length_px and elbow is not None and np.isfinite(elbow).all():
        d = wrist - np.asarray(elbow, dtype=float)
    up = _unit(d)
    return HandRoi(wrist + reach * length_px * up, scale * length_px, up)


def roi_from_landmarks(lm: np.ndarray, scale: float = 2.0, shift: float = 0.1) -> HandRoi:
    """The crop MediaPipe would read this hand in next: from (21, 2+) landmarks in frame pixels."""
    lm = np.asarray(lm, dtype=float)[:, :2]
    up = _unit(lm[9] - lm[0])
    right = np.array([-up[1], up[0]])
    pts = lm[list(ROI_LANDMARKS)]
    u, v = pts @ right, pts @ up
    side = scale * max(float(np.ptp(u)), float(np.ptp(v)), 1.0)
    centre = right * (u.min() + u.max()) / 2 + up * (v.min() + v.max()) / 2 + up * shift * side
    return HandRoi(centre, side, up)


def crop_roi(image: np.ndarray, roi: HandRoi, size: int) -> np.ndarray:
    """The ROI of an RGB uint8 frame as a (size, size, 3) crop (black past the frame's edges)."""
    import cv2

    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return cv2.warpAffine(image, roi.affine(size), (size, size), flags=flags, borderMode=cv2.BORDER_CONSTANT)


def to_frame(points: np.ndarray, roi: HandRoi, size: int) -> np.ndarray:
    """(n, 3) crop pixels (z in crop pixels too) -> frame pixels (z scaled alike)."""
    p = np.asarray(points, dtype=float)
    m = roi.affine(size)
    xy = p[:, :2] @ m[:, :2].T + m[:, 2]
    return np.column_stack([xy, p[:, 2] * roi.side / size])


def turn_to_frame(vectors: np.ndarray, roi: HandRoi) -> np.ndarray:
    """(n, 3) vectors in the crop's axes (the network's world landmarks, metres) -> the frame's axes (x
    right, y down): turned with the crop, neither moved nor scaled; z unchanged. MediaPipe's hand graph
    does the same to its world landmarks (WorldLandmarkProjectionCalculator)."""
    v = np.asarray(vectors, dtype=float)
    up = _unit(roi.up)
    axes = np.column_stack([[-up[1], up[0]], -up])  # the crop's x and y axes in the frame (see `affine`)
    return np.column_stack([v[:, :2] @ axes.T, v[:, 2]])


def roi_change(a: HandRoi, b: HandRoi) -> float:
    """How far apart two ROIs are, in units of the first's side: centre shift, size change and turn."""
    shift = float(np.linalg.norm(a.centre - b.centre)) / a.side
    size = abs(np.log(b.side / a.side))
    turn = float(1.0 - np.dot(a.up, b.up))
    return max(shift, size, turn)
