"""A single-slot latest-frame buffer and rolling rate/latency statistics.

The capture thread `put`s every frame; the processing loop `get`s the newest one. A frame nobody took
before the next one arrived is dropped (and counted): memory and latency stay bounded whatever the
speed of the machine.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from cuedetect.live.clock import SYSTEM_CLOCK, Clock

T = TypeVar("T")


class LatestSlot(Generic[T]):
    """Holds at most one item: `put` replaces an untaken item (a drop), `get` waits for a new one."""

    def __init__(self, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._item: T | None = None
        self._closed = False
        self.put_count = 0
        self.taken = 0
        self.dropped = 0

    def put(self, item: T) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self.put_count += 1
            self._cond.notify_all()

    def close(self) -> None:
        """No more items will come; `get` returns what is left, then None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def get(self, timeout: float | None = None) -> T | None:
        """The newest item not yet taken; None after `timeout` seconds or once closed and empty."""
        deadline = None if timeout is None else self._clock.monotonic() + timeout
        with self._cond:
            while self._item is None and not self._closed:
                remaining = None if deadline is None else deadline - self._clock.monotonic()
                if remaining is not None and remaining <= 0:
                    return None
                self._clock.wait(self._cond, remaining)
            item, self._item = self._item, None
            if item is not None:
                self.taken += 1
            return item


@dataclass
class RateStats:
    """Achieved frame rate and capture-to-overlay latency over the last `window_s` seconds."""

    fps: float
    latency_ms: float
    latency_p95_ms: float
    frames: int


class RollingStats:
    """Collects (done time, latency) of processed frames; `summary()` over a trailing window."""

    def __init__(self, window_s: float = 2.0, keep_all: bool = True) -> None:
        self.window_s = window_s
        self._recent: deque[tuple[float, float]] = deque()
        self.latencies: list[float] = []  # every latency (seconds), for end-of-session percentiles
        self.done_times: list[float] = []
        self.keep_all = keep_all

    def add(self, done: float, latency_s: float) -> None:
        self._recent.append((done, latency_s))
        while self._recent and done - self._recent[0][0] > self.window_s:
            self._recent.popleft()
        if self.keep_all:
            self.latencies.append(latency_s)
            self.done_times.append(done)

    def summary(self) -> RateStats:
        if not self._recent:
            return RateStats(0.0, float("nan"), float("nan"), 0)
        times = [d for d, _ in self._recent]
        lat = np.array([x for _, x in self._recent]) * 1000
        span = times[-1] - times[0]
        fps = (len(times) - 1) / span if span > 0 else 0.0
        return RateStats(fps, float(np.mean(lat)), float(np.percentile(lat, 95)), len(times))
