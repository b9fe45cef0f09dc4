"""Drawing poses, ids, distances and cues on frames, and writing the annotated video.

In roboflow/supervision's style: one annotator per thing, each with
``annotate(scene, ...) -> scene`` that draws on `scene` (an H x W x 3 uint8 array) in place and returns
it. Colours are defined in BGR (OpenCV's order); give an annotator ``color_order="rgb"`` when the scene
is RGB (PyAV's ``rgb24``, MediaPipe's images). Landmarks are normalized image coordinates, shape
(n, 33, 2), NaN = missing; missing points are never drawn.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from cuedetect.cue_ids import cue_label
from cuedetect.io_atomic import atomic_path
from cuedetect.landmarks import INDEX, SKELETON_EDGES

Color = tuple[int, int, int]  # BGR

# Distinct, colour-blind-friendly (Okabe-Ito), BGR.
PALETTE: tuple[Color, ...] = (
    (0, 159, 230),  # orange
    (233, 180, 86),  # sky blue
    (115, 158, 0),  # bluish green
    (66, 228, 240),  # yellow
    (178, 114, 0),  # blue
    (0, 94, 213),  # vermillion
    (167, 121, 204),  # reddish purple
)
GREEN: Color = (80, 175, 76)
AMBER: Color = (0, 191, 255)
RED: Color = (54, 67, 244)
ESCALATION: Color = (54, 67, 244)
DEESCALATION: Color = (243, 150, 33)
NEUTRAL: Color = (200, 200, 200)

_HEAD = np.arange(0, 11)
_HIPS = (INDEX["left_hip"], INDEX["right_hip"])


def color_for(
    person: int, palette: Sequence[Color] = PALETTE, colors: Mapping[int, Color] | None = None
) -> Color:
    """A person's colour (BGR): from `colors` when it has one for them (e.g. by role), else a stable colour
    per id from `palette`."""
    if colors is not None and int(person) in colors:
        return colors[int(person)]
    return palette[int(person) % len(palette)]


class _Annotator:
    """Shared: the scene's channel order."""

    def __init__(self, color_order: str = "bgr") -> None:
        if color_order not in ("bgr", "rgb"):
            raise ValueError("color_order must be 'bgr' or 'rgb'")
        self.color_order = color_order

    def _c(self, color: Color) -> Color:
        return color if self.color_order == "bgr" else (color[2], color[1], color[0])


def _pixels(scene: np.ndarray, xy: np.ndarray) -> np.ndarray:
    h, w = scene.shape[:2]
    return np.asarray(xy, dtype=np.float64) * np.array([w, h])


def _ok(p: np.ndarray) -> bool:
    return bool(np.isfinite(p).all()) and bool(np.all(np.abs(p) < 1e6))


def _ids(xy: np.ndarray, ids: Sequence[int] | np.ndarray | None) -> list[int]:
    return list(range(len(xy))) if ids is None else [int(i) for i in ids]


def _text(scene: np.ndarray, text: str, org: tuple[int, int], color: Color, scale: float) -> None:
    """Text with a filled background box in `color`, black or white letters, kept inside the frame."""
    font, thick = cv2.FONT_HERSHEY_SIMPLEX, max(1, round(scale * 2))
    (tw, th), base = cv2.getTextSize(text, font, scale, thick)
    h, w = scene.shape[:2]
    x = int(min(max(org[0], 0), max(w - tw - 4, 0)))
    y = int(min(max(org[1], th + 4), h - base - 2))
    cv2.rectangle(scene, (x, y - th - 4), (x + tw + 4, y + base), color, -1)
    ink = (0, 0, 0) if sum(color) > 380 else (255, 255, 255)
    cv2.putText(scene, text, (x + 2, y - 2), font, scale, ink, thick, cv2.LINE_AA)


class SkeletonAnnotator(_Annotator):
    """MediaPipe's body edges and joints, one colour per person id."""

    def __init__(
        self,
        edges: Sequence[tuple[int, int]] = SKELETON_EDGES,
        thickness: int = 2,
        radius: int = 3,
        palette: Sequence[Color] = PALETTE,
        min_visibility: float = 0.0,
        color_order: str = "bgr",
    ) -> None:
        super().__init__(color_order)
        self.edges, self.thickness, self.radius = edges, thickness, radius
        self.palette, self.min_visibility = palette, min_visibility

    def annotate(
        self,
        scene: np.ndarray,
        xy: np.ndarray,
        ids: Sequence[int] | np.ndarray | None = None,
        visibility: np.ndarray | None = None,
        colors: Mapping[int, Color] | None = None,
    ) -> np.ndarray:
        """`colors` (person id -> BGR) overrides the palette, e.g. to draw everyone in their role's colour."""
        pts_all = _pixels(scene, xy)
        for i, pid in enumerate(_ids(xy, ids)):
            pts = pts_all[i].copy()
            if visibility is not None:
                pts[~(np.nan_to_num(visibility[i], nan=-1.0) >= self.min_visibility)] = np.nan
            color = self._c(color_for(pid, self.palette, colors))
            for a, b in self.edges:
                if _ok(pts[a]) and _ok(pts[b]):
                    p, q = np.round(pts[a]).astype(int), np.round(pts[b]).astype(int)
                    cv2.line(scene, tuple(p), tuple(q), color, self.thickness, cv2.LINE_AA)
            for p in pts:
                if _ok(p):
                    cv2.circle(scene, tuple(np.round(p).astype(int)), self.radius, color, -1, cv2.LINE_AA)
        return scene


class LabelAnnotator(_Annotator):
    """The person's id (and role) just above the head."""

    def __init__(
        self, scale: float = 0.6, palette: Sequence[Color] = PALETTE, color_order: str = "bgr"
    ) -> None:
        super().__init__(color_order)
        self.scale, self.palette = scale, palette

    def annotate(
        self,
        scene: np.ndarray,
        xy: np.ndarray,
        ids: Sequence[int] | np.ndarray | None = None,
        roles: Sequence[str] | Mapping[int, str] | None = None,
        colors: Mapping[int, Color] | None = None,
    ) -> np.ndarray:
        pts_all = _pixels(scene, xy)
        for i, pid in enumerate(_ids(xy, ids)):
            pts = pts_all[i]
            head = pts[_HEAD][np.isfinite(pts[_HEAD]).all(axis=1)]
            if not len(head):
                head = pts[np.isfinite(pts).all(axis=1)]
            if not len(head):
                continue
            role = roles.get(pid) if isinstance(roles, Mapping) else (roles[i] if roles is not None else None)
            text = f"{pid} {role}" if role else f"{pid}"
            x, top = float(head[:, 0].mean()), float(head[:, 1].min())
            _text(
                scene,
                text,
                (round(x - 20), round(top - 12)),
                self._c(color_for(pid, self.palette, colors)),
                self.scale,
            )
        return scene


def hip_midpoints(xy: np.ndarray) -> np.ndarray:
    """(n, 2) the midpoint of the two hips, NaN when either is missing."""
    return np.asarray(xy, dtype=np.float64)[:, list(_HIPS)].mean(axis=1)


def _distance_settings() -> tuple[float, float]:
    try:
        from cuedetect.cues.settings import CueSettings
    except ImportError:  # the cue settings are optional for drawing: their documented defaults
        return 1.0, 1.2
    s = CueSettings()
    return s.too_close_m, s.safe_distance_m


class DistanceAnnotator(_Annotator):
    """A line between two people's hip midpoints labelled with their floor distance.

    Red when too close (below `too_close_m`), amber below the safe distance `safe_m`, green at or beyond
    it: by default the thresholds of the cues and the session summary (`CueSettings`), so the video and
    the numbers agree.
    """

    def __init__(
        self,
        too_close_m: float | None = None,
        safe_m: float | None = None,
        thickness: int = 2,
        scale: float = 0.6,
        color_order: str = "bgr",
    ) -> None:
        super().__init__(color_order)
        default_close, default_safe = _distance_settings()
        self.too_close_m = default_close if too_close_m is None else too_close_m
        self.safe_m = default_safe if safe_m is None else safe_m
        self.thickness, self.scale = thickness, scale

    def color(self, distance_m: float) -> Color:
        """Red, amber or green (BGR) for a distance."""
        if distance_m < self.too_close_m:
            return RED
        return AMBER if distance_m < self.safe_m else GREEN

    def annotate(
        self,
        scene: np.ndarray,
        xy: np.ndarray,
        ids: Sequence[int] | np.ndarray | None,
        pairs: Iterable[tuple[int, int, float] | tuple[int, int, float, float]],
    ) -> np.ndarray:
        """`pairs` are rows (person, other, distance_m[, distance_sd_m]) for this frame."""
        where = {pid: i for i, pid in enumerate(_ids(xy, ids))}
        hips = _pixels(scene, hip_midpoints(xy)) if len(xy) else np.zeros((0, 2))
        for row in pairs:
            a, b, d = int(row[0]), int(row[1]), float(row[2])
            if a not in where or b not in where or not math.isfinite(d):
                continue
            p, q = hips[where[a]], hips[where[b]]
            if not (_ok(p) and _ok(q)):
                continue
            color = self._c(self.color(d))
            cv2.line(
                scene,
                tuple(np.round(p).astype(int)),
                tuple(np.round(q).astype(int)),
                color,
                self.thickness,
                cv2.LINE_AA,
            )
            sd = float(row[3]) if len(row) > 3 else math.nan
            text = f"{d:.2f} m" + (f" +-{sd:.2f}" if math.isfinite(sd) else "")
            mid = (p + q) / 2
            _text(scene, text, (round(mid[0] - 30), round(mid[1] - 8)), color, self.scale)
        return scene


def _default_kinds() -> dict[str, str]:
    try:
        from cuedetect.cues.catalogue import CATALOGUE
    except ImportError:  # the catalogue is optional for drawing
        return {"open_hands": "de-escalation"}
    return {c.id: c.kind for c in CATALOGUE}


class CueAnnotator(_Annotator):
    """The cues active for each person in plain words ("fists up"), listed beside their body in the
    escalation and de-escalation colours."""

    def __init__(
        self,
        kinds: Mapping[str, str] | None = None,
        escalation: Color = ESCALATION,
        deescalation: Color = DEESCALATION,
        scale: float = 0.5,
        color_order: str = "bgr",
    ) -> None:
        super().__init__(color_order)
        self.kinds = dict(kinds) if kinds is not None else _default_kinds()
        self.colors = {"escalation": escalation, "de-escalation": deescalation}
        self.scale = scale

    def annotate(
        self,
        scene: np.ndarray,
        xy: np.ndarray,
        ids: Sequence[int] | np.ndarray | None,
        cues: Mapping[int, Sequence[str]],
    ) -> np.ndarray:
        pts_all = _pixels(scene, xy)
        line_h = round(28 * self.scale / 0.5)
        for i, pid in enumerate(_ids(xy, ids)):
            names = cues.get(pid, ())
            pts = pts_all[i][np.isfinite(pts_all[i]).all(axis=1)]
            if not names or not len(pts):
                continue
            x, y = float(pts[:, 0].max()) + 8, float(pts[:, 1].min()) + line_h
            for k, name in enumerate(names):
                color = self._c(self.colors.get(self.kinds.get(name, "escalation"), NEUTRAL))
                _text(scene, cue_label(name), (round(x), round(y + k * line_h)), color, self.scale)
        return scene


class AnnotatedVideoWriter:
    """Write frames to an H.264 mp4 (yuv420p, faststart: plays in browsers), atomically.

    Frames go to a temporary file beside `path`, which replaces `path` only when the block exits without
    an exception; otherwise nothing is left behind. Odd frame sizes are padded by one pixel (yuv420p needs
    even sizes).

    Example:
        >>> with AnnotatedVideoWriter("out.mp4", fps=15, size=(1280, 720)) as writer:  # doctest: +SKIP
        ...     writer.write(frame_bgr)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fps: float,
        size: tuple[int, int],
        crf: int = 23,
        preset: str = "veryfast",
        channels: str = "bgr24",
    ) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.path = Path(path)
        self.fps = Fraction(fps).limit_denominator(1001)
        self.size = (int(size[0]), int(size[1]))
        self.options = {"crf": str(crf), "preset": preset}
        self.channels = channels
        self.frames = 0
        self._stack = contextlib.ExitStack()
        self._container: Any = None
        self._stream: Any = None

    def __enter__(self) -> AnnotatedVideoWriter:
        import av

        tmp = self._stack.enter_context(atomic_path(self.path))
        self._container = av.open(str(tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
        stream = self._container.add_stream("libx264", rate=self.fps, options=self.options)
        w, h = self.size
        stream.width, stream.height = w + w % 2, h + h % 2
        stream.pix_fmt = "yuv420p"
        self._stream = stream
        return self

    def write(self, frame: np.ndarray) -> None:
        """Append one H x W x 3 uint8 frame (`channels` order, BGR by default) of the writer's size."""
        import av

        if frame.shape[:2] != (self.size[1], self.size[0]):
            raise ValueError(
                f"frame is {frame.shape[1]}x{frame.shape[0]}, writer is {self.size[0]}x{self.size[1]}"
            )
        pad_h, pad_w = self._stream.height - frame.shape[0], self._stream.width - frame.shape[1]
        if pad_h or pad_w:
            frame = np.pad(frame, ((0, pad_h), (0, pad_w), (0, 0)), mode="edge")
        vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame, dtype=np.uint8), format=self.channels)
        for packet in self._stream.encode(vf):
            self._container.mux(packet)
        self.frames += 1

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
            self._container.close()
        except BaseException as err:  # a failed flush must not rename a broken file into place
            if exc_type is None:
                exc_type, exc, tb = type(err), err, err.__traceback__
            raise
        finally:
            # atomic_path renames the temporary file on success and removes it on an exception.
            self._stack.__exit__(exc_type, exc, tb)
