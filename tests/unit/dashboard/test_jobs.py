"""Background jobs: status files, the effective state of a job whose worker died, the worker itself."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace

import pytest

from cuedetect.dashboard.jobs import (
    JobRequest,
    JobStatus,
    create_job,
    dismiss,
    effective,
    list_jobs,
    pid_alive,
    read_status,
    start_job,
    write_status,
)

BASE = JobStatus(id="j", state="running", stage="finding and tracking people", progress=0.4, created=100.0)


@pytest.mark.parametrize(
    ("status", "alive", "now", "state", "error"),
    [
        (BASE, True, 200.0, "running", None),
        (BASE, False, 200.0, "failed", "stopped unexpectedly"),
        (replace(BASE, state="done"), False, 200.0, "done", None),
        (replace(BASE, state="failed", error="bad video"), False, 200.0, "failed", "bad video"),
        (replace(BASE, state="queued"), False, 110.0, "queued", None),  # worker not started yet
        (replace(BASE, state="queued"), False, 200.0, "failed", "stopped unexpectedly"),
    ],
)
def test_effective(status, alive, now, state, error):
    out = effective(status, alive, now)
    assert out.state == state
    assert (error is None and out.error is None) or error in (out.error or "")


def test_status_round_trip_and_listing(tmp_path):
    job = create_job(tmp_path, JobRequest(video="/x/clip.mp4", trainee="Sam"))
    status = read_status(job)
    assert status.state == "queued" and status.video == "clip.mp4"
    write_status(job, replace(status, state="done", progress=1.0, session_id=3))
    listed = list_jobs(tmp_path)
    assert [(j.id, j.state, j.session_id) for j in listed] == [(job.name, "done", 3)]
    dismiss(tmp_path, job.name)
    assert list_jobs(tmp_path) == []
    dismiss(tmp_path, "../..")  # never deletes outside the jobs folder
    assert tmp_path.exists()


def test_unreadable_status_is_skipped(tmp_path):
    job = create_job(tmp_path, JobRequest(video="a.mp4"))
    (job / "status.json").write_text("{half")
    assert read_status(job) is None and list_jobs(tmp_path) == []


def test_pid_alive():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert pid_alive(proc.pid) is False
    import os

    assert pid_alive(os.getpid()) is True and pid_alive(None) is False


def test_worker_reports_why_a_bad_video_failed(tmp_path):
    bad = tmp_path / "not_a_video.mp4"
    bad.write_text("this is text")
    start_job(tmp_path, JobRequest(video=str(bad)))
    deadline = time.time() + 60
    while time.time() < deadline:
        status = list_jobs(tmp_path)[0]
        if status.finished:
            break
        time.sleep(0.3)
    assert status.state == "failed", status
    assert "not_a_video.mp4" in status.error and "Traceback" not in status.error
