"""The live page in a real Streamlit app and headless Chromium with a fake camera: start, see the overlay,
stop, and find the session stored."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ports import free_port

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
APP = """
from pathlib import Path
import streamlit as st
from cuedetect.live.dashboard_page import render_live_page
def open_review(sid):
    st.query_params["session"] = str(sid)
render_live_page(store_path=Path({store!r}), record_dir=Path({rec!r}), review_url="?session={{session_id}}",
                 full_analysis=False, open_review=open_review)
"""


@pytest.mark.browser
@pytest.mark.slow
def test_live_page_with_a_fake_camera(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    store, rec = tmp_path / "s.sqlite", tmp_path / "rec"
    app = tmp_path / "app.py"
    app.write_text(APP.format(store=str(store), rec=str(rec)))
    port = free_port()
    env = {**os.environ, "CUEDETECT_DATA_DIR": str(tmp_path / "data"), "GLOG_minloglevel": "2"}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            for _ in range(100):
                try:
                    page.goto(f"http://127.0.0.1:{port}/", timeout=5000)
                    break
                except Exception:
                    time.sleep(0.3)
            # the trainee's name comes first: without it there is no session to start
            assert page.get_by_role("button", name="New live session").is_disabled(timeout=60000)
            name = page.get_by_label("Trainee's name")
            name.fill("Robin")
            name.press("Enter")
            page.get_by_role("button", name="New live session").and_(page.locator(":enabled")).click(
                timeout=60000
            )
            frame = page.frame_locator("iframe").first
            frame.get_by_role("button", name="Start camera").click(timeout=60000)
            frame.locator("#msg").filter(has_text="Live:").wait_for(timeout=90000)  # overlays came back
            time.sleep(2.0)
            frame.get_by_role("button", name="Stop and store").click()
            page.get_by_text("Stored:").wait_for(timeout=120000)  # the page refreshes itself
            page.get_by_role("button", name="Open in the review page").click()
            page.wait_for_url("**session=1**", timeout=30000)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    (folder,) = rec.glob("live-*")
    from cuedetect.pose.sources import probe_video
    from cuedetect.store import SessionStore, StoreOptions

    assert probe_video(folder / "recording.mp4").frame_count >= 10
    with SessionStore.create_from_options(StoreOptions(path=store)) as st:
        assert len(st.sessions()) == 1
        assert st.sessions()[0].trainee_name == "Robin"
