"""Recording the raw live video as fragmented H.264 mp4, playable however the session ends.

A plain mp4 writes its index (`moov`) at the end, so a crash leaves an unplayable file. Here the index
comes first and empty (`empty_moov`) and the frames follow in self-contained fragments, one per keyframe
(`frag_keyframe`, a keyframe every `keyframe_s`): a session killed outright loses at most the fragment
being written. Frames carry their capture times (millisecond pts), so a camera's uneven rate is kept.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

MOVFLAGS = "frag_keyframe+empty_moov+default_base_moof"


class FragmentedRecorder:
    """`with FragmentedRecorder(path, size, fps) as rec: rec.write(rgb, t)`."""

    def __init__(
        self,
        path: str | Path,
        size: tuple[int, int],
        fps: float = 30.0,
        keyframe_s: float = 1.0,
        crf: int = 23,
        preset: str = "ultrafast",
    ) -> None:
        self.path = Path(path)
        self.size = (int(size[0]), int(size[1]))
        self.fps = max(1.0, float(fps))
        self.keyframe_s = keyframe_s
        self.options = {"crf": str(crf), "preset": preset, "tune": "zerolatency"}
        self.frames = 0
        self.last_t = -1.0
        self._container: Any = None
        self._stream: Any = None

    def __enter__(self) -> FragmentedRecorder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        import av

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(
            str(self.path), mode="w", format="mp4", options={"movflags": MOVFLAGS, "flush_packets": "1"}
        )
        gop = max(1, round(self.fps * self.keyframe_s))
        stream = self._container.add_stream(
            "libx264",
            rate=Fraction(self.fps).limit_denominator(1001),
            options={**self.options, "g": str(gop), "keyint_min": str(gop)},
        )
        w, h = self.size
        stream.width, stream.height = w + w % 2, h + h % 2
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.time_base = Fraction(1, 1000)
        self._stream = stream

    def write(self, rgb: np.ndarray, t: float) -> None:
        """Append one RGB frame captured `t` seconds after the first (times must increase)."""
        import av

        if self._container is None:
            raise RuntimeError("recorder is not open")
        t = max(t, self.last_t + 0.001)  # pts must increase strictly
        self.last_t = t
        pad_h, pad_w = self._stream.height - rgb.shape[0], self._stream.width - rgb.shape[1]
        if pad_h or pad_w:
            rgb = np.pad(rgb, ((0, max(pad_h, 0)), (0, max(pad_w, 0)), (0, 0)), mode="edge")
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb, dtype=np.uint8), format="rgb24")
        frame.pts = round(t * 1000)
        frame.time_base = Fraction(1, 1000)
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and close the file (safe to call twice)."""
        if self._container is None:
            return
        try:
            for packet in self._stream.encode():
                self._container.mux(packet)
        finally:
            self._container.close()
            self._container = None
