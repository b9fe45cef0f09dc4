"""Camera faults: unplugged mid-session (simulated: the source raises or ends), killed, stopped, missing.

Every way a session ends keeps a valid, playable recording and stores the events seen up to then.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cuedetect.live.engine import EngineOptions
from cuedetect.live.finish import full_analysis, start_full_analysis
from cuedetect.live.session import LiveOptions, LiveSession
from cuedetect.live.sources import PacedVideoSource, SourceLostError
from cuedetect.pose.sources import Frame, VideoFileSource, VideoSourceOptions, probe_video
from cuedetect.store import SessionStore, StoreOptions

REPO = Path(__file__).resolve().parents[2]
CUEDETECT = Path(sys.executable).parent / "cuedetect"


class Unplugged:
    """A real video played live that fails after `after_s` like an unplugged camera (or just ends)."""

    def __init__(self, path: Path, after_s: float, how: str) -> None:
        self.inner = PacedVideoSource(path, max_side=640)
        self.after_s, self.how = after_s, how
        self.name, self.size, self.paced_file = "camera 0 (simulated)", self.inner.size, False

    def __iter__(self) -> Iterator[Frame]:
        for frame in self.inner:
            if frame.t >= self.after_s:
                if self.how == "raises":
                    raise SourceLostError("camera 0 stopped delivering frames (unplugged?)")
                if self.how == "oserror":
                    raise OSError(5, "Input/output error")
                return
            yield frame

    def close(self) -> None:
        self.inner.close()


def _playable(path: Path) -> tuple[int, float]:
    info = probe_video(path)
    frames = list(VideoFileSource(VideoSourceOptions(path, fps=None, max_side=None)))
    assert len(frames) == info.frame_count
    return info.frame_count, info.duration


@pytest.mark.slow
@pytest.mark.parametrize(
    ("how", "reason", "words"),
    [
        ("raises", "source fault", "stopped delivering frames"),
        ("oserror", "source fault", "Input/output error"),
        ("ends", "end of source", None),
    ],
)
def test_unplugged_camera_keeps_recording_and_events(
    standoff_video: Path, tmp_path: Path, how, reason, words
) -> None:
    after = 4.5 if how == "raises" else 2.5
    store = tmp_path / "s.sqlite"
    options = LiveOptions(
        engine=EngineOptions(cue_worker="inline" if how != "raises" else "process"),
        record_dir=tmp_path,
        store_path=store,
        full_analysis=False,
        source_fps=25,
    )
    with LiveSession(Unplugged(standoff_video, after, how), options) as session:
        result = session.run()
    assert result.stop_reason == reason
    assert (result.fault is None) == (words is None)
    if words:
        assert words in result.fault
    frames, duration = _playable(result.recording)
    assert frames == result.frames_recorded
    assert duration == pytest.approx(after, abs=0.2)
    doc = json.loads((result.live_dir / "events.json").read_text())
    assert doc["events"] == result.events
    assert all(e["end"] <= after + 0.05 for e in result.events)
    with SessionStore.create_from_options(StoreOptions(path=store)) as st:
        (sess,) = st.sessions()
        current, _ = st.model_events(sess.id)
        assert sess.id == result.session_id
        assert Path(sess.recording_path) == result.recording.resolve()
        assert sess.duration == pytest.approx(result.duration_s)
        assert len(current) == len(result.events)
    if how == "ends":
        # The detached background step, as `cuedetect live` starts it (lite at 5 fps to keep this short).
        pid = start_full_analysis(result.folder, store, model="lite", fps=5.0)
        deadline = time.monotonic() + 120
        status: dict = {}
        while status.get("state") not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
            with contextlib.suppress(FileNotFoundError, json.JSONDecodeError):
                status = json.loads((result.folder / "full_analysis.json").read_text())
        assert status.get("state") == "done", (result.folder / "full_analysis.log").read_text()[-2000:]
        assert status["session_id"] == result.session_id and pid > 0
        assert (result.folder / "full" / "events.json").exists()
    if how == "raises":
        assert result.events, "4.5 s of the two people should show some cue"
        # The background step, run here in the foreground on the kept recording, becomes the session's
        # newest analysis: the same recording, so the same session.
        status = full_analysis(result.folder, store, model="full", fps=5, jobs=1)
        assert status["state"] == "done" and status["session_id"] == result.session_id
        with SessionStore.create_from_options(StoreOptions(path=store)) as st:
            analyses = st.analyses(result.session_id)
            assert len(analyses) == 2 and "pose=full" in analyses[-1].model_version


def _cli(tmp_path: Path, video: Path, *extra: str) -> subprocess.Popen:
    cmd = [
        str(CUEDETECT),
        "live",
        "--video",
        str(video),
        "--no-window",
        "--record-dir",
        str(tmp_path),
        "--store",
        str(tmp_path / "s.sqlite"),
        "--no-full-analysis",
        *extra,
    ]
    env = {**os.environ, "CUEDETECT_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)


def _wait_for_recording(tmp_path: Path, seconds: float) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = list(tmp_path.glob("live-*/recording.mp4"))
        if found and found[0].stat().st_size > 0:
            time.sleep(seconds)
            return found[0]
        time.sleep(0.1)
    raise AssertionError("no recording appeared")


@pytest.mark.slow
def test_sigkill_leaves_a_playable_recording(standoff_video: Path, tmp_path: Path) -> None:
    proc = _cli(tmp_path, standoff_video)
    try:
        rec = _wait_for_recording(tmp_path, 2.0)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    frames, duration = _playable(rec)
    assert duration >= 0.9 and frames >= 20  # all but the fragment being written (keyframe every 1 s)


@pytest.mark.slow
def test_sigterm_stops_cleanly_and_stores(standoff_video: Path, tmp_path: Path) -> None:
    proc = _cli(tmp_path, standoff_video)
    rec = _wait_for_recording(tmp_path, 2.0)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    assert "stopped:" in out and "stored as session 1" in out, out + err
    frames, duration = _playable(rec)
    assert duration >= 1.5
    assert json.loads((rec.parent / "live" / "stats.json").read_text())["frames_recorded"] == frames


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--camera", "97"], 2, "no camera at index 97"),
        (["--video", "missing.mp4"], 2, "does not exist"),
        (["--camera", "0", "--url", "rtsp://x"], 2, "exactly one"),
        (["--video", "missing.mp4", "--duration", "-1"], 2, "--duration must be positive"),
        (["--video", "CLIP", "--record-dir", "a-file"], 2, "cannot record into"),
        (["--video", "CLIP", "--fps", "-2"], 2, "--fps must be positive"),
    ],
)
def test_bad_sources_are_one_line_errors(tmp_path: Path, clips_dir: Path, args, code, words) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    args = [str(clips_dir / "two_people_walking.mp4") if a == "CLIP" else a for a in args]
    cmd = [str(CUEDETECT), "live", "--no-window", "--record-dir", str(tmp_path), *args]
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "CUEDETECT_DATA_DIR": str(tmp_path / "data")},
    )
    assert proc.returncode == code, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and words in lines[0]
    assert not list(tmp_path.glob("live-*"))  # nothing half-made is left behind


@pytest.mark.slow
def test_a_stream_that_ends_is_reported_and_kept(clips_dir: Path, tmp_path: Path) -> None:
    """`--url` goes through OpenCV like a camera; a stream that stops is a fault with the words to act on."""
    from cuedetect.live.sources import CameraLiveSource

    clip = clips_dir / "two_people_walking.mp4"
    source = CameraLiveSource(str(clip), max_side=640)
    options = LiveOptions(
        engine=EngineOptions(cue_worker="inline"), record_dir=tmp_path, store=False, full_analysis=False
    )
    with LiveSession(source, options) as session:
        result = session.run()
    assert result.stop_reason == "source fault"
    assert "stopped delivering frames" in result.fault and str(clip) in result.fault
    frames, _ = _playable(result.recording)
    assert frames == result.frames_recorded == probe_video(clip).frame_count
