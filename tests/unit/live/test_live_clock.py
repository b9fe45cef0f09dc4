"""The manual clock tests move by hand: sleeps and timed waits return at once and move its time."""

from __future__ import annotations

import threading

import pytest

from cuedetect.live.clock import SYSTEM_CLOCK, ManualClock, SystemClock


def test_sleep_and_wait_move_the_manual_clock_by_what_they_asked() -> None:
    clock = ManualClock(10.0)
    clock.sleep(0.25)
    clock.sleep(-1.0)  # a late deadline: no sleep, no time travel
    cond = threading.Condition()
    with cond:
        clock.wait(cond, 0.5)
    clock.advance(1.0)
    assert clock.monotonic() == pytest.approx(11.75)
    assert clock.sleeps == [0.25, -1.0]


def test_the_manual_clock_never_goes_back() -> None:
    with pytest.raises(ValueError, match="does not go back"):
        ManualClock().advance(-0.1)


def test_the_system_clock_is_monotonic_and_a_wait_returns_on_notify() -> None:
    assert isinstance(SYSTEM_CLOCK, SystemClock)
    a = SYSTEM_CLOCK.monotonic()
    assert SYSTEM_CLOCK.monotonic() >= a
    cond = threading.Condition()

    def notify() -> None:
        with cond:
            cond.notify_all()

    with cond:
        threading.Timer(0.01, notify).start()
        SYSTEM_CLOCK.wait(cond, 60.0)  # returns on the notify, long before the timeout
