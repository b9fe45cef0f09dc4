"""The in-page player bridge: exact seeking of the page's video and keyboard shortcuts.

`st.video` floors `start_time` to whole seconds, and Streamlit has no key events. This small
`st.components.v2` component (it runs in the page itself, no iframe, nothing fetched) does both:

- when its `seek` data changes (a new `nonce`), it sets the page video's `currentTime` to the exact time,
  and sets it again if st.video's own whole-second start time lands after it;
- it listens for the keys that need the video (M: take the current moment, K: play/pause; not while
  typing in a field) and reports `{action, t}` to Python, `t` being the video's current time; its
  "Take current moment" button does the same. Next/previous/confirm/reject are Streamlit's own button
  shortcuts (`st.button(shortcut=...)`), shown on the buttons.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cuedetect.dashboard.seek import SHORTCUTS, Seek, bridge_keys

HTML = """<div class="cd-bridge">
<button type="button" class="cd-mark" title="Use the video's current time (key M)">
⏱ Take current moment</button>
<span class="cd-keys"></span></div>"""

CSS = """
.cd-bridge { display: flex; gap: .8rem; align-items: center; font-size: .85rem;
             color: var(--st-text-color); }
.cd-mark { border: 1px solid rgba(128,128,128,.5); border-radius: .5rem; padding: .25rem .7rem;
           background: var(--st-secondary-background-color); color: inherit; cursor: pointer; }
.cd-keys kbd { border: 1px solid rgba(128,128,128,.6); border-radius: 3px; padding: 0 .3rem;
               margin: 0 .15rem; }
"""

JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  const keys = (data && data.keys) || {};
  const video = () => document.querySelector('video');
  const hint = parentElement.querySelector('.cd-keys');
  if (hint) {
    hint.innerHTML = Object.entries(keys)
      .map(([k, a]) => `<kbd>${k.toUpperCase()}</kbd>${a.replace('_', '/')}`).join(' ');
  }
  const seek = data && data.seek;
  if (seek && window.__cdSeekNonce !== seek.nonce) {
    window.__cdSeekNonce = seek.nonce;
    const target = seek.t;
    const floor = Math.floor(target);
    const started = Date.now();
    let done = false;
    const apply = () => {
      const v = video();
      if (!v) { if (Date.now() - started < 5000) setTimeout(apply, 100); return; }
      if (v.readyState < 1) { v.addEventListener('loadedmetadata', apply, { once: true }); return; }
      if (!done || (Math.abs(v.currentTime - floor) < 0.02 && target - floor > 0.04)) {
        v.currentTime = target;
        done = true;
        v.dataset.cdSeek = String(target);
      }
      if (Date.now() - started < 1500) setTimeout(apply, 150);
    };
    apply();
  }
  const onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const el = e.target;
    const tag = ((el && el.tagName) || '').toLowerCase();
    if (tag === 'input' || tag === 'textarea' || tag === 'select' || (el && el.isContentEditable)) return;
    const action = keys[(e.key || '').toLowerCase()];
    if (!action) return;
    e.preventDefault();
    const v = video();
    if (action === 'play_pause') { if (v) { if (v.paused) { v.play(); } else { v.pause(); } } return; }
    setTriggerValue('key', { action: action, t: v ? v.currentTime : null, at: Date.now() });
  };
  document.addEventListener('keydown', onKey);
  const mark = parentElement.querySelector('.cd-mark');
  if (mark) {
    mark.onclick = () => {
      const v = video();
      setTriggerValue('key', { action: 'mark', t: v ? v.currentTime : null, at: Date.now() });
    };
  }
  return () => document.removeEventListener('keydown', onKey);
}
"""

_COMPONENT: Any = None


def bridge_data(seek: Seek | None, nonce: int) -> dict[str, Any]:
    """The data the bridge gets: the shortcut map and, when there is one, the seek with its nonce."""
    data: dict[str, Any] = {"keys": bridge_keys()}
    if seek is not None:
        data["seek"] = {"t": round(seek.t, 3), "nonce": nonce}
    return json.loads(json.dumps(data))


def parse_key_event(value: Any) -> tuple[str, float | None] | None:
    """`(action, t)` from the bridge's trigger value, or None for anything malformed."""
    if not isinstance(value, dict) or value.get("action") not in (*SHORTCUTS.values(), "mark"):
        return None
    t = value.get("t")
    return str(value["action"]), float(t) if isinstance(t, int | float) else None


def trigger_value(state: Any, name: str = "key") -> Any:
    """The bridge's trigger value `name` from its session-state entry (a mapping or an object)."""
    if state is None:
        return None
    try:
        return state[name]
    except (KeyError, TypeError, IndexError):
        return getattr(state, name, None)


def player_bridge(
    seek: Seek | None, nonce: int, key: str = "player_bridge", on_key: Callable[[], None] | None = None
) -> Any:
    """Mount the bridge (Streamlit call); `on_key` runs when a shortcut key or the moment button fires."""
    global _COMPONENT
    import streamlit as st

    if _COMPONENT is None:
        _COMPONENT = st.components.v2.component("cuedetect_player_bridge", html=HTML, css=CSS, js=JS)
    return _COMPONENT(key=key, data=bridge_data(seek, nonce), on_key_change=on_key or (lambda: None))
