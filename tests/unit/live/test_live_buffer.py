"""The single-slot buffer drops instead of queueing, hands out the newest item, and counts everything."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.live.buffer import LatestSlot, RollingStats


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
    slot: LatestSlot[int] = LatestSlot()
    t0 = time.monotonic()
    assert slot.get(timeout=0.05) is None
    assert 0.04 <= time.monotonic() - t0 < 1.0


def test_slow_consumer_drops_frames_and_stays_current() -> None:
    """A producer at 200/s and a consumer at ~40/s: most items are dropped, the consumer never lags."""
    slot: LatestSlot[tuple[int, float]] = LatestSlot()
    n = 100

    def produce() -> None:
        for i in range(n):
            slot.put((i, time.monotonic()))
            time.sleep(0.005)
        slot.close()

    threading.Thread(target=produce).start()
    ages = []
    while (item := slot.get(timeout=2)) is not None:
        ages.append(time.monotonic() - item[1])
        time.sleep(0.025)
    assert slot.dropped > n / 3
    assert slot.taken + slot.dropped == n
    # A queue would hand out items ever older (up to ~2 s here); the slot keeps each within a period or
    # two (plus scheduling noise on a busy machine).
    assert max(ages) < 0.1


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
