"""Where to look for people the full-frame search cannot see: small (far) people, in tiles of the frame.

MediaPipe's person detector looks at the whole image at its small input size (224 px), through the
face: a person 15% of the frame's height has a face of 2-3 detector pixels there and is never found
(`corpus/style_train` far clips: 0 of 20 people by the full frame or its halves). In a tile a bit more
than twice their height they are found with presence 0.95-1.0, and the landmarks map back to the frame
through the tile's `CropBox`.

People of 10-13% of the frame's height are too small even there (detector faces of 3-4 pixels): a
sweep that finds nobody is followed at once by one over finer tiles (`fine_tile`, 30% of the frame's
shorter side: three times their height), where they are found with presence 0.92-1.0 (`style_train` far
clips re-rendered with the camera 1.5x farther back). The finer level runs only when the first found
nobody and nobody tracked is tall (`fine_beside`), and its people must pass the same checks.

A sweep over all tiles costs one detector run per tile (about 11 ms each, 15-25 tiles; 66 at the finer
level), so it runs only while fewer people are tracked than a role-play has (`expected`), a few tiles
per analysed frame, and after a sweep that found nobody new (at both levels), not again for `rest`
frames (longer after several). The tiles are
visited by how much moved in them since the last sweep (people move, rooms do not), then from the
middle of the frame outwards (where a far camera sees the floor); tiles a tracked person fills are
skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cuedetect.pose.keypoints import KeyPoints
from cuedetect.pose.proposals import Detection

__all__ = ["TileSearch", "TileSearchOptions", "View", "same_pose", "tile_grid", "whole_inside"]

View = tuple[int, int, int, int]  # a part of the frame: pixels x0, y0, x1, y1
_BODY = [0, 11, 12, 23, 24, 25, 26, 27, 28]  # nose, shoulders, hips, knees, ankles


@dataclass
class TileSearchOptions:
    """Options of `TileSearch`.

    Attributes:
        tile: side of a (square) tile as a share of the frame's shorter side; people up to about half
            of it tall are whole in some tile.
        fine_tile: the same for the finer sweep that follows a fruitless one (None: no finer level).
        fine_beside: the finer sweep runs only while nobody taller than this share of the frame's
            height is tracked: a role-play's other person is not a third of the found one's size (and
            a one-person recording of a near person does not pay for it).
        overlap: share of a tile its neighbours overlap.
        expected: sweep while fewer people than this are tracked (a role-play's two).
        per_frame: tiles searched per analysed frame during a sweep.
        rest: analysed frames after a fruitless sweep before the next one starts; doubled after each
            further fruitless sweep, up to `max_rest`.
        motion_side: the frames are compared for motion at this width (pixels).
        second_looks: crop sizes (in the found person's heights, at most the tile) of the second look
            at a person found in a tile, tried in turn until one finds them again (a third, 1.6,
            changed nothing on the style dev split's renders: README "Far people").
    """

    tile: float = 0.45
    fine_tile: float | None = 0.3
    fine_beside: float = 0.35
    overlap: float = 0.5
    expected: int = 2
    per_frame: int = 3
    rest: int = 90
    max_rest: int = 720
    motion_side: int = 96
    second_looks: tuple[float, ...] = (3.0, 2.4)


def tile_grid(size: tuple[int, int], tile: float, overlap: float) -> list[View]:
    """Overlapping square tiles (pixels x0, y0, x1, y1) covering a `size` = (width, height) frame."""
    w, h = size
    side = max(16, round(min(w, h) * tile))
    step = max(1.0, side * (1 - overlap))

    def starts(length: int) -> list[int]:
        if length <= side:
            return [0]
        n = int(np.ceil((length - side) / step)) + 1
        return sorted({round(v) for v in np.linspace(0, length - side, n)})

    return [(x, y, min(w, x + side), min(h, y + side)) for y in starts(h) for x in starts(w)]


def same_pose(a: KeyPoints, b: KeyPoints, tolerance: float = 0.1) -> bool:
    """Whether two single-person readings put the body joints in the same places: mean distance at most
    `tolerance` of the body's height. A real person read in two different crops agrees to a few per
    cent; the model's phantoms in textures (a kettlebell rack) shift by a fifth of their height."""
    pa, pb = a.xy[0, _BODY], b.xy[0, _BODY]
    ok = np.isfinite(pa).all(axis=1) & np.isfinite(pb).all(axis=1)
    if ok.sum() < 5:
        return False
    height = max(float(np.ptp(pa[ok, 1])), 1e-3)
    return float(np.linalg.norm(pa[ok] - pb[ok], axis=1).mean()) <= tolerance * height


def whole_inside(kp: KeyPoints, view: View, size: tuple[int, int]) -> bool:
    """Whether a single-person reading stands wholly inside the tile `view` (all body joints found, inside
    it) and at most 3/4 of its height: what a far person found in a tile looks like. A face of a big
    person seen in a tile reads as a small person whose legs the model draws out of the tile or frame."""
    w, h = size
    x0, y0, x1, y1 = view
    pts = kp.xy[0, _BODY] * (w, h)
    if not np.isfinite(pts).all():
        return False
    inside = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    return bool(inside.all()) and float(np.ptp(pts[:, 1])) <= 0.75 * (y1 - y0)


def _covered(view: View, boxes: list[np.ndarray], size: tuple[int, int]) -> bool:
    """Whether one known person's box fills most of the tile (nobody else fits in it then)."""
    w, h = size
    x0, y0, x1, y1 = view
    area = (x1 - x0) * (y1 - y0)
    for b in boxes:
        if not np.isfinite(b).all():
            continue
        bx0, by0, bx1, by1 = np.asarray(b) * (w, h, w, h)
        iw = max(0.0, min(x1, bx1) - max(x0, bx0))
        ih = max(0.0, min(y1, by1) - max(y0, by0))
        if iw * ih >= 0.6 * area:
            return True
    return False


class TileSearch:
    """Schedules tile views for the detector's search: `views(...)` once per analysed frame."""

    def __init__(self, options: TileSearchOptions | None = None) -> None:
        self.options = options or TileSearchOptions()
        self._queue: list[View] = []  # tiles left in the running sweep
        self._running = False  # a sweep is under way (its last tiles may have been handed out)
        self._found = False  # the running sweep found someone
        self._rest = 0  # frames to wait before the next sweep
        self._fruitless = 0  # sweeps in a row that found nobody
        self._last_gray: np.ndarray | None = None  # the frame a sweep last started on (small, grey)
        self._fine = False  # the running (or next) sweep is over the finer tiles
        self.sweeps = 0

    @property
    def tile(self) -> float:
        """Side (share of the frame's shorter side) of the running sweep's tiles."""
        fine = self.options.fine_tile
        return fine if self._fine and fine is not None else self.options.tile

    def views(self, image: np.ndarray, tracked: int, known: list[np.ndarray]) -> list[View]:
        """Tiles (pixels) to search in this frame, given how many people are `tracked` and their boxes."""
        o = self.options
        h, w = image.shape[:2]
        if self._queue and tracked >= o.expected:
            self.stop()
        if not self._queue:
            if self._running:  # the sweep ended with the last frame's tiles
                self._running = False
                tall = any(np.isfinite(b).all() and b[3] - b[1] > o.fine_beside for b in known)
                if not self._found and not self._fine and o.fine_tile is not None and not tall:
                    self._fine = True  # nobody at this scale: the finer tiles next, right away
                else:
                    self._fine = False
                    self._fruitless = 0 if self._found else self._fruitless + 1
                    self._rest = 0 if self._found else self.rest_after(self._fruitless)
            if self._rest > 0:
                self._rest -= 1
                return []
            if tracked >= o.expected:
                return []
            self._queue = self._order(image, tile_grid((w, h), self.tile, o.overlap))
            self._running, self._found = True, False
            self.sweeps += 1
        out: list[View] = []
        while self._queue and len(out) < o.per_frame:
            view = self._queue.pop(0)
            if not _covered(view, known, (w, h)):
                out.append(view)
        return out

    def search(
        self,
        image: np.ndarray,
        found: list[Detection],
        look: Callable[[View, list[np.ndarray]], list[Detection]],
    ) -> list[Detection]:
        """New people in this frame's tiles, each confirmed by a second look centred on them.

        Args:
            image: the frame.
            found: the people the detector already has in this frame.
            look: the detector's search of a view (pixels) for people not among the given boxes.
        """
        size, o = (image.shape[1], image.shape[0]), self.options
        known, new = [d.box for d in found], []
        for view in self.views(image, len(found), known):
            boxes = known + [d.box for d in new]
            for cand in look(view, boxes):
                if not whole_inside(cand.keypoints, view, size):
                    continue  # not a small person: a face or a limb read as one
                # A small person is found in some crop sizes and not in others: several sizes.
                for second in dict.fromkeys(self.second_look(cand.box, size, c) for c in o.second_looks):
                    again = look(second, boxes)
                    if any(same_pose(cand.keypoints, d.keypoints) for d in again):  # found twice: no phantom
                        self.found()
                        new.append(cand)
                        break
        return new

    def second_look(self, box: np.ndarray, size: tuple[int, int], context: float = 3.0) -> View:
        """A tile centred on a person found in a tile (normalized `box`), `context` times their height (at
        most the running sweep's tile), to look again: a real person is found in both, the model's
        phantoms in textures (kettlebells on a rack) mostly in one crop."""
        w, h = size
        bh = (box[3] - box[1]) * h
        side = min(max(16, round(min(context * bh, min(w, h) * self.tile))), w, h)
        cx, cy = (box[0] + box[2]) / 2 * w, (box[1] + box[3]) / 2 * h
        x0 = int(np.clip(round(cx - side / 2), 0, w - side))
        y0 = int(np.clip(round(cy - side / 2), 0, h - side))
        return x0, y0, x0 + side, y0 + side

    def rest_after(self, fruitless: int) -> int:
        """Frames to wait after `fruitless` sweeps in a row found nobody: `rest`, doubling each time up to
        `max_rest` (a one-person recording stops paying for sweeps)."""
        return min(self.options.rest * 2 ** max(fruitless - 1, 0), self.options.max_rest)

    def found(self) -> None:
        """The detector found someone new in a tile of this sweep."""
        self._found = True

    def stop(self) -> None:
        """Everyone expected is tracked: drop the rest of the sweep (and sweep again as soon as
        someone is missing)."""
        self._queue = []
        self._running = False
        self._rest = 0
        self._fine = False

    def _order(self, image: np.ndarray, tiles: list[View]) -> list[View]:
        """Most motion since the last sweep first, then nearest the frame's middle."""
        import cv2

        h, w = image.shape[:2]
        side = self.options.motion_side
        small = cv2.resize(image, (side, max(1, round(side * h / w))), interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
        moved = np.zeros(len(tiles))
        if self._last_gray is not None and self._last_gray.shape == gray.shape:
            diff = np.abs(gray - self._last_gray) > 12
            sx, sy = gray.shape[1] / w, gray.shape[0] / h
            for i, (x0, y0, x1, y1) in enumerate(tiles):
                cut = diff[int(y0 * sy) : max(int(y1 * sy), int(y0 * sy) + 1),
                           int(x0 * sx) : max(int(x1 * sx), int(x0 * sx) + 1)]  # fmt: skip
                moved[i] = cut.mean() if cut.size else 0.0
        self._last_gray = gray
        centre = [np.hypot((x0 + x1) / 2 / w - 0.5, (y0 + y1) / 2 / h - 0.5) for x0, y0, x1, y1 in tiles]
        order = sorted(range(len(tiles)), key=lambda i: (-round(moved[i], 3), centre[i]))
        return [tiles[i] for i in order]
