"""The audio stage as the analysis runs it (`cuedetect.analysis.stages.voice`): the voice result, the
voice events added to the cue events, and analysis.json's `audio` section. Writes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cuedetect.voice.analysis import VoiceResult
from cuedetect.voice.cues import voice_events
from cuedetect.voice.settings import VoiceSettings
from cuedetect.voice.stage import resolve_channels, voice_stage


def add_voice(video: Path, cues: Any | None, channels: Mapping[int, int | str] | None,
              video_span: tuple[float, float], settings: VoiceSettings | None = None,
              ) -> tuple[VoiceResult | None, dict[str, Any]]:  # fmt: skip
    """Run the audio stage on `video`; add voice events (and their summary) to `cues` (an `EventsResult`,
    changed in place) when given. Returns (the result or None without sound, the `audio` section)."""
    roles = {int(p["id"]): p["role"] for p in cues.persons} if cues is not None else {}
    mapping = resolve_channels(channels, roles)
    result, section = voice_stage(video, None, mapping, settings, video_span)
    if result is None or cues is None:
        return result, section
    found = voice_events(result, roles, settings)
    cues.events = sorted([*cues.events, *found], key=lambda e: (e.start, e.cue, str(e.person)))
    per_person = cues.summary.setdefault("persons", {})
    for e in found:
        if str(e.person) not in per_person:  # unattributed voices have no person to sum under
            continue
        c = per_person[str(e.person)]["cues"].setdefault(e.cue, {"count": 0, "seconds": 0.0})
        c["count"] += 1
        c["seconds"] = round(c["seconds"] + e.end - e.start, 2)
    section["events"] = len(found)
    return result, section
