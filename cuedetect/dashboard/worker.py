"""The background analysis of one job: pose analysis -> cue events -> import into the store.

Run as `python -m cuedetect.dashboard.worker JOB_DIR` (see `jobs.start_job`). Every step rewrites
`JOB_DIR/status.json` atomically; a failure is written there with the one-line reason a user can act on.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from dataclasses import asdict, replace
from pathlib import Path

from cuedetect.dashboard.jobs import JobRequest, JobStatus, read_request, read_status, write_status
from cuedetect.errors import CuedetectError

# Share of the progress bar each stage takes (tracking dominates the run time).
TRACKING_SHARE = 0.8


class Reporter:
    """Writes the job's status, at most every `every_s` seconds for progress ticks."""

    def __init__(self, job_dir: Path, every_s: float = 0.5) -> None:
        self.job_dir = job_dir
        old = read_status(job_dir)
        now = time.time()
        self.status = JobStatus(
            id=job_dir.name,
            state="running",
            stage="starting",
            pid=os.getpid(),
            video=old.video if old else "",
            created=old.created if old else now,
            updated=now,
        )
        self.every_s = every_s
        self._last = 0.0
        write_status(job_dir, self.status)

    def update(self, force: bool = True, **changes: object) -> None:
        self.status = replace(self.status, updated=time.time(), **changes)  # type: ignore[arg-type]
        now = time.monotonic()
        if force or now - self._last >= self.every_s:
            self._last = now
            write_status(self.job_dir, self.status)


def analysis_dir(data_dir: Path, job_id: str) -> Path:
    return Path(data_dir) / "analyses" / job_id


# Where each stage's progress starts on the job's bar (the poses stage dominates the run time).
# A stage not listed (one added later) keeps the bar where it is.
STAGE_START = {"probe": 0.0, "poses": 0.02, "clean": 0.82, "floor": 0.84, "hands": 0.86, "cues": 0.92,
               "outputs": 0.95, "register": 0.98}  # fmt: skip


def run_job(job_dir: Path, data_dir: Path) -> JobStatus:
    """Run the job in `job_dir`; returns its final status (also written to status.json)."""
    from cuedetect.analysis import STAGES, AnalyzeOptions, analyze
    from cuedetect.dashboard.settings import from_dict
    from cuedetect.store import SessionStore, StoreOptions

    rep = Reporter(job_dir)
    request: JobRequest = read_request(job_dir)
    settings = from_dict(request.settings)
    out = analysis_dir(data_dir, job_dir.name)
    try:

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage == "poses":
                share = STAGE_START["poses"] + TRACKING_SHARE * done / total if total else 0.0
                rep.update(force=False, stage=STAGES["poses"], progress=round(share, 4),
                           message=f"{done}/{total} frames")  # fmt: skip
            elif done == 0:
                start = STAGE_START.get(stage, rep.status.progress)
                rep.update(stage=STAGES.get(stage, stage), progress=start, message="")

        options = AnalyzeOptions(
            out, settings.analysis_fps, settings.pose_model, annotate=True, overwrite=True,
            cue_detector=settings.cue_detector, cue_settings=settings.cue_settings(),
            trainee=request.trainee or None, scenario=request.scenario or None,
            instructor=request.instructor or None, date=request.date or None,
        )  # fmt: skip
        store_path = Path(request.store) if request.store else None
        with SessionStore.create_from_options(StoreOptions(path=store_path)) as store:
            done = analyze(Path(request.video), options, store=store, progress=on_progress)
        events = len(done.events.events) if done.events is not None else 0
        rep.update(
            state="done",
            stage="done",
            progress=1.0,
            session_id=done.session_id,
            message=f"session {done.session_id}: {events} events",
        )
    except CuedetectError as exc:
        rep.update(state="failed", error=str(exc))
    except Exception as exc:  # the page must say why, whatever broke
        traceback.print_exc()
        rep.update(state="failed", error=f"{type(exc).__name__}: {exc}")
    return rep.status


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m cuedetect.dashboard.worker JOB_DIR", file=sys.stderr)
        return 2
    job_dir = Path(argv[0]).resolve()
    data_dir = job_dir.parent.parent
    os.environ.setdefault("GLOG_minloglevel", "2")
    status = run_job(job_dir, data_dir)
    print(json.dumps(asdict(status)))
    return 0 if status.state == "done" else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
