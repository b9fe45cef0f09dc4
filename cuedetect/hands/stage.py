"""The hand stage: tracked poses + frames -> what each person's hands are doing, frame by frame.

For each analysed frame and tracked person, each hand's place comes from the body (`crops.hand_slots`);
hands out of view or too small are skipped and say so. The hand landmark network reads a crop turned
along the hand (`roi`), without a palm detector, in MediaPipe's tracking manner: a hand read lately is
looked for where its last landmarks put it (moved with the body's wrist), else where the body says; when
the landmarks found call for a crop that differs much from the one read, the hand is read once more in
that crop. A crop where the network finds no hand, or finds one with a low presence, is read again a
little narrower and wider, and the most present reading kept. A hand that has not moved since it was
last read (less than `still_frac` of its length, within `hold_s`) keeps its reading ("held"), and so
does any hand read less than `min_interval_s` ago (hands are read at most about 7.5 times a second:
enough for cues that last half a second or more).
A hand in view that the network does not find is looked for again in the next frame (a single miss is
often one bad frame), then, while it keeps not being found, less and less often (`retry.Miss`: after
`retry_s`, doubling with each further miss up to `retry_max_s`) unless the body's hand moves (more than
`retry_move_frac` of its length since the last look): a still hand that was not found is very likely
not found again in the same crop, so the hand model runs at a lower rate than the body when nothing
moves.
A hand whose wrist the body loses (out of view: missing even from the raw poses, or too faint) is
followed on its own landmarks, as MediaPipe tracks a hand between palm detections: looked for where its
last reading puts it, while that reading is recent (`lost_gap_s`) and the body placed it lately
(`lost_max_s`); found there, it is tied to its person and side like any other hand, else it stays
`out_of_view`.
With `HandStageOptions.palm_search` set (off by default), a person with a hand in view that no crop
finds is also searched with MediaPipe's palm detector (`palm.PalmSearch`): the palms it finds are read
and tied to the unread hands a little more loosely (the body's wrist is often off where the crops miss).
Found hands are tied to people and sides by the body (`crops.assign`), and their shape comes from
`shape.classify` (the state by its rules, or by a learned model: `HandStageOptions.state_model`).

Statuses: `read`, `held`, `not_found` (no hand where the body put it, in this frame or, the hand not
having moved since, in its last look), `too_small`, `out_of_view`.
State and landmarks are empty (None / NaN) unless the status is `read` or `held`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cuedetect.hands.crops import CropOptions, HandSlot, assign, dedupe, hand_slots
from cuedetect.hands.palm import PALM_POINTS, PalmSearch, PalmSearchOptions
from cuedetect.hands.retry import Miss, moved, retry_wait
from cuedetect.hands.roi import HandRoi, roi_change, roi_from_body, roi_from_landmarks
from cuedetect.hands.shape import FINGER_NAMES, NUM_HAND_LANDMARKS, HandShape, StateRules, classify

STATUSES = ("read", "held", "not_found", "too_small", "out_of_view")


@dataclass(frozen=True)
class HandStageOptions:
    crops: CropOptions = field(default_factory=CropOptions)
    rules: StateRules = field(default_factory=StateRules)
    hold_s: float = 0.35  # a still hand's reading is reused for at most this long
    still_frac: float = 0.12  # "still": wrist and knuckles moved less than this many hand lengths
    min_interval_s: float = 0.13  # a hand read this recently keeps its reading, moving or not
    track_s: float = 0.5  # a hand read this recently is looked for where its landmarks put it
    body_scale: float = 1.8  # the crop placed from the body, in hand lengths
    refine_change: float = 0.25  # read again in the landmarks' own crop when it differs this much
    refine_max: int = 1  # at most this many such reads per hand and frame
    # a read whose presence is under `reread_below` (or that finds no hand) is tried again in crops this
    # many times as wide, and the most present reading kept: the network's landmarks depend on the crop's
    # scale, and a hand seen edge-on or against the body is often found at one scale but not another
    # (tuning renders: hands not read 6.7% -> 2.4%, states right 0.754 -> 0.785, for about 1.35x the reads)
    # hands shorter than `reread_min_px` are read once: the hand gate ignores them anyway, and on the
    # 2-person benchmark (hands 30-45 px) re-reading every hand doubled the stage's reads (1.82 per frame)
    reread_below: float = 0.7
    reread_scales: tuple[float, ...] = (0.85, 1.2)
    reread_min_px: float = 40.0
    # a hand read where its last landmarks put it must point the way the body's hand points, where the
    # body's knuckles lie clear of its wrist (cosine above `min_along`); else it is looked for again where
    # the body says. A hand read along the forearm (wrist at the fist, "fingers" up the arm) was otherwise
    # tracked there from frame to frame. (The body's wrist is no check of where the hand is: on the real
    # thumbs-up of one_person_gestures it lies over half a hand away, and thumb_up fell from 70% to 39%.)
    min_along: float = 0.0
    min_presence: float = 0.5  # the hand network's presence under which no hand is reported
    # a hand whose wrist the body loses (missing or faint in the cleaned poses) is followed on its own
    # landmarks, MediaPipe's way: looked for where its last reading puts it, if that reading is at most
    # `lost_gap_s` old and the body last placed it at most `lost_max_s` ago
    lost_gap_s: float = 0.5
    lost_max_s: float = 1.0
    # a hand in view not found `retry_after` looks in a row is looked for again only after `retry_s`,
    # doubled with each further miss up to `retry_max_s`, or as soon as the body's wrist or knuckles move
    # more than `retry_move_frac` of its length from where the last look was placed (or its length
    # changes by that share). At 15 fps a hand the network does not find was otherwise read, at up to
    # three scales, in every frame (2-person benchmark: 2.42 crops per analysed frame, 1.90 with this
    # schedule; real dev set 2.72 -> 2.46, cue events the same; tuning renders at 15 fps 1.70 -> 1.05 and
    # every hand read as before). A single miss is looked for again in the next frame (`retry_after` 2):
    # on the real thumbs-up of one_person_gestures a hand missed for one frame and not looked for in the
    # next let a `fists_up` event in. `retry_one_scale`: such a look reads the body's crop at one scale,
    # the next of 1 and `reread_scales` each time, not at all of them (benchmark 1.49 crops, but on the
    # tuning renders at 15 fps a hand more goes unread: 0.357 against 0.359), so it is off
    retry_after: int = 2
    retry_s: float = 0.13
    retry_max_s: float = 0.5
    retry_move_frac: float = 0.12
    retry_one_scale: bool = False
    # the palm detector as a last resort (`palm.PalmSearch`): None (off, the default) or its options
    palm_search: PalmSearchOptions | None = None
    # what reads each hand's state from its landmarks: None the hand-written rules (`shape.classify`), else
    # a learned model (`state_model.HandStateModel`, its `shape` method); curls and palm come from the
    # landmarks either way
    state_model: Any = None


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
    wrist: np.ndarray  # the slot's wrist and knuckles when read (the body's, or the hand's own if tracked)
    knuckles: np.ndarray
    landmarks: np.ndarray
    shape: HandShape
    roi: HandRoi
    length: float = 0.0
    body_t: float = 0.0  # when the body last placed this hand
    tracked: bool = False  # read from a slot placed by its own landmarks (`wrist` is the hand's)


class HandStage:
    """Reads hands frame by frame; tracks and holds each (person, side)'s last reading between frames.

    `reader.read(image, roi)` returns a `HandReading` (landmarks in frame pixels) or None
    (`landmark_model.HandLandmarkModel`).
    """

    def __init__(self, reader: Any, options: HandStageOptions | None = None, palm: Any = None) -> None:
        self.reader = reader
        self.options = options or HandStageOptions()
        # `palm`: a palm detector (`palm.PalmDetector`), used when `options.palm_search` is set
        self.palms = PalmSearch(palm, self.options.palm_search) if palm and self.options.palm_search else None
        self._last: dict[tuple[int, str], _Last] = {}
        self._missed: dict[tuple[int, str], Miss] = {}
        self.crops_read = 0

    def _lost_slot(self, s: HandSlot, t: float) -> HandSlot:
        """A slot the body lost (`out_of_view`), placed from the hand's last landmarks when it was read
        lately; else `s` itself."""
        o = self.options
        last = self._last.get((s.person, s.side))
        if last is None or t - last.t > o.lost_gap_s or t - last.body_t > o.lost_max_s:
            return s
        lm = last.landmarks
        wrist, knuckles = lm[0, :2].copy(), (lm[5, :2] + lm[17, :2]) / 2
        return HandSlot(s.person, s.side, wrist, knuckles, last.length, last.roi.box(), "ok", tracked=True)

    def _still(self, s: HandSlot, t: float) -> _Last | None:
        last = self._last.get((s.person, s.side))
        if last is None or t - last.t > self.options.hold_s:
            return None
        if t - last.t < self.options.min_interval_s:
            return last
        if s.tracked or last.tracked:  # no body wrist to tell whether it moved
            return None
        tol = self.options.still_frac * s.length_px
        if np.linalg.norm(s.wrist - last.wrist) > tol or np.linalg.norm(s.knuckles - last.knuckles) > tol:
            return None
        return last

    def _skip(self, s: HandSlot, t: float) -> bool:
        """Is `s` a hand not found lately, still where it was, whose next look is not due yet?"""
        miss = self._missed.get((s.person, s.side))
        if miss is None or s.tracked or t - miss.t >= retry_wait(miss.streak, self.options):
            return False
        return not moved(s, miss.wrist, miss.knuckles, miss.length, self.options.retry_move_frac)

    def _read_once(self, image: np.ndarray, roi: HandRoi) -> Any:
        self.crops_read += 1
        return self.reader.read(image, roi)

    def _read(self, image: np.ndarray, roi: HandRoi, size_px: float = np.inf) -> Any:
        """The hand in `roi`; read again at other scales when it is not there or barely (see options)."""
        o = self.options
        hand = self._read_once(image, roi)
        if (hand is not None and hand.score >= o.reread_below) or size_px < o.reread_min_px:
            return hand
        for k in o.reread_scales:
            again = self._read_once(image, HandRoi(roi.centre, roi.side * k, roi.up))
            if again is not None and (hand is None or again.score > hand.score):
                hand = again
        return hand

    def _agrees(self, hand: Any, s: HandSlot) -> bool:
        """Does a reading point the way the body's hand points (or is the body's hand too short to say)?"""
        body = s.knuckles - s.wrist
        if np.linalg.norm(body) < 0.15 * s.length_px:
            return True
        lm = np.asarray(hand.landmarks)[:, :2]
        seen = lm[9] - lm[0]
        cos = float(np.dot(body, seen) / (np.linalg.norm(body) * np.linalg.norm(seen) + 1e-9))
        return cos > self.options.min_along

    def _look(self, image: np.ndarray, s: HandSlot, t: float) -> Any:
        """The hand of slot `s`: where its last landmarks put it, else where the body says; refined once."""
        o = self.options
        last = self._last.get((s.person, s.side))
        if s.tracked:  # the body lost this hand: only where its last landmarks put it
            roi = last.roi
            return self._refine(image, roi, self._read(image, roi, s.length_px), s)
        body = roi_from_body(s.wrist, s.knuckles, s.length_px, scale=o.body_scale)
        hand = None
        if last is not None and t - last.t <= o.track_s:
            shift = 0.0 if last.tracked else s.wrist - last.wrist
            roi = HandRoi(last.roi.centre + shift, last.roi.side, last.roi.up)
            hand = self._read(image, roi, s.length_px)
            if hand is not None and not self._agrees(hand, s):
                hand = None
        miss = self._missed.get((s.person, s.side))
        if hand is None and o.retry_one_scale and miss is not None and miss.streak >= o.retry_after:
            scales = (1.0, *o.reread_scales)  # one scale per look, the next each time
            k = scales[(miss.streak - o.retry_after) % len(scales)]
            roi = HandRoi(body.centre, body.side * k, body.up)
            hand = self._read_once(image, roi)
        elif hand is None:
            roi = body
            hand = self._read(image, roi, s.length_px)
        return self._refine(image, roi, hand, s)

    def _refine(self, image: np.ndarray, roi: HandRoi, hand: Any, s: HandSlot) -> Any:
        """Read once more in the crop the landmarks found call for, when it differs much from `roi`."""
        o = self.options
        for _ in range(o.refine_max):
            if hand is None:
                break
            better = roi_from_landmarks(hand.landmarks)
            if roi_change(roi, better) <= o.refine_change:
                break
            again = self._read(image, better, s.length_px)
            if again is None:
                break
            hand, roi = again, better
        return hand

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
        persons = list(persons)
        slots = [s for pid, xy, vis in persons for s in hand_slots(pid, xy, vis, (w, h), o.crops)]
        slots = [self._lost_slot(s, t) if s.status == "out_of_view" else s for s in slots]
        ok = [s for s in slots if s.status == "ok"]
        held = {id(s): last for s in ok if (last := self._still(s, t)) is not None}
        skipped = {id(s) for s in ok if id(s) not in held and self._skip(s, t)}
        found, worlds, scores, unread = [], [], [], set()
        for s in ok:
            if id(s) not in held and id(s) not in skipped and (hand := self._look(image, s, t)) is not None:
                found.append(hand.landmarks)
                worlds.append(hand.world)
                scores.append(hand.score)
            elif id(s) not in held:
                unread.add(id(s))
        searched = len(found)
        wanted = self.palms.wanted(slots, unread, (w, h)) if self.palms is not None else []
        if wanted:
            points = {pid: np.asarray(xy, float)[list(PALM_POINTS)] * [w, h] for pid, xy, _ in persons}
            read = lambda roi: self._read_once(image, roi)  # noqa: E731
            for hand in self.palms.search(image, t, points, wanted, found, read):
                found.append(hand.landmarks)
                worlds.append(hand.world)
                scores.append(hand.score)
        tol = 0.3 * float(np.median([s.length_px for s in ok])) if ok else 0.0
        keep = dedupe(found, scores, tol)
        found, worlds = [found[k] for k in keep], [worlds[k] for k in keep]
        match = {id(ok[k]): j for k, j in assign(ok, found, o.crops).items()}  # held hands compete too
        if len(keep) and keep[-1] >= searched:  # hands the palm search found, left over: looser match
            spare = [j for j, k in enumerate(keep) if k >= searched and j not in match.values()]
            open_slots = [s for s in wanted if id(s) not in match]
            loose = replace(o.crops, max_match=self.palms.options.max_match)
            for a, b in assign(open_slots, [found[j] for j in spare], loose).items():
                match[id(open_slots[a])] = spare[b]
        rows = [HandRow(frame, t, s.person, s.side, s.status, s.length_px) for s in slots]
        row_of = {id(s): r for s, r in zip(slots, rows, strict=True)}
        for s in ok + [s for s in slots if s.status != "ok" and id(s) in match]:
            row = row_of[id(s)]
            if id(s) in match:
                lm = found[match[id(s)]]
                if o.state_model is None:
                    shape = classify(lm, s.side, o.rules, worlds[match[id(s)]])
                else:
                    shape = o.state_model.shape(lm, s.side, o.rules, worlds[match[id(s)]])
                row.status, row.landmarks, row.world, row.shape = "read", lm, worlds[match[id(s)]], shape
                roi = roi_from_landmarks(lm)
                prev = self._last.get((s.person, s.side))
                body_t = prev.body_t if s.tracked and prev is not None else t
                self._last[(s.person, s.side)] = _Last(t, s.wrist, s.knuckles, lm, shape, roi, s.length_px,
                                                       body_t, s.tracked)  # fmt: skip
                self._missed.pop((s.person, s.side), None)
            elif id(s) in held:
                last = held[id(s)]
                row.status, row.shape = "held", last.shape
                shift = 0.0 if s.tracked or last.tracked else s.wrist - last.wrist
                row.landmarks = last.landmarks + [*(np.zeros(2) + shift), 0.0]
            else:  # a hand followed on its own landmarks and lost again: the body still has it out of view
                row.status = "out_of_view" if s.tracked else "not_found"
                self._last.pop((s.person, s.side), None)
                if not s.tracked and id(s) not in skipped:
                    self._note_miss(s, t)
        for s in slots:  # a hand out of view or too small is looked for anew when it is back
            if s.status != "ok" or s.tracked:
                self._missed.pop((s.person, s.side), None)
        return rows

    def _note_miss(self, s: HandSlot, t: float) -> None:
        prev = self._missed.get((s.person, s.side))
        streak = 1 if prev is None else prev.streak + 1
        self._missed[(s.person, s.side)] = Miss(t, s.wrist.copy(), s.knuckles.copy(), s.length_px, streak)


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
