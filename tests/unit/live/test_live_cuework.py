"""The cue worker: windows too short to judge, and a worker process that dies is replaced by inline work."""

from __future__ import annotations

import os
import signal
import time

import numpy as np

from cuedetect.live.cuework import CueWorker, window_cues
from cuedetect.live.history import PersonPose, PoseHistory


def _history(frames: int) -> PoseHistory:
    h = PoseHistory((640, 360))
    rng = np.random.default_rng(0)
    for i in range(frames):
        xy = (np.full((33, 2), 0.5) + rng.normal(0, 0.01, (33, 2))).astype(np.float32)
        h.add(i, i / 15, [PersonPose(0, xy, np.ones(33), np.full((33, 3), np.nan))])
    return h


def test_a_window_of_two_frames_finds_nothing() -> None:
    w = window_cues(_history(2).window())
    assert w.events == [] and w.end_t == 1 / 15


def test_a_dead_worker_process_falls_back_to_inline() -> None:
    worker = CueWorker("process")
    try:
        window = _history(20).window()
        first = worker.run(window, timeout=120)
        assert first.end_t == window.analysed_t[-1] and worker.mode == "process"
        for pid in list(worker._pool._processes):  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        assert worker.submit(window)
        deadline = time.monotonic() + 30
        while worker.mode == "process" and time.monotonic() < deadline:
            worker.poll()
            time.sleep(0.05)
        assert worker.mode == "inline" and worker.failures == 1
        again = worker.run(window)
        assert again.end_t == first.end_t and again.events == first.events
    finally:
        worker.close()
