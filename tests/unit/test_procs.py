"""Worker processes die with their parent (SIGKILL included); SIGTERM unwinds like Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

PARENT = """
import time
from cuedetect.procs import worker_pool
with worker_pool(2) as pool:
    busy = [pool.submit(time.sleep, 600) for _ in range(2)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(1.0)
    print(*sorted(pool._processes), flush=True)
    busy[0].result()
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_pool_workers_die_with_their_parent(sig: signal.Signals) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        os.kill(parent.pid, sig)
        parent.wait(10)
        end = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < end:
            time.sleep(0.05)
        assert not [p for p in workers if _alive(p)], "workers outlived their parent"
    finally:
        parent.kill()
        for pid in workers:  # a failed run leaves no orphan behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_raises_terminated_only_inside_the_block() -> None:
    from cuedetect.procs import Terminated, sigterm_unwinds

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_unwinds():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.parametrize(
    ("sig", "raised"), [(signal.SIGTERM, "Terminated"), (signal.SIGINT, "KeyboardInterrupt")]
)
def test_a_signal_inside_signals_deferred_waits_for_the_block_to_end(
    sig: signal.Signals, raised: str
) -> None:
    from cuedetect import procs

    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    done = []
    with pytest.raises(KeyboardInterrupt) as caught, procs.sigterm_unwinds():
        with procs.signals_deferred():
            os.kill(os.getpid(), sig)
            time.sleep(0.05)  # a handler would have run by now
            done.append("rest of the block")
        done.append("after the block")  # not reached: the held signal is raised as the block ends
    assert done == ["rest of the block"]
    assert type(caught.value).__name__ == raised
    assert {s: signal.getsignal(s) for s in before} == before


def test_signals_deferred_without_a_signal_changes_nothing() -> None:
    from cuedetect.procs import signals_deferred

    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    with signals_deferred():
        assert signal.getsignal(signal.SIGTERM) != before[signal.SIGTERM]  # held back inside
    assert {s: signal.getsignal(s) for s in before} == before
