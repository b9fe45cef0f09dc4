"""Live voice: the microphone's level now and the voice cues of the last seconds, as audio arrives.

`LiveVoice` takes audio as it comes (`feed`), keeps the last `window_s` seconds, and on `update` runs the
same audio stage and voice cues as `cuedetect analyze` on that window. The audio comes from a
microphone (`MicrophoneFeed`, a camera session; `sounddevice`, which needs the system's PortAudio
library) or, standing in for one in tests and for `cuedetect live --video FILE`, from a file's sound
played in step with its video (`FileAudioFeed`).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.cues.events import CueEvent
from cuedetect.voice import signal
from cuedetect.voice.analysis import analyze_voice
from cuedetect.voice.cues import voice_events
from cuedetect.voice.decode import RATE, AudioTrack, decode_audio, track_from_array
from cuedetect.voice.settings import VoiceSettings


@dataclass
class LiveVoice:
    """A rolling window of audio at 16 kHz (channels, n) and what the voice stage finds in it."""

    channels: int = 1
    separate_channels: bool = False
    window_s: float = 20.0
    settings: VoiceSettings = field(default_factory=VoiceSettings)
    channel_persons: Mapping[int, int] | None = None
    roles: Mapping[int, str] = field(default_factory=dict)
    _buf: np.ndarray = field(init=False, repr=False)
    _end_t: float = field(init=False, default=0.0)
    events: list[CueEvent] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._buf = np.zeros((self.channels, 0), np.float32)

    def feed(self, block: np.ndarray) -> None:
        """Append 16 kHz samples ((channels, n) or (n,)) that follow the previous ones."""
        x = np.atleast_2d(np.asarray(block, np.float32))
        keep = round(self.window_s * RATE)
        self._buf = np.concatenate([self._buf, x], axis=1)[:, -keep:]
        self._end_t += x.shape[1] / RATE

    @property
    def now(self) -> float:
        """Seconds of audio fed so far (the time of the newest sample)."""
        return self._end_t

    def level_lufs(self) -> list[float]:
        """Each channel's momentary loudness (BS.1770, the last 0.4 s) in LUFS."""
        n = round(signal.MOMENTARY_S * RATE)
        out = []
        for ch in self._buf:
            tail = ch[-n:]
            out.append(float(signal.loudness_lufs(tail, RATE, signal.MOMENTARY_S)[len(tail) // 320])
                       if len(tail) else signal.FLOOR_DB)  # fmt: skip
        return out

    def update(self) -> list[CueEvent]:
        """Run the voice stage on the window; voice events in the recording's time (seconds fed)."""
        if self._buf.shape[1] == 0:  # no sound fed yet: nothing to hear
            self.events = []
            return self.events
        start = self._end_t - self._buf.shape[1] / RATE
        track = track_from_array(self._buf, RATE, start, self.separate_channels)
        res = analyze_voice(track, self.settings, dict(self.channel_persons or {}))
        self.events = voice_events(res, self.roles, self.settings)
        return self.events

    def active(self, within_s: float = 1.0) -> list[str]:
        """Voice cues of the last update that reach into the last `within_s` seconds."""
        return sorted({e.cue for e in self.events if e.end >= self._end_t - within_s})


class FileAudioFeed:
    """A file's sound handed out in step with its video: `until(t)` returns the samples up to `t` s."""

    def __init__(self, track: AudioTrack) -> None:
        self.track = track
        self._pos = 0

    @classmethod
    def open(cls, path: Path) -> FileAudioFeed | None:
        """The feed of `path`'s audio, or None when it has no audio track."""
        track = decode_audio(path)
        return None if track is None else cls(track)

    def until(self, t: float) -> np.ndarray:
        end = min(self.track.samples.shape[1], max(self._pos, round((t - self.track.start) * RATE)))
        block = self.track.samples[:, self._pos : end]
        self._pos = end
        return block

    def close(self) -> None:
        """Nothing to release (the sound is decoded in memory)."""


def microphone_feed(channels: int = 1, callback: Callable[..., None] | None = None):  # pragma: no cover
    """A live microphone as a `sounddevice.InputStream` at 16 kHz (not started), or None and the reason
    in one line without one. `callback(indata, frames, time, status)` gets each block on PortAudio's
    thread (needs a sound card: not run by the tests)."""
    try:
        import sounddevice  # PortAudio bindings (MIT); mediapipe already installs it
    except ImportError:
        return None, "no microphone: the sounddevice package is not installed (cuedetect[live-audio])"
    except OSError:  # the package is there, the system's PortAudio library is not
        return None, "no microphone: the PortAudio library is missing (Debian: apt install libportaudio2)"
    try:
        stream = sounddevice.InputStream(
            samplerate=RATE, channels=channels, dtype="float32", callback=callback
        )
    except Exception as exc:  # PortAudioError: no input device, device busy
        return None, f"no microphone: {' '.join(str(exc).split())}"
    return stream, ""


class MicrophoneFeed:
    """A microphone's sound as it arrives: PortAudio's thread queues the blocks, `until(t)` hands out all
    that arrived since the last call (the microphone is its own clock: `t` is not used). At most
    `max_s` seconds wait; older blocks are dropped (a stalled loop does not grow memory). Close it."""

    def __init__(self, channels: int = 1, max_s: float = 30.0) -> None:
        self.channels = channels
        self.stream: Any = None
        self.overflows = 0  # blocks PortAudio reported as overrun (audio lost before it reached us)
        self._max = round(max_s * RATE)
        self._blocks: deque[np.ndarray] = deque()
        self._waiting = 0
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, channels: int = 1, open_stream: Callable[..., tuple[Any, str]] | None = None
    ) -> tuple[MicrophoneFeed | None, str]:
        """A started feed of the default microphone, or (None, the one-line reason) without one.
        `open_stream(channels, callback)` opens the stream (default `microphone_feed`)."""
        feed = cls(channels)
        stream, reason = (open_stream or microphone_feed)(channels, feed._heard)
        if stream is None:
            return None, reason
        feed.stream = stream
        try:
            stream.start()
        except Exception as exc:  # the device went away between opening and starting
            feed.close()
            return None, f"no microphone: {' '.join(str(exc).split())}"
        return feed, ""

    def _heard(self, indata: np.ndarray, frames: int, time: object, status: object) -> None:
        """PortAudio's callback: queue a (frames, channels) block as (channels, frames)."""
        block = np.array(indata, np.float32, copy=True).reshape(frames, -1).T
        with self._lock:
            self.overflows += bool(status)
            self._blocks.append(block)
            self._waiting += block.shape[1]
            while self._waiting > self._max and len(self._blocks) > 1:
                self._waiting -= self._blocks.popleft().shape[1]

    def until(self, t: float) -> np.ndarray:
        with self._lock:
            blocks, self._blocks, self._waiting = list(self._blocks), deque(), 0
        return np.concatenate(blocks, axis=1) if blocks else np.zeros((self.channels, 0), np.float32)

    def close(self) -> None:
        """Stop and close the stream (its thread ends); safe to call twice."""
        stream, self.stream = self.stream, None
        if stream is None:
            return
        try:
            stream.stop()
        finally:
            stream.close()


@dataclass
class LiveVoiceMonitor:
    """What live mode keeps of the sound: a feed, the rolling `LiveVoice`, and when it last ran."""

    feed: FileAudioFeed | MicrophoneFeed
    voice: LiveVoice
    interval_s: float = 2.0
    _last: float = -1e9

    @classmethod
    def create(cls, audio: Path | None, interval_s: float = 2.0) -> LiveVoiceMonitor | None:
        """A monitor of `audio`'s sound (None without a file or without sound in it)."""
        feed = FileAudioFeed.open(Path(audio)) if audio is not None else None
        if feed is None:
            return None
        t = feed.track
        return cls(feed, LiveVoice(t.channels, t.separate_channels, window_s=12.0), interval_s)

    @classmethod
    def listen(
        cls, interval_s: float = 2.0, open_stream: Callable[..., tuple[Any, str]] | None = None
    ) -> tuple[LiveVoiceMonitor | None, str]:
        """A monitor of the default microphone (one channel), or (None, the one-line reason) without one."""
        feed, reason = MicrophoneFeed.open(1, open_stream)
        if feed is None:
            return None, reason
        return cls(feed, LiveVoice(1, False, window_s=12.0), interval_s), ""

    @classmethod
    def for_session(
        cls,
        audio: Path | None,
        microphone: bool,
        interval_s: float = 2.0,
        open_stream: Callable[..., tuple[Any, str]] | None = None,
    ) -> tuple[LiveVoiceMonitor | None, str]:
        """What a live session hears: `audio`'s sound when a file plays, else the microphone when
        `microphone` (a camera session); with the reason in one line when there is none to hear."""
        if audio is not None:
            return cls.create(audio, interval_s), ""
        if microphone:
            return cls.listen(interval_s, open_stream)
        return None, ""

    def close(self) -> None:
        """Release the feed (a microphone's stream and its thread)."""
        self.feed.close()

    def tick(self, t: float, roles: Mapping[int, str]) -> tuple[float, list[str]]:
        """Feed the sound up to `t`; every `interval_s` rerun the voice cues. Returns (loudness now in
        LUFS, the loudest channel; the voice cues heard in the last second)."""
        self.voice.feed(self.feed.until(t))
        if t - self._last >= self.interval_s:
            self.voice.roles = roles
            self.voice.update()
            self._last = t
        return max(self.voice.level_lufs(), default=signal.FLOOR_DB), self.voice.active()
