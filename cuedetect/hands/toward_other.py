"""Does a palm face the other person? The angle between a hand's palm normal and the way to the other person.

The hand stage gives each read hand a unit normal out of its palm, in the hand crop's view (x right,
y down in the frame, z along the line of sight to the hand). Nothing in it knows where the other person
is. This stage places both in the camera's 3D frame (x right, y down, z forward, metres) and measures
the angle between the palm normal and the direction from the hand to the other person's torso centre
(the mean of their shoulders and hips).

Where things are, and why from these sources:
- **Depth from the floor stage.** Each person's floor position (metres, with an SD) comes from body
  size and one floor fitted under everybody's feet, with the camera's field of view, pitch and roll.
  The hip midpoint lies on the image ray through the hips (the floor stage fits it there), so its depth
  along that ray is the one that puts it at its floor position: the least-squares fit of the ray's
  floor-plane projection to (x, y). Depth is what the image alone cannot tell (two people side by side
  and one behind the other look alike), and the floor stage is the pipeline's only measured depth.
- **Across the image from the pixels.** Left/right and up/down come from where the hand and the other
  person are in the picture (the hand's palm centre from its 21 landmarks, the other person's torso
  from the pose), back-projected at their depth: the most precise coordinates the pipeline has.
- **Body offsets from the pose's world landmarks.** The hand's depth is its person's hip depth plus
  the wrist's offset from the hips in MediaPipe's world landmarks (metres, seen along the ray to the
  person, turned into the camera frame as the floor stage does): an arm held out toward someone is
  half a metre nearer them than the hips.
- **The palm normal turned along the line of sight.** The hand network sees a crop centred on the
  hand, so its normal is relative to the ray to the hand, not the optical axis (a hand at the edge of a
  65 deg picture is seen 30 deg off-axis); it is turned onto that ray first.

The angle is NaN ("unknown") where any of this is missing: no other person in the frame, either
person not placed on the floor, no fitted camera, or no palm normal; and where the floor stage's depth
of either person is more than 1.5x off the depth their own torso's size gives (`MAX_DEPTH_RATIO`): a
floor fit gone wrong would turn every palm toward or away from the other person. `palm_facing` becomes
`other_person` where the angle is under `TOWARD_DEG`; elsewhere it keeps its word relative to the
camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from cuedetect.hands.shape import facing as facing_camera
from cuedetect.landmarks import INDEX
from cuedetect.pose.floor_fit import ray_rotation, up_vector

if TYPE_CHECKING:
    import pandas as pd

    from cuedetect.pose.tracked import Tracks

TOWARD_DEG = 45.0  # a palm whose normal is within this angle of the way to the other person faces them
# the floor stage's depth of a person is trusted where it is within this factor of the depth their own
# torso's size gives (studio analyses, 10,879 rows: ratio p1 0.60, p5 0.92, median 1.07, p95 1.21, p99 1.28;
# 1.5% of rows outside; on train_00036 rendered at 1600x900 the floor fit put one person at 0.42 of it,
# 2.8 m nearer than she stood)
MAX_DEPTH_RATIO = 1.5
HIPS = (INDEX["left_hip"], INDEX["right_hip"])
TORSO = (INDEX["left_shoulder"], INDEX["right_shoulder"], *HIPS)
WRISTS = {"left": INDEX["left_wrist"], "right": INDEX["right_wrist"]}
PALM_POINTS = [0, 5, 9, 13, 17]  # wrist and the four knuckles: the palm's centre


@dataclass(frozen=True)
class Camera:
    """The pinhole camera the floor stage fitted: picture size (pixels), horizontal-or-longer-side field
    of view and the floor's tilt (pitch positive looking down, roll), as `analysis.json`'s `camera`."""

    size: tuple[int, int]
    fov_deg: float
    pitch_deg: float
    roll_deg: float

    @classmethod
    def from_fit(cls, camera: dict[str, Any] | None, size: tuple[int, int]) -> Camera | None:
        """From the floor stage's camera dict; None when it holds no usable fit."""
        if not camera or not size[0] or not size[1]:
            return None
        vals = [camera.get(k) for k in ("fov_deg", "pitch_deg", "roll_deg")]
        if any(v is None or not math.isfinite(float(v)) for v in vals) or not 1.0 < float(vals[0]) < 179.0:
            return None
        return cls((int(size[0]), int(size[1])), *(float(v) for v in vals))

    @property
    def focal_px(self) -> float:
        return 0.5 * max(self.size) / math.tan(math.radians(self.fov_deg) / 2)  # as the floor stage's

    def rays(self, xy: np.ndarray) -> np.ndarray:
        """(n, 3) rays (a, b, 1) through normalized image points (n, 2)."""
        w, h = self.size
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        ab = np.stack([(xy[:, 0] - 0.5) * w, (xy[:, 1] - 0.5) * h], axis=1) / self.focal_px
        return np.concatenate([ab, np.ones((len(ab), 1))], axis=1)

    def floor_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """The floor frame's x and y axes in camera coordinates (the floor stage's `ex`, `ey`)."""
        n = up_vector(math.radians(self.pitch_deg), math.radians(self.roll_deg))
        ex = np.array([1.0, 0.0, 0.0]) - n[0] * n
        ex /= np.linalg.norm(ex)
        return ex, np.cross(n, ex)

    def hips_in_camera(self, hip_xy: np.ndarray, floor_xy: np.ndarray) -> np.ndarray:
        """(n, 3) hip midpoints in the camera frame: on the ray through `hip_xy` (normalized image), at
        the depth whose floor-plane projection best matches `floor_xy` (metres). NaN where unknown."""
        r = self.rays(hip_xy)
        ex, ey = self.floor_axes()
        fxy = np.asarray(floor_xy, dtype=float).reshape(-1, 2)
        rx, ry = r @ ex, r @ ey
        den = rx * rx + ry * ry
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (fxy[:, 0] * rx + fxy[:, 1] * ry) / den
        z = np.where((ry > 1e-6) & (z > 0.1), z, np.nan)  # in front of the camera, beyond arm's length
        return r * z[:, None]


def turn_along_ray(vectors: np.ndarray, xy: np.ndarray, camera: Camera) -> np.ndarray:
    """(n, 3) vectors given relative to the line of sight through normalized image points `xy` (a crop's
    view: z along the ray) -> the camera frame."""
    ab = camera.rays(xy)[:, :2]
    return np.einsum("nij,nj->ni", ray_rotation(np.nan_to_num(ab)), np.asarray(vectors, dtype=float))


def palm_angle_deg(normal: np.ndarray, hand: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(n,) angles (degrees) between palm normals and the directions from `hand` to `target` points, all
    (n, 3) in one frame; NaN where any is missing or the points coincide."""
    d = np.asarray(target, dtype=float) - np.asarray(hand, dtype=float)
    nd = np.linalg.norm(d, axis=1)
    nn = np.linalg.norm(normal, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(np.asarray(normal, dtype=float) * d, axis=1) / (nd * nn)
    cos = np.where((nd > 1e-6) & (nn > 1e-6), cos, np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


@dataclass(frozen=True)
class BodyPoints:
    """Per tracks row, in the camera frame (metres; NaN where unknown): the hip midpoint, the torso
    centre, and the depth of each wrist."""

    hips: np.ndarray  # (n, 3)
    torso: np.ndarray  # (n, 3)
    wrist_z: dict[str, np.ndarray]  # side -> (n,)


def size_depth(xy_px: np.ndarray, body: np.ndarray, focal_px: float) -> np.ndarray:
    """(n,) each body's depth from its own size: the torso (shoulder to hip midpoints) in the world
    landmarks, across the line of sight, against its length in the picture (pixels); NaN where unseen."""
    shoulders, hips = [INDEX["left_shoulder"], INDEX["right_shoulder"]], list(HIPS)
    px = np.linalg.norm(xy_px[:, shoulders].mean(axis=1) - xy_px[:, hips].mean(axis=1), axis=1)
    metres = np.linalg.norm((body[:, shoulders].mean(axis=1) - body[:, hips].mean(axis=1))[:, :2], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(px > 1.0, focal_px * metres / px, np.nan)


def body_points(tracks: Tracks, camera: Camera, max_ratio: float = MAX_DEPTH_RATIO) -> BodyPoints:
    """Where each tracked person's hips, torso and wrists are in the camera frame, row by row.

    A row whose depth from the floor stage and depth from the body's own size (`size_depth`) differ by
    more than `max_ratio` either way is unknown: one of them is wrong, and the direction to the other
    person would be too.
    """
    xy = np.asarray(tracks.xy, dtype=float)
    world = np.asarray(tracks.world, dtype=float)
    hip_xy = xy[:, list(HIPS)].mean(axis=1)
    hips = camera.hips_in_camera(hip_xy, np.asarray(tracks.floor, dtype=float)[:, :2])
    rot = ray_rotation(np.nan_to_num(camera.rays(hip_xy)[:, :2]))  # world landmarks: seen along the ray
    body = np.einsum("nij,nmj->nmi", rot, world)
    by_size = size_depth(xy * np.asarray(tracks.size, dtype=float), body, camera.focal_px)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = hips[:, 2] / by_size
    hips[(ratio > max_ratio) | (ratio < 1.0 / max_ratio)] = np.nan  # NaN ratios (no torso seen): kept
    offset = body[:, list(TORSO)].mean(axis=1)
    torso = hips + np.where(np.isfinite(offset), offset, 0.0)
    wrist_z = {s: hips[:, 2] + np.nan_to_num(body[:, j, 2]) for s, j in WRISTS.items()}
    return BodyPoints(hips, torso, wrist_z)


def palm_to_other(hands: pd.DataFrame, tracks: Tracks, camera: dict[str, Any] | None,
                  toward_deg: float = TOWARD_DEG) -> pd.DataFrame:  # fmt: skip
    """hands.parquet with `palm_to_other_deg` (the angle to the nearest other person in view, NaN where
    unknown), `palm_other` (that person's id, -1 where none) and `palm_facing` = `other_person` where the
    angle is under `toward_deg`. A new table; the columns before are unchanged otherwise."""
    out = hands.copy()
    n = len(out)
    angle = np.full(n, np.nan)
    other_id = np.full(n, -1, np.int64)
    cam = Camera.from_fit(camera, tracks.size)
    needed = {"palm_nx", "palm_ny", "palm_nz", *(f"h{a}{j}" for a in "xy" for j in PALM_POINTS)}
    if cam is not None and n and len(tracks) and needed <= set(out.columns):
        pts = body_points(tracks, cam)
        frames = np.asarray(tracks.frame)
        persons = np.asarray(tracks.person)
        rows_of = {(int(f), int(p)): k for k, (f, p) in enumerate(zip(frames, persons, strict=True))}
        by_frame: dict[int, list[int]] = {}
        for k, f in enumerate(frames):
            by_frame.setdefault(int(f), []).append(k)
        normal = out[["palm_nx", "palm_ny", "palm_nz"]].to_numpy(dtype=float)
        palm_xy = np.stack([out[[f"h{a}{j}" for j in PALM_POINTS]].to_numpy(dtype=float).mean(axis=1)
                            for a in "xy"], axis=1)  # fmt: skip
        normal_cam = turn_along_ray(normal, np.nan_to_num(palm_xy, nan=0.5), cam)
        palm_rays = cam.rays(palm_xy)
        hand = np.full((n, 3), np.nan)
        target = np.full((n, 3), np.nan)
        for i, (f, p, side) in enumerate(zip(out["frame"], out["person"], out["side"], strict=True)):
            me = rows_of.get((int(f), int(p)))
            if me is None or not np.isfinite(normal[i]).all() or side not in WRISTS:
                continue
            hand[i] = palm_rays[i] * pts.wrist_z[side][me]
            best = None
            for k in by_frame[int(f)]:
                if k == me or not np.isfinite(pts.torso[k]).all():
                    continue
                dist = float(np.linalg.norm(pts.torso[k] - pts.hips[me]))
                if np.isfinite(dist) and (best is None or dist < best[0]):
                    best = (dist, k)
            if best is not None:
                target[i], other_id[i] = pts.torso[best[1]], int(persons[best[1]])
        angle = palm_angle_deg(normal_cam, hand, target)
        other_id = np.where(np.isfinite(angle), other_id, -1)
    out["palm_to_other_deg"] = angle
    out["palm_other"] = other_id
    if "palm_facing" in out.columns:
        facing = out["palm_facing"].astype(object).to_numpy()
        if {"palm_nx", "palm_ny", "palm_nz"} <= set(out.columns):  # the camera's word again: run twice, same
            normal = out[["palm_nx", "palm_ny", "palm_nz"]].to_numpy(dtype=float)
            ok = np.isfinite(normal).all(axis=1)
            words = [facing_camera(v) if good else None for v, good in zip(normal, ok, strict=True)]
            facing = np.where(ok, words, facing)
        out["palm_facing"] = np.where(angle < toward_deg, "other_person", facing)  # NaN angles: the camera's
    return out
