"""The loudness and pitch lane: voice.parquet thinned per speaker, and its chart under the timeline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.dashboard.voice_lanes import LOUDNESS_FLOOR, voice_series
from cuedetect.voice.lane import voice_lane

ROLES = {0: "trainee", 1: "client"}


def _voice(tmp_path: Path) -> Path:
    t = np.arange(0, 6, 0.01)
    rows = []
    for person, channel, on in ((0, 0, (t > 1) & (t < 2)), (1, 1, (t > 3) & (t < 5))):
        rows.append(pd.DataFrame({"t": t, "channel": channel, "person": person, "speech": on,
                                  "loudness_lufs": np.where(on, -20.0 - person * 5, -70.0),
                                  "f0_hz": np.where(on, 200.0 / (1 + person), np.nan)}))  # fmt: skip
    path = tmp_path / "voice.parquet"
    pd.concat(rows).to_parquet(path)
    return path


def test_lane_has_each_speakers_speech_and_breaks_in_silence(tmp_path: Path) -> None:
    lane = voice_lane(_voice(tmp_path), ROLES)
    trainee = lane[lane.who == "trainee (P0)"]
    spoken = trainee.dropna()
    assert spoken.start.min() >= 1.0 and spoken.start.max() < 2.0
    assert (spoken.loudness_lufs == -20).all() and (spoken.f0_hz == 200).all()
    assert trainee.loudness_lufs.isna().any()  # a gap row: the line is not drawn across silence
    client = lane[lane.who == "client (P1)"].dropna()
    assert client.start.min() >= 3.0 and client.start.max() < 5.0 and (client.f0_hz == 100).all()
    assert len(lane) < 0.5 * 2 * 60  # thinned: one row per 0.1 s of speech plus gaps


def test_no_voice_file_gives_no_lane(tmp_path: Path) -> None:
    assert voice_lane(tmp_path / "missing.parquet", ROLES).empty
    assert voice_lane(None, ROLES).empty


def test_unattributed_voice_is_named_so() -> None:
    from cuedetect.voice.lane import speaker_name

    assert speaker_name(UNATTRIBUTED, ROLES) == "unattributed voice"
    assert speaker_name(UNATTRIBUTED, ROLES, 1) == "unattributed voice (channel 2)"


def test_the_review_stage_gets_loudness_and_pitch_lanes(tmp_path: Path) -> None:
    lane = voice_lane(_voice(tmp_path), ROLES)
    loud, pitch = voice_series(lane, ROLES)
    assert (loud.label, pitch.label) == ("voice loudness", "voice pitch")
    assert {ln.name for ln in loud.lines} == {"trainee (P0)", "client (P1)"}
    trainee = next(ln for ln in loud.lines if ln.name == "trainee (P0)")
    values = [v for _, v, _, _ in trainee.points if v is not None]
    assert values and all(v == -20 - LOUDNESS_FLOOR for v in values)  # -20 LUFS drawn 50 dB up
    assert any(v is None for _, v, _, _ in trainee.points)  # the line breaks in silence
    json.dumps([loud.lines[0].points, pitch.lines[0].points], allow_nan=False)
    assert voice_series(voice_lane(None, ROLES), ROLES) == []
