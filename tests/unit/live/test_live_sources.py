"""Live sources: camera faults in words, real-time pacing of a video file, one source at a time."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from cuedetect.errors import InputError
from cuedetect.live.recorder import FragmentedRecorder
from cuedetect.live.sources import (
    CameraError,
    CameraLiveSource,
    PacedVideoSource,
    camera_message,
    open_source,
)


@pytest.mark.parametrize(
    ("device", "node", "opened", "frame", "words"),
    [
        (3, False, False, False, "no camera at index 3"),
        (0, True, False, False, "another program"),
        (0, None, False, False, "could not be opened"),
        (1, True, True, False, "delivers no frames"),
        ("rtsp://10.0.0.9/live", None, False, False, "could not be opened: check the URL"),
        ("rtsp://10.0.0.9/live", None, True, False, "sent no frame"),
    ],
)
def test_camera_messages_say_what_happened(device, node, opened, frame, words) -> None:
    msg = camera_message(device, node, opened, frame)
    assert words in msg
    assert "\n" not in msg


def test_a_missing_camera_is_a_clear_error() -> None:
    with pytest.raises(CameraError, match="no camera at index 97"):
        CameraLiveSource(97)


def test_an_unreachable_stream_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="could not be opened"):
        CameraLiveSource(str(tmp_path / "nothing-here.sdp"), first_frame_timeout_s=0.5)


@pytest.mark.parametrize(
    "kwargs", [{}, {"camera": 0, "video": Path("x.mp4")}, {"camera": 0, "url": "rtsp://x"}]
)
def test_exactly_one_source(kwargs) -> None:
    with pytest.raises(InputError, match="exactly one"):
        open_source(**kwargs)


def _clip(path: Path, seconds: float, fps: float = 25.0, size: tuple[int, int] = (160, 96)) -> Path:
    with FragmentedRecorder(path, size, fps) as rec:
        for i in range(round(seconds * fps)):
            img = np.zeros((size[1], size[0], 3), np.uint8)
            img[:, (i * 3) % size[0]] = 255
            rec.write(img, i / fps)
    return path


def test_video_is_played_at_wall_clock_pace(tmp_path: Path) -> None:
    src = PacedVideoSource(_clip(tmp_path / "c.mp4", 1.2), max_side=None)
    t0 = time.monotonic()
    lags = []
    frames = 0
    for frame in src:
        lags.append(time.monotonic() - t0 - frame.t)
        frames += 1
    assert frames == 30
    assert src.size == (160, 96)
    assert min(lags) > -0.005  # never early
    assert np.median(lags) < 0.03  # and on time
    assert time.monotonic() - t0 == pytest.approx(1.16, abs=0.15)


def test_paced_source_at_double_speed(tmp_path: Path) -> None:
    src = PacedVideoSource(_clip(tmp_path / "c.mp4", 1.0), max_side=None, speed=2.0)
    t0 = time.monotonic()
    assert sum(1 for _ in src) == 25
    assert time.monotonic() - t0 == pytest.approx(0.48, abs=0.12)
