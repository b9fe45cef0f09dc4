"""Process safety: worker processes die with their parent, and SIGTERM is handled like Ctrl-C.

- `worker_init(parent_pid)` runs first in every worker process (pose workers of `run_tracking`, or any
  later stage's pool): on Linux it asks the kernel for SIGKILL when the parent dies
  (`prctl(PR_SET_PDEATHSIG)`), and on every system a daemon thread exits the worker as soon as its
  parent is gone (the parent-pid changes). Workers ignore SIGINT: the parent handles Ctrl-C and stops
  them, so a Ctrl-C prints one line, not a traceback per worker.
- `sigterm_unwinds()` makes SIGTERM raise `Terminated` (a `KeyboardInterrupt`) in the main thread, so
  every `finally` runs (`.partial-<pid>` folders removed, transactions rolled back) and the CLI exits
  with 143 after one line.
- `signals_deferred()` holds SIGTERM and Ctrl-C back for a few microseconds of work that must not be
  cut in half (a commit's renames), then delivers them.
- `stop_pool(pool)` kills a `ProcessPoolExecutor`'s workers instead of waiting for their chunks.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any, NoReturn

PR_SET_PDEATHSIG = 1
TERMINATED_EXIT_CODE = 128 + signal.SIGTERM  # 143, what shells report for a process ended by SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwind like Ctrl-C (cleanup runs), then exit with 143."""


def _raise_terminated(signum: int, frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup short
    raise Terminated(f"signal {signum}")


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` in the main thread; the old handler comes back after.

    Elsewhere than the main thread (where Python cannot set handlers) the block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_deferred(*signums: int) -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT (or `signums`) wait; one that came is raised when it ends.

    For short steps that must not be cut in half (the renames of a commit): the signal then reaches the
    handler in force before the block (`Terminated`, `KeyboardInterrupt`, or the default action) right
    after it. SIGKILL cannot wait: keep such blocks to microseconds. Elsewhere than the main thread the
    block runs unchanged.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    signums = signums or (signal.SIGTERM, signal.SIGINT)
    previous = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in signums}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(pending):
            signal.raise_signal(s)


def exit_now(code: int) -> NoReturn:
    """Flush stdout/stderr and end the process at once (no interpreter finalisation)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def set_pdeathsig(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies; False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, interval_s: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # the parent is gone: no cleanup is owed to anyone
        time.sleep(interval_s)


def worker_init(parent_pid: int, interval_s: float = 0.5) -> None:
    """First thing in a worker process: die with `parent_pid` (see the module docstring)."""
    with contextlib.suppress(ValueError):  # not the main thread: keep the default handlers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    set_pdeathsig(signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid, interval_s), daemon=True).start()


def _chained_init(parent_pid: int, initializer: Any, initargs: tuple[Any, ...]) -> None:
    worker_init(parent_pid)
    if initializer is not None:
        initializer(*initargs)


@contextlib.contextmanager
def worker_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> Iterator[Any]:
    """A spawned `ProcessPoolExecutor` whose workers die with this process and are killed, not awaited,
    when the block fails (Ctrl-C, SIGTERM, an error). `initializer` runs in each worker after
    `worker_init`."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        workers,
        mp_context=mp.get_context("spawn"),
        initializer=_chained_init,
        initargs=(os.getpid(), initializer, initargs),
    )
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: Any) -> None:
    """Stop a `ProcessPoolExecutor` now: cancel what has not started and kill its workers."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        with contextlib.suppress(Exception):
            proc.kill()
    for proc in workers:
        with contextlib.suppress(Exception):
            proc.join(timeout=2.0)
