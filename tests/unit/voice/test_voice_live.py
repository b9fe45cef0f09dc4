"""Live voice: a file's sound stands in for the microphone; level and voice cues as it plays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cuedetect.live.view import ViewState, compose, mic_fill
from cuedetect.voice.live import LiveVoiceMonitor

RATE = 16000


def test_level_and_raised_voice_appear_while_the_sound_plays(media, tmp_path: Path) -> None:
    x = np.zeros((2, RATE * 24), np.float32)
    for who, start, db, f0 in (
        (0, 1, 0, 200),
        (1, 5, 0, 110),
        (0, 9, 0, 200),
        (1, 13, 10, 135),
        (0, 18, 0, 200),
    ):
        y = media.syllable_train(4, 3, f0) * 10 ** (db / 20)
        i = start * RATE
        x[who, i : i + len(y)] += y
        x[1 - who, i : i + len(y)] += 0.15 * y
    wav = media.write(tmp_path / "lapels.wav", x, layout="stereo")
    monitor = LiveVoiceMonitor.create(wav, interval_s=1.0)
    monitor.voice.channel_persons = {0: 0, 1: 1}
    seen: dict[float, tuple[float, list[str]]] = {}
    for t in np.arange(0.5, 24.0, 0.5):
        seen[float(t)] = monitor.tick(float(t), {0: "trainee", 1: "client"})
    assert seen[0.5][0] < -60  # silence before the first line
    assert -30 < seen[2.5][0] < -10  # a voice at about -20 dBFS
    assert "raised_voice" in seen[15.5][1]
    assert "raised_voice" not in seen[8.0][1] and "raised_voice" not in seen[23.5][1]
    assert monitor.voice.now == pytest.approx(23.5, abs=0.01)


def test_no_sound_means_no_monitor(media, tmp_path: Path) -> None:
    assert LiveVoiceMonitor.create(None) is None
    assert LiveVoiceMonitor.create(media.write(tmp_path / "mute.mkv", None, video_s=1.0)) is None


def test_the_live_view_shows_the_microphone_bar_only_with_a_microphone() -> None:
    assert (mic_fill(-60), mic_fill(-35), mic_fill(0)) == (0.0, 0.5, 1.0)
    frame = np.zeros((240, 320, 3), np.uint8)
    without = compose(frame, ViewState(recording=False))
    with_mic = compose(frame, ViewState(recording=False, mic_lufs=-20.0, voice_cues=["raised_voice"]))
    corner = (slice(28, 60), slice(190, 320))  # under the status line: the heard cues
    assert not without[corner].any() and with_mic[corner].any()


def test_a_window_before_any_sound_arrived_hears_nothing() -> None:
    """Live mode ticks at t=0, before the feed has produced a sample: no error, no events, the floor level."""
    from cuedetect.voice import signal
    from cuedetect.voice.live import LiveVoice

    voice = LiveVoice(channels=2, separate_channels=True)
    voice.feed(np.zeros((2, 0), np.float32))
    assert voice.update() == []
    assert voice.level_lufs() == [signal.FLOOR_DB, signal.FLOOR_DB]
    assert signal.loudness_lufs(np.zeros(0), 16000).shape == (0,)
