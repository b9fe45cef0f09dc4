"""The hand stage: tracked poses + frames -> what each person's hands are doing, frame by frame.

For each analysed frame and tracked person, each hand's crop comes from the body (`crops.hand_slots`);
hands out of view or too small are skipped and say so. The hand model reads only crops that need it: a
hand that has not moved since it was last read (less than `still_frac` of its length, within `hold_s`)
keeps its reading ("held"). Overlapping crops of one person's two hands are read once. Found hands are
tied to people and sides by the body (`crops.assign`), and their shape comes from `shape.classify`.

Statuses: `read`, `held`, `not_found` (the model found no hand in view), `too_small`, `out_of_view`.
State and landmarks are empty (None / NaN) unless the status is `read` or `held`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cuedetect.hands.crops import CropOptions, HandSlot, assign, crop, dedupe, hand_slots
from cuedetect.hands.shape import FINGER_NAMES, NUM_HAND_LANDMARKS, HandShape, StateRules, classify

STATUSES = ("read", "held", "not_found", "too_small", "out_of_view")


@dataclass(frozen=True)
class HandStageOptions:
    crops: CropOptions = field(default_factory=CropOptions)
    rules: StateRules = field(default_factory=StateRules)
    hold_s: float = 0.35  # a still hand's reading is reused for at most this long
    still_frac: float = 0.12  # "still": wrist and knuckles moved less than this many hand lengths
    merge_overlap: float = 0.5  # a person's two crops overlapping this much are read as one


@dataclass
class HandRow:
    """One person's hand in one analysed frame (a row of hands.parquet)."""

    frame: int
    t: float
    person: int
    side: str
    status: str
    size_px: float
    landmarks: np.ndarray | None = None  # (21, 3) frame pixels
    world: np.ndarray | None = None  # (21, 3) metres, the hand model's world landmarks (read rows)
    shape: HandShape | None = None


@dataclass
class _Last:
    t: float
    wrist: np.ndarray
    knuckles: np.ndarray
    landmarks: np.ndarray
    shape: HandShape


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the smaller box."""
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return iw * ih / max(small, 1)


def crop_boxes(slots: list[HandSlot], merge_overlap: float) -> list[tuple[int, int, int, int]]:
    """The boxes to read for these slots: a person's two boxes that overlap become their union."""
    boxes = []
    by_person: dict[int, list[HandSlot]] = {}
    for s in slots:
        by_person.setdefault(s.person, []).append(s)
    for group in by_person.values():
        if len(group) == 2 and _overlap(group[0].box, group[1].box) >= merge_overlap:
            a, b = group[0].box, group[1].box
            x0, y0, x1, y1 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
            side = max(x1 - x0, y1 - y0)  # keep it square
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            boxes.append((cx - side // 2, cy - side // 2, cx + side - side // 2, cy + side - side // 2))
        else:
            boxes.extend(s.box for s in group)
    return boxes


class HandStage:
    """Reads hands frame by frame; holds the last reading of each (person, side) between frames."""

    def __init__(self, reader: Any, options: HandStageOptions | None = None) -> None:
        self.reader = reader
        self.options = options or HandStageOptions()
        self._last: dict[tuple[int, str], _Last] = {}
        self.crops_read = 0

    def _still(self, s: HandSlot, t: float) -> _Last | None:
        last = self._last.get((s.person, s.side))
        if last is None or t - last.t > self.options.hold_s:
            return None
        tol = self.options.still_frac * s.length_px
        if np.linalg.norm(s.wrist - last.wrist) > tol or np.linalg.norm(s.knuckles - last.knuckles) > tol:
            return None
        return last

    def update(
        self, image: np.ndarray, frame: int, t: float, persons: Iterable[tuple[int, np.ndarray, np.ndarray]]
    ) -> list[HandRow]:
        """The hand rows of one frame.

        Args:
            image: the frame, RGB (h, w, 3).
            frame, t: its index and time.
            persons: (id, (33, 2) normalized pose landmarks, (33,) visibilities) for each tracked person.
        """
        o = self.options
        h, w = image.shape[:2]
        slots = [s for pid, xy, vis in persons for s in hand_slots(pid, xy, vis, (w, h), o.crops)]
        ok = [s for s in slots if s.status == "ok"]
        held = {id(s): last for s in ok if (last := self._still(s, t)) is not None}
        to_read = [s for s in ok if id(s) not in held]
        found, worlds, scores = [], [], []
        for box in crop_boxes(to_read, o.merge_overlap):
            for hand in self.reader.read(crop(image, box)):
                found.append(hand.landmarks + [box[0], box[1], 0.0])
                worlds.append(hand.world)
                scores.append(hand.score)
            self.crops_read += 1
        tol = 0.3 * float(np.median([s.length_px for s in to_read])) if to_read else 0.0
        keep = dedupe(found, scores, tol)
        found, worlds = [found[k] for k in keep], [worlds[k] for k in keep]
        match = assign(ok, found, o.crops)  # every visible hand competes, held ones too
        rows = [HandRow(frame, t, s.person, s.side, s.status, s.length_px) for s in slots]
        row_of = {id(s): r for s, r in zip(slots, rows, strict=True)}
        for k, s in enumerate(ok):
            row = row_of[id(s)]
            if k in match:
                lm = found[match[k]]
                shape = classify(lm, s.side, o.rules, worlds[match[k]])
                row.status, row.landmarks, row.world, row.shape = "read", lm, worlds[match[k]], shape
                self._last[(s.person, s.side)] = _Last(t, s.wrist, s.knuckles, lm, shape)
            elif id(s) in held:
                last = held[id(s)]
                row.status, row.shape = "held", last.shape
                row.landmarks = last.landmarks + [*(s.wrist - last.wrist), 0.0]
            else:
                row.status = "not_found"
                self._last.pop((s.person, s.side), None)
        return rows


def hands_table(rows: list[HandRow], size: tuple[int, int]) -> Any:
    """hands.parquet: one row per person, side and analysed frame.

    Columns: frame, time, person, side, status, state, state_confidence, size_px, palm_facing,
    palm_nx/ny/nz, curl_<finger> (thumb..pinky), thumb_out, then hx0..hx20, hy0..hy20 (normalized image
    coordinates, like poses.parquet) and hz0..hz20 (relative depth, in image widths). NaN where no hand
    was read.
    """
    import pandas as pd

    w, h = size
    n = len(rows)
    cols: dict[str, Any] = {
        "frame": np.array([r.frame for r in rows], np.int64),
        "time": np.array([r.t for r in rows], float),
        "person": np.array([r.person for r in rows], np.int64),
        "side": [r.side for r in rows],
        "status": [r.status for r in rows],
        "state": [r.shape.state if r.shape else None for r in rows],
        "state_confidence": np.array([r.shape.confidence if r.shape else np.nan for r in rows], float),
        "size_px": np.array([r.size_px for r in rows], float),
        "palm_facing": [r.shape.palm_facing if r.shape else None for r in rows],
    }
    normal = np.full((n, 3), np.nan)
    curl = np.full((n, 5), np.nan)
    thumb_out = np.full(n, np.nan)
    lm = np.full((n, NUM_HAND_LANDMARKS, 3), np.nan)
    for k, r in enumerate(rows):
        if r.shape is not None:
            normal[k], curl[k], thumb_out[k] = r.shape.palm_normal, r.shape.curl, r.shape.thumb_out
        if r.landmarks is not None:
            lm[k] = r.landmarks / [w, h, w]
    for a, axis in enumerate("xyz"):
        cols[f"palm_n{axis}"] = normal[:, a]
    for f, name in enumerate(FINGER_NAMES):
        cols[f"curl_{name}"] = curl[:, f]
    cols["thumb_out"] = thumb_out
    for a, axis in enumerate("xyz"):
        for j in range(NUM_HAND_LANDMARKS):
            cols[f"h{axis}{j}"] = lm[:, j, a]
    return pd.DataFrame(cols)
