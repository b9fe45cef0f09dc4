"""A dashboard job end to end: the worker runs the one analysis and registers the session it made."""

from __future__ import annotations

import json
from pathlib import Path

from cuedetect.dashboard.jobs import JobRequest, create_job, read_status
from cuedetect.dashboard.worker import analysis_dir, run_job
from cuedetect.store import SessionStore, StoreOptions


def test_a_job_analyses_once_and_registers_its_session(standoff_video: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    settings = {"analysis_fps": 3.0, "pose_model": "lite", "cue_detector": "baseline"}
    request = JobRequest(video=str(standoff_video), trainee="Sam", store=str(store), settings=settings)
    job = create_job(tmp_path, request)
    status = run_job(job, tmp_path)
    assert status.state == "done", status.error
    assert read_status(job).session_id == status.session_id is not None
    out = analysis_dir(tmp_path, job.name)
    meta = json.loads((out / "analysis.json").read_text())
    events = json.loads((out / "events.json").read_text())
    assert meta["analysed_fps"] < 4 and meta["model"]["variant"] == "lite"  # the job's settings were used
    assert events["detector"] == "baseline"
    for name in ("poses.parquet", "pairs.parquet", "hands.parquet", "annotated.mp4"):
        assert (out / name).is_file(), name
    with SessionStore.create_from_options(StoreOptions(path=store)) as st:
        (session,) = st.sessions()
        current, _ = st.model_events(session.id)
        assert session.id == status.session_id and len(current) == len(events["events"])
