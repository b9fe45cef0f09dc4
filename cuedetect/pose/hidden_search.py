"""Looking for a person hidden behind (or in front of) a person already found.

Where two people overlap in the picture, MediaPipe's person detector reads the pair as one person, and
painting the found person out as a box (what the full-frame search does) paints out most of the other
one too. Painting out only the found person's *skeleton* (limbs as thick lines, torso and head filled)
leaves the other person's visible parts, and the landmarker run on a crop around the pair then finds
them. Someone proposed there counts only when

* the model is sure of them (presence at least `min_presence`),
* they are not the found person read again (their joints lie at least `min_shift` body heights from
  every known person's),
* at most half of their visible joints lie on the paint (the model completing a body from what is left
  of the painted one), and
* a second look, on a crop centred on them (painted the same way), finds the same pose.

It costs two or three landmarker runs (~30 ms each), so it runs only while fewer people are found than
a role-play has (`expected`) and someone is found to look behind: at once when the number of people
found drops (someone just walked behind the other) and then every `every` frames; after `patience`
fruitless looks in a row it rests (`rest` frames, doubling up to `max_rest`), so a one-person recording
stops paying for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cuedetect.pose.keypoints import KeyPoints

__all__ = ["HiddenSearch", "HiddenSearchOptions", "paint_skeleton", "pair_view"]

View = tuple[int, int, int, int]  # pixels x0, y0, x1, y1
_GREY = (127, 127, 127)
_BONES = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (15, 19), (16, 20),
    (11, 23), (12, 24), (23, 24), (23, 25), (25, 27), (24, 26), (26, 28), (27, 31), (28, 32),
)  # fmt: skip
_TORSO = (11, 12, 24, 23)
_HEAD = (0, 2, 5, 7, 8)
_BODY = [0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]


@dataclass
class HiddenSearchOptions:
    """Options of `HiddenSearch`.

    Attributes:
        expected: look while fewer people than this are found in a frame (a role-play's two).
        every: analysed frames between looks while someone is missing.
        patience: fruitless looks in a row before a rest.
        rest: analysed frames of the first rest; doubled after each further fruitless round, up to
            `max_rest`.
        thickness: width of the painted limbs, as a share of the painted person's height.
        min_presence: least mean landmark presence of a person proposed here.
        min_shift: least mean joint distance (in body heights) from every known person.
        max_on_paint: most of a proposal's visible joints that may lie on the paint.
        context: the crop around a found person reaches this many body heights beside them.
    """

    expected: int = 2
    every: int = 2
    patience: int = 4
    rest: int = 45
    max_rest: int = 720
    thickness: float = 0.07
    min_presence: float = 0.9
    min_shift: float = 0.12
    max_on_paint: float = 0.5
    context: float = 0.5


def _height(xy: np.ndarray) -> float:
    ok = np.isfinite(xy).all(axis=1)
    return float(np.ptp(xy[ok, 1])) if ok.sum() >= 2 else 0.0


def paint_skeleton(image: np.ndarray, people: list[np.ndarray], thickness: float) -> np.ndarray:
    """A copy of `image` with each person (33 x 2 normalized landmarks) painted grey as a skeleton:
    limbs as lines `thickness` of their height wide, the torso and the head filled."""
    import cv2

    h, w = image.shape[:2]
    out = image.copy()
    for xy in people:
        pts = xy * (w, h)
        width = max(3, round(thickness * _height(xy) * h))
        for a, b in _BONES:
            if np.isfinite(pts[[a, b]]).all():
                p, q = np.round(pts[[a, b]]).astype(int)
                cv2.line(out, (int(p[0]), int(p[1])), (int(q[0]), int(q[1])), _GREY, width)
        torso = pts[list(_TORSO)]
        if np.isfinite(torso).all():
            cv2.fillConvexPoly(out, np.round(torso).astype(np.int32), _GREY)
            cv2.polylines(out, [np.round(torso).astype(np.int32)], True, _GREY, width)
        head = pts[list(_HEAD)]
        head = head[np.isfinite(head).all(axis=1)]
        if len(head):
            shoulders = pts[[11, 12]]
            span = float(np.linalg.norm(shoulders[0] - shoulders[1])) if np.isfinite(shoulders).all() else 0
            radius = max(np.ptp(head[:, 0]) * 0.8, 0.3 * span, width)
            cx, cy = head.mean(axis=0)
            cv2.circle(out, (round(float(cx)), round(float(cy))), round(float(radius)), _GREY, -1)
    return out


def pair_view(xy: np.ndarray, size: tuple[int, int], context: float) -> View | None:
    """Pixels of a crop around a person (normalized landmarks): `context` body heights to each side,
    a fifth above and below (None when the person has too few landmarks)."""
    w, h = size
    ok = np.isfinite(xy).all(axis=1)
    if ok.sum() < 5:
        return None
    (x0, y0), (x1, y1) = xy[ok].min(axis=0), xy[ok].max(axis=0)
    bh = y1 - y0
    side = context * bh * h / w
    view = (
        int(np.clip((x0 - side) * w, 0, w)),
        int(np.clip((y0 - 0.2 * bh) * h, 0, h)),
        int(np.clip((x1 + side) * w, 0, w)),
        int(np.clip((y1 + 0.2 * bh) * h, 0, h)),
    )
    return view if view[2] - view[0] >= 32 and view[3] - view[1] >= 32 else None


def _shift(a: np.ndarray, b: np.ndarray, size: tuple[int, int]) -> float:
    """Mean distance (pixels) of the body joints of two poses, in `b`'s body heights (inf: too few in
    common)."""
    pa, pb = a[_BODY] * size, b[_BODY] * size
    ok = np.isfinite(pa).all(axis=1) & np.isfinite(pb).all(axis=1)
    if ok.sum() < 4:
        return np.inf
    return float(np.linalg.norm(pa[ok] - pb[ok], axis=1).mean()) / max(_height(b) * size[1], 1.0)


def _on_paint(kp: KeyPoints, painted: np.ndarray, image: np.ndarray) -> float:
    """Share of a pose's visible landmarks (inside the image) that lie on painted pixels."""
    h, w = image.shape[:2]
    vis = np.nan_to_num(kp.visibility[0], nan=0.0) >= 0.5
    pts = kp.xy[0][vis & np.isfinite(kp.xy[0]).all(axis=1)] * (w, h)
    pts = pts[(pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)].astype(int)
    if not len(pts):
        return 1.0
    changed = (painted[pts[:, 1], pts[:, 0]] != image[pts[:, 1], pts[:, 0]]).any(axis=1)
    return float(changed.mean())


class HiddenSearch:
    """Schedules and judges looks behind found people: `search(...)` once per analysed frame."""

    def __init__(self, options: HiddenSearchOptions | None = None) -> None:
        self.options = options or HiddenSearchOptions()
        self._last_found = 0  # people found in the last frame
        self._wait = 0  # frames until the next look
        self._fruitless = 0  # looks in a row that found nobody
        self._rounds = 0  # rests in a row (each longer)
        self.looks = 0

    def due(self, found: int) -> bool:
        """Whether to look in this frame, with `found` people found in it. Advances the schedule."""
        o = self.options
        dropped = found < self._last_found
        self._last_found = found
        if found == 0 or found >= o.expected:
            self._wait, self._fruitless = 0, 0
            return False
        if dropped and self._fruitless < o.patience:
            self._wait = 0
        if self._wait > 0:
            self._wait -= 1
            return False
        return True

    def _after(self, success: bool) -> None:
        o = self.options
        if success:
            self._fruitless = self._rounds = 0
            self._wait = 0
            return
        self._fruitless += 1
        if self._fruitless >= o.patience:
            self._rounds += 1
            self._fruitless = 0
            self._wait = min(o.rest * 2 ** (self._rounds - 1), o.max_rest)
        else:
            self._wait = o.every - 1

    def search(
        self,
        image: np.ndarray,
        known: list[np.ndarray],
        read: Callable[[np.ndarray, View], KeyPoints],
    ) -> list[KeyPoints]:
        """People hidden behind the found ones in this frame (single-person `KeyPoints`, frame coords).

        Args:
            image: the frame (RGB).
            known: the landmarks (33 x 2, normalized) of everyone found in it.
            read: the landmarker on the view (pixels) of an image: every pose it finds there.
        """
        if not self.due(len(known)):
            return []
        o = self.options
        h, w = image.shape[:2]
        painted = paint_skeleton(image, known, o.thickness)
        new: list[KeyPoints] = []
        for xy in sorted(known, key=lambda p: -_height(p)):  # the tallest (nearest) hides the most
            view = pair_view(xy, (w, h), o.context)
            if view is None:
                continue
            self.looks += 1
            for cand in self._candidates(read(painted, view), image, painted, known + [k.xy[0] for k in new]):
                again = pair_view(cand.xy[0], (w, h), o.context)
                if again is None:
                    continue
                self.looks += 1
                if any(_shift(cand.xy[0], d.xy[0], (w, h)) <= 0.1 for d in self._split(read(painted, again))):
                    new.append(cand)
            if len(known) + len(new) >= o.expected:
                break
        self._after(bool(new))
        return new

    def _candidates(
        self, kp: KeyPoints, image: np.ndarray, painted: np.ndarray, known: list[np.ndarray]
    ) -> list[KeyPoints]:
        o = self.options
        out = []
        for cand in self._split(kp):
            if cand.confidence[0] < o.min_presence:
                continue
            if any(_shift(cand.xy[0], k, image.shape[1::-1]) < o.min_shift for k in known):
                continue  # a known person read again
            if _on_paint(cand, painted, image) > o.max_on_paint:
                continue  # a body completed from the paint
            out.append(cand)
        return out

    @staticmethod
    def _split(kp: KeyPoints) -> list[KeyPoints]:
        return [kp[i] for i in range(len(kp))]
