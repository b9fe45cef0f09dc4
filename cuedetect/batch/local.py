"""`LocalEngine`: the batch on this machine, one spawned process per core, each analysing one recording
after another with the models it has loaded.

Workers die with the driver (`procs.worker_init`: a killed batch leaves no orphans). A worker that dies
mid-recording (SIGKILL, out of memory) breaks the pool: the jobs it and its siblings were running go
back to the queue with one attempt counted, and a fresh pool carries on. Only as many jobs as there are
workers are handed out at once, so a broken pool never charges a job that had not started. Never
imports ray.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cuedetect.batch.engine import MAX_ATTEMPTS, OnEvent, WorkerEvent, died
from cuedetect.batch.plan import BatchJob
from cuedetect.batch.work import Outcome, analyse_job

_events: Any = None  # the driver's event queue, set in each worker by `_init`


def _init(events: Any) -> None:
    global _events
    os.environ.setdefault("GLOG_minloglevel", "2")
    _events = events


def _run(job: BatchJob) -> Outcome:
    pid = os.getpid()
    _events.put(WorkerEvent(job.index, "started", pid=pid))

    def report(stage: str, done: int, total: int) -> None:
        _events.put(WorkerEvent(job.index, stage, done, total, pid))

    from cuedetect.pose.detector import quiet_native_logs

    with quiet_native_logs():  # MediaPipe's chatter on fd 2 would scribble over the progress bar
        return analyse_job(job, report)


class LocalEngine:
    """A process pool sized to the cores (or `workers`)."""

    name = "local"

    def __init__(self, workers: int | None = None, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.max_attempts = max_attempts

    def run(self, jobs: list[BatchJob], on_event: OnEvent) -> Iterator[Outcome]:
        import multiprocessing as mp

        from cuedetect.procs import worker_pool

        queue: deque[BatchJob] = deque(jobs)
        attempts: dict[int, int] = {}
        n = min(self.workers, len(jobs))
        while queue:
            events = mp.get_context("spawn").SimpleQueue()  # a fresh one per pool: a killed writer's lock
            running: dict[Future[Outcome], BatchJob] = {}
            pids: dict[int, int] = {}
            with worker_pool(n, _init, (events,)) as pool:
                broken = False
                while (queue or running) and not broken:
                    while queue and len(running) < n:
                        job = queue.popleft()
                        attempts[job.index] = attempts.get(job.index, 0) + 1
                        running[pool.submit(_run, job)] = job
                    done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                    self._drain(events, on_event, pids)
                    for future in done:
                        job = running.pop(future)
                        try:
                            outcome = future.result()
                        except BrokenProcessPool:
                            broken = True
                            running[future] = job  # handled with the others below
                            continue
                        outcome.attempts = attempts[job.index]
                        yield outcome
                if broken:
                    self._drain(events, on_event, pids)
                    for job in running.values():  # every running job died with the pool
                        pid = pids.get(job.index, 0)
                        if attempts[job.index] >= self.max_attempts:
                            yield died(job, attempts[job.index], "worker process killed", pid)
                        else:
                            on_event(WorkerEvent(job.index, "retrying", pid=pid, detail="worker died"))
                            queue.appendleft(job)

    @staticmethod
    def _drain(events: Any, on_event: OnEvent, pids: dict[int, int]) -> None:
        while not events.empty():
            event = events.get()
            pids[event.job] = event.pid
            on_event(event)
