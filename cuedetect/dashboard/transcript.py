"""The transcript beside the review video: what was said, each word a jump to its moment.

`transcript_data` (pure) turns the utterances (`cuedetect.export.transcript`) into what the panel
shows: per utterance the speaker and its words, each word with its times, its seek time (a little
before the word, so it is heard whole), the cue it belongs to (marked) and whether the search found
it. `panel` mounts it as an in-page `st.components.v2` component (no iframe, nothing fetched); a click
reports `{"t": ...}` as the `seek` trigger and the page sends the video there through the stage's
seek request, as the timeline does. The word being spoken is underlined as the video plays (read
from the stage's video in the browser, no rerun).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cuedetect.cue_ids import cue_label
from cuedetect.dashboard.seek import clamp
from cuedetect.export.transcript import Hit, Utterance, search

WORD_LEAD_S = 0.2  # start a word's replay this much before it, so its first sound is not cut
JS_PATH = Path(__file__).with_name("transcript.js")
HTML = '<div class="cd-said"><div class="cd-said-note"></div><div class="cd-said-list"></div></div>'
CSS = """
.cd-said { font-family: var(--st-font, sans-serif); color: var(--st-text-color, #222); font-size: .88rem; }
.cd-said-note { opacity: .7; margin-bottom: .2rem; }
.cd-said-list { max-height: 15rem; overflow-y: auto; padding-right: .3rem; }
.cd-utt { margin: 0 0 .35rem; line-height: 1.5; }
.cd-utt .cd-who { font-weight: 600; margin-right: .3rem; cursor: pointer; }
.cd-utt .cd-who.trainee { color: #7c3aed; } .cd-utt .cd-who.client { color: #c2410c; }
.cd-utt .cd-at { opacity: .6; font-variant-numeric: tabular-nums; margin-right: .3rem; font-size: .78rem; }
.cd-w { cursor: pointer; border-radius: 3px; padding: 0 1px; }
.cd-w:hover { background: rgba(29,78,216,.15); }
.cd-w.cue { background: #fde68a; color: #222; }
.cd-w.hit { outline: 2px solid #1d4ed8; }
.cd-w.unsure { font-style: italic; opacity: .75; }
.cd-w.now { text-decoration: underline 2px #1d4ed8; text-underline-offset: 3px; }
"""


def seek_time(start: float, duration: float) -> float:
    """Where a click on a word sends the video: `WORD_LEAD_S` before it, inside the recording."""
    return round(clamp(start - WORD_LEAD_S, duration), 3)


def _clock(t: float) -> str:
    m, s = divmod(max(float(t), 0.0), 60)
    return f"{int(m)}:{s:04.1f}"


def transcript_data(
    said: Sequence[Utterance], duration: float, query: str = "", note: str | None = None
) -> dict[str, Any]:
    """The panel's data: utterances with clickable words, cue marks, search hits and a one-line note."""
    hits: list[Hit] = search(said, query) if query.strip() else []
    found = {(h.utterance, j) for h in hits for j in range(h.first, h.last + 1)}
    rows = []
    for i, u in enumerate(said):
        rows.append(
            {
                "speaker": u.speaker,
                "kind": u.speaker.lower() if u.speaker in ("Trainee", "Client") else "other",
                "at": _clock(u.start),
                "t": seek_time(u.start, duration),
                "words": [
                    {
                        "w": w.marked,
                        "unsure": w.uncertain,
                        "t": seek_time(w.start, duration),
                        "s": round(w.start, 3),
                        "e": round(w.end, 3),
                        "cue": cue_label(w.cue) if w.cue else None,
                        "hit": (i, j) in found,
                    }
                    for j, w in enumerate(u.words)
                ],
            }
        )
    if not said:
        line = note or "No transcript."
    elif query.strip():
        line = f"{len(hits)} match{'es' if len(hits) != 1 else ''} for “{query.strip()}”"
    else:
        line = "Click a word to play from it; marked words are cue phrases."
    return {
        "utterances": rows,
        "note": line,
        "query": query.strip(),
        "first_hit": [hits[0].utterance, hits[0].first] if hits else None,
    }


_COMPONENT: Any = None


def panel(data: dict[str, Any], key: str = "transcript", on_seek: Callable[[], None] | None = None) -> Any:
    """Mount the transcript panel (a Streamlit call); `on_seek` runs when a word or speaker is clicked."""
    global _COMPONENT
    import streamlit as st

    if _COMPONENT is None:
        _COMPONENT = st.components.v2.component(
            "cuedetect_transcript", html=HTML, css=CSS, js=JS_PATH.read_text(encoding="utf-8")
        )
    return _COMPONENT(key=key, data=data, on_seek_change=on_seek or (lambda: None))
