"""Decode a recording's audio track with PyAV into float32 samples at 16 kHz, one row per channel.

Which channels are kept: a mono track is one channel; a track with 2-4 channels whose channels really
differ (lapel microphones, one per person) keeps each channel, because each may be one person's voice; a
stereo camera microphone (channels nearly identical) and any surround layout (5.1, 7.1: a mix, not one
microphone per person) are mixed down to one. Every such decision is written into `AudioTrack.notes`, which
the analysis copies into analysis.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.errors import InputError

RATE = 16000
# Channels correlated above this are one microphone recorded twice (a camera's stereo pair).
SAME_MIC_CORRELATION = 0.97
SURROUND_LAYOUTS = (
    "5.1",
    "5.1(side)",
    "7.1",
    "7.1(wide)",
    "6.1",
    "quad",
    "5.0",
    "4.0",
    "hexagonal",
    "octagonal",
)


@dataclass(frozen=True)
class AudioTrack:
    """A decoded audio track.

    Attributes:
        samples: float32 (channels, n) in -1..1 at `rate` Hz.
        rate: samples per second (16000).
        start: seconds from the start of the video of the first sample (PyAV's timestamp).
        source_rate: the track's own sample rate.
        source_channels: the track's own channel count; `layout` its channel layout name.
        separate_channels: True when each kept channel is treated as its own microphone.
        clipped_fraction: share of source samples at full scale (clipping), over all channels.
        notes: human-readable remarks (downmixed, low sample rate, clipping...).
    """

    samples: np.ndarray = field(repr=False)
    rate: int
    start: float
    source_rate: int
    source_channels: int
    layout: str
    codec: str
    separate_channels: bool
    clipped_fraction: float
    notes: tuple[str, ...] = ()

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.rate

    @property
    def end(self) -> float:
        return self.start + self.duration


def has_audio(path: Path) -> bool:
    """True when the file holds at least one audio stream."""
    import av

    try:
        with av.open(str(path)) as container:
            return bool(container.streams.audio)
    except (av.error.FFmpegError, OSError) as exc:
        raise InputError(f"cannot open {path}: {exc}") from None


def _decode_native(stream: Any, container: Any) -> tuple[np.ndarray, float]:
    """All samples of `stream` as float32 (channels, n) at the native rate, and the first sample's time."""
    import av

    resampler = av.AudioResampler(format="fltp", layout=stream.layout.name, rate=stream.rate)
    chunks: list[np.ndarray] = []
    start: float | None = None
    for frame in container.decode(stream):
        if start is None and frame.time is not None:
            start = float(frame.time)
        for out in resampler.resample(frame):
            chunks.append(out.to_ndarray())
    for out in resampler.resample(None):
        chunks.append(out.to_ndarray())
    if not chunks:
        return np.zeros((stream.channels or 1, 0), np.float32), start or 0.0
    return np.concatenate(chunks, axis=1).astype(np.float32, copy=False), start or 0.0


def _resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Polyphase resampling (anti-aliased) of each row from `src` to `dst` Hz."""
    if src == dst or x.shape[1] == 0:
        return x
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(src, dst)
    return resample_poly(x, dst // g, src // g, axis=1).astype(np.float32)


def _channels_differ(x: np.ndarray) -> bool:
    """True unless the channels are one microphone copied (correlation near 1 on the loud parts)."""
    if x.shape[0] < 2:
        return False
    energy = np.abs(x).mean(axis=0)
    loud = energy > np.quantile(energy, 0.5) if x.shape[1] else np.zeros(0, bool)
    if loud.sum() < 100:
        return False
    c = np.corrcoef(x[:, loud])
    off = c[~np.eye(len(c), dtype=bool)]
    return bool(np.nanmin(off) < SAME_MIC_CORRELATION)


def decode_audio(path: Path, rate: int = RATE, keep_channels: bool | None = None) -> AudioTrack | None:
    """Decode the first audio stream of `path`; None when it has none.

    Args:
        path: a video (or audio) file.
        rate: the output sample rate.
        keep_channels: keep each channel separately (True), mix down to one (False), or decide from the
            layout and the signal (None).

    Raises:
        InputError: the file cannot be opened or its audio cannot be decoded.
    """
    import av

    notes: list[str] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            layout = stream.layout.name if stream.layout else ""
            native, start = _decode_native(stream, container)
            src_rate = int(stream.rate or rate)
            codec = stream.codec_context.name
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise InputError(f"cannot decode the audio of {path}: {exc}") from None
    n_src = native.shape[0]
    clipped = float(np.mean(np.abs(native) >= 0.999)) if native.size else 0.0
    if clipped > 0.001:
        notes.append(f"audio clips: {100 * clipped:.1f}% of samples at full scale; levels during clipping "
                     "are underestimated")  # fmt: skip
    if src_rate < rate:
        notes.append(f"audio sampled at {src_rate} Hz (telephone quality): upsampled to {rate} Hz, "
                     f"nothing above {src_rate // 2} Hz")  # fmt: skip
    surround = layout in SURROUND_LAYOUTS or n_src > 4
    if keep_channels is None:
        keep_channels = 2 <= n_src <= 4 and not surround and _channels_differ(native)
    if n_src > 1 and not keep_channels:
        why = f"{layout or n_src} audio is a mix" if surround else "its channels carry one microphone"
        notes.append(f"{n_src}-channel audio mixed down to one ({why})")
        native = native.mean(axis=0, keepdims=True)
    elif keep_channels and n_src > 1:
        notes.append(f"{n_src} audio channels kept apart: one microphone per person")
    samples = _resample(native, src_rate, rate)
    if samples.shape[1] == 0 or float(np.abs(samples).max(initial=0.0)) < 1e-5:
        notes.append("the audio track is silent")
    return AudioTrack(samples, rate, start, src_rate, n_src, layout, codec, bool(keep_channels and n_src > 1),
                      clipped, tuple(notes))  # fmt: skip


def track_from_array(samples: np.ndarray, rate: int = RATE, start: float = 0.0,
                     separate_channels: bool | None = None) -> AudioTrack:  # fmt: skip
    """An `AudioTrack` from samples in memory ((n,) or (channels, n)), resampled to 16 kHz (tests, live)."""
    x = np.atleast_2d(np.asarray(samples, dtype=np.float32))
    sep = x.shape[0] > 1 if separate_channels is None else separate_channels
    if x.shape[0] > 1 and not sep:
        x = x.mean(axis=0, keepdims=True)
    clipped = float(np.mean(np.abs(x) >= 0.999)) if x.size else 0.0
    return AudioTrack(_resample(x, rate, RATE), RATE, start, rate, x.shape[0], "", "pcm", bool(sep), clipped)
