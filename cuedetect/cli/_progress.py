"""Progress on the terminal for long commands: the stage, done/total, the time left.

One object serves both shapes of progress report the package uses: a `(stage, done, total)` callback
(`progress(...)`) and the older pair `on_stage(name)` / `on_progress(done, total)`. It draws with rich
on stderr only when stderr is a terminal and the user did not ask for quiet: piped into a file or a CI
log, a command prints its result and nothing else.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO, Any


def wants_progress(stream: IO[str] | None = None, quiet: bool = False) -> bool:
    """Progress is drawn on a terminal, unless `quiet`."""
    stream = sys.stderr if stream is None else stream
    return not quiet and bool(getattr(stream, "isatty", lambda: False)())


class StageProgress:
    """A one-line rich progress display: spinner, stage, bar, `done/total unit`, time left, time taken.

    Example:
        >>> with StageProgress(unit="frames", enabled=False) as progress:
        ...     progress("finding and tracking people", 10, 100)
    """

    def __init__(self, unit: str = "", *, enabled: bool = True, file: IO[str] | None = None) -> None:
        self.unit = unit
        self.enabled = enabled
        self.file = file
        self.stage = ""
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> StageProgress:
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        unit = self.unit

        class CountAndEta(ProgressColumn):
            """`120/495 frames ETA 0:00:31` once the stage's length is known; the time taken before."""

            eta, elapsed = TimeRemainingColumn(), TimeElapsedColumn()

            def render(self, task: Any) -> Text:
                if task.total is None:
                    return self.elapsed.render(task)
                counts = f"{int(task.completed)}/{int(task.total)} {unit} ETA "
                return Text(counts, style="progress.download") + self.eta.render(task)

        console = Console(file=self.file or sys.stderr)
        self._progress = Progress(  # about 75 columns with the longest stage name: fits a terminal
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=16),
            CountAndEta(),
            console=console,
            transient=True,
        )
        self._progress.__enter__()
        self._task = self._progress.add_task("starting", total=None)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(exc_type, exc, tb)
            self._progress = None

    def __call__(self, stage: str, done: int | None = None, total: int | None = None) -> None:
        """Report `stage`, and how far it is (`done` of `total`; `total` None: unknown)."""
        if self._progress is None:
            self.stage = stage
            return
        if stage != self.stage:  # a new stage: its own count and clock (a fresh task: none of the last)
            self.stage = stage
            self._progress.remove_task(self._task)
            self._task = self._progress.add_task(stage, total=total, completed=done or 0)
        else:
            self._progress.update(self._task, completed=done or 0, total=total)

    def on_stage(self, stage: str) -> None:
        """A new stage whose length is not known yet."""
        self(stage, 0, None)

    def on_progress(self, done: int, total: int) -> None:
        """How far the current stage is."""
        self(self.stage, done, total)
