"""`RayEngine`: the batch on a Ray cluster, as a pool of actors that each hold their models.

Each actor (`num_cpus=1`) analyses one recording per call with the same `work.analyse_job` the local
engine runs, and returns the `Outcome` to the driver, which alone registers sessions (SQLite keeps one
writer). Recordings and results must live where every node and the driver can reach them: a shared
file system, or URLs read through fsspec (docs/SCALE.md). An actor that dies mid-recording (its process
killed, its node lost) is replaced by a fresh actor and the driver hands the recording out again, up
to `max_attempts` times in all; what the dead attempt wrote stays in its `.partial-<pid>/`
and is swept by the next attempt, and nothing of it is registered.

`address`: "auto" (a cluster started on this machine with `ray start`), "HOST:PORT" (the head node's
GCS address), or None: the runtime already initialised in this process (as the tests do), else what
`ray.init()` finds ($RAY_ADDRESS, a cluster started on this machine), else a private runtime here.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from typing import Any

from cuedetect.batch.engine import MAX_ATTEMPTS, OnEvent, WorkerEvent, died
from cuedetect.batch.plan import BatchJob
from cuedetect.batch.work import Outcome
from cuedetect.errors import InputError


class AnalysisActor:
    """One Ray worker process holding its models for many recordings (made a Ray actor in `RayEngine`).

    Its progress reports go to the driver through `events` (a `ray.util.queue.Queue`), as a local
    worker's go through a pipe.
    """

    def __init__(self, events: Any = None) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")
        self.events = events

    def pid(self) -> int:
        return os.getpid()

    def analyse(self, job: BatchJob) -> Outcome:
        from cuedetect.batch.work import analyse_job
        from cuedetect.pose.detector import quiet_native_logs

        pid = os.getpid()

        def report(stage: str, done: int, total: int) -> None:
            if self.events is not None:
                self.events.put_nowait(WorkerEvent(job.index, stage, done, total, pid))

        with quiet_native_logs():
            return analyse_job(job, report)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'cuedetect[ray]'") from None
    return ray


def connect(address: str | None) -> Any:
    """The `ray` module, connected to the cluster at `address` (see the module docstring)."""
    ray = _ray()
    if ray.is_initialized():
        return ray
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)  # fmt: skip
    except ConnectionError as exc:
        raise InputError(f"cannot reach a Ray cluster at {address}: {str(exc).splitlines()[0]}") from None
    return ray


class RayEngine:
    """An actor pool on the Ray cluster at `address`: one actor per CPU the cluster offers (or `workers`)."""

    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None,
                 max_attempts: int = MAX_ATTEMPTS) -> None:  # fmt: skip
        self.address = address
        self.requested = workers
        self.workers = workers or 0  # known once connected
        self.max_attempts = max_attempts

    def run(self, jobs: list[BatchJob], on_event: OnEvent) -> Iterator[Outcome]:
        ray = connect(self.address)
        from ray.exceptions import RayActorError

        self.workers = max(1, self.requested or int(ray.cluster_resources().get("CPU", 1)))
        from ray.util.queue import Queue

        events = Queue(actor_options={"num_cpus": 0})  # progress from the actors (no CPU reserved)
        remote = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(AnalysisActor)
        actors = [remote.remote(events) for _ in range(min(self.workers, len(jobs)))]
        queue: deque[BatchJob] = deque(jobs)
        attempts: dict[int, int] = {}
        running: dict[Any, tuple[BatchJob, Any, int]] = {}  # result ref -> job, actor, its pid
        idle = list(actors)
        try:
            while queue or running:
                while queue and idle:
                    job, actor = queue.popleft(), idle.pop()
                    attempts[job.index] = attempts.get(job.index, 0) + 1
                    pid = self._pid(ray, actor)
                    running[actor.analyse.remote(job)] = (job, actor, pid)
                    on_event(WorkerEvent(job.index, "started", pid=pid))  # the job is on its way
                ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
                for event in events.get_nowait_batch(events.qsize()):
                    on_event(event)
                for ref in ready:
                    job, actor, pid = running.pop(ref)
                    try:
                        outcome: Outcome = ray.get(ref)
                    except RayActorError as exc:
                        why = type(exc).__name__
                        ray.kill(actor, no_restart=True)  # a fresh actor takes its place
                        actors[actors.index(actor)] = actor = remote.remote(events)
                        idle.append(actor)
                        if attempts[job.index] >= self.max_attempts:
                            yield died(job, attempts[job.index], why, pid)
                        else:
                            on_event(WorkerEvent(job.index, "retrying", pid=pid, detail=why))
                            queue.appendleft(job)
                        continue
                    idle.append(actor)
                    outcome.attempts = attempts[job.index]
                    yield outcome
        finally:
            for actor in actors:  # the recordings still running are given up (a rerun redoes them)
                ray.kill(actor, no_restart=True)
            events.shutdown()

    @staticmethod
    def _pid(ray: Any, actor: Any) -> int:
        """The actor's process id (waits for a new actor to start); 0 if it died."""
        from ray.exceptions import RayActorError

        try:
            return int(ray.get(actor.pid.remote(), timeout=120))
        except (RayActorError, ray.exceptions.GetTimeoutError):
            return 0
