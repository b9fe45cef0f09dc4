"""The live recording is a valid, playable H.264 mp4 with the capture times, even after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cuedetect.live.recorder import FragmentedRecorder
from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions, probe_video


def _frame(i: int, size: tuple[int, int]) -> np.ndarray:
    img = np.zeros((size[1], size[0], 3), np.uint8)
    img[:, (i * 4) % size[0] : (i * 4) % size[0] + 8] = (255, 128, 0)
    return img


def _decoded(path: Path) -> list:
    return list(VideoFileSource(VideoSourceOptions(path, fps=None, max_side=None)))


@pytest.mark.parametrize("size", [(160, 96), (161, 97)])  # odd sizes are padded to even
def test_recording_keeps_capture_times(tmp_path: Path, size: tuple[int, int]) -> None:
    times = np.cumsum(np.r_[0, np.random.default_rng(0).uniform(0.02, 0.06, 59)])  # an uneven camera
    with FragmentedRecorder(tmp_path / "r.mp4", size, fps=30) as rec:
        for i, t in enumerate(times):
            rec.write(_frame(i, size), float(t))
    info = probe_video(tmp_path / "r.mp4")
    assert info.codec == "h264"
    assert (info.width, info.height) == (size[0] + size[0] % 2, size[1] + size[1] % 2)
    assert info.frame_count == 60
    np.testing.assert_allclose(info.times, times, atol=0.0011)
    assert len(_decoded(tmp_path / "r.mp4")) == 60


def test_times_must_increase_and_are_nudged(tmp_path: Path) -> None:
    with FragmentedRecorder(tmp_path / "r.mp4", (64, 64), fps=25) as rec:
        for t in (0.0, 0.04, 0.04, 0.03):  # a repeated and a backwards time
            rec.write(_frame(0, (64, 64)), t)
    times = probe_video(tmp_path / "r.mp4").times
    assert len(times) == 4 and np.all(np.diff(times) > 0)


_WRITER = """
import sys, time, numpy as np
from cuedetect.live.recorder import FragmentedRecorder
rec = FragmentedRecorder(sys.argv[1], (160, 96), fps=25, keyframe_s=0.5)
rec.open()
i = 0
while True:
    img = np.zeros((96, 160, 3), np.uint8); img[:, (i * 4) % 160] = 255
    rec.write(img, i / 25)
    i += 1
    if i == 50:
        print("written", flush=True)
    time.sleep(0.01)
"""


def test_killed_recording_stays_playable(tmp_path: Path) -> None:
    """SIGKILL while recording (no close, no flush): the file plays up to the last fragment."""
    path = tmp_path / "killed.mp4"
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
        time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    info = probe_video(path)
    frames = _decoded(path)
    assert len(frames) == info.frame_count >= 50 - 13  # at most one 0.5 s fragment (+ slack) is lost
    assert frames[-1].t == pytest.approx(info.times[-1])
