"""The single-slot buffer drops instead of queueing, hands out the newest item, and counts everything."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.live.buffer import LatestSlot, RollingStats
from cuedetect.live.clock import SYSTEM_CLOCK, ManualClock


@given(st.lists(st.sampled_from(["put", "get"]), max_size=60))
def test_every_put_is_taken_dropped_or_pending(ops: list[str]) -> None:
    slot: LatestSlot[int] = LatestSlot()
    last_put, got = -1, []
    for i, op in enumerate(ops):
        if op == "put":
            slot.put(i)
            last_put = i
        else:
            item = slot.get(timeout=0)
            if item is not None:
                assert item == last_put  # always the newest
                got.append(item)
    pending = 1 if slot.get(timeout=0) is not None else 0
    assert slot.taken - pending + slot.dropped + pending == slot.put_count
    assert got == sorted(got)  # never an older item after a newer one


def test_closed_slot_gives_the_last_item_then_none() -> None:
    slot: LatestSlot[str] = LatestSlot()
    slot.put("a")
    slot.put("b")
    slot.close()
    assert slot.get(timeout=1) == "b"
    assert slot.get(timeout=1) is None
    assert slot.dropped == 1


def test_get_times_out_when_nothing_comes() -> None:
    clock = ManualClock(100.0)
    slot: LatestSlot[int] = LatestSlot(clock)
    assert slot.get(timeout=0.05) is None
    assert clock.now == pytest.approx(100.05)  # waited exactly the timeout, on the injected clock
    assert slot.get(timeout=0) is None and clock.now == pytest.approx(100.05)  # no wait at all
    slot.put(7)
    assert slot.get(timeout=5) == 7 and clock.now == pytest.approx(100.05)  # an item: no wait


def test_the_real_clock_is_the_default() -> None:
    assert LatestSlot()._clock is SYSTEM_CLOCK


@pytest.mark.parametrize(("put_every", "get_every"), [(0.005, 0.025), (0.033, 0.1), (0.04, 0.04)])
def test_slow_consumer_drops_frames_and_stays_current(put_every: float, get_every: float) -> None:
    """A producer faster than the consumer (on a manual clock): the slot drops what nobody took and the
    consumer never gets an item older than one producer period; a queue would hand out ever older ones."""
    clock = ManualClock()
    slot: LatestSlot[tuple[int, float]] = LatestSlot(clock)
    n = 100
    puts = [(i * put_every, "put", i) for i in range(n)]
    gets = [(k * get_every + 1e-9, "get", k) for k in range(int(n * put_every / get_every) + 2)]
    ages, got = [], []
    for at, op, i in sorted(puts + gets):
        clock.advance(at - clock.now)
        if op == "put":
            slot.put((i, clock.now))
        elif (item := slot.get(timeout=0)) is not None:
            ages.append(clock.now - item[1])
            got.append(item[0])
    taken_by_then = len(got)
    assert slot.taken == taken_by_then and slot.put_count == n
    assert slot.taken + slot.dropped + (slot.get(timeout=0) is not None) == n
    assert max(ages) < put_every + 1e-6  # always the newest item
    assert got == sorted(got) and len(set(got)) == len(got)
    assert slot.dropped == pytest.approx(n * (1 - put_every / get_every), abs=2)


def test_threads_lose_nothing_uncounted() -> None:
    """A real producer thread and consumer: every item is taken or dropped, in order (no timing asserted)."""
    slot: LatestSlot[int] = LatestSlot()
    n = 2000

    def produce() -> None:
        for i in range(n):
            slot.put(i)
        slot.close()

    thread = threading.Thread(target=produce)
    thread.start()
    got = []
    while (item := slot.get(timeout=30)) is not None:
        got.append(item)
    thread.join()
    assert got == sorted(got) and got[-1] == n - 1
    assert slot.taken == len(got) and slot.taken + slot.dropped == n


@pytest.mark.parametrize(("period", "fps"), [(0.1, 10.0), (0.04, 25.0), (1 / 30, 30.0)])
def test_rolling_stats_rate_and_latency(period: float, fps: float) -> None:
    stats = RollingStats(window_s=2.0)
    for i in range(200):
        stats.add(i * period, 0.05)
    s = stats.summary()
    assert s.fps == pytest.approx(fps, rel=1e-6)
    assert s.latency_ms == pytest.approx(50.0)
    assert s.frames <= 2.0 / period + 1  # only the trailing window is kept
    assert len(stats.latencies) == 200
