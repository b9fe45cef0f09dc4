"""`KeyPoints`: the poses found in one frame, as arrays (supervision's `KeyPoints` idiom).

Shape conventions: `n` persons x 33 landmarks in MediaPipe's order (`cuedetect.landmarks`).
`xy` is in normalized image coordinates of the full frame (x right, y down, 0..1); missing is NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cuedetect.landmarks import NUM_LANDMARKS

# Landmarks that define a person's box and body size (shoulders, hips, knees, ankles, nose).
_BODY = np.array([0, 11, 12, 23, 24, 25, 26, 27, 28])


@dataclass(frozen=True)
class CropBox:
    """A crop of the full frame: where an image given to the model sat in the frame (pixels)."""

    x0: float
    y0: float
    width: float
    height: float
    frame_width: int
    frame_height: int

    @classmethod
    def full(cls, width: int, height: int) -> CropBox:
        return cls(0.0, 0.0, float(width), float(height), width, height)

    def to_frame(self, xy: np.ndarray) -> np.ndarray:
        """Map normalized crop coordinates (..., 2) to normalized full-frame coordinates."""
        out = np.empty_like(xy, dtype=np.float32)
        out[..., 0] = (self.x0 + xy[..., 0] * self.width) / self.frame_width
        out[..., 1] = (self.y0 + xy[..., 1] * self.height) / self.frame_height
        return out


@dataclass
class KeyPoints:
    """Poses of `n` persons in one frame.

    Attributes:
        xy: (n, 33, 2) float32, normalized full-frame image coordinates; NaN = missing.
        visibility: (n, 33) float32 in 0..1 (MediaPipe's visibility); NaN = missing.
        world: (n, 33, 3) float32 metres around each person's hip midpoint, or None.
        confidence: (n,) float32, a per-person score: the mean presence of the 12 most present
            landmarks (MediaPipe), or of the body landmarks' visibility when built from arrays.
    """

    xy: np.ndarray
    visibility: np.ndarray
    world: np.ndarray | None = None
    confidence: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    presence: np.ndarray | None = None  # (n, 33) MediaPipe's per-landmark presence, when known

    def __post_init__(self) -> None:
        self.xy = np.asarray(self.xy, dtype=np.float32).reshape(-1, NUM_LANDMARKS, 2)
        n = len(self.xy)
        self.visibility = np.asarray(self.visibility, dtype=np.float32).reshape(n, NUM_LANDMARKS)
        if self.world is not None:
            self.world = np.asarray(self.world, dtype=np.float32).reshape(n, NUM_LANDMARKS, 3)
        if len(self.confidence) != n:
            body = np.nan_to_num(self.visibility[:, _BODY], nan=0.0)
            self.confidence = body.mean(axis=1) if n else np.zeros(0)
        self.confidence = np.asarray(self.confidence, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.xy)

    def __getitem__(self, index: int | slice | Sequence[int] | np.ndarray) -> KeyPoints:
        idx = [index] if isinstance(index, int | np.integer) else index
        return KeyPoints(
            self.xy[idx],
            self.visibility[idx],
            None if self.world is None else self.world[idx],
            self.confidence[idx],
            None if self.presence is None else self.presence[idx],
        )

    @classmethod
    def empty(cls, with_world: bool = True) -> KeyPoints:
        return cls(
            np.zeros((0, NUM_LANDMARKS, 2)),
            np.zeros((0, NUM_LANDMARKS)),
            np.zeros((0, NUM_LANDMARKS, 3)) if with_world else None,
            np.zeros(0),
        )

    @classmethod
    def from_mediapipe(cls, result: Any, crop: CropBox | None = None) -> KeyPoints:
        """Build from a `PoseLandmarkerResult`; `crop` maps landmarks of a cropped input to the frame."""
        poses = result.pose_landmarks or []
        n = len(poses)
        nan = float("nan")
        xy = np.full((n, NUM_LANDMARKS, 2), np.nan, np.float32)
        vis = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
        pres = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
        for i, pose in enumerate(poses):
            rows = np.array(
                [
                    (
                        lm.x,
                        lm.y,
                        nan if lm.visibility is None else lm.visibility,
                        nan if lm.presence is None else lm.presence,
                    )
                    for lm in pose[:NUM_LANDMARKS]
                ],
                np.float32,
            ).reshape(-1, 4)
            k = len(rows)
            xy[i, :k], vis[i, :k], pres[i, :k] = rows[:, :2], rows[:, 2], rows[:, 3]
        world = None
        worlds = getattr(result, "pose_world_landmarks", None)
        if worlds is not None and len(worlds) == n:
            world = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
            for i, pose in enumerate(worlds):
                pts = np.array([(lm.x, lm.y, lm.z) for lm in pose[:NUM_LANDMARKS]], np.float32)
                world[i, : len(pts)] = pts.reshape(-1, 3)
        if crop is not None:
            xy = crop.to_frame(xy)
        # A person framed from the waist up is still a person: score the 12 most present landmarks.
        conf = np.sort(np.nan_to_num(pres, nan=0.0), axis=1)[:, -12:].mean(axis=1) if n else np.zeros(0)
        return cls(xy, vis, world, conf, pres)

    @classmethod
    def concatenate(cls, parts: Iterable[KeyPoints]) -> KeyPoints:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        worlds = [p.world for p in parts]
        world = None if any(w is None for w in worlds) else np.concatenate(worlds)  # type: ignore[arg-type]
        return cls(
            np.concatenate([p.xy for p in parts]),
            np.concatenate([p.visibility for p in parts]),
            world,
            np.concatenate([p.confidence for p in parts]),
        )

    def boxes(self, min_visibility: float = 0.0) -> np.ndarray:
        """(n, 4) boxes x0, y0, x1, y1 (normalized) around each person's landmarks; NaN if none."""
        out = np.full((len(self), 4), np.nan, np.float32)
        for i in range(len(self)):
            ok = np.isfinite(self.xy[i]).all(axis=1)
            if min_visibility > 0:
                ok &= np.nan_to_num(self.visibility[i], nan=0.0) >= min_visibility
            if ok.sum() < 2:
                ok = np.isfinite(self.xy[i]).all(axis=1)
            if ok.any():
                pts = self.xy[i, ok]
                out[i] = (*pts.min(axis=0), *pts.max(axis=0))
        return out

    def to_flat(self) -> dict[str, np.ndarray]:
        """Columns `x0..x32`, `y0..y32`, `v0..v32` (and `wx/wy/wz0..32` with world), one row per person."""
        cols: dict[str, np.ndarray] = {}
        for axis, k in (("x", 0), ("y", 1)):
            for j in range(NUM_LANDMARKS):
                cols[f"{axis}{j}"] = self.xy[:, j, k]
        for j in range(NUM_LANDMARKS):
            cols[f"v{j}"] = self.visibility[:, j]
        if self.world is not None:
            for axis, k in (("wx", 0), ("wy", 1), ("wz", 2)):
                for j in range(NUM_LANDMARKS):
                    cols[f"{axis}{j}"] = self.world[:, j, k]
        return cols

    @classmethod
    def from_flat(cls, cols: dict[str, Any]) -> KeyPoints:
        """Inverse of `to_flat` (accepts a dict of arrays or a pandas DataFrame)."""
        xs = np.stack([np.asarray(cols[f"x{j}"]) for j in range(NUM_LANDMARKS)], axis=1)
        ys = np.stack([np.asarray(cols[f"y{j}"]) for j in range(NUM_LANDMARKS)], axis=1)
        vis = np.stack([np.asarray(cols[f"v{j}"]) for j in range(NUM_LANDMARKS)], axis=1)
        world = None
        if "wx0" in cols:
            world = np.stack(
                [
                    np.stack([np.asarray(cols[f"{a}{j}"]) for j in range(NUM_LANDMARKS)], axis=1)
                    for a in ("wx", "wy", "wz")
                ],
                axis=2,
            )
        return cls(np.stack([xs, ys], axis=2), vis, world)
