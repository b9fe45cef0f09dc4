"""`cuedetect batch` on both engines, on one small real batch: four short clips cut from the bundled
samples (3-4 s, 256-320 px, 10 fps) and one broken file.

- the local engine's run is interrupted (Ctrl-C in the driver) after its first recording; the rerun
  resumes, and one of its workers is SIGKILLed mid-recording: that recording is retried, nothing is
  done twice, nothing half-written is left or registered;
- a real Ray runtime (started here, 2 CPUs on 127.0.0.1) runs the same batch, one actor SIGKILLed
  mid-recording (in its poses stage): the recording is retried, and every event and session equals
  the local engine's;
- the broken clip is reported with its reason, the rest are done;
- a rerun (the CLI) analyses nothing and changes nothing.

Cheap by design (the suite's budget): tiny clips, the lite pose model and the geometric cue baseline
(the engines are under test, not the cue model: its 2 s load per worker is saved), one Ray runtime.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cuedetect.batch.engine import WorkerEvent
from cuedetect.batch.plan import BatchSettings
from cuedetect.batch.runner import BatchOptions, BatchReport, create_engine, run_batch
from cuedetect.store import SessionStore, StoreOptions
from tests.faults.conftest import cut_clip

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).with_name("cuedetect"))
SETTINGS = BatchSettings(model="lite", cue_detector="baseline")
GOOD = ("angled_3s", "standoff_3s", "standoff_4s", "walk_in_3s")


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch-clips")
    samples = REPO / "sample_videos"
    cuts = [("angled_3s", "angled", 3.0, 320), ("standoff_3s", "standoff", 3.0, 320),
            ("standoff_4s", "standoff", 4.0, 256), ("walk_in_3s", "walk_in", 3.0, 320)]  # fmt: skip
    for name, sample, seconds, width in cuts:
        cut_clip(samples / sample / f"{sample}.mp4", folder / f"{name}.mp4", seconds, width)
    (folder / "broken.mp4").write_bytes((folder / "standoff_3s.mp4").read_bytes()[:3000])  # truncated
    return folder


def batch(clips: Path, out: Path, store: Path, engine: Any, **kw: Any) -> BatchReport:
    with SessionStore.create_from_options(StoreOptions(path=store)) as opened:
        return run_batch([str(clips)], BatchOptions(out=out, settings=SETTINGS), engine, store=opened, **kw)


@pytest.fixture(scope="module")
def local_run(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The local engine (one worker), interrupted (Ctrl-C in the driver) after its first finished
    recording; then the rerun (two workers), whose worker is SIGKILLed in its first recording's poses."""
    root = tmp_path_factory.mktemp("batch-local")
    out, store = root / "out", root / "store.db"
    killed: list[WorkerEvent] = []

    def stop(outcome: Any, report: BatchReport) -> None:
        if outcome.ok:
            raise KeyboardInterrupt

    def kill_mid_recording(event: WorkerEvent) -> None:
        if event.stage == "poses" and event.done > 0 and not killed:
            killed.append(event)
            os.kill(event.pid, signal.SIGKILL)

    with pytest.raises(KeyboardInterrupt):
        batch(clips, out, store, create_engine("local", workers=1), on_outcome=stop)
    manifest = json.loads((out / "manifest.json").read_text())
    second = batch(clips, out, store, create_engine("local", workers=2), on_event=kill_mid_recording)
    return {"out": out, "store": store, "first_manifest": manifest, "second": second, "killed": killed}


@pytest.fixture(scope="module")
def ray_runtime() -> Any:
    import ray  # the `ray` extra: `python3 dev.py test` installs it

    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", object_store_memory=100 << 20,
             log_to_driver=False, configure_logging=False)  # fmt: skip
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def ray_run(clips: Path, ray_runtime: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The Ray engine on the same batch; the actor analysing `standoff_3s` is SIGKILLed in its poses."""
    root = tmp_path_factory.mktemp("batch-ray")
    out, store = root / "out", root / "store.db"
    killed: list[WorkerEvent] = []
    jobs: dict[int, str] = {}

    def kill_once(event: WorkerEvent) -> None:
        if event.stage == "poses" and event.done > 0 and not killed and "standoff_3s" in jobs[event.job]:
            killed.append(event)
            os.kill(event.pid, signal.SIGKILL)

    report = batch(clips, out, store, create_engine("ray"), on_event=kill_once,
                   on_plan=lambda planned, r: jobs.update({j.index: j.source for j in planned}))  # fmt: skip
    return {"out": out, "store": store, "report": report, "killed": killed}


def sessions(store: Path) -> dict[str, Any]:
    """Every session with its recording, roles and its analyses' events (no ids, paths or times)."""
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        out = {}
        for sid, sha, duration, roles in conn.execute(
            "SELECT id, recording_sha256, duration, roles_json FROM sessions"
        ):  # fmt: skip
            analyses = conn.execute("SELECT id FROM analyses WHERE session_id = ?", (sid,)).fetchall()
            events = sorted(conn.execute(
                'SELECT cue, person, other, start, "end", confidence FROM events e JOIN analyses a '
                "ON e.analysis_id = a.id WHERE a.session_id = ?", (sid,)).fetchall())  # fmt: skip
            out[sha] = {"duration": duration, "roles": roles, "analyses": len(analyses), "events": events}
        return out
    finally:
        conn.close()


def test_interrupted_driver_resumes_without_redoing(local_run: dict[str, Any]) -> None:
    first, second = local_run["first_manifest"], local_run["second"]
    done_first = {Path(o["source"]).stem for o in first["analysed"]}
    done_second = {Path(o.source).stem for o in second.analysed}
    assert first["interrupted"] and len(done_first) == 1
    assert done_first.isdisjoint(done_second) and done_first | done_second == set(GOOD)
    assert {Path(s).stem for s in second.skipped} == done_first


def test_killed_local_worker_is_retried(local_run: dict[str, Any]) -> None:
    second, killed = local_run["second"], local_run["killed"]
    assert len(killed) == 1, "the test killed no worker"
    [retried] = [o for o in second.analysed if o.index == killed[0].job]
    assert retried.attempts == 2 and retried.pid != killed[0].pid
    for name in GOOD:  # the dead attempt's partial folder was swept by the retry
        assert not list((local_run["out"] / name).glob(".partial-*")), name
    assert all(s["analyses"] == 1 for s in sessions(local_run["store"]).values())


def test_broken_clip_reported_rest_done(local_run: dict[str, Any]) -> None:
    second, out = local_run["second"], local_run["out"]
    reasons = {Path(o.source).name: o.error for o in second.failed} | {
        Path(s).name: r for s, r in second.failed_before.items()
    }
    assert list(reasons) == ["broken.mp4"] and "not a readable video" in reasons["broken.mp4"]
    for name in GOOD:
        marker = json.loads((out / name / "batch.json").read_text())
        assert marker["session_id"] and (out / name / "analysis.json").is_file()
    assert not (out / "broken").exists()
    assert len(sessions(local_run["store"])) == 4


def test_engines_agree_and_killed_actor_is_retried(local_run: dict, ray_run: dict) -> None:
    report, killed = ray_run["report"], ray_run["killed"]
    assert len(killed) == 1, "the test killed no actor"
    retried = [o for o in report.analysed if o.index == killed[0].job]
    assert retried and retried[0].attempts == 2 and retried[0].pid != killed[0].pid
    assert sorted(Path(o.source).stem for o in report.analysed) == sorted(GOOD)
    assert [Path(o.source).name for o in report.failed] == ["broken.mp4"]
    for name in GOOD:
        a = json.loads((local_run["out"] / name / "events.json").read_text())
        b = json.loads((ray_run["out"] / name / "events.json").read_text())
        assert (a["events"], a["persons"]) == (b["events"], b["persons"]), name
        assert not list((ray_run["out"] / name).glob(".partial-*"))
    local, remote = sessions(local_run["store"]), sessions(ray_run["store"])
    assert local == remote and all(s["analyses"] == 1 for s in remote.values())
    assert sum(len(s["events"]) for s in remote.values()) > 0


def test_rerun_does_nothing(clips: Path, local_run: dict[str, Any]) -> None:
    out, store = local_run["out"], local_run["store"]
    before = sessions(store), {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != "manifest.json"}
    proc = subprocess.run(
        [CLI, "batch", str(clips), "--out", str(out), "--store", str(store), "--model", "lite",
         "--cue-detector", "baseline"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    after = sessions(store), {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.name != "manifest.json"}
    assert after == before
    manifest = json.loads((out / "manifest.json").read_text())
    assert (
        manifest["analysed"] == []
        and manifest["skipped"] == 4
        and list(manifest["failed"]) == [str(clips / "broken.mp4")]
    )
    assert "failed before" in proc.stdout and "broken.mp4" in proc.stdout
