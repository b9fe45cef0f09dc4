"""The dashboard's live page: frames posted over HTTP (as the page's script does) and a real browser."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import cv2
import pytest

from cuedetect.live.browser import LiveServer, default_options
from cuedetect.live.dashboard_page import live_page_html, status_lines
from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions, probe_video
from cuedetect.store import SessionStore, StoreOptions


def _post(url: str, body: bytes = b"") -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


@pytest.mark.slow
def test_posted_frames_are_processed_recorded_and_stored(standoff_video: Path, tmp_path: Path) -> None:
    opts = default_options(tmp_path, tmp_path / "s.sqlite")
    opts.full_analysis = False
    server = LiveServer(opts, (640, 480)).start()
    base = f"http://127.0.0.1:{server.port}"
    deadline = time.monotonic() + 60
    while server.status["state"] == "starting" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.status["state"] == "live"
    overlays, codes = 0, []
    src = VideoFileSource(VideoSourceOptions(standoff_video, fps=15, max_side=640))
    t0 = time.monotonic()
    for frame in src:
        if frame.t > 4.0:
            break
        time.sleep(max(0.0, t0 + frame.t - time.monotonic()))
        _, jpg = cv2.imencode(".jpg", cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR))
        code, body = _post(f"{base}/frame?t={1000 * frame.t:.1f}", jpg.tobytes())
        codes.append(code)
        if code == 200:
            assert body[:2] == b"\xff\xd8"  # a JPEG overlay comes back
            overlays += 1
    assert _post(f"{base}/frame", b"not a jpeg")[0] == 429
    assert _post(f"{base}/stop")[0] == 202
    deadline = time.monotonic() + 120
    while server.status.get("state") not in ("stored", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
    status = server.status
    assert status["state"] == "stored", status
    assert overlays >= 10 and set(codes) <= {200, 204, 429}
    result = server.result
    assert result is not None and result.recording.exists()
    info = probe_video(result.recording)
    assert info.frame_count == result.frames_recorded >= 50
    assert info.duration == pytest.approx(4.0, abs=0.4)  # the browser's timestamps are kept
    with SessionStore.create_from_options(StoreOptions(path=tmp_path / "s.sqlite")) as st:
        assert [s.id for s in st.sessions()] == [status["session_id"]]
    assert any("review page" in line for line in status_lines(status, "?session={session_id}"))


def test_page_html_points_at_the_server() -> None:
    page = live_page_html(43210, fps=12, size=(320, 240))
    assert 'SERVER = "http://127.0.0.1:43210"' in page and "FPS = 12" in page
    assert "getUserMedia" in page and "__" not in page


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ({"state": "live", "fps": 14.2, "latency_ms": 48.0, "dropped": 3}, "14.2 fps, latency 48.0 ms"),
        ({"state": "failed", "error": "boom"}, "failed: boom"),
        ({"state": "stored", "events": 4, "session_id": 7, "fault": "camera gone"}, "camera gone"),
    ],
)
def test_status_lines(status, words) -> None:
    assert any(words in line for line in status_lines(status, "?session={session_id}"))


def test_status_json_is_served(tmp_path: Path) -> None:
    opts = default_options(tmp_path, tmp_path / "s.sqlite")
    opts.full_analysis = False
    opts.store = False
    server = LiveServer(opts, (320, 240)).start()
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/status", timeout=10) as r:
        assert json.loads(r.read())["state"] in ("starting", "live")
    server.stop()
