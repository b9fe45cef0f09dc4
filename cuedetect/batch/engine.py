"""The engines a batch runs on, behind one interface.

    engine.run(jobs, on_event) -> iterator of Outcome, one per job, in the order they finish

An engine runs `work.analyse_job` for every job somewhere (a local process pool, a Ray actor pool),
reports what its workers are doing through `on_event(WorkerEvent)` from the driver's thread, and
retries a job whose worker died (killed, out of memory, a lost node) up to `max_attempts` times in
all. A job that fails by itself (a broken recording) comes back as a failed `Outcome`, not retried.
Results come back to the driver: engines never touch the session store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from cuedetect.batch.plan import BatchJob
from cuedetect.batch.work import Outcome

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class WorkerEvent:
    """A worker's news about a job: `stage` "started", a pipeline stage (`cuedetect.analysis.STAGES`)
    with its `done`/`total`, or "retrying" after the worker died (`detail` says how)."""

    job: int  # BatchJob.index
    stage: str
    done: int = 0
    total: int = 1
    pid: int = 0
    detail: str = ""


OnEvent = Callable[[WorkerEvent], None]


class Engine(Protocol):
    name: str
    workers: int  # jobs run at once

    def run(self, jobs: list[BatchJob], on_event: OnEvent) -> Iterator[Outcome]: ...


def died(job: BatchJob, attempts: int, why: str, pid: int = 0) -> Outcome:
    """The failed outcome of a job whose worker died on every attempt."""
    return Outcome(job.index, job.source, job.out, ok=False, pid=pid, attempts=attempts,
                   error=f"the worker died {attempts} times analysing it ({why})")  # fmt: skip
