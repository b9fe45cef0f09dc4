"""The audio stage as the analysis runs it: decode -> analyse -> `voice.parquet` + an analysis.json section.

`voice_stage` is the one function the orchestrator calls; `voice_cue_events` turns its result into cue
events once the roles are known. A recording without sound is not an error: the section says so.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.voice.analysis import VoiceResult, analyze_voice
from cuedetect.voice.decode import decode_audio
from cuedetect.voice.settings import VoiceSettings

NO_AUDIO_NOTE = "the recording has no audio track: no voice cues"


def resolve_channels(spec: Mapping[int, int | str] | None, roles: Mapping[int, str]) -> dict[int, int]:
    """Channel -> person id from a user's mapping whose values are person ids or roles ("trainee")."""
    out: dict[int, int] = {}
    for ch, who in (spec or {}).items():
        if isinstance(who, str) and not who.lstrip("-").isdigit():
            match = [p for p, r in roles.items() if r == who]
            if match:
                out[int(ch)] = int(match[0])
        else:
            out[int(ch)] = int(who)
    return out


def voice_stage(video: Path, out_dir: Path | None, channel_persons: Mapping[int, int] | None = None,
                settings: VoiceSettings | None = None, video_span: tuple[float, float] | None = None,
                ) -> tuple[VoiceResult | None, dict[str, Any]]:  # fmt: skip
    """Decode and analyse the audio of `video`; write `out_dir/voice.parquet` when it has audio.

    Args:
        video: the recording.
        out_dir: where voice.parquet goes (None: write nothing).
        channel_persons: channel -> person id (one microphone per person); see `analyze_voice`.
        settings: thresholds.
        video_span: (start, end) seconds of the video, to note audio that is shorter than the picture.

    Returns:
        (result or None without audio, the `audio` section of analysis.json).
    """
    t0, c0 = time.perf_counter(), time.process_time()
    track = decode_audio(video)
    if track is None:
        return None, {"present": False, "notes": [NO_AUDIO_NOTE], "seconds": time.perf_counter() - t0}
    t1 = time.perf_counter()
    result = analyze_voice(track, settings, dict(channel_persons or {}))
    if video_span is not None:
        v0, v1 = video_span
        missing = max(0.0, track.start - v0) + max(0.0, v1 - track.end)
        if missing > 0.5:
            result.notes.append(f"audio covers {track.start:.1f}-{track.end:.1f} s of a {v0:.1f}-{v1:.1f} s "
                                f"video: no voice cues outside it")  # fmt: skip
    if out_dir is not None:
        result.frames.to_parquet(Path(out_dir) / "voice.parquet", index=False)
    speech = result.frames["speech"].to_numpy() if len(result.frames) else np.zeros(0, bool)
    section = {
        "present": True,
        "codec": track.codec,
        "source_rate": track.source_rate,
        "source_channels": track.source_channels,
        "layout": track.layout,
        "channels_analysed": track.channels,
        "separate_channels": track.separate_channels,
        "channel_persons": {str(c): p for c, p in sorted((channel_persons or {}).items())},
        "start_s": round(track.start, 3),
        "duration_s": round(track.duration, 3),
        "clipped_fraction": round(track.clipped_fraction, 5),
        "speech_s": round(float(speech.sum()) * 0.01, 2),
        "utterances": len(result.utterances),
        "unattributed_utterances": sum(u.person == UNATTRIBUTED for u in result.utterances),
        "notes": result.notes,
        "timings_s": {"decode_s": t1 - t0, "analyse_s": time.perf_counter() - t1},
        "seconds": time.perf_counter() - t0,
        "cpu_s": time.process_time() - c0,  # this process's CPU time: the stage's cost on a busy machine
    }
    return result, section
