"""Who is who: stable integer ids for the people in a video (norfair's `Tracker.update` idiom).

Each frame's `Detection`s are matched to the live tracks with the Hungarian method
(`scipy.optimize.linear_sum_assignment`) on a cost that mixes keypoint distance to the track's
constant-velocity prediction, box overlap and torso colour. A track that goes unseen keeps its id for
`reid_window_s` (2 s): its gate widens with the time it has been gone and colour counts for more, so a
person who walks out of view or behind someone is re-identified rather than given a new id. Ids start
at 0 and are never reused.

The distance and the matching are injected (`distance_function`, `matcher`) so they can be swapped and
tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from cuedetect.pose.detector import Detection

INF_COST = 1e6


@dataclass
class TrackerOptions:
    """Options of `Tracker`.

    Attributes:
        reid_window_s: a track unseen for longer than this ends; a person coming back gets a new id.
        coast_s: for this long after its last detection a track is still "active": its box is predicted
            and its own landmarker keeps looking for it.
        aspect: frame width / height, so that keypoint distances are isotropic.
        max_cost: matches costing more than this are refused.
        gate: largest keypoint distance (in body heights) for a track seen in the last frame.
        gate_growth: added to `gate` per second unseen.
        w_keypoints, w_box, w_appearance: weights of the cost's three terms.
        appearance_alpha: how fast a track's colour histogram follows new observations.
    """

    reid_window_s: float = 2.0
    coast_s: float = 0.4
    aspect: float = 16 / 9
    max_cost: float = 1.6
    gate: float = 0.8
    gate_growth: float = 1.5
    w_keypoints: float = 1.0
    w_box: float = 0.5
    w_appearance: float = 0.8
    appearance_alpha: float = 0.1


@dataclass
class TrackedObject:
    """A person being tracked. `detection` is this frame's match (None when predicted only)."""

    id: int
    xy: np.ndarray  # (33, 2) last matched landmarks, normalized
    box: np.ndarray  # (4,) last matched box
    last_t: float
    first_t: float
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(2))  # of the box centre, per second
    appearance: np.ndarray | None = None
    hits: int = 1
    detection: Detection | None = None

    def predicted_box(self, t: float) -> np.ndarray:
        shift = self.velocity * min(t - self.last_t, 1.0)
        return self.box + np.concatenate([shift, shift])

    def predicted_xy(self, t: float) -> np.ndarray:
        return self.xy + self.velocity * min(t - self.last_t, 1.0)

    @property
    def height(self) -> float:
        return float(max(self.box[3] - self.box[1], 0.05))


DistanceFunction = Callable[[TrackedObject, Detection, float, TrackerOptions], float]
Matcher = Callable[[np.ndarray], list[tuple[int, int]]]


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def appearance_distance(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Hellinger distance of two histograms (0 same .. 1 disjoint); 0.5 when either is unknown."""
    if a is None or b is None:
        return 0.5
    return float(np.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(a * b))))))


def keypoint_distance(xy_a: np.ndarray, xy_b: np.ndarray, aspect: float) -> float:
    """Mean distance between corresponding landmarks (normalized by frame height); inf if none shared."""
    d = xy_a - xy_b
    d = np.sqrt((d[:, 0] * aspect) ** 2 + d[:, 1] ** 2)
    d = d[np.isfinite(d)]
    return float(d.mean()) if len(d) else float("inf")


def default_distance(track: TrackedObject, det: Detection, t: float, o: TrackerOptions) -> float:
    """Keypoint distance (in body heights) + box 1-IoU + colour distance, gated by time unseen."""
    gone = max(t - track.last_t, 0.0)
    kp = keypoint_distance(track.predicted_xy(t), det.keypoints.xy[0], o.aspect) / track.height
    if kp > o.gate + o.gate_growth * gone:
        return INF_COST
    iou = box_iou(track.predicted_box(t), det.box)
    app = appearance_distance(track.appearance, det.appearance)
    # The longer a track has been gone, the less its predicted position means and the more colour does.
    trust = 1.0 / (1.0 + 2.0 * gone)
    return o.w_keypoints * kp * trust + o.w_box * (1 - iou) * trust + o.w_appearance * app * (2 - trust)


def hungarian(cost: np.ndarray) -> list[tuple[int, int]]:
    """Minimum-cost one-to-one matching; pairs at `INF_COST` are not matched."""
    if cost.size == 0:
        return []
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if cost[r, c] < INF_COST]


def deduplicate(detections: Sequence[Detection], aspect: float, same: float = 0.15) -> list[Detection]:
    """Drop detections of a person already proposed (landmarks within `same` body heights)."""
    kept: list[Detection] = []
    order = sorted(detections, key=lambda d: -float(d.keypoints.confidence[0]))
    for det in order:
        height = max(float(det.box[3] - det.box[1]), 0.05)
        if all(
            keypoint_distance(det.keypoints.xy[0], k.keypoints.xy[0], aspect) / height > same for k in kept
        ):
            kept.append(det)
    return kept


class Tracker:
    """Assigns stable ids: `tracker.update(detections, t) -> list[TrackedObject]` (those seen now)."""

    def __init__(
        self,
        options: TrackerOptions | None = None,
        distance_function: DistanceFunction = default_distance,
        matcher: Matcher = hungarian,
    ) -> None:
        self.options = options or TrackerOptions()
        self.distance_function = distance_function
        self.matcher = matcher
        self.tracks: list[TrackedObject] = []
        self.next_id = 0
        self.moves: dict[int, int] = {}  # detection.source -> track id, where they differ (last update)

    def _expire(self, t: float) -> None:
        self.tracks = [tr for tr in self.tracks if t - tr.last_t <= self.options.reid_window_s]

    def predict(self, t: float) -> dict[int, np.ndarray]:
        """Predicted boxes of the active tracks (seen within `coast_s`)."""
        return {
            tr.id: tr.predicted_box(t) for tr in self.tracks if t - tr.last_t <= self.options.coast_s
        }

    def lost(self, t: float) -> bool:
        """Whether a track is gone from view but still within the re-identification window."""
        return any(
            self.options.coast_s < t - tr.last_t <= self.options.reid_window_s for tr in self.tracks
        )

    def update(self, detections: Sequence[Detection], t: float) -> list[TrackedObject]:
        """Match this frame's detections to tracks, start tracks for the unmatched, return those seen."""
        o = self.options
        self._expire(t)
        for tr in self.tracks:
            tr.detection = None
        dets = deduplicate(detections, o.aspect)
        cost = np.full((len(self.tracks), len(dets)), INF_COST)
        for i, tr in enumerate(self.tracks):
            for j, det in enumerate(dets):
                c = self.distance_function(tr, det, t, o)
                cost[i, j] = c if c <= o.max_cost else INF_COST
        matched = self.matcher(cost)
        self.moves = {}
        used: set[int] = set()
        for i, j in matched:
            tr, det = self.tracks[i], dets[j]
            used.add(j)
            others = [d.box for k, d in enumerate(dets) if k != j]
            self._absorb(tr, det, t, crowded=any(box_iou(det.box, b) > 0.05 for b in others))
            if det.source is not None and det.source != tr.id:
                self.moves[det.source] = tr.id
        for j, det in enumerate(dets):
            if j in used:
                continue
            tr = TrackedObject(self.next_id, det.keypoints.xy[0].copy(), det.box.copy(), t, t)
            tr.appearance = det.appearance
            tr.detection = det
            self.next_id += 1
            self.tracks.append(tr)
            if det.source is not None:
                self.moves[det.source] = tr.id
        return [tr for tr in self.tracks if tr.detection is not None]

    def _absorb(self, tr: TrackedObject, det: Detection, t: float, crowded: bool) -> None:
        dt = t - tr.last_t
        if dt > 0:
            centre_old = (tr.box[:2] + tr.box[2:]) / 2
            centre_new = (det.box[:2] + det.box[2:]) / 2
            v = (centre_new - centre_old) / dt
            w = 0.5 if dt < 0.5 else 0.0  # after a long gap the old velocity says little
            tr.velocity = w * tr.velocity + (1 - w) * v if dt < 0.5 else np.zeros(2)
        tr.xy = det.keypoints.xy[0].copy()
        tr.box = det.box.copy()
        tr.last_t = t
        tr.hits += 1
        tr.detection = det
        if det.appearance is not None and not crowded:  # don't learn colours from an overlapping person
            a = self.options.appearance_alpha
            tr.appearance = (
                det.appearance if tr.appearance is None else (1 - a) * tr.appearance + a * det.appearance
            )
