"""Shared by the integration tests that run the `cuedetect` command itself."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CLI = str(Path(sys.executable).with_name("cuedetect"))


@pytest.fixture(scope="session")
def analyze_cli() -> Callable[..., dict[str, Any]]:
    """`analyze_cli(video, out, *flags)`: run `cuedetect analyze`, expect success, return analysis.json."""

    def run(video: Path, out: Path, *flags: str) -> dict[str, Any]:
        proc = subprocess.run(
            [CLI, "analyze", str(video), "--out", str(out), *flags],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return json.loads((out / "analysis.json").read_text())

    return run
