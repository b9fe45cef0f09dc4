#!/usr/bin/env python3
"""One entry point for setting up and running cuedetect from a fresh checkout.

Only the standard library is used here, so that this file runs on a machine that has nothing but
Python 3.11+ and access to the package registries.

    python3 dev.py demo           # set everything up, then analyse a bundled sample
    python3 dev.py test           # set everything up, then run the linter and the whole test suite
    python3 dev.py studio-setup   # install the synthetic studio's tools (Blender, the CC0 body)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".cuedetect-installed"
DEMO_SAMPLE = ROOT / "sample_videos" / "standoff" / "standoff.mp4"
DEMO_OUT = ROOT / "out" / "demo"
# Debian packages the tests need, with a program each provides: Chromium for the browser end-to-end tests
# (Playwright cannot download its own browser here), Xvfb for the live window test.
TEST_PACKAGES = {"chromium": "chromium", "chromium-driver": "chromedriver", "xvfb": "Xvfb"}
STUDIO_PACKAGES = {"blender": "blender", "python3-numpy": None}


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def run(cmd: list[str | os.PathLike[str]], **kw) -> None:
    say("$ " + " ".join(str(c) for c in cmd))
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def ensure_venv() -> None:
    """Create .venv and install the package with its dev extras when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be started by an older python3)
        sys.exit("cuedetect needs Python 3.11 or newer")
    if not PY.exists():
        say(f"creating virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    run([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([PY, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(digest)


def apt_install(packages: dict[str, str | None]) -> None:
    """Install Debian packages unless every program they provide is on PATH already (needs apt-get)."""
    if all(shutil.which(program) for program in packages.values() if program):
        return
    missing = list(packages)
    if not shutil.which("apt-get"):
        sys.exit(f"this machine has no apt-get: install {' '.join(missing)} yourself")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run([*sudo, "apt-get", "update", "-qq"], env=env)
    run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def cuedetect(*args: str | os.PathLike[str]) -> None:
    run([BIN / "cuedetect", *args])


def demo() -> None:
    ensure_venv()
    cuedetect("models", "--variant", "full")
    cuedetect("models", "--variant", "hands")
    cuedetect("analyze", DEMO_SAMPLE, "--out", DEMO_OUT, "--annotate", "--overwrite")
    say(f"done: results are in {DEMO_OUT} (poses.parquet, pairs.parquet, events.json, annotated.mp4)")


def test(extra: list[str]) -> None:
    ensure_venv()
    apt_install(TEST_PACKAGES)
    cuedetect("models")
    run([BIN / "ruff", "check", "cuedetect", "tests", "bench", "dashboard.py", "dev.py"], cwd=ROOT)
    run([PY, "-m", "pytest", *extra], cwd=ROOT)


def studio_setup() -> None:
    ensure_venv()
    apt_install(STUDIO_PACKAGES)
    cuedetect("synth", "--check")


def main(argv: list[str]) -> None:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return
    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "demo":
            demo()
        elif cmd == "test":
            test(rest)
        elif cmd == "studio-setup":
            studio_setup()
        else:
            sys.exit(f"unknown command {cmd!r}; see python3 dev.py --help")
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode or 1)


if __name__ == "__main__":
    main(sys.argv[1:])
