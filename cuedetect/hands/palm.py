"""MediaPipe's palm detector (`hand_detector.tflite` of the hand bundle) on a region around a lost hand.

The hand stage places its crops from the body (`crops`, `roi`) and skips the detector. Where the body's
wrist is off or its hand length is wrong (a fist held against the face, a hand hanging in a dark corner),
the landmark network finds nothing in those crops. `PalmDetector.find` runs the detector on a square
search region (`HandRoi`, upright) around where the body puts the hand and returns the hand ROIs of the
palms it finds there, placed as MediaPipe's hand graph places them from a detection: turned along the
wrist -> middle-knuckle keypoints, 2.6 times the palm box, shifted half a box toward the fingers.

Decoding follows MediaPipe's palm detection graph (192x192 input in 0..1; SSD anchors of strides 8, 16,
16, 16 with two anchors per cell, fixed size; 18 values per anchor: box centre and size, then 7
keypoints, all in input pixels relative to the anchor; sigmoid scores; weighted non-maximum
suppression).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.hands.crops import ARM_POINTS
from cuedetect.hands.roi import HandRoi, crop_roi
from cuedetect.landmarks import INDEX

DETECTOR_MEMBER = "hand_detector.tflite"
# where a person's hands may be: shoulders, elbows, wrists and knuckles (the search region's extent)
PALM_POINTS = (INDEX["left_shoulder"], INDEX["right_shoulder"], *ARM_POINTS)
INPUT_PX = 192
# a palm detection's hand ROI is this many times its box (MediaPipe's hand detection to ROI)
ROI_SCALE = 2.6


def ssd_anchors(size: int = INPUT_PX, strides: tuple[int, ...] = (8, 16, 16, 16)) -> np.ndarray:
    """(n, 2) anchor centres (0..1) of the palm detector: two per cell of each layer; consecutive layers of
    one stride share their grid (MediaPipe's SsdAnchorsCalculator with fixed anchor size)."""
    out = []
    k = 0
    while k < len(strides):
        stride, per_cell = strides[k], 0
        while k < len(strides) and strides[k] == stride:
            per_cell += 2
            k += 1
        n = int(np.ceil(size / stride))
        ys, xs = np.meshgrid((np.arange(n) + 0.5) / n, (np.arange(n) + 0.5) / n, indexing="ij")
        cells = np.stack([xs.ravel(), ys.ravel()], axis=1)
        out.append(np.repeat(cells, per_cell, axis=0))
    return np.concatenate(out)


def decode(raw: np.ndarray, logits: np.ndarray, anchors: np.ndarray, min_score: float,
           size: int = INPUT_PX) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """Boxes (k, 4: cx, cy, w, h), keypoints (k, 7, 2) and scores (k,) of the anchors scoring at least
    `min_score`, all in 0..1 of the input. `raw`: (n, 18); `logits`: (n,)."""
    scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -100, 100)))
    keep = np.flatnonzero(scores >= min_score)
    r, a = raw[keep] / size, anchors[keep]
    boxes = np.column_stack([r[:, 0] + a[:, 0], r[:, 1] + a[:, 1], r[:, 2], r[:, 3]])
    kps = r[:, 4:18].reshape(-1, 7, 2) + a[:, None, :]
    return boxes, kps, scores[keep]


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of box `a` (cx, cy, w, h) with each of `b` (k, 4)."""
    ax0, ay0, ax1, ay1 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx0, by0 = b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2
    bx1, by1 = b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2
    iw = np.clip(np.minimum(ax1, bx1) - np.maximum(ax0, bx0), 0, None)
    ih = np.clip(np.minimum(ay1, by1) - np.maximum(ay0, by0), 0, None)
    inter = iw * ih
    return inter / (a[2] * a[3] + b[:, 2] * b[:, 3] - inter + 1e-12)


def weighted_nms(boxes: np.ndarray, kps: np.ndarray, scores: np.ndarray, iou: float = 0.3
                 ) -> list[tuple[np.ndarray, np.ndarray, float]]:  # fmt: skip
    """MediaPipe's weighted non-maximum suppression: each group of boxes overlapping the best remaining one
    by more than `iou` becomes one detection, its box and keypoints the score-weighted mean."""
    order = list(np.argsort(-scores))
    out = []
    while order:
        best = order[0]
        over = _iou(boxes[best], boxes[order]) > iou
        group = [order[k] for k in np.flatnonzero(over)]
        wts = scores[group][:, None]
        box = (boxes[group] * wts).sum(0) / wts.sum()
        kp = (kps[group] * wts[:, :, None]).sum(0) / wts.sum()
        out.append((box, kp, float(scores[best])))
        order = [o for o, g in zip(order, over, strict=True) if not g]
    return out


def hand_roi(box: np.ndarray, kps: np.ndarray, region: HandRoi, size: int = INPUT_PX) -> HandRoi:
    """The hand ROI of one palm detection (0..1 of the search region's crop) in frame pixels: turned
    along keypoints 0 (wrist) -> 2 (middle knuckle), 2.6x the box's longer side, shifted half the box
    toward the fingers (MediaPipe's hand detection to ROI)."""
    m = region.affine(size)

    def frame(p: np.ndarray) -> np.ndarray:
        return m[:, :2] @ (np.asarray(p, float) * size) + m[:, 2]

    wrist, knuckle = frame(kps[0]), frame(kps[2])
    d = knuckle - wrist
    up = d / np.linalg.norm(d) if np.linalg.norm(d) > 1e-9 else -np.asarray(region.up, float)
    side = max(box[2], box[3]) * region.side  # the box is in 0..1 of the region's side
    centre = frame(box[:2]) + up * 0.5 * side
    return HandRoi(centre, ROI_SCALE * side, up)


def search_region(points: np.ndarray, min_side: float, margin: float = 1.3) -> HandRoi | None:
    """The upright square the detector searches for one person's hands: around their arm points (frame
    pixels, NaN where missing), `margin` times as wide as they spread, at least `min_side`."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if not len(pts):
        return None
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    side = max(margin * float((hi - lo).max()), float(min_side))
    return HandRoi((lo + hi) / 2, side, np.array([0.0, -1.0]))


@dataclass(frozen=True)
class Palm:
    """A palm found: the hand ROI it calls for (frame pixels) and the detector's score."""

    roi: HandRoi
    score: float


class PalmDetector:
    """The palm detector of the hand bundle, run on one search region at a time (LiteRT, one thread)."""

    def __init__(self, interpreter: Any, min_score: float = 0.5) -> None:
        self._it = interpreter
        self.min_score = min_score
        self.anchors = ssd_anchors()
        self.calls = 0
        if interpreter is not None:
            self._input = interpreter.get_input_details()[0]["index"]
            outs = interpreter.get_output_details()
            self._raw = next(d["index"] for d in outs if d["shape"][-1] == 18)
            self._logits = next(d["index"] for d in outs if d["shape"][-1] == 1)

    @classmethod
    def create(cls, model_path: Path, min_score: float = 0.5, num_threads: int = 1) -> PalmDetector:
        from ai_edge_litert.interpreter import Interpreter

        with zipfile.ZipFile(model_path) as bundle:
            content = bundle.read(DETECTOR_MEMBER)
        it = Interpreter(model_content=content, num_threads=num_threads)
        it.allocate_tensors()
        return cls(it, min_score)

    def find(self, image: np.ndarray, region: HandRoi) -> list[Palm]:
        """The palms the detector finds in `region` of an RGB uint8 frame, best first."""
        crop = crop_roi(image, region, INPUT_PX)
        self._it.set_tensor(self._input, crop[None].astype(np.float32) * (1.0 / 255.0))
        self._it.invoke()
        self.calls += 1
        raw = self._it.get_tensor(self._raw).reshape(-1, 18)
        logits = self._it.get_tensor(self._logits).reshape(-1)
        boxes, kps, scores = decode(raw, logits, self.anchors, self.min_score)
        return [Palm(hand_roi(b, k, region), s) for b, k, s in weighted_nms(boxes, kps, scores)]


@dataclass(frozen=True)
class PalmSearchOptions:
    """When and how the hand stage looks for a person's unread hands with the palm detector.

    Attributes:
        every_s: a person is searched at most this often while a hand of theirs stays unread.
        min_px: only hands at least this long (the body's estimate) are searched for.
        max_match: a hand found by the search and left over by the stage's own assignment goes to an
            unread slot within this many hand lengths (the body's wrist is often off where the crops
            miss: a fist before the face, both wrists placed on one hand).
        max_palms: read the landmarks of at most this many palms per search, best first.
    """

    every_s: float = 0.25
    min_px: float = 40.0
    max_match: float = 1.5
    max_palms: int = 3


class PalmSearch:
    """The palm detector as the hand stage's last resort, per person and on a schedule."""

    def __init__(self, detector: Any, options: PalmSearchOptions | None = None) -> None:
        self.detector = detector
        self.options = options or PalmSearchOptions()
        self._last: dict[int, float] = {}
        self.searches = 0

    def wanted(self, slots: list, unread: set[int], size: tuple[int, int]) -> list:
        """The slots worth a search: not read (`unread`: ids of slots in view that no look found), or out
        of view with the body's wrist faint but in the picture; at least `min_px` long; not followed on
        their own landmarks."""
        w, h = size
        out = []
        for s in slots:
            if s.tracked or s.length_px < self.options.min_px:
                continue
            faint = s.status == "out_of_view" and 0 <= s.wrist[0] < w and 0 <= s.wrist[1] < h
            if id(s) in unread or faint:
                out.append(s)
        return out

    def search(self, image: np.ndarray, t: float, points: dict[int, np.ndarray], wanted: list,
               found: list[np.ndarray], read: Any) -> list:  # fmt: skip
        """Hand readings of palms found around the people with `wanted` slots whose search is due.

        Args:
            points: person -> their arm points in frame pixels (the search region's extent).
            found: (21, 2+) landmarks of the hands the stage found already: palms on them are not read.
            read: reads the landmarks in a `HandRoi` (the stage's own reader; None when no hand).
        """
        o = self.options
        out = []
        centres = [np.asarray(lm)[[0, 5, 9, 13, 17], :2].mean(axis=0) for lm in found]
        for person in sorted({s.person for s in wanted}):
            if t - self._last.get(person, -np.inf) < o.every_s or person not in points:
                continue
            length = max(s.length_px for s in wanted if s.person == person)
            region = search_region(points[person], min_side=4.0 * length)
            if region is None:
                continue
            self._last[person] = t
            self.searches += 1
            for palm in self.detector.find(image, region)[: o.max_palms]:
                near = 0.5 * palm.roi.side / ROI_SCALE  # about one palm box
                if any(np.linalg.norm(c - palm.roi.centre) < near for c in centres):
                    continue
                hand = read(palm.roi)
                if hand is not None:
                    out.append(hand)
        return out
