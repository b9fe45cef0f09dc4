"""A small, comparable digest of an analysis folder: ids, poses, floor, pair distances and events.

Used by `test_analysis_regression.py`, and to record its expected data: `python
tests/integration/analysis_digest.py` analyses the sample as the test does (`record`), in a temporary
folder with a temporary session store, and rewrites `tests/data/regression/standoff_10fps.json`. It reads
only the files `cuedetect analyze` writes, so the same code digests the output of any version of the
pipeline.

Poses are kept per (frame, person) row as the mean image position of the body, both wrists and the floor
position: enough to see an id swap, a lost or shifted person or a changed cleaning step, small enough
to commit (the whole poses table of a 32 s clip is megabytes).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

WRISTS = (15, 16)
REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_videos" / "standoff" / "standoff.mp4"
RECORDING = REPO / "tests" / "data" / "regression" / "standoff_10fps.json"
# How the test analyses the sample and the recording was made: `--no-hands` (the hand stage gates hand
# cues on purpose) and `--no-voice` (the sample got its dialogue later; test_voice_sample.py tests voice).
ANALYZE_FLAGS = ("--fps", "10", "--jobs", "2", "--no-hands", "--no-voice")
CLI = str(Path(sys.executable).with_name("cuedetect"))


# The files that decide which events come out of given poses. The regression test compares events
# with the recorded ones only while these are unchanged (a retrained model or new thresholds change the
# events on purpose; `fusion` rules cues out after the classifier); the pipeline around them (tracks,
# detect, the orchestrator) is not listed.
CUE_DECIDERS = ("features", "geometry", "settings", "rules", "events", "baseline", "roles", "summary",
                "fusion")  # fmt: skip


def cue_fingerprint(repo: Path = REPO) -> str:
    """SHA-256 over the cue model files and the cue code that turns features into events."""
    h = hashlib.sha256()
    files = [repo / "cuedetect" / "cues" / f"{name}.py" for name in CUE_DECIDERS]
    files += sorted(f for f in (repo / "models" / "cues").glob("*") if f.is_file() and f.suffix != ".md")
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _r(a: np.ndarray, nd: int = 5) -> list:
    return [None if not np.isfinite(v) else round(float(v), nd) for v in a]


def digest(folder: Path) -> dict[str, Any]:
    poses = pd.read_parquet(folder / "poses.parquet").sort_values(["frame", "person"])
    pairs = pd.read_parquet(folder / "pairs.parquet").sort_values(["frame", "person", "other"])
    events = json.loads((folder / "events.json").read_text())
    analysis = json.loads((folder / "analysis.json").read_text())
    xs = poses[[f"x{i}" for i in range(33)]].to_numpy(float)
    ys = poses[[f"y{i}" for i in range(33)]].to_numpy(float)
    with np.errstate(all="ignore"):
        mean_x, mean_y = np.nanmean(xs, axis=1), np.nanmean(ys, axis=1)
    return {
        "analysed_frame_index": analysis["analysed_frame_index"],
        "persons": [
            {k: p[k] for k in ("id", "frames_detected", "frames_interpolated")} for p in analysis["persons"]
        ],
        "poses": {
            "frame": poses["frame"].astype(int).tolist(),
            "person": poses["person"].astype(int).tolist(),
            "interpolated": poses["interpolated"].astype(bool).tolist(),
            "mean_x": _r(mean_x),
            "mean_y": _r(mean_y),
            **{f"x{i}": _r(poses[f"x{i}"].to_numpy(float)) for i in WRISTS},
            **{f"y{i}": _r(poses[f"y{i}"].to_numpy(float)) for i in WRISTS},
            "floor_x_m": _r(poses["floor_x_m"].to_numpy(float), 4),
            "floor_y_m": _r(poses["floor_y_m"].to_numpy(float), 4),
        },
        "pairs": {
            "frame": pairs["frame"].astype(int).tolist(),
            "person": pairs["person"].astype(int).tolist(),
            "other": pairs["other"].astype(int).tolist(),
            "distance_m": _r(pairs["distance_m"].to_numpy(float), 4),
        },
        "roles": {str(p["id"]): p["role"] for p in events["persons"]},
        "events": [
            {k: e.get(k) for k in ("cue", "person", "other", "start", "end", "confidence")}
            for e in events["events"]
        ],
        "detector": events.get("detector"),
    }


def record(
    dest: Path = RECORDING, cli: str = CLI, run: Callable[..., Any] = subprocess.run
) -> dict[str, Any]:
    """Analyse the sample with `ANALYZE_FLAGS` and write its digest and `cue_fingerprint` to `dest`.

    The analysis and its session go to a temporary folder and a temporary session store
    ($CUEDETECT_DATA_DIR, as the test's own), both deleted afterwards: recording never adds a session to
    the user's store. `run` runs the command (`subprocess.run`'s signature)."""
    with tempfile.TemporaryDirectory(prefix="cuedetect-regression-") as tmp:
        out = Path(tmp) / "out"
        env = {**os.environ, "CUEDETECT_DATA_DIR": str(Path(tmp) / "data")}
        run([cli, "analyze", str(SAMPLE), "--out", str(out), *ANALYZE_FLAGS], env=env, check=True)
        recorded = digest(out)
    recorded["cue_fingerprint"] = cue_fingerprint()
    dest.write_text(json.dumps(recorded, separators=(",", ":")) + "\n")
    return recorded


if __name__ == "__main__":
    record(Path(sys.argv[1]) if len(sys.argv) > 1 else RECORDING)
