"""The audio stage as the analysis runs it (`cuedetect.analysis.stages.voice`): the voice result, the
voice events added to the cue events, and analysis.json's `audio` section. Writes nothing."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.voice.analysis import VoiceResult
from cuedetect.voice.cues import voice_events
from cuedetect.voice.settings import VoiceSettings
from cuedetect.voice.stage import resolve_channels, voice_stage


def attribute_mixed(video: Path, result: VoiceResult, tracks: Any, section: dict[str, Any],
                    settings: VoiceSettings | None = None) -> VoiceResult:  # fmt: skip
    """One microphone for everyone: attribute its utterances by mouth motion (`cuedetect.voice.mouths`),
    recording what it did (and what it cost) in the `audio` section."""
    from cuedetect.voice.mouths import attribute_by_mouth, mouth_motion

    s = settings or VoiceSettings()
    todo = [u for u in result.utterances if u.person == UNATTRIBUTED]
    if not todo or tracks is None or not len(tracks):
        return result
    t0, c0 = time.perf_counter(), time.process_time()
    spans = [(u.start - s.mouth_context_s - 0.5, u.end + s.mouth_context_s) for u in todo]
    motions = mouth_motion(video, tracks, spans, s.mouth_min_visibility)
    result, summary = attribute_by_mouth(result, motions, s)
    counts = summary["utterances"]
    section["unattributed_utterances"] = sum(u.person == UNATTRIBUTED for u in result.utterances)
    section["attribution"] = {"method": "mouth motion", **counts, "seconds": time.perf_counter() - t0}
    section["seconds"] += time.perf_counter() - t0
    section["cpu_s"] += time.process_time() - c0
    result.notes.append(
        f"one microphone: {counts['by_mouth']} of {len(todo)} speech stretches attributed by mouth motion; "
        f"unattributed: {counts['no_mouth_visible']} with no mouth visible, {counts['unclear']} unclear"
    )
    section["notes"] = result.notes
    return result


def add_voice(video: Path, cues: Any | None, channels: Mapping[int, int | str] | None,
              video_span: tuple[float, float], settings: VoiceSettings | None = None,
              tracks: Any | None = None) -> tuple[VoiceResult | None, dict[str, Any]]:  # fmt: skip
    """Run the audio stage on `video`; add voice events (and their summary) to `cues` (an `EventsResult`,
    changed in place) when given. Returns (the result or None without sound, the `audio` section).

    With one mixed channel and the video's `tracks` (`cuedetect.pose.tracked.Tracks`), speech stretches are
    attributed to the person whose mouth moves with them where that can be told."""
    roles = {int(p["id"]): p["role"] for p in cues.persons} if cues is not None else {}
    mapping = resolve_channels(channels, roles)
    result, section = voice_stage(video, None, mapping, settings, video_span)
    if result is not None and not (result.separate_channels and result.channels > 1):
        result = attribute_mixed(video, result, tracks, section, settings)
    if result is None or cues is None:
        return result, section
    found = voice_events(result, roles, settings)
    cues.add(found)  # unattributed voices have no person to count under
    section["events"] = len(found)
    return result, section
