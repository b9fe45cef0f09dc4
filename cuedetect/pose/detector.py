"""Multi-person pose on top of MediaPipe's single-person-at-heart `PoseLandmarker`.

MediaPipe alone keeps one person in VIDEO mode and merges or misses people standing close in IMAGE mode
(docs: FACTS.md). So:

* every tracked person has their own VIDEO-mode landmarker (`num_poses=1`, pooled and reused), fed a
  crop around the person's predicted box (plus a margin) with the other tracked people painted grey, so
  its internal ROI tracking (landmarks of the previous frame -> next ROI, no detector run) stays on that
  person and stays cheap (~16 ms per person with the full model), and its detector, when it must run,
  sees the person large. The crop stays still while the person is well inside it, because that
  internal tracking works in crop coordinates. (Masking the full frame instead keeps coordinates fixed
  but lost small people: the detector then sees them at full-frame scale.) After `max_misses` frames
  without its person a landmarker stops trying (each try reruns its detector).
* a full-frame IMAGE-mode landmarker with a low detection threshold looks for new people only every
  `detect_every` frames (more often while someone is lost, less often once several searches in a row
  found nobody new), with the already tracked people painted out so the detector finds the others
  instead of finding the same person again or merging two; when the whole frame gives nobody new, half
  of the frame is searched too. Poses the model completes from what is left of a known person (mostly
  on the painted area) are dropped. While fewer people are tracked than a role-play has, tiles of the
  frame are searched too, a few per frame (`cuedetect.pose.tile_search`): far people, too small for
  the whole-frame detector, are found there. While fewer people are found in a frame than a role-play
  has, the crop around each found person is searched again with only their skeleton painted out
  (`cuedetect.pose.hidden_search`): someone standing behind them is found there. `backfill` traces a
  person found late back through the frames before (the pipeline keeps them).

The detector proposes; `cuedetect.pose.tracking.Tracker` decides who is who. After each update, call
`assign` so each landmarker follows the track its person was matched to, and `seen` with the ids found.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.pose.detector_options import PoseDetectorOptions, least_height, search_interval, tile_options
from cuedetect.pose.hidden_search import HiddenSearch
from cuedetect.pose.keypoints import CropBox, KeyPoints
from cuedetect.pose.proposals import (
    Detection,
    box_overlap,
    half_view,
    isolate_crop,
    paint_box,
    pick_half,
    quiet_native_logs,
    share_inside,
    torso_histogram,
)
from cuedetect.pose.slots import Slot, around, slot_window
from cuedetect.pose.sources import Frame
from cuedetect.pose.still_gate import LastRead, StillGate, thumbnail
from cuedetect.pose.tile_search import TileSearch, View
from cuedetect.pose.tracking import box_iou

__all__ = [
    "Detection",
    "MultiPersonPoseDetector",
    "PoseDetectorOptions",
    "half_view",
    "quiet_native_logs",
    "search_interval",
]


class MultiPersonPoseDetector:
    """Per-person VIDEO landmarkers on crops plus a periodic full-frame search for new people."""

    def __init__(self, options: PoseDetectorOptions) -> None:
        self.options = options
        self._model = Path(options.model_path).read_bytes()
        self._slots: dict[int, Slot] = {}  # track id -> its landmarker
        self._pool: list[Slot] = []  # landmarkers whose track ended, for reuse (creating one costs ~0.5 s)
        self.created = 0
        self._frames_since_search = 10**9
        self._fruitless = 0  # searches in a row that found nobody new
        self.calls = {"track": 0, "search": 0}
        self.model_s = 0.0  # seconds inside the landmarker (the rest of `detect` is crops, bookkeeping)
        self._tile = 1  # the half of the frame searched last (see `_search_new`)
        self._searchers: dict[int, Any] = {}  # num_poses -> IMAGE-mode landmarker, made when first needed
        self._tiles = TileSearch(tile_options(options))
        self._hidden = HiddenSearch(options.hidden)
        self._gate = StillGate(options.still) if options.still is not None else None

    @classmethod
    def create_from_options(cls, options: PoseDetectorOptions) -> MultiPersonPoseDetector:
        return cls(options)

    def __enter__(self) -> MultiPersonPoseDetector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for slot in [*self._slots.values(), *self._pool]:
            slot.landmarker.close()
        self._slots.clear()
        self._pool.clear()
        for lm in self._searchers.values():
            lm.close()
        self._searchers.clear()

    def _searcher(self, num_poses: int) -> Any:
        """An IMAGE-mode landmarker looking for at most `num_poses` people, made when first needed."""
        if num_poses not in self._searchers:
            with quiet_native_logs():
                self._searchers[num_poses] = self._landmarker(video=False, num_poses=num_poses)
        return self._searchers[num_poses]

    def _landmarker(self, video: bool, num_poses: int = 1) -> Any:
        from mediapipe.tasks.python import BaseOptions, vision

        o = self.options
        opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=self._model),
            running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
            num_poses=1 if video else num_poses,
            min_pose_detection_confidence=o.min_detection_confidence,
            min_pose_presence_confidence=o.min_presence,
            min_tracking_confidence=0.5,
        )
        return vision.PoseLandmarker.create_from_options(opts)

    def _run(
        self,
        landmarker: Any,
        image: np.ndarray,
        ms: int | None,
        crop: CropBox | None = None,
        min_height: float | None = None,
    ) -> KeyPoints:
        import mediapipe as mp

        mp_image = mp.Image(image_format=mp.ImageFormat.SRGB, data=image)
        t = time.perf_counter()
        result = landmarker.detect(mp_image) if ms is None else landmarker.detect_for_video(mp_image, ms)
        self.model_s += time.perf_counter() - t
        kp = KeyPoints.from_mediapipe(result, crop)
        boxes = kp.boxes(0.3)
        tall = boxes[:, 3] - boxes[:, 1] >= (self.options.min_height if min_height is None else min_height)
        keep = (kp.confidence >= self.options.min_presence) & tall
        return kp[np.flatnonzero(keep)]

    def _acquire(self, ms: int) -> Slot:
        """A landmarker for a new track: a pooled one, its tracking state cleared, or a new one."""
        if self._pool:
            slot = self._pool.pop()
            blank = np.zeros((64, 64, 3), np.uint8)  # nobody here: the landmarker forgets its last ROI
            self._run(slot.landmarker, blank, slot.stamp(ms - 1))
            slot.window, slot.misses, slot.read = None, 0, None
            return slot
        self.created += 1
        with quiet_native_logs():
            return Slot(self._landmarker(video=True))

    def _release(self, slot: Slot) -> None:
        if len(self._pool) < self.options.max_persons:
            self._pool.append(slot)
        else:
            slot.landmarker.close()

    def _follow(
        self, slot: Slot, image: np.ndarray, box: np.ndarray, others: list[np.ndarray], ms: int
    ) -> KeyPoints | None:
        """A track's landmarker on the crop around its predicted `box`, `others` painted out (None: no
        crop fits)."""
        h, w = image.shape[:2]
        win = slot_window(slot, box, (w, h), self.options.margin)
        if win is None:
            return None
        x0, y0, x1, y1 = win
        crop = isolate_crop(image, win, box, others)
        gate, thumb = self._gate, None
        if gate is not None:  # a crop unchanged since its last read keeps that read's landmarks
            thumb = thumbnail(crop, gate.options.side)
            if (kept := gate.kept(slot.read, win, thumb, ms)) is not None:
                self.calls["track_still"] = self.calls.get("track_still", 0) + 1
                return kept
        self.calls["track"] += 1
        kp = self._run(slot.landmarker, crop, slot.stamp(ms), CropBox(x0, y0, x1 - x0, y1 - y0, w, h),
                       least_height(self.options, box))  # fmt: skip
        slot.read = LastRead(ms, win, thumb, kp) if thumb is not None and len(kp) else None
        return kp

    def _detection(self, image: np.ndarray, kp: KeyPoints, source: int | None) -> Detection:
        return Detection(kp, kp.boxes(0.3)[0], torso_histogram(image, kp), source)

    def detect(
        self, frame: Frame, predicted: Mapping[int, np.ndarray], lost: bool = False
    ) -> list[Detection]:
        """Poses in `frame`.

        Args:
            frame: the frame (RGB).
            predicted: normalized boxes (x0, y0, x1, y1) where each active track is expected now; each
                gets its own landmarker.
            lost: whether someone seen recently is missing (search for people more often).
        """
        image = frame.image
        ms = round(frame.t * 1000)
        out: list[Detection] = []
        for tid in list(self._slots):
            if tid not in predicted:
                self._release(self._slots.pop(tid))
        for tid, box in predicted.items():
            slot = self._slots.get(tid) or self._slots.setdefault(tid, self._acquire(ms))
            if slot.misses >= self.options.max_misses:
                # Gone for now: each try reruns its detector, so try only every third frame until the
                # track is found again (`seen`) or ends; the periodic search looks meanwhile.
                slot.misses += 1
                if (slot.misses - self.options.max_misses) % 3:
                    continue
            others = [b for o, b in predicted.items() if o != tid]
            kp = self._follow(slot, image, box, others, ms)
            if kp is not None and not len(kp) and box[3] - box[1] < 0.3:  # small: another crop size at once
                slot.misses += 1
                kp = self._follow(slot, image, box, others, ms)
                slot.misses -= 1
            if kp is None:
                continue
            slot.misses = 0 if len(kp) else slot.misses + 1
            out.extend(self._detection(image, kp[i], tid) for i in range(len(kp)))
            if not len(kp) and self.options.look_around:  # lost: the search landmarker looks at once
                out.extend(self._look_around(image, tid, box, others + [d.box for d in out]))
        self._frames_since_search += 1
        o = self.options
        if lost or not predicted:
            self._fruitless = 0
        every = search_interval(o, lost or not predicted, self._fruitless)
        if len(predicted) < o.max_persons and self._frames_since_search >= every:
            self._frames_since_search = 0
            new = self._search_new(image, [d.box for d in out])
            self._fruitless = 0 if new else self._fruitless + 1
            out.extend(new)

        def look(view: View, known: list[np.ndarray]) -> list[Detection]:
            return self._search_view(image, known, view, "search_tile", o.min_height_small)

        out.extend(self._tiles.search(image, out, look))  # far people, while someone is missing
        known = [d.keypoints.xy[0] for d in out]
        hidden = self._hidden.search(image, known, lambda img, view: self._read(img, view, "search_hidden"))
        out.extend(self._detection(image, kp, None) for kp in hidden)  # people behind the found ones
        return out

    def _look_around(self, image: np.ndarray, tid: int, box: np.ndarray, known: list[np.ndarray]
                     ) -> list[Detection]:  # fmt: skip
        """The person of track `tid`, lost by its landmarker, looked for by the search landmarker around
        their predicted `box`: only a pose on that box (IoU >= `look_around_overlap`) counts, as theirs."""
        view = around(box, (image.shape[1], image.shape[0]))
        if view is None:
            return []
        found = self._search_view(image, known, view, "search_lost", least_height(self.options, box))
        best = max(found, key=lambda d: box_iou(d.box, box), default=None)
        if best is None or box_iou(best.box, box) < self.options.look_around_overlap:
            return []
        return [Detection(best.keypoints, best.box, best.appearance, tid)]

    def _read(self, image: np.ndarray, view: View | None, key: str, min_height: float | None = None
              ) -> KeyPoints:  # fmt: skip
        """Every pose the search landmarker finds in the `view` (pixels; None: all) of `image`."""
        h, w = image.shape[:2]
        self.calls[key] = self.calls.get(key, 0) + 1
        searcher, crop = self._searcher(self.options.max_persons), None
        if view is not None:
            x0, y0, x1, y1 = view
            image, crop = np.ascontiguousarray(image[y0:y1, x0:x1]), CropBox(x0, y0, x1 - x0, y1 - y0, w, h)
        return self._run(searcher, image, None, crop, min_height)

    def _search_new(self, image: np.ndarray, known: list[np.ndarray]) -> list[Detection]:
        """Full-frame search with known people painted out; returns only people not already known.

        When the full frame gives nobody new, one half of the frame (left or right, top or bottom for a
        portrait video: the half with fewer known people, see `proposals.pick_half`) is searched as well. The
        person detector sees the whole frame at its small input size; a low-contrast or side-on person
        it misses there is found at twice the scale.

        A pose whose visible landmarks lie mostly on the painted-out people is the model completing a
        person from what is left of a known one (hair above the eyes, a raised hand) and is dropped.
        """
        h, w = image.shape[:2]
        found: list[Detection] = []
        for _round in range(2):
            new = self._search_view(image, known + [d.box for d in found], None)
            if not new:
                break
            found.extend(new)
        if not found and len(known) < self.options.max_persons:
            self._tile = pick_half(known, (w, h), self._tile)
            found = self._search_view(image, known, half_view((w, h), self._tile))
        return found

    def _search_view(
        self,
        image: np.ndarray,
        boxes: list[np.ndarray],
        view: View | None,
        key: str = "",
        min_height: float | None = None,
    ) -> list[Detection]:
        """People in `view` (pixels x0, y0, x1, y1; None: the whole frame) not among `boxes`."""
        if len(boxes) >= self.options.max_persons:
            return []
        h, w = image.shape[:2]
        covers = [paint_box(b) for b in boxes]
        painted = image
        if boxes:
            painted = image.copy()
            for c in covers:
                x0, y0, x1, y1 = (np.clip(c, 0, 1) * (w, h, w, h)).astype(int)
                painted[y0:y1, x0:x1] = 127
        kp = self._read(painted, view, key or ("search" if view is None else "search_half"), min_height)
        new: list[Detection] = []
        heights = kp.boxes(0.3)[:, 3] - kp.boxes(0.3)[:, 1]
        for i in sorted(range(len(kp)), key=lambda i: -np.nan_to_num(heights[i])):  # tallest first
            cand = kp[i]
            if cand.confidence[0] < self.options.min_search_presence:
                continue
            if any(box_overlap(cand.boxes(0.3)[0], b) >= 0.5 for b in boxes):
                continue
            if share_inside(cand, covers + [paint_box(d.box) for d in new]) > 0.5:
                continue  # a phantom completed from a known person, or a second reading of a new one
            new.append(self._detection(image, cand, None))
        return new

    def backfill(
        self,
        frames: list[Frame],
        box: np.ndarray,
        seen: list[list[np.ndarray]],
        others: list[np.ndarray],
    ) -> list[KeyPoints]:
        """Trace a person found in a later frame back through `frames` (newest first).

        A fresh VIDEO-mode landmarker follows them from `box` on crops of each earlier frame (fed with
        rising timestamps, as the mode needs), with the people seen in that frame (`seen`) and the other
        people of the later frame (`others`) painted out. Stops at the first frame where the person
        is not found or turns out to be someone already seen there.
        """
        if not frames:
            return []
        slot = self._acquire(self._stamp_base())
        out: list[KeyPoints] = []
        try:
            for frame, seen_here in zip(frames, seen, strict=True):
                h, w = frame.image.shape[:2]
                win = slot_window(slot, box, (w, h), self.options.margin)
                if win is None:
                    break
                x0, y0, x1, y1 = win
                crop = isolate_crop(frame.image, win, box, [*seen_here, *others])
                floor = least_height(self.options, box)
                kp = self._run(slot.landmarker, crop, slot.stamp(slot.last_ms + 40),
                               CropBox(x0, y0, x1 - x0, y1 - y0, w, h), floor)  # fmt: skip
                self.calls["backfill"] = self.calls.get("backfill", 0) + 1
                if not len(kp):
                    break
                new_box = kp.boxes(0.3)[0]
                if not np.isfinite(new_box).all() or any(box_overlap(new_box, b) > 0.6 for b in seen_here):
                    break
                out.append(kp)
                box = new_box
        finally:
            self._release(slot)
        return out

    def _stamp_base(self) -> int:
        return max([s.last_ms for s in [*self._slots.values(), *self._pool]], default=0)

    def seen(self, ids: set[int]) -> None:
        """Tracks found this frame (by any landmarker or the search): their landmarkers try again."""
        for tid in ids:
            if tid in self._slots:
                self._slots[tid].misses = 0

    def assign(self, moves: Mapping[int, int]) -> None:
        """Hand landmarker `src` to track `dst` for each `src -> dst` (its person was matched to `dst`)."""
        if not moves:
            return
        taken = {src: self._slots.pop(src) for src in moves if src in self._slots}
        for src, dst in moves.items():
            if src in taken:
                old = self._slots.pop(dst, None)
                if old is not None and old not in taken.values():
                    self._release(old)
                self._slots[dst] = taken.pop(src)
        for slot in taken.values():
            self._release(slot)
