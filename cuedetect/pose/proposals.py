"""Proposals of people and the small geometry and colour helpers the detector and tracker share."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cuedetect.pose.keypoints import KeyPoints

_TORSO = (11, 12, 24, 23)  # shoulders and hips, as a polygon


@dataclass
class Detection:
    """One person's pose proposed for one frame.

    Attributes:
        keypoints: a single-person `KeyPoints`.
        box: x0, y0, x1, y1 normalized (from the landmarks).
        appearance: a normalized colour histogram of the torso (hue x saturation), or None.
        source: id of the track whose landmarker produced it; None for the full-frame search.
    """

    keypoints: KeyPoints
    box: np.ndarray
    appearance: np.ndarray | None = None
    source: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Silence MediaPipe/LiteRT start-up chatter written straight to file descriptor 2."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def torso_histogram(image: np.ndarray, kp: KeyPoints) -> np.ndarray | None:
    """Hue x saturation histogram (16 x 4, sums to 1) inside the shoulder-hip quadrilateral."""
    import cv2

    h, w = image.shape[:2]
    quad = kp.xy[0, list(_TORSO)]
    if not np.isfinite(quad).all():
        return None
    pts = np.round(quad * (w, h)).astype(np.int32)
    x0, y0 = np.clip(pts.min(axis=0), 0, (w - 1, h - 1))
    x1, y1 = np.clip(pts.max(axis=0) + 1, 1, (w, h))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    roi = image[y0:y1, x0:x1]
    mask = np.zeros(roi.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, pts - (x0, y0), 255)
    hsv = cv2.cvtColor(roi, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], mask, [16, 4], [0, 180, 0, 256]).ravel()
    total = hist.sum()
    return (hist / total).astype(np.float32) if total > 0 else None


def pixel_box(box: np.ndarray, size: tuple[int, int], margin: float) -> tuple[int, int, int, int]:
    w, h = size
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    mx, my = margin * max(bw, 0.3 * bh), margin * bh
    return (
        int(np.clip((x0 - mx) * w, 0, w)),
        int(np.clip((y0 - my) * h, 0, h)),
        int(np.clip((x1 + mx) * w, 0, w)),
        int(np.clip((y1 + my) * h, 0, h)),
    )


def completeness(kp: KeyPoints, min_visibility: float = 0.5) -> int:
    """How many of a single pose's landmarks are visible inside the frame (a fuller reading wins)."""
    xy, vis = kp.xy[0], np.nan_to_num(kp.visibility[0], nan=0.0)
    inside = np.isfinite(xy).all(axis=1) & (xy >= 0).all(axis=1) & (xy <= 1).all(axis=1)
    return int((inside & (vis >= min_visibility)).sum())


def paint_box(box: np.ndarray) -> np.ndarray:
    """A known person's landmark box grown to cover the whole person: the head above the eyes, hair,
    hands a little beyond the wrists (normalized x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    bh = y1 - y0
    return np.asarray([x0 - 0.08 * bh, y0 - 0.15 * bh, x1 + 0.08 * bh, y1 + 0.03 * bh])


def share_inside(kp: KeyPoints, covers: list[np.ndarray], min_visibility: float = 0.5) -> float:
    """Share of a single pose's visible landmarks that fall inside any of the boxes `covers`."""
    if not covers:
        return 0.0
    ok = np.nan_to_num(kp.visibility[0], nan=0.0) >= min_visibility
    pts = kp.xy[0][ok & np.isfinite(kp.xy[0]).all(axis=1)]
    if not len(pts):
        return 1.0
    inside = np.zeros(len(pts), bool)
    for x0, y0, x1, y1 in covers:
        inside |= (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    return float(inside.mean())


def box_overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over the smaller box's area (1 when one box holds the other)."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return 0.0
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return float(iw * ih / small) if small > 0 else 0.0


def half_view(size: tuple[int, int], which: int, share: float = 0.6) -> tuple[int, int, int, int]:
    """Pixel box of one overlapping half of a frame: left/right (landscape) or top/bottom (portrait).

    Each covers `share` of the longer side, so a person standing at the middle is whole in one.
    """
    w, h = size
    if w >= h:
        x0 = 0 if which == 0 else round(w * (1 - share))
        return x0, 0, x0 + round(w * share), h
    y0 = 0 if which == 0 else round(h * (1 - share))
    return 0, y0, w, y0 + round(h * share)


def pick_half(known: list[np.ndarray], size: tuple[int, int], last: int) -> int:
    """The half of the frame (see `half_view`) with fewer `known` people in it (where someone may be
    missing); the other half than `last` when both hold as many."""
    axis = 0 if size[0] >= size[1] else 1
    centres = [(b[axis] + b[axis + 2]) / 2 for b in known]
    first = sum(c < 0.5 for c in centres)
    second = len(centres) - first
    if first != second:
        return 0 if first < second else 1
    return 1 - last


def isolate_crop(
    image: np.ndarray, win: tuple[int, int, int, int], own: np.ndarray, others: list[np.ndarray]
) -> np.ndarray:
    """The crop `win` of `image` with other tracked people painted grey (except where they overlap
    this person), so the landmarker's detector cannot pick the wrong one."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = win
    crop = np.array(image[y0:y1, x0:x1])
    if not others:
        return crop
    ox0, oy0, ox1, oy1 = pixel_box(own, (w, h), 0.1)
    keep = crop[max(oy0 - y0, 0) : max(oy1 - y0, 0), max(ox0 - x0, 0) : max(ox1 - x0, 0)].copy()
    for b in others:
        bx0, by0, bx1, by1 = pixel_box(b, (w, h), 0.05)
        crop[max(by0 - y0, 0) : max(by1 - y0, 0), max(bx0 - x0, 0) : max(bx1 - x0, 0)] = 127
    crop[max(oy0 - y0, 0) : max(oy1 - y0, 0), max(ox0 - x0, 0) : max(ox1 - x0, 0)] = keep
    return crop


def track_window(
    box: np.ndarray,
    old: tuple[float, float, float, float] | None,
    size: tuple[int, int],
    margin: float,
    context: float = 3.0,
) -> tuple[tuple[float, float, float, float], tuple[int, int, int, int] | None]:
    """A crop around a track's predicted `box` (normalized, finite), kept still while the person stays
    well inside it.

    A small person (under 30% of the frame's height) gets a crop `context` times their height (at most
    45% of the frame's shorter side).

    Moving the crop shifts the landmarker's own tracking ROI (it lives in crop coordinates), so the crop
    moves only when the person nears its edge or changes size a lot.

    Returns:
        The window to keep for the next frame (centre x, y and sides, pixels), and the crop (pixels
        x0, y0, x1, y1), or None when it would be under 16 px.
    """
    w, h = size
    bw, bh = (box[2] - box[0]) * w, (box[3] - box[1]) * h
    cx, cy = (box[0] + box[2]) / 2 * w, (box[1] + box[3]) / 2 * h
    # A small person: a tile's worth of context (the landmarker's own detector misses a 10%-tall person
    # in a crop of 45% of the frame).
    least = 16 if bh >= 0.3 * h else min(0.45 * min(w, h), max(context * bh, 16))
    side_w = min(max(bw * (1 + 2 * margin), 0.7 * bh, least), w)
    side_h = min(max(bh * (1 + 2 * margin), 0.5 * bw, least), h)
    if old is not None:
        ox, oy, ow, oh = old
        if abs(cx - ox) < 0.15 * ow and abs(cy - oy) < 0.15 * oh and 0.8 < side_h / oh < 1.25:
            cx, cy, side_w, side_h = ox, oy, max(ow, min(side_w, w)), oh
    x0 = int(np.clip(cx - side_w / 2, 0, max(w - side_w, 0)))
    y0 = int(np.clip(cy - side_h / 2, 0, max(h - side_h, 0)))
    x1, y1 = min(w, int(x0 + side_w)), min(h, int(y0 + side_h))
    return (cx, cy, side_w, side_h), ((x0, y0, x1, y1) if x1 - x0 >= 16 and y1 - y0 >= 16 else None)
