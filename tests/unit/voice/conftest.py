"""Media made in the test: tones, syllable trains, espeak-ng speech, and video/audio files written by PyAV."""

from __future__ import annotations

import io
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest


def write_media(path: Path, audio: np.ndarray | None, rate: int = 16000, layout: str = "mono",
                video_s: float | None = None, codec: str | None = None) -> Path:  # fmt: skip
    """Write `audio` ((channels, n) floats) as `layout` at `rate`, with `video_s` seconds of 64x64 video."""
    import av

    with av.open(str(path), "w") as c:
        v = a = None
        if video_s is not None:  # every stream is added before anything is muxed
            v = c.add_stream("mpeg4", rate=10)
            v.width = v.height = 64
            v.pix_fmt = "yuv420p"
        if audio is not None:
            a = c.add_stream(codec or "pcm_s16le", rate=rate, layout=layout)
        if v is not None:
            for i in range(round(video_s * 10)):
                f = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i % 255, np.uint8), format="rgb24")
                f.pts = i
                for p in v.encode(f):
                    c.mux(p)
            for p in v.encode(None):
                c.mux(p)
        if a is not None:
            x = np.atleast_2d(audio)
            fmt = "s16" if (codec or "pcm_s16le") == "pcm_s16le" else "fltp"
            for s in range(0, x.shape[1], 1024):
                chunk = x[:, s : s + 1024]
                arr = (
                    (np.clip(chunk.T, -1, 1) * 32767).astype("<i2").reshape(1, -1) if fmt == "s16" else chunk
                )
                fr = av.AudioFrame.from_ndarray(np.ascontiguousarray(arr, dtype=arr.dtype), format=fmt,
                                                layout=layout)  # fmt: skip
                fr.sample_rate, fr.pts = rate, s
                for p in a.encode(fr):
                    c.mux(p)
            for p in a.encode(None):
                c.mux(p)
    return path


def tone(freq: float, seconds: float, dbfs_peak: float = -6.0, rate: int = 16000) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (10 ** (dbfs_peak / 20) * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def syllable_train(per_second: float, seconds: float, f0: float = 120.0, rate: int = 16000) -> np.ndarray:
    """Voiced 'syllables' (a harmonic vowel under a raised-cosine envelope) at an exact rate, no gaps."""
    t = np.arange(round(seconds * rate)) / rate
    vowel = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 8))
    env = 0.5 - 0.5 * np.cos(2 * np.pi * per_second * t)  # one peak per syllable
    return (0.2 * vowel * (0.1 + 0.9 * env)).astype(np.float32)


def espeak(text: str, wpm: int = 160, pitch: int = 50, voice: str = "en") -> tuple[np.ndarray, int]:
    """espeak-ng's speech of `text` (Debian espeak-ng, installed by dev.py for the tests)."""
    out = subprocess.run(["espeak-ng", "--stdout", "-s", str(wpm), "-p", str(pitch), "-v", voice, text],
                         capture_output=True, check=True).stdout  # fmt: skip
    with wave.open(io.BytesIO(out)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
        return x, w.getframerate()


class Media:
    """The helpers above, handed to tests as the `media` fixture."""

    write = staticmethod(write_media)
    tone = staticmethod(tone)
    syllable_train = staticmethod(syllable_train)
    espeak = staticmethod(espeak)


@pytest.fixture
def media() -> type[Media]:
    return Media
