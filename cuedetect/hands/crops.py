"""Where each person's hands are, from the body: crops for the hand model, and hands tied to people.

The pose landmarker gives each person's elbow, wrist and the rough index, pinky and thumb points of each
hand. From them a square crop around each hand is placed and sized; the hand model looks only there. The
hands it finds are then tied to a person and side by the body landmarks (never by the hand model's own
order or handedness): one global assignment per frame, so two people standing close, hands crossing,
each keep their own hands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from cuedetect.landmarks import INDEX, SIDES

# the body points a hand's crop is placed from: elbows, wrists and the rough index, pinky and thumb points
ARM_POINTS = tuple(INDEX[f"{side}_{part}"] for side in SIDES for part in ("elbow", "wrist", "index", "pinky",
                                                                          "thumb"))  # fmt: skip


@dataclass(frozen=True)
class CropOptions:
    """How crops are placed and when a hand is worth reading."""

    scale: float = 2.6  # crop side in hand lengths
    min_hand_px: float = 18.0  # a smaller hand is skipped as too small to read
    # the wrist's pose visibility below which the hand counts as out of view. Cleaning drops points under
    # 0.5, but the hand stage is given the faint ones back (`with_faint_arms`): a wrist held against the
    # face or body is often seen at 0.1-0.5 and still lies within a few pixels of the hand (seven tuning
    # renders, hands right: 0.2 0.781, 0.1 0.769, 0.3 0.770; cleaned poses only 0.767)
    min_visibility: float = 0.2
    max_match: float = 0.9  # a found hand farther than this (in hand lengths) from the body's hand is not it


@dataclass(frozen=True)
class HandSlot:
    """One person's hand as the body shows it, in frame pixels.

    Attributes:
        person: the tracked person's id.
        side: "left" or "right" (the person's own).
        wrist, knuckles: (2,) the body's wrist and the middle of its index and pinky points.
        length_px: estimated hand length (wrist to middle fingertip).
        box: (x0, y0, x1, y1) the square crop, in frame pixels (may reach past the frame's edge).
        status: "ok", "out_of_view" or "too_small".
        tracked: placed from the hand's own last landmarks, not the body's (the body lost the wrist; see
            `stage.HandStage`).
    """

    person: int
    side: str
    wrist: np.ndarray
    knuckles: np.ndarray
    length_px: float
    box: tuple[int, int, int, int]
    status: str
    tracked: bool = False


def hand_slots(person: int, xy: np.ndarray, vis: np.ndarray, size: tuple[int, int],
               options: CropOptions | None = None) -> list[HandSlot]:  # fmt: skip
    """The two hand slots of one person in one frame.

    Args:
        person: track id.
        xy: (33, 2) normalized pose landmarks (NaN where missing).
        vis: (33,) pose visibilities.
        size: frame (width, height) in pixels.
    """
    o = options or CropOptions()
    w, h = size
    px = np.asarray(xy, dtype=float) * [w, h]
    out = []
    for side in SIDES:
        wrist, elbow = px[INDEX[f"{side}_wrist"]], px[INDEX[f"{side}_elbow"]]
        knuckles = (px[INDEX[f"{side}_index"]] + px[INDEX[f"{side}_pinky"]]) / 2
        seen = float(np.nan_to_num(vis[INDEX[f"{side}_wrist"]], nan=0.0))
        if not (np.isfinite(wrist).all() and np.isfinite(knuckles).all()):
            out.append(HandSlot(person, side, wrist, knuckles, 0.0, (0, 0, 0, 0), "out_of_view"))
            continue
        # hand length: about 0.75 of the forearm, or 2.2x the wrist-to-knuckles span (either may be
        # foreshortened, so the larger)
        forearm = float(np.linalg.norm(wrist - elbow)) if np.isfinite(elbow).all() else 0.0
        length = max(0.75 * forearm, 2.2 * float(np.linalg.norm(knuckles - wrist)))
        centre = wrist + 0.45 * length * _unit(
            knuckles - wrist if np.any(knuckles != wrist) else wrist - elbow
        )
        half = o.scale * length / 2
        box = (int(centre[0] - half), int(centre[1] - half), int(centre[0] + half), int(centre[1] + half))
        inside = 0 <= wrist[0] < w and 0 <= wrist[1] < h
        status = "ok"
        if not inside or seen < o.min_visibility:
            status = "out_of_view"
        elif length < o.min_hand_px:
            status = "too_small"
        out.append(HandSlot(person, side, wrist, knuckles, length, box, status))
    return out


def with_faint_arms(frame: np.ndarray, person: np.ndarray, xy: np.ndarray, raw_frame: np.ndarray,
                    raw_person: np.ndarray, raw_xy: np.ndarray) -> np.ndarray:  # fmt: skip
    """Cleaned poses whose missing arm points are filled from the raw (uncleaned) poses of the same row.

    Cleaning drops every point the pose model sees with a visibility under 0.5 (`pose.filters`), but a
    wrist held against the body or the face is often seen faintly and still placed within a few pixels of
    the hand. For placing hand crops those points are worth keeping; `CropOptions.min_visibility` then
    decides which are read. Rows are matched by (frame, person); the cues keep the cleaned poses.

    Args:
        frame, person: (n,) the cleaned rows; xy: (n, 33, 2) their landmarks (NaN where missing).
        raw_frame, raw_person, raw_xy: the same for the raw rows (no interpolated rows).

    Returns:
        A copy of `xy` with NaN arm points (`ARM_POINTS`) taken from the raw row where it has them.
    """
    out = np.array(xy, dtype=float, copy=True)
    if not len(raw_frame) or not len(frame):
        return out
    where = {(int(f), int(p)): k for k, (f, p) in enumerate(zip(raw_frame, raw_person, strict=True))}
    rows = np.array([where.get((int(f), int(p)), -1) for f, p in zip(frame, person, strict=True)])
    at = np.ix_(np.flatnonzero(rows >= 0), ARM_POINTS)
    theirs = np.asarray(raw_xy, dtype=float)[rows[rows >= 0]][:, ARM_POINTS]
    out[at] = np.where(np.isnan(out[at]), theirs, out[at])
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else np.array([0.0, 1.0])


def crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """The box of an RGB image; parts past the frame's edge are black (the crop stays square)."""
    x0, y0, x1, y1 = box
    h, w = image.shape[:2]
    out = np.zeros((y1 - y0, x1 - x0, 3), dtype=image.dtype)
    sx0, sy0, sx1, sy1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
    return out


def assign(slots: list[HandSlot], hands: list[np.ndarray], options: CropOptions | None = None
           ) -> dict[int, int]:  # fmt: skip
    """Tie found hands to slots: {slot index: hand index}, one hand per slot at most.

    Cost: the distance between the found hand's wrist and knuckle middle (landmarks 0 and the mean of 5
    and 17, frame pixels) and the slot's, in the slot's hand lengths. Pairs over `max_match` stay apart.

    Args:
        slots: the frame's hand slots (every person, both sides).
        hands: (21, 2+) landmarks of each found hand, frame pixels (duplicates across crops allowed: a
            hand read twice goes to one slot).
    """
    o = options or CropOptions()
    if not slots or not hands:
        return {}
    cost = np.full((len(slots), len(hands)), 1e6)
    for i, s in enumerate(slots):
        if s.length_px <= 0:
            continue
        for j, lm in enumerate(hands):
            wrist = np.asarray(lm[0, :2])
            knuckles = (np.asarray(lm[5, :2]) + np.asarray(lm[17, :2])) / 2
            d = (np.linalg.norm(wrist - s.wrist) + np.linalg.norm(knuckles - s.knuckles)) / 2 / s.length_px
            if d <= o.max_match:
                cost[i, j] = d
    rows, cols = linear_sum_assignment(cost)
    return {int(r): int(c) for r, c in zip(rows, cols, strict=True) if cost[r, c] < 1e6}


def dedupe(hands: list[np.ndarray], scores: list[float], tol_px: float) -> list[int]:
    """Indices of the hands to keep when crops overlap: of hands whose wrists and middle knuckles lie
    within `tol_px` of each other (one hand read in two crops), the higher-scoring one stays."""
    order = sorted(range(len(hands)), key=lambda k: -scores[k])
    kept: list[int] = []
    for k in order:
        a = np.asarray(hands[k])
        if all(
            np.linalg.norm(a[0, :2] - hands[j][0, :2]) > tol_px
            or np.linalg.norm(a[9, :2] - hands[j][9, :2]) > tol_px
            for j in kept
        ):
            kept.append(k)
    return sorted(kept)


def _apart(a: np.ndarray, b: np.ndarray, tol_px: float) -> bool:
    return bool(np.linalg.norm(a[0, :2] - b[0, :2]) > tol_px or np.linalg.norm(a[9, :2] - b[9, :2]) > tol_px)
