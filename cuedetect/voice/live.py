"""Live voice: the microphone's level now and the voice cues of the last seconds, as audio arrives.

`LiveVoice` takes audio as it comes (`feed`), keeps the last `window_s` seconds, and on `update` runs the
same audio stage and voice cues as `cuedetect analyze` on that window. The audio comes from a
microphone (`microphone_feed`, with the optional `sounddevice` package) or, standing in for one in tests
and for `cuedetect live --video FILE`, from a file's sound played in step with its video
(`FileAudioFeed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


def microphone_feed(channels: int = 1):  # pragma: no cover - needs a sound card
    """A live microphone as a `sounddevice.InputStream` at 16 kHz, or None (with the reason) without one."""
    try:
        import sounddevice  # optional: PortAudio bindings (MIT)
    except (ImportError, OSError) as exc:
        return None, f"no microphone capture: {exc}"
    try:
        stream = sounddevice.InputStream(samplerate=RATE, channels=channels, dtype="float32")
    except Exception as exc:  # PortAudioError: no input device
        return None, f"no microphone: {exc}"
    return stream, ""


@dataclass
class LiveVoiceMonitor:
    """What live mode keeps of the sound: a feed, the rolling `LiveVoice`, and when it last ran."""

    feed: FileAudioFeed
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

    def tick(self, t: float, roles: Mapping[int, str]) -> tuple[float, list[str]]:
        """Feed the sound up to `t`; every `interval_s` rerun the voice cues. Returns (loudness now in
        LUFS, the loudest channel; the voice cues heard in the last second)."""
        self.voice.feed(self.feed.until(t))
        if t - self._last >= self.interval_s:
            self.voice.roles = roles
            self.voice.update()
            self._last = t
        return max(self.voice.level_lufs(), default=signal.FLOOR_DB), self.voice.active()
