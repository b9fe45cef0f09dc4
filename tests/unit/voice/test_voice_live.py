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


class FakeStream:
    """Stands in for `sounddevice.InputStream`: the test plays PortAudio's thread with `deliver`."""

    def __init__(self, callback, fail_start: bool = False) -> None:
        self.callback, self.fail_start = callback, fail_start
        self.started = self.stopped = self.closed = False

    def deliver(self, block: np.ndarray, overflow: bool = False) -> None:
        """A (frames, channels) block as PortAudio hands it to the callback."""
        self.callback(block, len(block), None, "input overflow" if overflow else None)

    def start(self) -> None:
        if self.fail_start:
            raise RuntimeError("Error starting stream:\n  device unavailable")
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def close(self) -> None:
        self.closed = True


def _opener(streams: list[FakeStream], fail_start: bool = False):
    def open_stream(channels: int, callback):
        assert channels == 1
        streams.append(FakeStream(callback, fail_start))
        return streams[-1], ""

    return open_stream


def test_a_microphone_feeds_the_live_voice_its_level_and_closes_on_stop() -> None:
    streams: list[FakeStream] = []
    monitor, note = LiveVoiceMonitor.for_session(None, True, interval_s=1.0, open_stream=_opener(streams))
    assert monitor is not None and note == ""
    stream = streams[0]
    assert stream.started and not stream.closed
    level, cues = monitor.tick(0.0, {})
    assert level < -60 and cues == []  # nothing heard yet
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE).astype(np.float32)  # 1 s, RMS -23 dBFS
    for k in range(0, RATE, 1600):  # PortAudio's blocks of 0.1 s
        stream.deliver(tone[k : k + 1600, None])
    level, _ = monitor.tick(1.0, {})
    assert -25 < level < -22  # RMS -23 dBFS: -23.7 LUFS (BS.1770's -0.691 offset)
    assert monitor.voice.now == pytest.approx(1.0)
    np.testing.assert_array_equal(monitor.voice._buf[0], tone)  # every sample, in order, once
    stream.deliver(np.zeros((8000, 1), np.float32), overflow=True)  # 0.5 s: past the 0.4 s window
    level, _ = monitor.tick(1.5, {})
    assert level < -60 and monitor.voice.now == pytest.approx(1.5)
    assert monitor.feed.overflows == 1
    monitor.close()
    assert stream.stopped and stream.closed and monitor.feed.stream is None
    monitor.close()  # twice is harmless


def test_a_stalled_loop_keeps_only_the_last_seconds_of_the_microphone() -> None:
    from cuedetect.voice.live import MicrophoneFeed

    streams: list[FakeStream] = []
    feed, _ = MicrophoneFeed.open(1, _opener(streams))
    assert feed is not None
    for k in range(40):  # 40 s arrive while the loop is stuck; each second holds its own index
        streams[0].deliver(np.full((RATE, 1), k, np.float32))
    heard = feed.until(40.0)
    assert heard.shape == (1, 30 * RATE) and heard[0, 0] == 10 and heard[0, -1] == 39
    assert feed.until(40.1).shape == (1, 0)


@pytest.mark.parametrize(
    ("opener", "expected"),
    [
        (lambda ch, cb: (None, "no microphone: the PortAudio library is missing"), "the PortAudio library"),
        (lambda ch, cb: (None, "no microphone: Error querying device -1"), "Error querying device -1"),
        ("fails_to_start", "device unavailable"),
    ],
)
def test_no_microphone_is_one_plain_line_and_the_view_shows_it(opener, expected) -> None:
    streams: list[FakeStream] = []
    if opener == "fails_to_start":
        opener = _opener(streams, fail_start=True)
    monitor, note = LiveVoiceMonitor.for_session(None, True, open_stream=opener)
    assert monitor is None and note.startswith("no microphone: ") and expected in note
    assert "\n" not in note
    assert all(s.closed for s in streams)  # a stream that would not start is not left open
    frame = np.zeros((240, 640, 3), np.uint8)
    shown = compose(frame, ViewState(recording=False, sound_note=note))
    plain = compose(frame, ViewState(recording=False))
    assert shown[28:46, 140:].any() and not plain[28:46, 140:].any()


def test_a_file_session_or_no_microphone_asked_opens_no_microphone(media, tmp_path: Path) -> None:
    def must_not_open(ch, cb):
        raise AssertionError("the microphone was opened")

    wav = media.write(tmp_path / "one.wav", np.zeros((1, RATE), np.float32), layout="mono")
    monitor, note = LiveVoiceMonitor.for_session(wav, True, open_stream=must_not_open)
    assert isinstance(monitor, LiveVoiceMonitor) and note == ""
    assert LiveVoiceMonitor.for_session(None, False, open_stream=must_not_open) == (None, "")
