"""Where the video should go: timeline selections, next/previous event and keyboard shortcuts (pure).

Streamlit's `st.video(start_time=...)` only takes whole seconds (it floors). The page therefore passes
the floored second to `st.video` (a fallback that is never later than the moment) and the exact time to
the in-page player bridge (`cuedetect.dashboard.player`), which sets the video's `currentTime` itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cuedetect.dashboard.timeline import EVENT_PARAM, MOMENT_PARAM

# Key -> action. Single letters, no modifiers. Streamlit reserves C and R (clear cache, rerun).
# next/previous/confirm/reject are Streamlit's own button shortcuts (`st.button(shortcut=...)`);
# mark and play/pause need the video, so the player bridge handles them (`BRIDGE_ACTIONS`).
SHORTCUTS: dict[str, str] = {
    "n": "next",
    "p": "previous",
    "y": "confirm",
    "x": "reject",
    "m": "mark",
    "k": "play_pause",
}
BRIDGE_ACTIONS = ("mark", "play_pause")
RESERVED_BY_STREAMLIT = ("c", "r")
ACTION_HELP: dict[str, str] = {
    "next": "jump to the next event",
    "previous": "jump to the previous event",
    "confirm": "confirm the selected event",
    "reject": "reject the selected event",
    "mark": "take the video's current moment for a new event or comment",
    "play_pause": "play / pause the video",
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


def _first(sel: Any, field: str) -> Any:
    if isinstance(sel, Mapping):
        if field in sel:
            value = sel[field]
            return value[0] if isinstance(value, list) and value else value
        return None
    if isinstance(sel, Sequence) and not isinstance(sel, str) and sel:
        head = sel[0]
        return head.get(field) if isinstance(head, Mapping) else None
    return None


def seek_from_selection(
    state: Any, starts: Mapping[str, float], duration: float, lead_in_s: float = LEAD_IN_S
) -> Seek | None:
    """The seek a chart selection asks for (the value `st.altair_chart(on_select="rerun")` returns).

    A selected event seeks to its start (minus `lead_in_s`, clamped to the video); a picked moment on the
    distance chart seeks to that moment. An empty, cleared or unknown selection asks for nothing.
    """
    if not isinstance(state, Mapping):
        return None
    selection = state.get("selection", state)
    if not isinstance(selection, Mapping):
        return None
    key = _first(selection.get(EVENT_PARAM), "key")
    if key is not None and str(key) in starts:
        return Seek(clamp(starts[str(key)] - lead_in_s, duration), str(key))
    t = _first(selection.get(MOMENT_PARAM), "start")
    if isinstance(t, int | float) and math.isfinite(t):
        return Seek(clamp(t, duration))
    return None


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
