"""A tracked person's own VIDEO-mode landmarker (`Slot`) and the crop it watches (`slot_window`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from cuedetect.pose.proposals import track_window
from cuedetect.pose.still_gate import LastRead

__all__ = ["SMALL_CONTEXT", "Slot", "around", "slot_window"]

# Crop sizes (in body heights) a small person's landmarker tries in turn after a miss.
SMALL_CONTEXT = (3.0, 2.4, 3.6)


@dataclass
class Slot:
    """A VIDEO-mode landmarker, the last timestamp it saw, and the crop it is watching."""

    landmarker: Any
    last_ms: int = -1
    window: tuple[float, float, float, float] | None = None  # crop centre x, y, width, height (pixels)
    misses: int = 0  # frames in a row its person was not found
    read: LastRead | None = None  # its last read, for `StillGate`

    def stamp(self, ms: int) -> int:
        self.last_ms = max(ms, self.last_ms + 1)  # VIDEO mode needs strictly increasing timestamps
        return self.last_ms


def slot_window(
    slot: Slot, box: np.ndarray, size: tuple[int, int], margin: float
) -> tuple[int, int, int, int] | None:
    """The crop (pixels) for a track's predicted `box`; see `proposals.track_window`. After a miss, a
    small person's crop size varies: the detector finds them in some sizes and not in others."""
    if not np.isfinite(box).all():
        return None
    context = 3.0
    if slot.misses and (box[3] - box[1]) < 0.3:
        slot.window, context = None, SMALL_CONTEXT[slot.misses % len(SMALL_CONTEXT)]
    slot.window, pixels = track_window(box, slot.window, size, margin, context)
    return pixels


def around(box: np.ndarray, size: tuple[int, int], pad: float = 0.5) -> tuple[int, int, int, int] | None:
    """A track's predicted `box` (normalized) widened by `pad` times its height (as a share of the frame)
    each side, in pixels, inside the frame (None: not finite or under 16 px): half a body height above
    and below; to the sides the same share of the frame's width (0.9 body heights in a 16:9 frame)."""
    if not np.isfinite(box).all():
        return None
    w, h = size
    bh = float(box[3] - box[1])
    x0, y0 = max(0, int((box[0] - pad * bh) * w)), max(0, int((box[1] - pad * bh) * h))
    x1, y1 = min(w, int(np.ceil((box[2] + pad * bh) * w))), min(h, int(np.ceil((box[3] + pad * bh) * h)))
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    return x0, y0, x1, y1
