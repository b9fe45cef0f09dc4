"""Background analysis jobs whose progress survives a page reload.

A job is a folder `data_dir/jobs/<id>/` with `request.json` (what to analyse, written once) and
`status.json` (written atomically by the worker process at every step). The page only reads these
files, so reloading the page, or opening it in a second tab, shows the same progress. The worker runs
detached from the Streamlit process (its own session), so it goes on when the page is closed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from cuedetect.io_atomic import write_json

JOBS = "jobs"
State = Literal["queued", "running", "done", "failed"]
# What a job's status says, in order: the analysis stages' words (cuedetect.analysis.STAGES) between these.
STAGES = (
    "queued", "reading the video", "finding and tracking people", "cleaning the poses",
    "placing people on the floor", "detecting cues", "writing the results", "registering the session", "done",
)  # fmt: skip


@dataclass(frozen=True)
class JobRequest:
    """What a job analyses, and the facts of the session it creates."""

    video: str
    trainee: str | None = None
    scenario: str | None = None
    instructor: str | None = None
    date: str | None = None
    store: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobStatus:
    """The last status a worker wrote. `progress` is 0..1; `error` says why a failed job failed."""

    id: str
    state: State
    stage: str = "queued"
    progress: float = 0.0
    message: str = ""
    error: str | None = None
    session_id: int | None = None
    pid: int | None = None
    video: str = ""
    created: float = 0.0
    updated: float = 0.0

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def jobs_dir(data_dir: Path) -> Path:
    return Path(data_dir) / JOBS


def write_status(job_dir: Path, status: JobStatus) -> None:
    write_json(Path(job_dir) / "status.json", asdict(status))


def read_status(job_dir: Path) -> JobStatus | None:
    """The job's status, or None when it has none yet or the file is unreadable."""
    try:
        data = json.loads((Path(job_dir) / "status.json").read_text(encoding="utf-8"))
        return JobStatus(**{k: v for k, v in data.items() if k in JobStatus.__dataclass_fields__})
    except (OSError, json.JSONDecodeError, TypeError):
        return None


def read_request(job_dir: Path) -> JobRequest:
    data = json.loads((Path(job_dir) / "request.json").read_text(encoding="utf-8"))
    return JobRequest(**{k: v for k, v in data.items() if k in JobRequest.__dataclass_fields__})


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id runs (a zombie counts as ended)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def effective(status: JobStatus, alive: bool, now: float, grace_s: float = 30.0) -> JobStatus:
    """The status to show: a job whose worker died without finishing is failed, with that reason."""
    if status.finished or alive:
        return status
    if status.state == "queued" and now - status.created < grace_s:
        return status  # the worker may not have started yet
    return JobStatus(
        **{
            **asdict(status),
            "state": "failed",
            "error": status.error or "the analysis stopped unexpectedly (its process ended without a result)",
        }
    )


def create_job(data_dir: Path, request: JobRequest) -> Path:
    """Write a new job folder with its request and a queued status; returns the folder."""
    job_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    job_dir = jobs_dir(data_dir) / job_id
    job_dir.mkdir(parents=True)
    write_json(job_dir / "request.json", asdict(request))
    now = time.time()
    write_status(
        job_dir, JobStatus(job_id, "queued", video=Path(request.video).name, created=now, updated=now)
    )
    return job_dir


def start_job(data_dir: Path, request: JobRequest) -> Path:
    """Create a job and start its worker in the background (detached); returns the job folder."""
    job_dir = create_job(data_dir, request)
    log = open(job_dir / "worker.log", "ab")  # noqa: SIM115 - handed to the child process
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cuedetect.dashboard.worker", str(job_dir)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "CUEDETECT_DATA_DIR": str(data_dir)},
        )
    finally:
        log.close()
    (job_dir / "launcher.pid").write_text(str(proc.pid))
    return job_dir


def _launcher_pid(job_dir: Path) -> int | None:
    try:
        return int((job_dir / "launcher.pid").read_text())
    except (OSError, ValueError):
        return None


def list_jobs(data_dir: Path, now: float | None = None) -> list[JobStatus]:
    """Every job's effective status, newest first."""
    root = jobs_dir(data_dir)
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    out = []
    for job_dir in sorted(root.iterdir(), reverse=True):
        status = read_status(job_dir) if job_dir.is_dir() else None
        if status is not None:
            out.append(effective(status, pid_alive(status.pid or _launcher_pid(job_dir)), now))
    return out


def dismiss(data_dir: Path, job_id: str) -> None:
    """Forget a finished job (its folder goes; the session it made stays)."""
    import shutil

    job_dir = jobs_dir(data_dir) / job_id
    if job_dir.parent == jobs_dir(data_dir) and job_dir.is_dir():
        shutil.rmtree(job_dir)
