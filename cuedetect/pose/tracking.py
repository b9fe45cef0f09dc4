"""Who is who: stable integer ids for the people in a video (norfair's `Tracker.update` idiom).

Each frame's `Detection`s are matched in two stages with the Hungarian method
(`scipy.optimize.linear_sum_assignment`): first to the active tracks (seen within `coast_s`) on a cost
that mixes keypoint distance to the track's constant-velocity prediction, box overlap and torso colour;
then the leftovers to the lost tracks (unseen for up to `reid_window_s`, 2 s) on mostly colour within a
gate that widens with the time gone, so a person who walks out of view or behind someone is
re-identified rather than given a new id. Ids start at 0 and are never reused.

The distances and the matching are injected (`distance_function`, `reid_function`, `matcher`) so they
can be swapped and tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from cuedetect.pose.proposals import Detection, completeness

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
        max_speed: fastest believed motion, in body heights per second (about 3.5 m/s).
        own_bonus: cost taken off when the detection comes from the track's own landmarker.
        reid_max_cost: re-identification matches costing more than this are refused.
        rejoin_in_frame: a detection neither stage matched is tried once more against every track
            not matched yet (active or lost) on the continuity cost over the landmarks inside the
            frame in both readings, when at least this many (None: no third stage). A close-up's
            out-of-frame landmarks are guesses, two body heights apart between readings, so a
            re-found head-and-shoulders reading can fail the gate and get a new id. Off: on the style
            dev split it changed nothing alone and did not hold the ids the faster searches cost
            (README "Far people").
    """

    reid_window_s: float = 2.0
    coast_s: float = 0.3
    aspect: float = 16 / 9
    max_cost: float = 2.0
    gate: float = 0.8
    gate_growth: float = 3.0
    w_keypoints: float = 1.0
    w_box: float = 0.5
    w_appearance: float = 0.8
    appearance_alpha: float = 0.1
    max_speed: float = 2.0
    own_bonus: float = 0.3
    reid_max_cost: float = 0.9
    rejoin_in_frame: int | None = None


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

    scale: float = 0.0  # body height in the image: a slowly decaying maximum of the box heights

    HORIZON_S = 0.5  # constant velocity is believed this far ahead, no farther

    def predicted_box(self, t: float) -> np.ndarray:
        shift = self.velocity * min(t - self.last_t, self.HORIZON_S)
        return self.box + np.concatenate([shift, shift])

    def predicted_xy(self, t: float) -> np.ndarray:
        return self.xy + self.velocity * min(t - self.last_t, self.HORIZON_S)

    @property
    def height(self) -> float:
        """Body height for scaling distances: crouching or jumping does not shrink it at once."""
        return float(max(self.scale, self.box[3] - self.box[1], 0.05))


DistanceFunction = Callable[[TrackedObject, Detection, float, TrackerOptions], float]
Matcher = Callable[[np.ndarray], list[tuple[int, int]]]


def anchor(xy: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Where a person is: the hip midpoint (steadier than the box), else the box centre."""
    hips = xy[[23, 24]]
    if np.isfinite(hips).all():
        return hips.mean(axis=0)
    return (box[:2] + box[2:]) / 2


def box_inside(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over the smaller box's area (1 when one box holds the other)."""
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return float(iw * ih / small) if small > 0 else 0.0


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


def in_frame(xy: np.ndarray) -> np.ndarray:
    """Which landmarks (normalized) lie inside the frame."""
    return ((xy >= 0.0) & (xy <= 1.0)).all(axis=-1)


def keypoint_distance(
    xy_a: np.ndarray, xy_b: np.ndarray, aspect: float, min_in_frame: int | None = None
) -> float:
    """Mean distance between corresponding landmarks (normalized by frame height); inf if none shared.

    With `min_in_frame`, only landmarks inside the frame in both readings count when there are that
    many: the model guesses the rest (a head-and-shoulders close-up's legs), and two readings of one
    person guess them up to two body heights apart.
    """
    d = xy_a - xy_b
    d = np.sqrt((d[:, 0] * aspect) ** 2 + d[:, 1] ** 2)
    ok = np.isfinite(d)
    if min_in_frame is not None:
        inside = ok & in_frame(xy_a) & in_frame(xy_b)
        ok = inside if inside.sum() >= min_in_frame else ok
    d = d[ok]
    return float(d.mean()) if len(d) else float("inf")


def default_distance(
    track: TrackedObject, det: Detection, t: float, o: TrackerOptions, min_in_frame: int | None = None
) -> float:
    """Continuity cost for an active track: keypoint distance (in body heights) + box 1-IoU + colour.

    A detection made by the track's own landmarker (which followed its person from the last frame)
    costs `own_bonus` less.
    """
    gone = max(t - track.last_t, 0.0)
    kp = keypoint_distance(track.predicted_xy(t), det.keypoints.xy[0], o.aspect, min_in_frame) / track.height
    if kp > o.gate + o.gate_growth * gone:
        return INF_COST
    iou = box_iou(track.predicted_box(t), det.box)
    app = appearance_distance(track.appearance, det.appearance)
    cost = o.w_keypoints * kp + o.w_box * (1 - iou) + o.w_appearance * app
    if det.source == track.id:
        cost -= o.own_bonus
    return max(cost, 0.0)


def rejoin_distance(track: TrackedObject, det: Detection, t: float, o: TrackerOptions) -> float:
    """The last match before a detection starts a new track: the continuity cost, on the landmarks in
    view in both readings only (`rejoin_in_frame` of them at least), for any track not matched yet."""
    if o.rejoin_in_frame is None:
        return INF_COST
    return default_distance(track, det, t, o, o.rejoin_in_frame)


def reid_distance(track: TrackedObject, det: Detection, t: float, o: TrackerOptions) -> float:
    """Re-identification cost for a lost track: mostly colour, plus distance within a widening gate."""
    gone = max(t - track.last_t, 0.0)
    allowed = o.gate + o.gate_growth * gone
    kp = keypoint_distance(track.predicted_xy(t), det.keypoints.xy[0], o.aspect) / track.height
    if kp > allowed:
        return INF_COST
    return o.w_appearance * appearance_distance(track.appearance, det.appearance) + 0.5 * kp / allowed


def hungarian(cost: np.ndarray) -> list[tuple[int, int]]:
    """Minimum-cost one-to-one matching; pairs at `INF_COST` are not matched."""
    if cost.size == 0:
        return []
    rows, cols = linear_sum_assignment(cost)
    return [(int(r), int(c)) for r, c in zip(rows, cols, strict=True) if cost[r, c] < INF_COST]


def same_person(a: Detection, b: Detection, aspect: float, same: float = 0.15) -> bool:
    """Two proposals of one person: landmarks within `same` body heights, or nearly the same box, or
    one box inside the other, with landmarks within half a body height (two readings of one crouching
    person, or a partial second reading inside the person)."""
    height = max(float(a.box[3] - a.box[1]), float(b.box[3] - b.box[1]), 0.05)
    d = keypoint_distance(a.keypoints.xy[0], b.keypoints.xy[0], aspect) / height
    return d <= same or (d <= 0.5 and (box_iou(a.box, b.box) >= 0.7 or box_inside(a.box, b.box) >= 0.85))


def deduplicate(detections: Sequence[Detection], aspect: float) -> list[Detection]:
    """Drop detections of a person already proposed (the most complete, then most confident, stays)."""
    kept: list[Detection] = []
    order = sorted(detections, key=lambda d: (-completeness(d.keypoints), -float(d.keypoints.confidence[0])))
    for det in order:
        if not any(same_person(det, k, aspect) for k in kept):
            kept.append(det)
    return kept


class Tracker:
    """Assigns stable ids: `tracker.update(detections, t) -> list[TrackedObject]` (those seen now)."""

    def __init__(
        self,
        options: TrackerOptions | None = None,
        distance_function: DistanceFunction = default_distance,
        matcher: Matcher = hungarian,
        reid_function: DistanceFunction = reid_distance,
        rejoin_function: DistanceFunction = rejoin_distance,
    ) -> None:
        self.options = options or TrackerOptions()
        self.distance_function = distance_function
        self.reid_function = reid_function
        self.rejoin_function = rejoin_function
        self.matcher = matcher
        self.tracks: list[TrackedObject] = []
        self.next_id = 0
        self.moves: dict[int, int] = {}  # detection.source -> track id, where they differ (last update)

    def _expire(self, t: float) -> None:
        self.tracks = [tr for tr in self.tracks if t - tr.last_t <= self.options.reid_window_s]

    def predict(self, t: float) -> dict[int, np.ndarray]:
        """Predicted boxes of the active tracks (seen within `coast_s`)."""
        return {tr.id: tr.predicted_box(t) for tr in self.tracks if t - tr.last_t <= self.options.coast_s}

    def lost(self, t: float) -> bool:
        """Whether a track is gone from view but still within the re-identification window."""
        return any(self.options.coast_s < t - tr.last_t <= self.options.reid_window_s for tr in self.tracks)

    def update(self, detections: Sequence[Detection], t: float) -> list[TrackedObject]:
        """Match this frame's detections to tracks, start tracks for the unmatched, return those seen."""
        o = self.options
        self._expire(t)
        for tr in self.tracks:
            tr.detection = None
        dets = deduplicate(detections, o.aspect)
        active = [tr for tr in self.tracks if t - tr.last_t <= o.coast_s]
        lost = [tr for tr in self.tracks if t - tr.last_t > o.coast_s]
        # Stage 1, continuity: active tracks. Stage 2, re-identification: lost tracks, the rest.
        first = self._match(active, dets, t, self.distance_function, o.max_cost)
        pairs = [(active[i], j) for i, j in first]
        rest = [j for j in range(len(dets)) if j not in {j for _, j in first}]
        second = self._match(lost, [dets[j] for j in rest], t, self.reid_function, o.reid_max_cost)
        pairs += [(lost[i], rest[k]) for i, k in second]
        # Stage 3, rejoin: a detection about to start a new id, against every track still free, on the
        # landmarks in view in both readings only.
        if o.rejoin_in_frame is not None:
            taken = {id(tr) for tr, _ in pairs}
            free = [tr for tr in self.tracks if id(tr) not in taken]
            left = [j for j in range(len(dets)) if j not in {j for _, j in pairs}]
            third = self._match(free, [dets[j] for j in left], t, self.rejoin_function, o.max_cost)
            pairs += [(free[i], left[k]) for i, k in third]
        self.moves = {}
        used: set[int] = set()
        for tr, j in pairs:
            det = dets[j]
            used.add(j)
            others = [d.box for k, d in enumerate(dets) if k != j]
            self._absorb(tr, det, t, crowded=any(box_iou(det.box, b) > 0.05 for b in others))
            if det.source is not None and det.source != tr.id:
                self.moves[det.source] = tr.id
        for j, det in enumerate(dets):
            if j in used:
                continue
            tr = TrackedObject(self.next_id, det.keypoints.xy[0].copy(), det.box.copy(), t, t)
            tr.scale = float(det.box[3] - det.box[1])
            tr.appearance = det.appearance
            tr.detection = det
            self.next_id += 1
            self.tracks.append(tr)
            if det.source is not None:
                self.moves[det.source] = tr.id
        return [tr for tr in self.tracks if tr.detection is not None]

    def _match(self, tracks: list[TrackedObject], dets: Sequence[Detection], t: float,
               distance: DistanceFunction, max_cost: float) -> list[tuple[int, int]]:  # fmt: skip
        cost = np.full((len(tracks), len(dets)), INF_COST)
        for i, tr in enumerate(tracks):
            for j, det in enumerate(dets):
                c = distance(tr, det, t, self.options)
                cost[i, j] = c if c <= max_cost else INF_COST
        return self.matcher(cost)

    def _absorb(self, tr: TrackedObject, det: Detection, t: float, crowded: bool) -> None:
        dt = t - tr.last_t
        if 0 < dt < 0.5:  # after a long gap the old velocity says little
            v = (anchor(det.keypoints.xy[0], det.box) - anchor(tr.xy, tr.box)) / dt
            tr.velocity = 0.5 * tr.velocity + 0.5 * v
            speed = float(np.hypot(tr.velocity[0] * self.options.aspect, tr.velocity[1]))
            limit = self.options.max_speed * tr.height
            if speed > limit:  # a jump or a bad frame: don't fly off
                tr.velocity *= limit / speed
        elif dt >= 0.5:
            tr.velocity = np.zeros(2)
        tr.scale = max(tr.scale * 0.97, float(det.box[3] - det.box[1]))
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
