"""The speech stretches to transcribe, cut from the recording's audio as it streams past.

The voice stage says where people speak (its utterances, per channel, with the speaker when one
microphone per person tells it). `plan_stretches` turns those into stretches of at most
`max_segment_s`, cut at the quietest 10 ms near that length; `stream_stretches` decodes the audio track
block by block with PyAV and hands out each stretch's samples as soon as the stream has passed its end,
then forgets what no later stretch needs. Memory stays bounded by the longest stretch, however long the
recording is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.errors import InputError

RATE = 16000
HOP_S = 0.01


@dataclass(frozen=True)
class Stretch:
    """A stretch of one channel's speech (one utterance of the voice stage, or a piece of a long one)."""

    channel: int
    person: int
    start: float
    end: float
    utterance: int  # index into the voice result's utterances


def _quietest_cut(levels: np.ndarray | None, t0: float, a: float, b: float) -> float:
    """The time of the quietest 10 ms frame between `a` and `b` (`levels` per frame from `t0`)."""
    if levels is None or not len(levels):
        return b
    i, j = max(0, round((a - t0) / HOP_S)), min(len(levels), round((b - t0) / HOP_S))
    if j <= i:
        return b
    return t0 + (i + int(np.argmin(levels[i:j]))) * HOP_S


def plan_stretches(utterances: list[Any], frames: Any | None, max_segment_s: float) -> list[Stretch]:
    """The stretches to decode, in time order: each voice utterance, long ones cut into pieces of at most
    `max_segment_s` at the quietest frame of each piece's last third.

    Args:
        utterances: the voice stage's `Utterance`s (channel, person, start, end).
        frames: the voice stage's frame table (`t`, `channel`, `level_db`), or None (cut at fixed length).
        max_segment_s: the longest stretch handed to the recogniser.
    """
    levels: dict[int, tuple[float, np.ndarray]] = {}
    if frames is not None and len(frames):
        for ch, df in frames.groupby("channel"):
            t = df["t"].to_numpy(dtype=float)
            levels[int(ch)] = (float(t[0]), df["level_db"].to_numpy(dtype=float))
    out = []
    for k, u in enumerate(utterances):
        if u.end - u.start <= 0:
            continue
        t0, lv = levels.get(int(u.channel), (0.0, None))
        a = float(u.start)
        while u.end - a > max_segment_s:
            cut = _quietest_cut(lv, t0, a + max_segment_s * 2 / 3, a + max_segment_s)
            out.append(Stretch(int(u.channel), int(u.person), a, cut, k))
            a = cut
        out.append(Stretch(int(u.channel), int(u.person), a, float(u.end), k))
    return sorted(out, key=lambda s: (s.start, s.channel))


def stream_blocks(path: Path, separate_channels: bool) -> Iterator[tuple[float, np.ndarray]]:
    """(time of the first sample, float32 (channels, n) at 16 kHz) blocks of the first audio stream, as
    PyAV decodes them; channels mixed down to one unless `separate_channels`."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return
            stream = container.streams.audio[0]
            layout = stream.layout.name if stream.layout else "mono"
            resampler = av.AudioResampler(format="fltp", layout=layout, rate=RATE)
            start: float | None = None
            n = 0

            def emit(frames: list[Any]) -> Iterator[tuple[float, np.ndarray]]:
                nonlocal n
                for f in frames:
                    x = f.to_ndarray().astype(np.float32, copy=False)
                    if not separate_channels and x.shape[0] > 1:
                        x = x.mean(axis=0, keepdims=True)
                    yield (start or 0.0) + n / RATE, x
                    n += x.shape[1]

            for frame in container.decode(stream):
                if start is None and frame.time is not None:
                    start = float(frame.time)
                yield from emit(resampler.resample(frame))
            yield from emit(resampler.resample(None))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise InputError(f"cannot decode the audio of {path}: {exc}") from None


class StretchCutter:
    """Cuts planned stretches out of audio blocks as they arrive, holding only what is still needed.

    `max_held_s` is the longest audio the cutter ever held (the memory bound the tests check).
    """

    def __init__(self, stretches: list[Stretch], margin_s: float) -> None:
        self.pending = list(stretches)
        self.margin_s = margin_s
        self.buf: np.ndarray | None = None
        self.buf_t0 = 0.0
        self.max_held_s = 0.0

    def _cut(self, s: Stretch) -> np.ndarray:
        assert self.buf is not None
        a = max(0, round((s.start - self.margin_s - self.buf_t0) * RATE))
        b = max(a, round((s.end + self.margin_s - self.buf_t0) * RATE))
        ch = min(s.channel, self.buf.shape[0] - 1)
        return self.buf[ch, a:b]

    def feed(self, t0: float, block: np.ndarray) -> Iterator[tuple[Stretch, np.ndarray, float]]:
        """Add a block; yield (stretch, samples, time of samples[0]) for every stretch now complete."""
        if self.buf is None:
            self.buf, self.buf_t0 = block, t0
        else:
            self.buf = np.concatenate([self.buf, block], axis=1)
        yield from self._ready(self.buf_t0 + self.buf.shape[1] / RATE)
        # forget audio before what the earliest pending stretch needs
        held = self.buf.shape[1]
        keep_from = self.pending[0].start - self.margin_s if self.pending else self.buf_t0 + held / RATE
        drop = min(held, max(0, int((keep_from - self.buf_t0) * RATE)))
        if drop:
            self.buf = self.buf[:, drop:]
            self.buf_t0 += drop / RATE
        self.max_held_s = max(self.max_held_s, self.buf.shape[1] / RATE)

    def _ready(self, t_end: float) -> Iterator[tuple[Stretch, np.ndarray, float]]:
        while self.pending and self.pending[0].end + self.margin_s <= t_end:
            s = self.pending.pop(0)
            x = self._cut(s)
            yield s, x, max(self.buf_t0, s.start - self.margin_s)

    def finish(self) -> Iterator[tuple[Stretch, np.ndarray, float]]:
        """The stretches that reach the end of the audio."""
        if self.buf is None:
            self.pending.clear()
            return
        yield from self._ready(float("inf"))


def stream_stretches(path: Path, stretches: list[Stretch], separate_channels: bool, margin_s: float,
                     ) -> tuple[Iterator[tuple[Stretch, np.ndarray, float]], StretchCutter]:  # fmt: skip
    """Each stretch's samples, in time order, from the recording streamed block by block."""
    cutter = StretchCutter(stretches, margin_s)

    def run() -> Iterator[tuple[Stretch, np.ndarray, float]]:
        if not stretches:
            return
        for t0, block in stream_blocks(path, separate_channels):
            yield from cutter.feed(t0, block)
            if not cutter.pending:
                return
        yield from cutter.finish()

    return run(), cutter
