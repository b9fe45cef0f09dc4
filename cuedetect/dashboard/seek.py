"""Where the video should go: seek requests, next/previous event and keyboard shortcuts (pure).

The review stage (`cuedetect.dashboard.player`) sets the video's `currentTime` to a `Seek`'s exact time
(no whole-second flooring as with `st.video(start_time=...)`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Key -> action. Single letters, no modifiers. Streamlit reserves C and R (clear cache, rerun).
# next/previous/confirm/reject are Streamlit's own button shortcuts (`st.button(shortcut=...)`);
# the others need the video, so the review stage (`player.py`) handles them (`BRIDGE_ACTIONS`).
SHORTCUTS: dict[str, str] = {
    "n": "next",
    "p": "previous",
    "y": "confirm",
    "x": "reject",
    "m": "mark",
    "k": "play_pause",
    "l": "loop",
    ",": "frame_back",
    ".": "frame_forward",
}
BRIDGE_ACTIONS = ("mark", "play_pause", "loop", "frame_back", "frame_forward")
RESERVED_BY_STREAMLIT = ("c", "r")
ACTION_HELP: dict[str, str] = {
    "next": "jump to the next event",
    "previous": "jump to the previous event",
    "confirm": "confirm the selected event",
    "reject": "reject the selected event",
    "mark": "take the video's current moment for a new event or comment",
    "play_pause": "play / pause the video",
    "loop": "play the selected event over and over",
    "frame_back": "one frame back",
    "frame_forward": "one frame forward",
}
LEAD_IN_S = 0.0


@dataclass(frozen=True)
class Seek:
    """A seek request: `t` exact seconds, `whole_s` what st.video can take, `key` the event (if any)."""

    t: float
    key: str | None = None

    @property
    def whole_s(self) -> int:
        return math.floor(self.t)


def clamp(t: float, duration: float) -> float:
    return min(max(float(t), 0.0), max(float(duration), 0.0))


def step_event(
    order: Sequence[tuple[str, float]], current: str | None, t: float | None, direction: int
) -> str | None:
    """The next (`direction` 1) or previous (-1) event key in time order.

    From the selected event when there is one, else from the video time `t` (events starting after it,
    or before it), else from the start. None when there is nothing further that way.
    """
    if not order:
        return None
    keys = [k for k, _ in order]
    if current in keys:
        i = keys.index(current) + direction
        return keys[i] if 0 <= i < len(keys) else None
    if t is None:
        return keys[0] if direction > 0 else None
    if direction > 0:
        later = [k for k, s in order if s > t + 1e-6]
        return later[0] if later else None
    earlier = [k for k, s in order if s < t - 1e-6]
    return earlier[-1] if earlier else None


def key_action(key: str) -> str | None:
    """The action of a pressed key (case-insensitive), or None."""
    return SHORTCUTS.get((key or "").lower())


def shortcut_for(action: str) -> str:
    """The key of an action, as `st.button(shortcut=...)` takes it."""
    return next(k.upper() for k, a in SHORTCUTS.items() if a == action)


def bridge_keys() -> dict[str, str]:
    """The keys the player bridge listens for (the others are buttons' own shortcuts)."""
    return {k: a for k, a in SHORTCUTS.items() if a in BRIDGE_ACTIONS}


def shortcut_help() -> list[tuple[str, str]]:
    return [(k.upper(), ACTION_HELP[a]) for k, a in SHORTCUTS.items()]
