"""The speech stage as the analysis runs it (`cuedetect.analysis.stages.speech`): the speech result, the
verbal events added to the cue events, the talk-time share in their summary, and analysis.json's `speech`
section. Writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cuedetect.speech.cues import talk_share, verbal_events
from cuedetect.speech.phrases import load_phrases
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stage import SpeechResult, speech_stage


def add_speech(video: Path, voice: Any, cues: Any | None, settings: SpeechSettings | None = None,
               step: Callable[[int, int], None] | None = None,
               ) -> tuple[SpeechResult | None, dict[str, Any]]:  # fmt: skip
    """Transcribe `video`'s speech stretches (the voice stage's `VoiceResult`, None without sound); add
    the verbal events to `cues` (an `EventsResult`, changed in place) when given."""
    s = settings or SpeechSettings()
    roles = {int(p["id"]): p["role"] for p in cues.persons} if cues is not None else {}
    result, section = speech_stage(video, voice, roles, s, step)
    if result is None:
        return None, section
    share = talk_share(voice.utterances)
    section["talk_share"] = {str(p): v for p, v in share.items()}
    if cues is None:
        return result, section
    found = verbal_events(result, voice.utterances, load_phrases(s.phrases_path), s)
    cues.add(found)
    cues.summary["talk_share"] = dict(section["talk_share"])
    section["events"] = len(found)
    return result, section
