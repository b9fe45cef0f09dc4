"""Live sources: camera faults in words, real-time pacing of a video file, one source at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cuedetect.errors import InputError
from cuedetect.live.clock import SYSTEM_CLOCK, ManualClock
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


def test_video_is_played_at_the_pace_of_its_timestamps(tmp_path: Path) -> None:
    """Each frame comes out exactly when its timestamp is due on the (injected) clock, never early."""
    clock = ManualClock(50.0)
    src = PacedVideoSource(_clip(tmp_path / "c.mp4", 1.2), max_side=None, clock=clock)
    seen = [(frame.index, frame.t, clock.now - 50.0) for frame in src]
    assert len(seen) == 30 and src.size == (160, 96)
    assert [i for i, _, _ in seen] == list(range(30))
    assert [t for _, t, _ in seen] == pytest.approx([i / 25 for i in range(30)], abs=1e-3)
    assert all(at == pytest.approx(t, abs=1e-9) for _, t, at in seen)  # on time, to the clock's tick
    assert sum(clock.sleeps) == pytest.approx(29 / 25, abs=1e-3) and min(clock.sleeps) > 0


def test_paced_source_at_double_speed(tmp_path: Path) -> None:
    clock = ManualClock()
    src = PacedVideoSource(_clip(tmp_path / "c.mp4", 1.0), max_side=None, speed=2.0, clock=clock)
    times = [(frame.t, clock.now) for frame in src]
    assert len(times) == 25
    assert all(at == pytest.approx(t / 2, abs=1e-9) for t, at in times)
    assert clock.now == pytest.approx(0.48, abs=1e-3)


def test_a_slow_consumer_gets_every_frame_late_without_waits(tmp_path: Path) -> None:
    """Like a camera, the source does not wait for its consumer nor skip to catch up: a consumer taking
    0.1 s per frame of a 25 fps clip gets every frame at once, ever later; the buffer downstream drops."""
    clock = ManualClock()
    src = PacedVideoSource(_clip(tmp_path / "c.mp4", 0.8), max_side=None, clock=clock)
    lags = []
    for frame in src:
        lags.append(clock.now - frame.t)
        clock.advance(0.1)
    assert len(lags) == 20 and clock.sleeps == []
    assert lags == pytest.approx([i * (0.1 - 0.04) for i in range(20)], abs=1e-3)


def test_the_real_clock_is_the_default(tmp_path: Path) -> None:
    assert PacedVideoSource(_clip(tmp_path / "c.mp4", 0.2), max_side=None).clock is SYSTEM_CLOCK
