"""Wide lenses with barrel distortion, made by remapping rendered frames.

Blender's Workbench renders a pinhole image. A distorted clip is rendered larger (an overscan pinhole
camera with the same focal length) and then every output pixel fetches its undistorted source pixel:

    x_u = x_d * (1 + k * r_d^2)      x = (pixel - centre) / focal length, r^2 = x^2 + y^2

With k > 0 this is barrel distortion (straight lines bow outward; a point lands nearer the centre
than a pinhole would put it). The same model, inverted by Newton's method, projects the ground-truth
joints, and `gt.json` records k with the camera, so a reader can undo it.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

MODEL = "x_u = x_d * (1 + k * r_d^2), x = (pixel - centre) / focal_px; barrel for k > 0"


def undistort(xd: np.ndarray, k: float) -> np.ndarray:
    """Distorted normalised image points (..., 2) -> where a pinhole camera would put them."""
    r2 = np.sum(np.square(xd), axis=-1, keepdims=True)
    return xd * (1.0 + k * r2)


def distort(xu: np.ndarray, k: float, iterations: int = 30) -> np.ndarray:
    """Pinhole normalised image points (..., 2) -> distorted (solves r_d + k r_d^3 = r_u)."""
    ru = np.linalg.norm(xu, axis=-1, keepdims=True)
    rd = ru.copy()
    for _ in range(iterations):  # monotonic cubic for k >= 0: Newton converges from r_u
        rd = rd - (rd + k * rd**3 - ru) / (1.0 + 3.0 * k * rd**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(ru > 1e-12, rd / ru, 1.0)
    return xu * scale


def overscan(camera):
    """The pinhole camera (same pose and focal length, larger frame) whose render covers `camera`'s view."""
    k = camera.distortion_k
    f = camera.K[0, 0]
    corner = np.array([[camera.width / 2, camera.height / 2]]) / f
    half = undistort(corner, k)[0] * f + 2.0
    width, height = 2 * math.ceil(half[0]), 2 * math.ceil(half[1])
    fov = math.degrees(2 * math.atan(width / 2 / f))
    return dataclasses.replace(camera, width=width, height=height, fov_deg=fov, distortion_k=0.0)


def remap_maps(camera, render_camera) -> tuple[np.ndarray, np.ndarray]:
    """cv2.remap maps: for each output pixel, where to read in the overscan render."""
    f = camera.K[0, 0]
    u, v = np.meshgrid(np.arange(camera.width, dtype=np.float64), np.arange(camera.height, dtype=np.float64))
    xd = np.stack([(u + 0.5 - camera.width / 2) / f, (v + 0.5 - camera.height / 2) / f], axis=-1)
    xu = undistort(xd, camera.distortion_k)
    map_x = xu[..., 0] * f + render_camera.width / 2 - 0.5
    map_y = xu[..., 1] * f + render_camera.height / 2 - 0.5
    return map_x.astype(np.float32), map_y.astype(np.float32)


def remap_frame(image: np.ndarray, maps: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    import cv2

    return cv2.remap(image, maps[0], maps[1], interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
