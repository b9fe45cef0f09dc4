"""The clock live sources and buffers read: the system's, or a manual one that tests move by hand.

Pacing a file, timing out a wait and stamping camera frames all go through a `Clock`, so a test can
check them exactly and instantly (`ManualClock`: time moves only when something sleeps or waits, or
the test advances it) instead of sleeping and asserting wall-clock times on a busy machine.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Seconds on a monotonic scale, sleeping, and waiting on a condition with a timeout."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def wait(self, cond: threading.Condition, timeout: float | None) -> None:
        """Wait on `cond` (held by the caller) until notified or `timeout` seconds pass."""
        ...


class SystemClock:
    """The real clock: `time.monotonic`, `time.sleep`, `Condition.wait`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def wait(self, cond: threading.Condition, timeout: float | None) -> None:
        cond.wait(timeout)


SYSTEM_CLOCK = SystemClock()


class ManualClock:
    """A clock for tests: `sleep` and a timed `wait` return at once, moving the time by what they were
    asked to wait; `advance` moves it by hand. Every sleep is recorded in `sleeps`."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock does not go back")
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)

    def wait(self, cond: threading.Condition, timeout: float | None) -> None:
        if timeout is None:  # nothing but a notify can end it: wait for real
            cond.wait()
        else:  # no notify can come while the only thread is here: the whole timeout passes
            self.now += max(0.0, timeout)
