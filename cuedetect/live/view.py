"""The live overlay: skeletons, ids, distance, active cues, status line and a 30 s history strip.

Pure drawing on BGR frames with the pose engine's annotators; `compose` makes the whole view.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from cuedetect.annotate import (
    DEESCALATION,
    ESCALATION,
    NEUTRAL,
    CueAnnotator,
    DistanceAnnotator,
    LabelAnnotator,
    SkeletonAnnotator,
    color_for,
)
from cuedetect.cue_ids import cue_kind
from cuedetect.hands.annotate import HandAnnotator

if TYPE_CHECKING:
    from cuedetect.live.hands import HandsView

KIND_COLOURS = {"escalation": ESCALATION, "de-escalation": DEESCALATION, "context": NEUTRAL}
STRIP_SPAN_S = 30.0


@dataclass
class ViewState:
    """Everything the view shows besides the frame itself."""

    ids: list[int] = field(default_factory=list)
    xy: np.ndarray = field(default_factory=lambda: np.zeros((0, 33, 2), np.float32))
    roles: Mapping[int, str] = field(default_factory=dict)
    distances: Sequence[tuple[int, int, float, float]] = ()
    active: Mapping[int, Sequence[str]] = field(default_factory=dict)
    strip_events: Sequence[Mapping[str, Any]] = ()
    now: float = 0.0
    fps: float = 0.0
    latency_ms: float = math.nan
    dropped: int = 0
    recording: bool = True
    message: str = ""
    mic_lufs: float | None = None  # the microphone's loudness now (None: no microphone)
    voice_cues: Sequence[str] = ()  # voice cues heard in the last second
    sound_note: str = ""  # why there is no sound, in one line ("no microphone: ...")
    hands: HandsView | None = None  # the hands read in this frame, with their states (None: not read)


def _label(
    text: str,
    img: np.ndarray,
    org: tuple[int, int],
    scale: float = 0.5,
    color: tuple[int, int, int] = (255, 255, 255),
) -> None:
    """Text on a darkened box, readable on any background."""
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    x, y = org
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(x - 2, 0), max(y - th - 3, 0), min(x + tw + 2, w), min(y + base + 1, h)
    if x1 > x0 and y1 > y0:
        img[y0:y1, x0:x1] = (img[y0:y1, x0:x1] * 0.3).astype(np.uint8)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, color, 1, cv2.LINE_AA)


def status_text(s: ViewState) -> str:
    lat = "-" if not math.isfinite(s.latency_ms) else f"{s.latency_ms:.0f} ms"
    rec = f"REC {int(s.now // 60):02d}:{int(s.now % 60):02d}" if s.recording else "not recording"
    return f"{s.fps:4.1f} fps  latency {lat}  dropped {s.dropped}  {rec}"


def strip_rows(events: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> list[int]:
    """The people the strip has a row for: those in view and those with events, sorted."""
    people = set(ids) | {int(e["person"]) for e in events}
    return sorted(people)


def strip_spans(
    events: Sequence[Mapping[str, Any]], now: float, span_s: float, width: int
) -> list[tuple[int, int, int, str, bool]]:
    """(person, x0, x1, cue, provisional) pixel spans of the events inside the last `span_s` seconds.

    The strip's right edge is `now`, its left edge `now - span_s`; spans are at least 2 px wide.
    """
    out = []
    left = now - span_s
    for e in events:
        s, t = max(float(e["start"]), left), min(float(e["end"]), now)
        if t < left or s > now:
            continue
        x0 = round((s - left) / span_s * (width - 1))
        x1 = max(x0 + 2, round((t - left) / span_s * (width - 1)))
        out.append((int(e["person"]), x0, min(x1, width), str(e["cue"]), bool(e.get("provisional"))))
        if e.get("other") is not None and e["cue"] == "too_close":
            out.append((int(e["other"]), x0, min(x1, width), str(e["cue"]), bool(e.get("provisional"))))
    return out


def draw_strip(
    img: np.ndarray,
    events: Sequence[Mapping[str, Any]],
    ids: Sequence[int],
    now: float,
    span_s: float = STRIP_SPAN_S,
    row_h: int = 14,
) -> np.ndarray:
    """A history strip at the bottom of `img`: one row per person, cue spans coloured by kind."""
    h, w = img.shape[:2]
    rows = strip_rows(events, ids)[:4]
    height = row_h * max(1, len(rows)) + 14
    top = h - height
    band = img[top:h]
    band[:] = (band * 0.35).astype(np.uint8)
    for k in range(0, int(span_s) + 1, 5):  # a tick every 5 s, labelled with seconds ago
        x = round((span_s - k) / span_s * (w - 1))
        cv2.line(img, (x, top), (x, h - 12), (90, 90, 90), 1)
        _label(f"-{k}s" if k else "now", img, (max(0, min(x - 12, w - 30)), h - 2), 0.33)
    where = {p: i for i, p in enumerate(rows)}
    for person, x0, x1, cue, provisional in strip_spans(events, now, span_s, w):
        if person not in where:
            continue
        y0 = top + 2 + where[person] * row_h
        colour = KIND_COLOURS.get(cue_kind(cue), NEUTRAL)
        cv2.rectangle(img, (x0, y0), (x1, y0 + row_h - 3), colour, 1 if provisional else -1)
        if x1 - x0 > 50:
            _label(cue.replace("_", " "), img, (x0 + 2, y0 + row_h - 5), 0.33)
    for person, i in where.items():
        y = top + 2 + i * row_h
        cv2.rectangle(img, (0, y), (5, y + row_h - 3), color_for(person), -1)
    return img


_SKELETON, _LABEL, _DIST, _CUES = SkeletonAnnotator(), LabelAnnotator(), DistanceAnnotator(), CueAnnotator()
_HANDS = HandAnnotator()


def compose(rgb: np.ndarray, s: ViewState) -> np.ndarray:
    """The whole live view as a BGR image (a new array; `rgb` is not changed)."""
    img = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    if len(s.ids):
        _SKELETON.annotate(img, s.xy, s.ids)
        if s.hands is not None and s.hands.persons:  # hand skeletons, labelled "fist", "open hand"...
            _HANDS.annotate(img, s.hands.landmarks, s.hands.persons, s.hands.states)
        _LABEL.annotate(img, s.xy, s.ids, {p: r for p, r in s.roles.items() if r != "unknown"})
        _DIST.annotate(img, s.xy, s.ids, s.distances)
        _CUES.annotate(img, s.xy, s.ids, s.active)
    _label(status_text(s), img, (22, 20), 0.55)
    if s.recording:  # a red recording dot
        cv2.circle(img, (11, 15), 6, (0, 0, 255), -1, cv2.LINE_AA)
    legend_y = 40
    for kind in ("escalation", "de-escalation"):
        cv2.rectangle(img, (8, legend_y - 9), (18, legend_y + 1), KIND_COLOURS[kind], -1)
        _label(kind, img, (22, legend_y), 0.45)
        legend_y += 16
    if s.message:
        _label(s.message, img, (8, legend_y + 8), 0.5, (0, 200, 255))
    if s.mic_lufs is not None:
        draw_mic(img, s.mic_lufs, s.voice_cues)
    elif s.sound_note:
        draw_sound_note(img, s.sound_note)
    return draw_strip(img, s.strip_events, s.ids, s.now)


def draw_sound_note(img: np.ndarray, note: str, scale: float = 0.4) -> np.ndarray:
    """Why there is no level bar, in one line at the top right, under the status line (shortened
    with "..." to fit beside the legend)."""
    room = img.shape[1] - 140  # the legend's column stays clear
    text = note
    while len(text) > 4 and cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0] > room:
        text = text[: len(text) - 4] + "..."
    width = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0]
    _label(text, img, (max(130, img.shape[1] - width - 10), 40), scale, (0, 200, 255))
    return img


def mic_fill(lufs: float, floor: float = -60.0, top: float = -10.0) -> float:
    """How full the level bar is (0..1) for a loudness in LUFS."""
    return float(np.clip((lufs - floor) / (top - floor), 0.0, 1.0))


def draw_mic(img: np.ndarray, lufs: float, cues: Sequence[str], width: int = 120) -> np.ndarray:
    """A microphone level bar at the top right, with the voice cues heard now under it."""
    from cuedetect.cue_ids import cue_label

    x0, y0 = img.shape[1] - width - 10, 8
    cv2.rectangle(img, (x0, y0), (x0 + width, y0 + 10), (90, 90, 90), 1)
    fill = round(mic_fill(lufs) * (width - 2))
    colour = ESCALATION if cues and any(cue_kind(c) == "escalation" for c in cues) else DEESCALATION
    if fill:
        cv2.rectangle(img, (x0 + 1, y0 + 1), (x0 + 1 + fill, y0 + 9), colour, -1)
    _label(f"mic {lufs:.0f} LUFS", img, (x0 - 92, y0 + 10), 0.4)
    for k, cue in enumerate(cues):
        _label(cue_label(cue), img, (x0, y0 + 28 + 16 * k), 0.45, KIND_COLOURS.get(cue_kind(cue), NEUTRAL))
    return img
