"""The batch driver: plan the jobs, run them on an engine, register each session as it finishes.

    run_batch(inputs, BatchOptions(out=...), engine, store=..., on_event=..., on_outcome=...)
        -> BatchReport

Only the driver writes: the session store (one writer), each recording's marker (`batch.json`, after
its session is registered) and the batch's `manifest.json` (after every recording, atomically). So a
driver interrupted at any point leaves every finished recording marked and nothing half-registered;
the rerun skips what is done and analyses the rest.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cuedetect.batch.engine import Engine, OnEvent
from cuedetect.batch.inputs import find_recordings, header_duration, output_names, source_sha256
from cuedetect.batch.plan import (
    MANIFEST,
    BatchJob,
    BatchSettings,
    is_done,
    known_failure,
    model_hashes,
    settings_digest,
    write_marker,
)
from cuedetect.batch.work import Outcome
from cuedetect.io_atomic import write_json


@dataclass
class BatchOptions:
    """What a batch does.

    Attributes:
        out: the batch folder; each recording's results go to `out/<name>/`.
        settings: the analysis settings of every recording.
        redo: analyse every recording again, done or not.
        scenario, instructor: what the session store records with each session.
    """

    out: Path
    settings: BatchSettings = field(default_factory=BatchSettings)
    redo: bool = False
    scenario: str | None = None
    instructor: str | None = None


@dataclass
class BatchReport:
    """What a batch did (the CLI's summary table)."""

    found: int = 0
    analysed: list[Outcome] = field(default_factory=list)
    failed: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # done before with the same content and settings
    failed_before: dict[str, str] = field(default_factory=dict)  # broken before: source -> reason
    sessions: dict[str, int] = field(default_factory=dict)  # source -> session id
    wall_s: float = 0.0
    workers: int = 0
    engine: str = ""
    interrupted: bool = False

    @property
    def hours(self) -> float:
        return sum(o.duration_s for o in self.analysed) / 3600

    @property
    def events(self) -> int:
        return sum(o.events for o in self.analysed)

    @property
    def recordings_per_hour(self) -> float:
        return len(self.analysed) / self.wall_s * 3600 if self.wall_s > 0 else 0.0


def create_engine(name: str, *, workers: int | None = None, address: str | None = None) -> Engine:
    """`local` (a process pool on this machine) or `ray` (an actor pool on a Ray cluster at `address`)."""
    from cuedetect.errors import InputError

    if name == "local":
        if address:
            raise InputError("--address is for --engine ray")
        from cuedetect.batch.local import LocalEngine

        return LocalEngine(workers)
    if name == "ray":
        from cuedetect.batch.ray_engine import RayEngine

        return RayEngine(address, workers)
    raise InputError(f"--engine must be local or ray, not {name!r}")


def plan(sources: list[str], options: BatchOptions, digest: str, manifest: dict[str, Any],
         report: BatchReport, store: Any = None) -> list[BatchJob]:  # fmt: skip
    """The jobs still to do; what is done (or broken the same way before) goes into `report`.

    A results folder that a session of another recording owns (the store points at it) is not
    overwritten: that recording fails with the reason, as `cuedetect analyze --overwrite` refuses.
    """
    names = output_names(sources)
    jobs: list[BatchJob] = []
    for source in sources:
        out = options.out / names[source]
        try:
            sha = source_sha256(source)
        except OSError as exc:
            report.failed.append(Outcome(-1, source, str(out), ok=False, input_error=True,
                                         error=f"cannot read it: {exc.strerror or exc}"))  # fmt: skip
            continue
        job = BatchJob(len(jobs), source, str(out), sha, options.settings, digest, header_duration(source))
        owner = _foreign_owner(store, out, sha)
        if owner is not None:
            report.failed.append(Outcome(-1, source, str(out), ok=False, error=(
                f"{out} holds the result of session {owner.id} ({Path(owner.recording_path).name}), another "
                "recording: move this one or that session's results")))  # fmt: skip
        elif not options.redo and is_done(out, sha, digest):
            report.skipped.append(source)
        elif not options.redo and (reason := known_failure(manifest, job)) is not None:
            report.failed_before[source] = reason
        else:
            (out / "batch.json").unlink(missing_ok=True)  # redone: not done until registered again
            jobs.append(job)
    return jobs


def _foreign_owner(store: Any, out: Path, sha: str) -> Any:
    """A session of another recording whose results are in `out` (None: none, or no store)."""
    if store is None or not (out / "analysis.json").exists():
        return None
    return next((s for s in store.sessions_using(out) if s.recording_sha256 != sha), None)


def read_manifest(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run_batch(
    inputs: list[str],
    options: BatchOptions,
    engine: Engine,
    *,
    store: Any = None,
    on_event: OnEvent | None = None,
    on_outcome: Callable[[Outcome, BatchReport], None] | None = None,
    on_plan: Callable[[list[BatchJob], BatchReport], None] | None = None,
) -> BatchReport:
    """Analyse every recording `inputs` name that is not done yet, on `engine`.

    Args:
        inputs: folders, globs, list files, video files or URLs (`inputs.find_recordings`).
        options: where the results go, the settings, `redo`.
        engine: where the work runs (`create_engine`).
        store: an open `SessionStore`: each finished recording is registered as it comes back.
        on_event: what the workers are doing (progress display).
        on_outcome: called after each recording is finished and registered (or failed).
        on_plan: called once with the jobs to run (and what was skipped), before any runs.

    Raises:
        InputError: an input names nothing; KeyboardInterrupt passes through after the manifest is
            written (the report then says `interrupted`).
    """
    t0 = time.perf_counter()
    sources = find_recordings(inputs)
    options.out.mkdir(parents=True, exist_ok=True)
    report = BatchReport(found=len(sources), engine=engine.name)
    manifest = read_manifest(options.out)
    digest = settings_digest(options.settings, model_hashes(options.settings))
    jobs = plan(sources, options, digest, manifest, report, store)
    if on_plan is not None:
        on_plan(jobs, report)
    by_index = {job.index: job for job in jobs}
    failures = {s: f for s, f in (manifest.get("failed") or {}).items() if s in report.failed_before}
    try:
        if jobs:
            for outcome in engine.run(jobs, on_event or (lambda event: None)):
                job = by_index[outcome.index]
                if outcome.ok:
                    _finish(job, outcome, options, store, report)
                    failures.pop(job.source, None)
                else:
                    report.failed.append(outcome)
                    failures[job.source] = {
                        "error": outcome.error, "input_error": outcome.input_error,
                        "source_sha256": job.sha256, "settings_digest": digest,
                    }  # fmt: skip
                report.workers = engine.workers
                _write_manifest(options.out, report, failures, digest, t0)
                if on_outcome is not None:
                    on_outcome(outcome, report)
    except KeyboardInterrupt:
        report.interrupted = True
        raise
    finally:
        report.wall_s = time.perf_counter() - t0
        report.workers = engine.workers
        _write_manifest(options.out, report, failures, digest, t0)
    return report


def _finish(job: BatchJob, outcome: Outcome, options: BatchOptions, store: Any, report: BatchReport) -> None:
    """Register the recording's session (driver only), then mark it done."""
    session = None
    if store is not None:
        result = store.import_analysis(
            Path(job.out), scenario=options.scenario, instructor=options.instructor
        )
        session = int(result.session_id)
        report.sessions[job.source] = session
    write_marker(Path(job.out), job, {
        "session_id": session, "events": outcome.events, "persons": outcome.persons,
        "duration_s": outcome.duration_s, "wall_s": outcome.wall_s, "cpu_s": outcome.cpu_s,
        "worker": f"{outcome.host}:{outcome.pid}", "attempts": outcome.attempts,
        "analysed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })  # fmt: skip
    report.analysed.append(outcome)


def _write_manifest(out: Path, report: BatchReport, failures: dict[str, Any], digest: str, t0: float) -> None:
    write_json(out / MANIFEST, {
        "engine": report.engine, "workers": report.workers, "settings_digest": digest,
        "found": report.found, "skipped": len(report.skipped), "interrupted": report.interrupted,
        "wall_s": time.perf_counter() - t0,
        "analysed": [asdict(o) for o in report.analysed],
        "failed": failures,
    })  # fmt: skip
