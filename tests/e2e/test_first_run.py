"""The first ten minutes: the README's first command in a fresh clone, in a terminal, then the next steps it
prints, pasted as they are.

Real all the way: a `git clone` of the committed tree into an empty folder (no ../shared beside it), a new
virtual environment installed by pip (pip's cache may answer, as on any machine that installed before),
the pose model provisioned into the clone, real inference on the bundled sample. The clone runs under a
pseudo-terminal, as in a newcomer's terminal, so the progress display must show; the pasted commands run
with plain pipes, where cuedetect must stay quiet (no escape codes).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import signal
import struct
import subprocess
import termios
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")
pytestmark = pytest.mark.slow


def readme_first_command() -> str:
    """The first command of the README's first bash block (`python3 dev.py demo`)."""
    block = re.search(r"```bash\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    assert block, "README.md has no bash block"
    return block.group(1).splitlines()[0].split("#")[0].strip()


class Terminal:
    """A command in a pseudo-terminal of 100 x 40, its output collected as it comes."""

    def __init__(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.proc = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdin=slave, stdout=slave,
                                     stderr=slave, start_new_session=True)  # fmt: skip
        os.close(slave)
        self.master, self.raw = master, b""

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", "replace")

    def read(self, seconds: float) -> bool:
        """Collect output for up to `seconds`; False once the terminal is closed (the command ended)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # EIO: every writer has gone
                    data = b""
                if not data:
                    return False
                self.raw += data
        return True

    def wait(self, timeout: float) -> int:
        end = time.monotonic() + timeout
        while self.read(1.0):
            if time.monotonic() > end:
                self.stop(signal.SIGKILL)
                pytest.fail(f"still running after {timeout} s:\n{ANSI.sub('', self.text)[-3000:]}")
        return self.proc.wait(timeout=30)

    def stop(self, sig: int = signal.SIGINT) -> None:
        os.killpg(self.proc.pid, sig)


def plain(text: str) -> str:
    """What the terminal shows, roughly: escape codes gone, every redraw on its own line."""
    return ANSI.sub("", text).replace("\r", "\n")


def next_steps(output: str) -> list[str]:
    """The commands printed after "Next, paste any of these:" (their comments dropped)."""
    tail = output.split("Next, paste any of these:", 1)[1]
    lines = [line.strip() for line in tail.strip().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_readme_first_command_in_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "fresh" / "cuedetect"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=120)
    assert not (clone / ".venv").exists() and not list((clone / "models").glob("*.task"))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    env["CUEDETECT_DATA_DIR"] = str(tmp_path / "user-data")  # a user with no sessions yet

    command = readme_first_command()
    assert command == "python3 dev.py demo"
    demo = Terminal(command, clone, env)
    code = demo.wait(timeout=1500)
    shown = plain(demo.text)
    assert code == 0, shown[-4000:]

    # an install with nothing to warn about (the pip log dev.py keeps: setuptools' own warnings, e.g. the
    # deprecated licence table, would be there; this machine's pip configuration may add its own lines)
    install_log = (clone / ".venv" / "pip-install.log").read_text()
    assert "Successfully installed" in install_log
    warned = re.search(r"BuildBackendWarning|SetuptoolsDeprecationWarning|project\.license", install_log)
    assert not warned, install_log

    # progress while setting up and while analysing: stage, frames done of all, time left, redrawn live
    assert re.search(r"pip install -e \.\[dev\] \(\d+ s\)", shown), shown[:3000]
    counts = re.findall(r"finding and tracking people\s+\S+\s+(\d+)/(\d+) frames ETA\s+\d+:\d\d:\d\d", shown)
    done = {int(d) for d, total in counts if 0 < int(d) < int(total)}
    assert len(done) >= 3, f"no live progress during the analysis: {sorted(done)}\n{shown[-3000:]}"

    # the result on screen: the events as a table in plain words, where every file is
    table = shown.rsplit("cue events", 1)[-1].split("results in", 1)[0]
    assert re.search(r"\d+ cue events", shown) and "trainee (" in table and "client (" in table, table
    assert re.search(r"fists up|open hands|arms crossed", table) and not re.search(r"\w_\w", table), table
    files = "poses.parquet, pairs.parquet, voice.parquet, events.json, analysis.json, annotated.mp4"
    assert f"results in out/demo/: {files}" in shown
    for name in files.split(", "):
        assert (clone / "out" / "demo" / name).is_file(), name

    # every next step works when pasted, from the same folder
    steps = next_steps(shown)
    assert steps and any(s.startswith("python3 dev.py dashboard") for s in steps), steps
    ran = []
    for step in steps:
        if "YOUR_VIDEO" in step:  # a template for the user's own recording: check the command exists
            step = step.split(" YOUR_VIDEO")[0] + " --help"
        if " dashboard " in step:
            check_dashboard(step, clone, env, tmp_path)
        else:
            proc = subprocess.run(["bash", "-c", step], cwd=clone, env=env, capture_output=True, text=True,
                                  timeout=300)  # fmt: skip
            assert proc.returncode == 0, f"{step}\n{proc.stdout}\n{proc.stderr}"
            assert "\x1b[" not in proc.stdout + proc.stderr, f"escape codes without a terminal: {step}"
            if " export " in step:
                out = clone / shlex.split(step)[shlex.split(step).index("--out") + 1]
                assert "<html" in out.read_text().lower()
            if " sessions show " in step:
                assert re.match(r"session \d+ ", proc.stdout), proc.stdout
        ran.append(step)
    assert len(ran) == len(steps) >= 4


def check_dashboard(step: str, clone: Path, env: dict[str, str], tmp_path: Path) -> None:
    """Start the dashboard as printed; it must serve the review page of the demo's session and open it in the
    browser (a stand-in browser records the address), then stop on Ctrl-C."""
    opened = tmp_path / "opened-url"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {shlex.quote(str(opened))}\n')
    browser.chmod(0o755)
    server = Terminal(step, clone, {**env, "BROWSER": str(browser)})
    try:
        end = time.monotonic() + 180
        while not opened.exists() and time.monotonic() < end and server.read(1.0):
            pass
        shown = plain(server.text)
        assert opened.exists(), f"no browser opened:\n{shown[-3000:]}"
        url = opened.read_text().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?page=review&session=\d+", url), url
        assert url in shown  # the same address is printed for someone without a browser
        with urllib.request.urlopen(url, timeout=30) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
        health = url.split("?")[0] + "_stcore/health"
        with urllib.request.urlopen(health, timeout=30) as ok:
            assert ok.read().strip() == b"ok"
    finally:
        server.stop(signal.SIGINT)
    assert server.wait(timeout=60) == 0
