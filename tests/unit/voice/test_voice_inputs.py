"""Every bad input the audio stage meets: no audio, silence, clipping, 8 kHz, 5.1, short audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cuedetect.errors import InputError
from cuedetect.voice.decode import decode_audio
from cuedetect.voice.stage import NO_AUDIO_NOTE, voice_stage


def test_no_audio_track_is_a_note_not_an_error(media, tmp_path: Path) -> None:
    video = media.write(tmp_path / "mute.mkv", None, video_s=2.0)
    assert decode_audio(video) is None
    result, section = voice_stage(video, tmp_path)
    assert result is None and section["present"] is False
    assert section["notes"] == [NO_AUDIO_NOTE]
    assert not (tmp_path / "voice.parquet").exists()


def test_silence_gives_no_speech(media, tmp_path: Path) -> None:
    video = media.write(tmp_path / "silent.mkv", np.zeros((1, 16000 * 3)), video_s=3.0)
    result, section = voice_stage(video, tmp_path)
    assert section["speech_s"] == 0 and result.utterances == []
    assert "the audio track is silent" in section["notes"]
    assert len(result.frames) == 301 and (tmp_path / "voice.parquet").exists()


def test_clipping_is_noted_and_its_pitch_still_found(media, tmp_path: Path) -> None:
    x = np.clip(3 * media.tone(150, 3.0, 0.0), -1, 1)
    track = decode_audio(media.write(tmp_path / "clip.wav", x[None]))
    assert track.clipped_fraction > 0.3
    assert any("clips" in n for n in track.notes)
    from cuedetect.voice import signal

    f0, _ = signal.yin(track.samples[0], 16000)
    assert np.nanmedian(f0) == pytest.approx(150, rel=0.01)


def test_8khz_telephone_audio_is_resampled_with_its_timing(media, tmp_path: Path) -> None:
    x = media.tone(200, 2.0, -6.0, rate=8000)
    track = decode_audio(media.write(tmp_path / "phone.wav", x[None], rate=8000))
    assert track.rate == 16000 and track.source_rate == 8000
    assert track.duration == pytest.approx(2.0, abs=0.01)
    assert any("8000 Hz" in n for n in track.notes)
    from cuedetect.voice import signal

    assert np.median(signal.level_db(track.samples[0], 16000)[20:-20]) == pytest.approx(-9.01, abs=0.2)


def test_5_1_audio_is_mixed_down_not_taken_for_six_people(media, tmp_path: Path) -> None:
    x = np.zeros((6, 48000 * 2), np.float32)
    x[2] = media.tone(300, 2.0, -6.0, rate=48000)  # centre channel: the dialogue
    track = decode_audio(media.write(tmp_path / "surround.mp4", x, rate=48000, layout="5.1", codec="aac",
                                     video_s=2.0))  # fmt: skip
    assert track.channels == 1 and not track.separate_channels
    assert any("5.1" in n for n in track.notes)
    assert track.source_channels == 6


def test_stereo_copies_of_one_microphone_become_one_channel(media, tmp_path: Path) -> None:
    x = np.random.default_rng(0).normal(0, 0.1, 32000).astype(np.float32)
    track = decode_audio(media.write(tmp_path / "cam.wav", np.stack([x, 0.9 * x]), layout="stereo"))
    assert track.channels == 1 and "one microphone" in " ".join(track.notes)
    track = decode_audio(media.write(tmp_path / "lapel.wav", np.stack([x, x[::-1]]), layout="stereo"))
    assert track.channels == 2 and track.separate_channels


def test_audio_shorter_than_the_video_is_noted(media, tmp_path: Path) -> None:
    video = media.write(tmp_path / "short.mkv", media.tone(200, 2.0)[None], video_s=5.0)
    result, section = voice_stage(video, tmp_path, video_span=(0.0, 5.0))
    assert any("audio covers 0.0-2.0 s" in n for n in section["notes"])
    assert result.frames["t"].max() == pytest.approx(2.0, abs=0.02)


def test_an_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00not a video" * 100)
    with pytest.raises(InputError, match=r"broken\.mp4"):
        decode_audio(bad)
