"""WebVTT captions of the events and of what was said, to play beside the video in any player or browser.

Events are captions `P1 (client): pointing [escalation, confirmed]`; the transcript's utterances are
captions with the speaker's voice tag, `<v Trainee>i hear you that sounds hard`, identified `said-N` (a
long utterance in readable pieces: `transcript.caption_chunks`).
"""

from __future__ import annotations

from pathlib import Path

from cuedetect.cue_ids import cue_kind, cue_label
from cuedetect.export.rows import SessionExport, person_label
from cuedetect.export.transcript import caption_chunks
from cuedetect.io_atomic import atomic_open

MIN_CAPTION_S = 0.2


def vtt_time(t: float) -> str:
    ms = max(0, round(t * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def vtt_escape(text: str) -> str:
    """Text safe inside a cue (WebVTT reads `&`, `<` and `>` as markup)."""
    return " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(data: SessionExport, path: Path) -> Path:
    import webvtt

    doc = webvtt.WebVTT()
    for e in data.present():
        role = data.state.roles.get(e.person, "unknown")
        who = f"{person_label(e.person)} ({role})"
        text = f"{who}: {cue_label(e.cue)}"
        if e.other is not None:
            text += f" with {person_label(e.other)}"
        text += f" [{cue_kind(e.cue)}, {e.status}]"
        end = max(e.end, e.start + MIN_CAPTION_S)
        doc.captions.append(webvtt.Caption(vtt_time(e.start), vtt_time(end), text, identifier=e.key))
    said = [piece for u in data.said() for piece in caption_chunks(u)]
    for i, u in enumerate(said, start=1):
        end = max(u.end, u.start + MIN_CAPTION_S)
        text = f"<v {vtt_escape(u.speaker)}>{vtt_escape(u.marked_text)}"
        doc.captions.append(webvtt.Caption(vtt_time(u.start), vtt_time(end), text, identifier=f"said-{i}"))
    if said:  # players want captions in time order
        doc.captions.sort(key=lambda c: (c.start_in_seconds, c.end_in_seconds))
    with atomic_open(path, "w", encoding="utf-8") as fh:
        doc.write(fh)
    return path
