"""The batch's one progress bar: seconds of recording done over the whole batch, with an ETA.

Each recording weighs its duration (from its header; 1 s when unknown). A recording in flight counts
by how far its pipeline is (the stages' share of a typical run, frames within the pose stage), so the
bar moves between recordings too. Drawn on stderr on a terminal only.
"""

from __future__ import annotations

import sys
from typing import Any

# A typical run's share of time per stage (measured on the standoff sample with its dialogue: poses 14.6 s,
# hands 3.6 s, speech 7.1 s of 26.2 s), for in-flight progress.
STAGE_SHARE = {"probe": 0.02, "poses": 0.5, "clean": 0.01, "floor": 0.02, "hands": 0.14, "cues": 0.02,
               "voice": 0.03, "speech": 0.22, "outputs": 0.04}  # fmt: skip


def clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def stage_fraction(stage: str, done: int, total: int) -> float:
    """How far one recording's analysis is (0..1) at a progress report of `stage`."""
    names = list(STAGE_SHARE)
    if stage not in STAGE_SHARE:
        return 0.0
    before = sum(STAGE_SHARE[n] for n in names[: names.index(stage)])
    return min(1.0, before + STAGE_SHARE[stage] * (done / max(total, 1)))


class BatchProgress:
    """`plan`, `event` and `outcome` are `run_batch`'s callbacks; a context manager around the run."""

    def __init__(self, enabled: bool = True, file: Any = None) -> None:
        self.enabled = enabled
        self.file = file or sys.stderr
        self.report: Any = None
        self._bar: Any = None
        self._task: Any = None
        self._weight: dict[int, float] = {}
        self._frac: dict[int, float] = {}
        self._jobs = 0
        self._closed = 0.0
        self._finished: set[int] = set()  # late progress reports of these are ignored

    def __enter__(self) -> BatchProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def plan(self, jobs: list[Any], report: Any) -> None:
        self.report = report
        self._jobs = len(jobs)
        self._weight = {j.index: max(j.duration_s, 1.0) for j in jobs}
        if not self.enabled or not jobs:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=24),
            TextColumn("{task.percentage:>3.0f}%"), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(file=self.file), transient=True,
        )  # fmt: skip
        self._bar.__enter__()
        self._task = self._bar.add_task(self._words(), total=sum(self._weight.values()))

    def _words(self) -> str:
        r = self.report
        finished = len(r.analysed) + len([o for o in r.failed if o.index in self._weight]) if r else 0
        failed = f", {len(r.failed)} failed" if r is not None and r.failed else ""
        return f"{finished}/{self._jobs} recordings{failed}"

    def _draw(self) -> None:
        if self._bar is None:
            return
        done = self._closed + sum(self._weight[i] * f for i, f in self._frac.items())
        self._bar.update(self._task, completed=done, description=self._words())

    def event(self, event: Any) -> None:
        if event.stage == "retrying":
            self._frac[event.job] = 0.0
            if self._bar is not None:
                self._bar.console.print(f"worker {event.pid} died ({event.detail}): recording retried")
        elif event.job in self._weight and event.job not in self._finished:
            self._frac[event.job] = stage_fraction(event.stage, event.done, event.total)
        self._draw()

    def outcome(self, outcome: Any, report: Any) -> None:
        self.report = report
        self._frac.pop(outcome.index, None)
        if outcome.index not in self._finished:
            self._finished.add(outcome.index)
            self._closed += self._weight.get(outcome.index, 0.0)
        if not outcome.ok and self._bar is not None:
            why = (outcome.error or "").removeprefix(outcome.source + " ")
            self._bar.console.print(f"failed: {outcome.source}: {why}")
        self._draw()
