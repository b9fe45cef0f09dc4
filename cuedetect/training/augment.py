"""Augmentations of landmark tracks: mirror, camera angle, landmark noise and dropout.

All functions return new tracks (inputs are never modified) and are deterministic for a given
`numpy.random.Generator`.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np

from cuedetect.cues.tracks import PersonTrack
from cuedetect.landmarks import INDEX, MIRROR_INDEX

_MIRROR = np.array(MIRROR_INDEX)
_HIPS = [INDEX["left_hip"], INDEX["right_hip"]]
_SHOULDERS = [INDEX["left_shoulder"], INDEX["right_shoulder"]]


def mirror(tracks: list[PersonTrack]) -> list[PersonTrack]:
    """The clip seen in a mirror: x flipped, left and right landmarks swapped, floor x flipped."""
    out = []
    for tr in tracks:
        xy = tr.xy[:, _MIRROR].copy()
        xy[..., 0] = 1.0 - xy[..., 0]
        world = tr.world[:, _MIRROR].copy()
        world[..., 0] *= -1
        floor = tr.floor.copy()
        floor[:, 0] *= -1
        out.append(replace(tr, xy=xy, vis=tr.vis[:, _MIRROR].copy(), world=world, floor=floor))
    return out


def _torso_px(xy: np.ndarray) -> np.ndarray:
    return np.linalg.norm(xy[:, _SHOULDERS].mean(1) - xy[:, _HIPS].mean(1), axis=-1)


def rotate_view(tracks: list[PersonTrack], yaw_deg: float, aspect: float) -> list[PersonTrack]:
    """Approximately the same scene filmed from a camera turned `yaw_deg` about the vertical.

    With world landmarks, each body is rotated in 3D and re-projected around its hip midpoint (weak
    perspective, scale from the torso); without, horizontal offsets from the hip shrink by cos(yaw).
    Floor positions rotate about the people's centroid.
    """
    a = np.radians(yaw_deg)
    c, s = np.cos(a), np.sin(a)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])  # about camera y (vertical)
    floors = [tr.floor for tr in tracks if np.isfinite(tr.floor).any()]
    centre = np.nanmean(np.concatenate(floors), axis=0) if floors else np.zeros(2)
    out = []
    for tr in tracks:
        p = tr.xy * [aspect, 1.0]
        hip = p[:, _HIPS].mean(1, keepdims=True)
        world = tr.world @ rot.T
        if np.isfinite(tr.world).any():
            w_hip = tr.world[:, _HIPS].mean(1)
            w_sh = tr.world[:, _SHOULDERS].mean(1)
            with np.errstate(invalid="ignore", divide="ignore"):
                scale = _torso_px(p) / np.linalg.norm(w_sh - w_hip, axis=-1)
            proj = world[..., :2] * scale[:, None, None]
            new = np.where(np.isfinite(proj), hip + proj, p)
        else:
            new = p.copy()
            new[..., 0] = hip[..., 0] + (p[..., 0] - hip[..., 0]) * abs(c)
        fl = (tr.floor - centre) @ np.array([[c, -s], [s, c]]).T + centre
        out.append(replace(tr, xy=new / [aspect, 1.0], world=world, floor=fl))
    return out


def add_noise(
    tracks: list[PersonTrack], rng: np.random.Generator, sigma: float, aspect: float
) -> list[PersonTrack]:
    """Gaussian landmark noise of `sigma` torso lengths (image), sigma/2 torso lengths (world)."""
    out = []
    for tr in tracks:
        torso = np.nanmedian(_torso_px(tr.xy * [aspect, 1.0])) if len(tr) else 0.0
        torso = torso if np.isfinite(torso) else 0.1
        xy = tr.xy + rng.normal(0, sigma * torso, tr.xy.shape) / [aspect, 1.0]
        world = tr.world + rng.normal(0, sigma * 0.25, tr.world.shape)
        out.append(replace(tr, xy=xy, world=world))
    return out


def dropout(
    tracks: list[PersonTrack], rng: np.random.Generator, p_joint: float, p_frame: float
) -> list[PersonTrack]:
    """Landmarks missing at random (NaN), and whole frames where the person was not found."""
    out = []
    for tr in tracks:
        drop = rng.random(tr.vis.shape) < p_joint
        drop |= (rng.random(len(tr)) < p_frame)[:, None]
        xy, vis, world = tr.xy.copy(), tr.vis.copy(), tr.world.copy()
        xy[drop], vis[drop], world[drop] = np.nan, np.nan, np.nan
        out.append(replace(tr, xy=xy, vis=vis, world=world))
    return out


def augment(tracks: list[PersonTrack], rng: np.random.Generator, aspect: float) -> list[PersonTrack]:
    """One random augmentation: maybe mirrored, camera turned -25..25 degrees, noise, dropout."""
    out = mirror(tracks) if rng.random() < 0.5 else tracks
    out = rotate_view(out, float(rng.uniform(-25, 25)), aspect)
    out = add_noise(out, rng, float(rng.uniform(0.0, 0.04)), aspect)
    return dropout(out, rng, float(rng.uniform(0.0, 0.05)), float(rng.uniform(0.0, 0.05)))


_ARM_JOINTS = np.arange(13, 23)
_TORSO = [INDEX["left_shoulder"], INDEX["right_shoulder"], INDEX["left_hip"], INDEX["right_hip"]]


def _smooth(rng: np.random.Generator, n: int, m: int, k: int = 9) -> np.ndarray:
    raw = rng.normal(0, 1, (n + 2 * k, m))
    ker = np.hanning(2 * k + 1)
    ker /= np.sqrt((ker**2).sum())
    out = np.stack([np.convolve(raw[:, j], ker, mode="same") for j in range(m)], axis=1)
    return out[k : k + n]


def mediapipe_like(
    tracks: list[PersonTrack], rng: np.random.Generator, threshold: float = 0.5
) -> list[PersonTrack]:
    """Degrade exact landmarks the way MediaPipe + the pose engine's filters do.

    Measured on the rendered standoff sample: wrist/elbow visibility is often 0.3-0.7 even in plain
    view, so about a quarter to a half of the arm points fall under the engine's 0.5 threshold and lose
    their image coordinates (world landmarks stay); hands behind the back are often still reported
    with high visibility; world depth is flattened and noisy. Visibility is redrawn per clip and arm,
    smoothly in time; joints behind the torso (from the world landmarks) get uniform 0.1-1.0.
    """
    out = []
    for tr in tracks:
        n = len(tr)
        if n == 0 or not np.isfinite(tr.world).any():
            out.append(tr)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # frames without a body are all-NaN
            out.append(_degrade(tr, rng, threshold))
    return out


def _degrade(tr: PersonTrack, rng: np.random.Generator, threshold: float) -> PersonTrack:
    n = len(tr)
    w = tr.world
    tx = w[:, _TORSO, 0]
    ty = w[:, _TORSO, 1]
    tz = np.nanmean(w[:, _TORSO, 2], axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        behind = (
            (w[..., 0] > np.nanmin(tx, 1, keepdims=True) - 0.08)
            & (w[..., 0] < np.nanmax(tx, 1, keepdims=True) + 0.08)
            & (w[..., 1] > np.nanmin(ty, 1, keepdims=True) - 0.05)
            & (w[..., 1] < np.nanmax(ty, 1, keepdims=True) + 0.15)
            & (w[..., 2] > tz + 0.06)
        )
    vis = np.clip(rng.uniform(0.85, 1.0, tr.vis.shape), 0, 1)
    level = rng.uniform(0.3, 1.0, 2)
    arm_noise = _smooth(rng, n, len(_ARM_JOINTS)) * rng.uniform(0.1, 0.3)
    side = (_ARM_JOINTS % 2 == 0).astype(int)  # odd indices are the left side
    vis[:, _ARM_JOINTS] = np.clip(level[side] + arm_noise, 0.0, 1.0)
    vis = np.where(behind, rng.uniform(0.1, 1.0, vis.shape), vis)
    vis = np.where(np.isnan(tr.vis), np.nan, vis)
    xy = tr.xy.copy()
    xy[~(np.nan_to_num(vis, nan=0.0) >= threshold)] = np.nan
    world = w.copy()
    hip_z = np.nanmean(w[:, _HIPS, 2], axis=1, keepdims=True)
    world[..., 2] = hip_z + (w[..., 2] - hip_z) * rng.uniform(0.4, 1.0)
    world = world + _smooth(rng, n, 33 * 3).reshape(n, 33, 3) * rng.uniform(0.01, 0.05)
    return replace(tr, xy=xy, vis=vis, world=world)
