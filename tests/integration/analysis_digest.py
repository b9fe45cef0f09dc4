"""A small, comparable digest of an analysis folder: ids, poses, floor, pair distances and events.

Used by `test_analysis_regression.py` (and to record its expected data; run this file with an analysis
folder and the output JSON path). It reads only the files `cuedetect analyze` writes, so the same code
digests the output of any version of the pipeline.

Poses are kept per (frame, person) row as the mean image position of the body, both wrists and the floor
position: enough to see an id swap, a lost or shifted person or a changed cleaning step, small enough
to commit (the whole poses table of a 32 s clip is megabytes).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

WRISTS = (15, 16)
REPO = Path(__file__).resolve().parents[2]


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


if __name__ == "__main__":
    out = digest(Path(sys.argv[1]))
    out["cue_fingerprint"] = cue_fingerprint(Path(sys.argv[3]) if len(sys.argv) > 3 else REPO)
    Path(sys.argv[2]).write_text(json.dumps(out, separators=(",", ":")) + "\n")
