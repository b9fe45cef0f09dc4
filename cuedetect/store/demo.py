"""A small, real analysis folder (video + analysis.json + events.json) for tests and dashboard demos.

The video is a real H.264 mp4 written with PyAV: two coloured figures on a grey floor, moving, with the
time printed in the corner, so thumbnails show which moment they are from. The events follow the
documented `events.json` format; `analysis.json` carries the video's SHA-256 like `cuedetect analyze`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_EVENTS: tuple[dict[str, Any], ...] = (
    {
        "cue": "pointing",
        "person": 1,
        "start": 0.6,
        "end": 1.6,
        "confidence": 0.91,
        "evidence": {"wrist_above_shoulder_torso": 0.3, "seconds": 1.0},
    },
    {
        "cue": "open_hands",
        "person": 0,
        "start": 1.0,
        "end": 3.0,
        "confidence": 0.84,
        "evidence": {"palms_visible": True},
    },
    {"cue": "fists_up", "person": 1, "start": 2.2, "end": 3.4, "confidence": 0.77, "evidence": {}},
    {
        "cue": "too_close",
        "person": 0,
        "other": 1,
        "start": 3.0,
        "end": 3.8,
        "confidence": 1.0,
        "evidence": {"distance_m": 0.9},
    },
)


def write_video(
    path: Path, seconds: float = 4.0, fps: int = 10, size: tuple[int, int] = (160, 120), seed: int = 0
) -> Path:
    """A short real H.264 video; `seed` changes its pixels (and so its SHA-256)."""
    import av
    import cv2

    w, h = size
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "30"}
        for i in range(int(seconds * fps)):
            img = np.full((h, w, 3), 90 + (seed * 37) % 60, np.uint8)
            x = int(w * 0.2 + i * 0.5)
            cv2.rectangle(img, (x, h // 3), (x + w // 8, h - 10), (40, 160, 40), -1)
            cv2.rectangle(img, (w - x - w // 8, h // 3), (w - x, h - 10), (40, 40, 200), -1)
            cv2.putText(img, f"{i / fps:.1f}s", (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1)
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_demo_analysis(
    out_dir: str | Path,
    *,
    video: Path | None = None,
    events: Sequence[dict[str, Any]] = DEFAULT_EVENTS,
    model_version: str = "cues-0.1",
    seconds: float = 4.0,
    seed: int = 0,
    roles: Sequence[tuple[int, str]] = ((0, "trainee"), (1, "client")),
) -> Path:
    """Write an analysis folder like `cuedetect analyze VIDEO --out DIR` does; returns `out_dir`.

    Pass `video` to describe an existing recording (e.g. a re-analysis of the same video).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if video is None:
        video = write_video(out / "recording.mp4", seconds=seconds, seed=seed)
    sha = hashlib.sha256(Path(video).read_bytes()).hexdigest()
    persons = [{"id": pid, "role": role} for pid, role in roles]
    analysis = {
        "source": str(Path(video).resolve()),
        "content_sha256": sha,
        "duration": seconds,
        "analysed_fps": 10,
        "model": {"name": "pose_landmarker_full", "version": "demo"},
        "persons_found": len(persons),
        "versions": {"cuedetect": "0.1.0"},
        "timings": {"total_s": 0.1},
    }
    doc = {
        "video": Path(video).name,
        "duration": seconds,
        "persons": persons,
        "model_version": model_version,
        "events": [dict(e) for e in events],
        "summary": {"note": "demo analysis"},
    }
    (out / "analysis.json").write_text(json.dumps(analysis, indent=1))
    (out / "events.json").write_text(json.dumps(doc, indent=1))
    return out
