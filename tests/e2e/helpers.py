"""Helpers of the browser tests: a Streamlit server (one per module, `dashboard_server`) and pages that
record every request leaving 127.0.0.1 (none may)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from cuedetect.paths import REPO_DIR
from tests.ports import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


@contextlib.contextmanager
def dashboard_server(data: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port of 127.0.0.1 with `data` as the data folder."""
    port = free_port()
    env = {**os.environ, "CUEDETECT_DATA_DIR": str(data)}
    app = str(REPO_DIR / "dashboard.py")
    cmd = [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    log_path = data.parent / f"streamlit-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=1).status == 200:
                        break
                except OSError:
                    if time.time() > deadline or proc.poll() is not None:
                        raise AssertionError(log_path.read_text()[-2000:]) from None
                    time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def open_page(browser, width: int = 1440, height: int = 1800):
    """A page that records requests leaving this computer (`page.external`) and script errors."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.external = []
    page.errors = []
    page.on("request", lambda r: r.url.startswith(LOCAL) or page.external.append(r.url))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def wait_idle(page, timeout: float = 30000) -> None:
    """The app is drawn and no script run is in progress."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout, polling=100
    )
