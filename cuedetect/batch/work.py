"""One recording of a batch, analysed inside a worker (a pool process or a Ray actor).

`analyse_job(job)` runs the one pipeline (`cuedetect.analysis.analyze`) with one process, into the
recording's folder (atomic: `.partial-<pid>/`, then moved into place), without a session store: the
driver registers what workers return. It never raises for a bad recording: the failure comes back as
an `Outcome` with a one-line reason, so one broken file does not stop the batch. The worker keeps what
is costly to load (the cue classifier; its imports) for all the recordings it is given.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cuedetect.batch.inputs import is_url
from cuedetect.batch.plan import BatchJob
from cuedetect.errors import CuedetectError, InputError

StageReport = Callable[[str, int, int], None]

_cue_models: dict[str, Any] = {}  # cue_detector -> the loaded classifier (or "baseline"), per process


@dataclass
class Outcome:
    """What a worker hands back to the driver for one recording (plain values: it pickles)."""

    index: int
    source: str
    out: str
    ok: bool
    error: str | None = None
    input_error: bool = False  # the recording's own fault (unreadable, nobody in it): retrying won't help
    duration_s: float = 0.0
    events: int = 0
    persons: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    pid: int = 0
    host: str = ""
    attempts: int = 1
    timings: dict[str, float] = field(default_factory=dict)


def cue_model(detector: str) -> Any:
    """The cue classifier for `detector`, loaded once per worker process."""
    if detector not in _cue_models:
        from cuedetect.cues.detect import resolve_model

        _cue_models[detector] = resolve_model("baseline" if detector == "baseline" else "auto")
    return _cue_models[detector]


@contextlib.contextmanager
def local_copy(source: str) -> Iterator[Path]:
    """A local path to read `source` from: itself, or a URL copied to a temporary file (fsspec)."""
    if not is_url(source):
        yield Path(source)
        return
    from cuedetect.batch.inputs import _fsspec

    folder = Path(tempfile.mkdtemp(prefix="cuedetect-batch-"))
    try:
        target = folder / Path(source.split("?", 1)[0]).name
        with _fsspec().open(source, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _name_source(record: Path, source: str) -> None:
    import json

    from cuedetect.io_atomic import write_json

    write_json(record, {**json.loads(record.read_text(encoding="utf-8")), "source": source})


def analyse_job(job: BatchJob, report: StageReport | None = None) -> Outcome:
    """Analyse one recording of a batch into `job.out`; an `Outcome`, never an exception for bad input.

    `report(stage, done, total)` is the pipeline's progress callback. Ctrl-C and kills are not caught.
    """
    from cuedetect.analysis import analyze

    os.environ.setdefault("GLOG_minloglevel", "2")
    t0, cpu0 = time.perf_counter(), time.process_time()
    base = {"index": job.index, "source": job.source, "out": job.out, "pid": os.getpid(),
            "host": socket.gethostname()}  # fmt: skip
    try:
        options = job.settings.analyze_options(Path(job.out))
        options.cue_model = cue_model(job.settings.cue_detector)
        with local_copy(job.source) as video:
            result = analyze(video, options, progress=report)
        if is_url(job.source):  # the record names the recording, not the worker's temporary copy
            _name_source(Path(job.out) / "analysis.json", job.source)
    except CuedetectError as exc:
        return Outcome(**base, ok=False, error=str(exc), input_error=isinstance(exc, InputError),
                       wall_s=time.perf_counter() - t0)  # fmt: skip
    except Exception as exc:  # a bug or an OS error on one recording must not stop the others
        line = str(exc).splitlines()[0] if str(exc) else ""
        return Outcome(**base, ok=False, error=f"{type(exc).__name__}: {line}".rstrip(": "),
                       wall_s=time.perf_counter() - t0)  # fmt: skip
    events = result.events
    return Outcome(
        **base, ok=True, duration_s=result.duration,
        events=len(events.events) if events is not None else 0,
        persons=len(events.persons) if events is not None else 0,
        wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - cpu0, timings=dict(result.timings),
    )  # fmt: skip
