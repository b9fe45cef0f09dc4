"""The hands during a cue, in an instructor's words: "both hands closed (fists) at chin height".

For each hand read over an event's span (`hands.parquet`), the shape it showed most, and among those
readings the way the palm faced most (open hands only: "palm toward the other person", from
`cuedetect.hands.toward_other`) and the height the hand was held at most, against the person's own body
(nose, shoulders and hips in the same frame): above the head, head, chin, chest or waist height, or below
the waist. Two hands alike are one phrase ("both hands open, palms toward the other person, at chest
height"); otherwise the hand showing the cue's shape comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cuedetect.landmarks import INDEX, SIDES

if TYPE_CHECKING:
    from cuedetect.pose.tracked import PersonTrack

PALM_POINTS = [0, 5, 9, 13, 17]  # wrist and the four knuckles: the palm's centre
# the shape of one hand, and of two alike
SHAPE_WORDS: dict[str, tuple[str, str]] = {
    "fist": ("closed (fist)", "closed (fists)"),
    "open_palm": ("open", "open"),
    "point": ("pointing a finger", "pointing a finger"),
    "thumb_up": ("giving a thumbs-up", "giving a thumbs-up"),
    "other": ("neither open nor closed", "neither open nor closed"),
}
# which way a palm faces, for one hand and for two alike
PALM_WORDS: dict[str, tuple[str, str]] = {
    "other_person": ("palm toward the other person", "palms toward the other person"),
    "camera": ("palm toward the camera", "palms toward the camera"),
    "away": ("back of the hand to the camera", "backs of the hands to the camera"),
    "up": ("palm up", "palms up"),
    "down": ("palm down", "palms down"),
    "side": ("palm sideways", "palms sideways"),
}
PALM_SHAPES = ("open_palm",)  # shapes whose palm is worth saying
CUE_SHAPE = {"fists_up": "fist", "open_hands": "open_palm", "pointing": "point"}


def height_word(hand_y: float, nose_y: float, shoulder_y: float, hip_y: float) -> str | None:
    """How high a hand is held against its own body, from image heights (y down, any one unit).

    The neck (nose to shoulder line) and the torso (shoulders to hips) measure the body where it is;
    without the hips in view the torso is taken as 2.5 necks. None where the nose or shoulders are
    missing or the body is not upright in the picture.
    """
    neck = shoulder_y - nose_y
    if not (np.isfinite(hand_y) and np.isfinite(neck)) or neck <= 0:
        return None
    torso = hip_y - shoulder_y if np.isfinite(hip_y) and hip_y > shoulder_y else 2.5 * neck
    if hand_y < nose_y - 0.6 * neck:  # the top of the head: about 0.55 necks above the nose
        return "above the head"
    if hand_y < nose_y + 0.3 * neck:
        return "at head height"
    if hand_y < shoulder_y + 0.1 * torso:
        return "at chin height"
    if hand_y < shoulder_y + 0.6 * torso:
        return "at chest height"
    waist = hip_y + 0.15 * torso if np.isfinite(hip_y) and hip_y > shoulder_y else shoulder_y + 1.15 * torso
    if hand_y < waist:
        return "at waist height"
    return "below the waist"


def _mean(values: np.ndarray) -> float:
    """The mean of the values that are not NaN (NaN, without numpy's empty-slice warning, if none)."""
    v = np.asarray(values, dtype=float)
    return float("nan") if np.isnan(v).all() else float(np.nanmean(v))


def _heights(rows: pd.DataFrame, track: PersonTrack | None) -> list[str | None]:
    """The height word of each hand row (None where the hand or the body is not known)."""
    if track is None or not len(rows):
        return [None] * len(rows)
    at = {int(f): k for k, f in enumerate(track.frame)}
    cols = [f"hy{j}" for j in PALM_POINTS]
    hy = rows[cols].to_numpy(dtype=float) if set(cols) <= set(rows.columns) else None
    out: list[str | None] = []
    for i, f in enumerate(rows["frame"].to_numpy()):
        k = at.get(int(f))
        if k is None or hy is None:
            out.append(None)
            continue
        y = track.xy[k, :, 1]
        shoulder = _mean(y[[INDEX["left_shoulder"], INDEX["right_shoulder"]]])
        hip = _mean(y[[INDEX["left_hip"], INDEX["right_hip"]]])
        out.append(height_word(_mean(hy[i]), float(y[INDEX["nose"]]), shoulder, hip))
    return out


def _mode(values: Sequence[object]) -> str | None:
    vals = pd.Series([v for v in values if isinstance(v, str)])
    return str(vals.mode().iloc[0]) if len(vals) else None


def _summary(rows: pd.DataFrame, heights: list[str | None]) -> tuple[str, str | None, str | None] | None:
    """(shape, palm, height) of one hand over a span: the shape it showed most, and among those rows the
    palm's way (for `PALM_SHAPES`) and the height it was held at most."""
    shapes = rows["state"].to_numpy()
    shape = _mode(list(shapes))
    if shape is None:
        return None
    mine = shapes == shape
    palm = None
    if shape in PALM_SHAPES and "palm_facing" in rows.columns:
        palm = _mode(list(rows["palm_facing"].to_numpy()[mine]))
    height = _mode([h for h, m in zip(heights, mine, strict=True) if m])
    return shape, palm, height


def _phrase(who: str, shape: str, palm: str | None, height: str | None, both: bool) -> str:
    words = [f"{who} {SHAPE_WORDS.get(shape, (shape, shape))[1 if both else 0]}"]
    if palm in PALM_WORDS:
        words.append(PALM_WORDS[palm][1 if both else 0])
    text = ", ".join(words)
    if height:
        text += f"{',' if palm in PALM_WORDS else ''} {height}"
    return text


def describe_hands(hands: pd.DataFrame | None, person: int, start: float, end: float,
                   track: PersonTrack | None = None, cue: str | None = None) -> str:  # fmt: skip
    """The hands of `person` from `start` to `end` (seconds) in words ('' where no hand was read).

    Args:
        hands: the hands.parquet table (with `palm_facing`, and the hand landmarks for heights).
        person: whose hands.
        start, end: the span.
        track: the person's body track (heights; None: no heights).
        cue: the hand cue the words are for: the hand showing its shape is named first.
    """
    if hands is None or len(hands) == 0:
        return ""
    h = hands[(hands["person"] == person) & hands["time"].between(start, end) & hands["state"].notna()]
    seen = {}
    for side in SIDES:
        rows = h[h["side"] == side]
        if len(rows) and (s := _summary(rows, _heights(rows, track))) is not None:
            seen[side] = s
    if not seen:
        return ""
    if len(seen) == 2 and seen["left"] == seen["right"]:
        return _phrase("both hands", *seen["left"], both=True)
    want = CUE_SHAPE.get(cue or "")
    order = sorted(seen, key=lambda side: (seen[side][0] != want, side != "right"))
    return "; ".join(_phrase(f"{side} hand", *seen[side], both=False) for side in order)
