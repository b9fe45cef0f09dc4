"""Shared by the integration tests: running the `cuedetect` command, the real dev set's analyses and the
standoff sample."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cuedetect.training.real_eval import cache_folder

CLI = str(Path(sys.executable).with_name("cuedetect"))
# the real dev set's analysis cache, as `cuedetect.training.real_eval.cached_analysis` names it
REAL_CLIPS_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "real_clips"


@pytest.fixture(scope="module")
def standoff_video(samples_dir: Path) -> Path:
    """The rendered two-person standoff sample (committed; missing is a failure, not a swap)."""
    sample = samples_dir / "standoff" / "standoff.mp4"
    assert sample.is_file(), f"committed sample missing: {sample}"
    return sample


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


@pytest.fixture(scope="session")
def dev_set_analysis(analyze_cli, clips_dir: Path) -> Callable[[str], tuple[Path, dict[str, Any]]]:
    """`dev_set_analysis(name)`: the real clip `name` analysed by `cuedetect analyze` at the real dev set's
    settings (15 fps, full model, one pose worker, no voice) into the dev set's cache folder; the folder
    and its analysis.json.

    Analysed afresh once per test session (whatever an earlier run left there) and shared: the tests that
    read one clip at these settings (`test_analyze_clips.py`, `test_hands_analyze.py`) and the quality
    floors (`test_cue_quality_floors.py`, which then find it cached) analyse it once between them.
    """
    done: dict[str, tuple[Path, dict[str, Any]]] = {}

    def get(name: str) -> tuple[Path, dict[str, Any]]:
        if name not in done:
            clip = clips_dir / name
            out = cache_folder(clip, REAL_CLIPS_CACHE)
            flags = ("--fps", "15", "--jobs", "1", "--overwrite", "--no-voice")
            done[name] = out, analyze_cli(clip, out, *flags)
        return done[name]

    return get
