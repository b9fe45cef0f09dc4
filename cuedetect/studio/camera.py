"""A pinhole camera in the room (world: X right, Y away from the camera, Z up, metres)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cuedetect.studio import lens


@dataclass(frozen=True)
class Camera:
    """A camera at `position` turned by `yaw_deg` (toward +X) and tilted down by `pitch_deg`."""

    position: tuple[float, float, float] = (0.0, -4.0, 1.6)
    yaw_deg: float = 0.0
    pitch_deg: float = 8.0
    fov_deg: float = 60.0  # horizontal
    width: int = 960
    height: int = 540
    distortion_k: float = 0.0  # barrel distortion of a wide lens (`cuedetect.studio.lens`); 0 = pinhole

    @property
    def R(self) -> np.ndarray:  # noqa: N802 (the usual name in camera geometry)
        """World -> camera rotation, OpenCV convention (x right, y down, z forward)."""
        yaw, pitch = np.radians(self.yaw_deg), np.radians(self.pitch_deg)
        forward = np.array([np.sin(yaw) * np.cos(pitch), np.cos(yaw) * np.cos(pitch), -np.sin(pitch)])
        right = np.array([np.cos(yaw), -np.sin(yaw), 0.0])
        down = np.cross(forward, right)
        return np.stack([right, down, forward])

    @property
    def t(self) -> np.ndarray:
        return -self.R @ np.asarray(self.position, dtype=float)

    @property
    def K(self) -> np.ndarray:  # noqa: N802
        f = (self.width / 2) / np.tan(np.radians(self.fov_deg) / 2)
        return np.array([[f, 0.0, self.width / 2], [0.0, f, self.height / 2], [0.0, 0.0, 1.0]])

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (..., 3) -> normalized image coordinates (..., 2) and depth (...)."""
        cam = points @ self.R.T + self.t
        z = cam[..., 2]
        uv = cam @ self.K.T
        with np.errstate(divide="ignore", invalid="ignore"):
            px = uv[..., :2] / uv[..., 2:3]
        if self.distortion_k:
            f, c = self.K[0, 0], np.array([self.width / 2, self.height / 2])
            px = lens.distort((px - c) / f, self.distortion_k) * f + c
        return px / np.array([self.width, self.height]), z

    def to_json(self) -> dict:
        out = {
            "position": list(self.position),
            "yaw_deg": self.yaw_deg,
            "pitch_deg": self.pitch_deg,
            "fov_deg": self.fov_deg,
            "height_m": self.position[2],
            "K": self.K.round(6).tolist(),
            "R": self.R.round(9).tolist(),
            "t": self.t.round(9).tolist(),
        }
        if self.distortion_k:
            out["distortion"] = {"k": self.distortion_k, "model": lens.MODEL}
        return out
