"""The review stage as an in-page `st.components.v2` component: the video, its controls and the timeline.

Why a component: `st.video` is recreated whenever the script reruns with other arguments or at another
place in the page, which reset the player on every confirm, reject, comment or mark. Here the `<video>`
element lives in the browser (`stage.js`) and survives reruns; Python sends data (lanes, selection, a seek
request with a `nonce`) and gets back what the user did: `select` (an event bar was clicked; the video is
already there), `moment` (a moment on the timeline was clicked) and `mark` (M or the mark button: the
video's current time). The recording is served by Streamlit's own media endpoint on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cuedetect.dashboard.seek import bridge_keys

JS_PATH = Path(__file__).with_name("stage.js")
HTML = """<div class="cd-stage">
<div class="cd-video"></div>
<div class="cd-note"></div>
<div class="cd-controls">
<button type="button" data-act="play" title="Play or pause (K)">▶ Play</button>
<button type="button" data-act="back" title="One frame back (,)">◀ frame</button>
<button type="button" data-act="fwd" title="One frame forward (.)">frame ▶</button>
<span class="cd-seg" title="Playback speed">speed
<button type="button" data-rate="0.5">0.5×</button><button type="button" data-rate="1">1×</button>
<button type="button" data-rate="1.5">1.5×</button></span>
<button type="button" data-act="loop" title="Play the selected event over and over (L)">⟲ loop event</button>
<button type="button" data-act="mark" title="Take the current moment for a comment or a new event (M)">
◆ mark moment</button>
<span class="cd-time"></span>
</div>
<div class="cd-timeline"></div>
</div>"""

CSS = """
.cd-stage { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #222); }
.cd-video video { display: block; width: 100%; max-height: 44vh; background: #111; border-radius: 6px; }
.cd-note { display: none; padding: .5rem; background: #fff4e5; border-radius: 6px; font-size: .9rem; }
.cd-controls { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin: .3rem 0 .2rem;
               font-size: .82rem; }
.cd-controls button { border: 1px solid rgba(128,128,128,.45); border-radius: .4rem; padding: .12rem .5rem;
                      background: var(--st-secondary-background-color, #f0f2f6); color: inherit;
                      cursor: pointer; font-size: .82rem; }
.cd-controls button.on { background: #1d4ed8; color: #fff; border-color: #1d4ed8; }
.cd-controls button:disabled { opacity: .45; cursor: default; }
.cd-seg { display: inline-flex; gap: .15rem; align-items: center; }
.cd-time { margin-left: auto; font-variant-numeric: tabular-nums; }
.cd-timeline { width: 100%; user-select: none; }
.cd-svg { display: block; font-size: 11px; }
.cd-svg text { fill: currentColor; }
.cd-svg .cd-lane { font-weight: 600; }
.cd-svg .cd-dim { opacity: .65; font-size: 10px; }
.cd-svg .cd-grid { stroke: rgba(128,128,128,.22); }
.cd-svg .cd-band { fill: rgba(128,128,128,.06); }
.cd-svg .cd-ev { cursor: pointer; }
.cd-svg .cd-rule { stroke: #b07a1a; stroke-dasharray: 4 3; }
.cd-svg .cd-head { stroke: #1d4ed8; stroke-width: 2; }
.cd-svg .cd-marker { cursor: pointer; }
.cd-svg .cd-comment { fill: #7c3aed; }
.cd-svg .cd-bookmark { fill: #0f766e; }
.cd-svg .cd-dot { font-size: 9px; pointer-events: none; }
"""

_COMPONENT: Any = None


def media_url(data: bytes, mimetype: str) -> str | None:
    """The recording's address on Streamlit's media endpoint (same server, 127.0.0.1), for this run.

    Registered on every run like `st.video` does (Streamlit forgets media no run refers to); the file id is
    a fingerprint of the bytes, so the address does not change between runs and the browser keeps its
    buffer. None outside a Streamlit server (AppTest without a runtime).
    """
    from streamlit import runtime

    if not runtime.exists():
        return None
    return runtime.get_instance().media_file_mgr.add(data, mimetype, "cuedetect.stage.video")


def stage(
    data: dict[str, Any],
    key: str = "stage",
    on_select: Callable[[], None] | None = None,
    on_moment: Callable[[], None] | None = None,
    on_mark: Callable[[], None] | None = None,
) -> Any:
    """Mount the stage (a Streamlit call): `data` is `StageData.as_dict()`; callbacks run on user actions."""
    global _COMPONENT
    import streamlit as st

    if _COMPONENT is None:
        _COMPONENT = st.components.v2.component(
            "cuedetect_review_stage", html=HTML, css=CSS, js=JS_PATH.read_text(encoding="utf-8")
        )
    noop = lambda: None  # noqa: E731
    return _COMPONENT(
        key=key,
        data={**data, "keys": bridge_keys()},
        on_select_change=on_select or noop,
        on_moment_change=on_moment or noop,
        on_mark_change=on_mark or noop,
    )


def trigger_value(state: Any, name: str) -> Any:
    """The stage's trigger value `name` from its session-state entry (a mapping or an object)."""
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError, IndexError):
        return getattr(state, name, None)


def parse_time(value: Any) -> float | None:
    """The `t` of a trigger value (`{"t": 3.2, ...}`), or None when it is missing or not a finite number."""
    if not isinstance(value, dict):
        return None
    t = value.get("t")
    if isinstance(t, bool) or not isinstance(t, int | float) or t != t or t in (float("inf"), float("-inf")):
        return None
    return float(t)
