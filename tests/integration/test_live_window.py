"""The OpenCV window of `cuedetect live` under a virtual X display (Xvfb: `apt-get install xvfb`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

CUEDETECT = Path(sys.executable).parent / "cuedetect"


@pytest.fixture
def display() -> str:
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is needed for the window test: apt-get install xvfb"
    for n in range(91, 120):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(
        [xvfb, f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{n}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        yield f":{n}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_window_shows_the_live_view(display: str, clips_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "CUEDETECT_DATA_DIR": str(tmp_path)}
    cmd = [
        str(CUEDETECT),
        "live",
        "--video",
        str(clips_dir / "two_people_walking.mp4"),
        "--duration",
        "2",
        "--record-dir",
        str(tmp_path),
        "--no-store",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "duration 2 s reached" in proc.stdout
    (stats,) = tmp_path.glob("live-*/live/stats.json")
    assert json.loads(stats.read_text())["processed_frames"] >= 3  # frames went through the window


def test_without_a_display_the_window_is_refused(clips_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    cmd = [str(CUEDETECT), "live", "--video", str(clips_dir / "two_people_walking.mp4")]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2 and "--no-window" in proc.stderr
