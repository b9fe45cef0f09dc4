"""Who is speaking on one microphone: the visible person whose mouth moves with the voice.

With one mixed channel (a room or camera microphone), the audio alone cannot say whose voice it is. Each
utterance is attributed to the person whose mouth motion follows the channel's voice envelope over it
(and its surroundings: a listener's mouth is still while the voice sounds). When no mouth is visible, or
nobody's motion clearly follows the voice, the utterance stays unattributed: shown, never guessed.

Mouth motion, per person and analysed frame: how much a small grey patch around the mouth (placed from
pose landmarks 9/10, the mouth corners, and 0, the nose, so it moves with the head) changed since the
person's previous analysed frame, minus the same change of a patch around the eyes (head motion,
blur and lighting move both; speaking moves the mouth).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.voice.analysis import HOP_S, VoiceResult
from cuedetect.voice.settings import VoiceSettings

NOSE, LEFT_EYE, RIGHT_EYE, MOUTH_LEFT, MOUTH_RIGHT = 0, 2, 5, 9, 10
PATCH = (16, 12)  # (width, height) every patch is resampled to
MIN_FACE_PX = 6.0  # a face smaller than this (eye to eye, or nose to mouth x 1.5) shows no mouth to read


@dataclass(frozen=True)
class MouthMotion:
    """One person's mouth motion over the analysed frames: NaN where their mouth was not visible."""

    person: int
    t: np.ndarray  # (n,) seconds, the analysed frames' times
    motion: np.ndarray  # (n,) mouth-patch change minus eye-patch change (grey levels 0..1)


def face_boxes(xy: np.ndarray, vis: np.ndarray, size: tuple[int, int], min_vis: float = 0.5,
               ) -> tuple[np.ndarray, np.ndarray] | None:  # fmt: skip
    """(mouth box, eye box) as [x0, y0, x1, y1] pixels for one person's landmarks (33, 2) normalised, or
    None when the mouth is not visible (landmarks missing or unsure, face too small or outside the image)."""
    w, h = size
    need = [NOSE, LEFT_EYE, RIGHT_EYE, MOUTH_LEFT, MOUTH_RIGHT]
    if not np.isfinite(xy[need]).all():
        return None
    sure = vis[[NOSE, MOUTH_LEFT, MOUTH_RIGHT]]
    if np.any(np.isfinite(sure) & (sure < min_vis)):
        return None
    p = xy * [w, h]
    nose, mouth = p[NOSE], (p[MOUTH_LEFT] + p[MOUTH_RIGHT]) / 2
    eyes = (p[LEFT_EYE] + p[RIGHT_EYE]) / 2
    face = max(float(np.linalg.norm(p[LEFT_EYE] - p[RIGHT_EYE])), 1.5 * float(np.linalg.norm(mouth - nose)),
               float(np.linalg.norm(p[MOUTH_LEFT] - p[MOUTH_RIGHT])))  # fmt: skip
    if face < MIN_FACE_PX:
        return None
    half = np.array([0.6, 0.5]) * face
    boxes = []
    for centre in (mouth + 0.25 * (mouth - nose), eyes):
        box = np.concatenate([centre - half, centre + half])
        if box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h:
            return None
        boxes.append(box)
    return boxes[0], boxes[1]


def _patch(grey: np.ndarray, box: np.ndarray) -> np.ndarray:
    import cv2

    x0, y0, x1, y1 = (round(float(v)) for v in box)
    crop = grey[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)]
    return cv2.resize(crop, PATCH, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0


def motion_from_frames(frames: Iterable[tuple[int, float, np.ndarray]], tracks: Any, min_vis: float = 0.5,
                       ) -> list[MouthMotion]:  # fmt: skip
    """Mouth motion of every tracked person from (frame index, t, RGB image) in time order.

    Args:
        frames: the analysed frames to read (others are skipped; motion needs two of a person in a row).
        tracks: `cuedetect.pose.tracked.Tracks` of the same video.
        min_vis: landmark visibility below which a mouth counts as not visible.
    """
    import cv2

    rows: dict[int, list[int]] = {}
    for i, f in enumerate(tracks.frame.tolist()):
        rows.setdefault(int(f), []).append(i)
    ids = tracks.person_ids()
    times: dict[int, list[float]] = {p: [] for p in ids}
    values: dict[int, list[float]] = {p: [] for p in ids}
    last: dict[int, tuple[int, np.ndarray, np.ndarray]] = {}
    order = {int(f): k for k, f in enumerate(tracks.analysed.tolist())}
    for index, t, image in frames:
        grey = None
        for i in rows.get(int(index), []):
            person = int(tracks.person[i])
            boxes = face_boxes(tracks.xy[i], tracks.vis[i], (image.shape[1], image.shape[0]), min_vis)
            value = np.nan
            if boxes is not None:
                grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if grey is None else grey
                mouth, eyes = _patch(grey, boxes[0]), _patch(grey, boxes[1])
                prev = last.get(person)
                if prev is not None and order.get(int(index), -9) - prev[0] == 1:
                    value = float(np.mean(np.abs(mouth - prev[1])) - np.mean(np.abs(eyes - prev[2])))
                last[person] = (order.get(int(index), -9), mouth, eyes)
            else:
                last.pop(person, None)
            times[person].append(float(t))
            values[person].append(value)
    return [MouthMotion(p, np.asarray(times[p]), np.asarray(values[p])) for p in ids]


def mouth_motion(video: Path, tracks: Any, spans: Sequence[tuple[float, float]], min_vis: float = 0.5,
                 ) -> list[MouthMotion]:  # fmt: skip
    """Decode the analysed frames of `video` that fall in `spans` (seconds) and measure mouth motion."""
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    t = np.asarray(tracks.analysed_t, dtype=float)
    keep = np.zeros(len(t), bool)
    for a, b in spans:
        keep |= (t >= a) & (t <= b)
    wanted = np.asarray(tracks.analysed, dtype=np.int64)[keep]
    if not len(wanted):
        return [MouthMotion(p, np.zeros(0), np.zeros(0)) for p in tracks.person_ids()]
    with VideoFileSource.create_from_options(VideoSourceOptions(video, indices=wanted, max_side=1280)) as src:
        return motion_from_frames(((f.index, f.t, f.image) for f in src), tracks, min_vis)


def _envelope(result: VoiceResult, channel: int, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
    """(t, level) of `channel` where its speech between `start` and `end` sounds, its quietest level elsewhere
    (other voices on the channel outside this utterance count as silence for it)."""
    df = result.frames
    ch = df[df["channel"] == channel]
    t = ch["t"].to_numpy(dtype=float)
    level = ch["level_db"].to_numpy(dtype=float)
    own = ch["speech"].to_numpy(bool) & (t >= start) & (t < end)
    floor = float(np.min(level)) if len(level) else 0.0
    return t, np.where(own, level, floor)


def _score(m: MouthMotion, t_env: np.ndarray, env: np.ndarray, start: float, end: float,
           s: VoiceSettings) -> float | None:  # fmt: skip
    """Correlation of a person's mouth motion with the utterance's envelope around it, or None when their
    mouth is visible for too little of the utterance."""
    lo, hi = start - s.mouth_context_s, end + s.mouth_context_s
    inside = (m.t >= lo) & (m.t <= hi)
    during = (m.t >= start) & (m.t <= end)
    seen = np.isfinite(m.motion)
    if during.sum() < 2 or (seen & inside).sum() < 5:
        return None
    if (seen & during).sum() < s.mouth_min_visible * during.sum():
        return None
    tt, mm = m.t[inside & seen], m.motion[inside & seen]
    # the motion at a frame is the change since the previous one: compare with the voice just before it
    dt = float(np.median(np.diff(m.t))) if len(m.t) > 1 else HOP_S
    c = np.concatenate([[0.0], np.cumsum(env)])
    a = np.clip(np.searchsorted(t_env, tt - dt), 0, len(env))
    b = np.clip(np.searchsorted(t_env, tt), 0, len(env))
    e = (c[np.maximum(b, a + 1).clip(max=len(env))] - c[a]) / np.maximum(b - a, 1)
    if np.std(e) < 1e-9 or np.std(mm) < 1e-9:
        return 0.0
    return float(np.corrcoef(mm, e)[0, 1])


def attribute_by_mouth(
    result: VoiceResult, motions: Sequence[MouthMotion], settings: VoiceSettings | None = None
) -> tuple[VoiceResult, dict[str, Any]]:
    """Attribute the unattributed utterances of `result` to the person whose mouth moves with them.

    An utterance goes to the person whose mouth motion correlates best with its voice envelope when that
    correlation is at least `mouth_min_r` and beats everyone else's by `mouth_margin`; otherwise it stays
    `UNATTRIBUTED`. The frame table's `person` follows. Returns (the new result, a summary for analysis.json).
    """
    s = settings or VoiceSettings()
    frames = result.frames.copy()
    person_col = frames["person"].to_numpy().copy()
    utts, counts = [], {"by_mouth": 0, "no_mouth_visible": 0, "unclear": 0}
    for u in result.utterances:
        if u.person != UNATTRIBUTED:
            utts.append(u)
            continue
        t_env, env = _envelope(result, u.channel, u.start, u.end)
        scores = {m.person: _score(m, t_env, env, u.start, u.end, s) for m in motions}
        seen = sorted(((r, p) for p, r in scores.items() if r is not None), reverse=True)
        if not seen:
            counts["no_mouth_visible"] += 1
            utts.append(replace(u, attribution="no mouth visible"))
            continue
        (r1, p1), r2 = seen[0], (seen[1][0] if len(seen) > 1 else -1.0)
        if r1 < s.mouth_min_r or r1 - r2 < s.mouth_margin:
            counts["unclear"] += 1
            utts.append(replace(u, attribution=f"unclear: mouth-voice correlation {r1:.2f} vs {r2:.2f}",
                                attribution_score=r1))  # fmt: skip
            continue
        counts["by_mouth"] += 1
        utts.append(replace(u, person=int(p1), attribution="mouth", attribution_score=r1))
        rows = (frames["channel"].to_numpy() == u.channel) & (frames["t"].to_numpy() >= u.start - 1e-9)
        rows &= (frames["t"].to_numpy() < u.end - 1e-9) & (frames["utterance"].to_numpy() >= 0)
        person_col[rows] = int(p1)
    frames["person"] = person_col.astype(frames["person"].dtype)
    return replace(result, frames=frames, utterances=utts), {"utterances": counts}
