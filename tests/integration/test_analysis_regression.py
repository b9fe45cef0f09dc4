"""The analysis of a bundled sample gives the same ids, poses, distances and events as recorded.

`tests/data/regression/standoff_10fps.json` was first recorded from main (0fb4a8d) before the pipeline
was reorganised (issue 12: one orchestrator, one track type, cue detection once), and recorded again on
main at 75fa344 (session 10: the same ids, poses, floor and distances to the last digit; the events of
the cue model and rules of that time). Record it again with

    python tests/integration/analysis_digest.py

which analyses the sample as this test does (`analysis_digest.ANALYZE_FLAGS`: `--no-hands --no-voice`)
in a temporary folder with a temporary session store, so the user's sessions are never touched.
Any change to the pose engine, cleaning, floor geometry or the way the stages hand data on shows up here.

Events are compared with the recording while the cue model and the code that turns features into events
are the recorded ones (`analysis_digest.cue_fingerprint`); after an intentional change there (a retrained
model, new thresholds) the events must instead be exactly what cue detection finds on this run's own
poses, and the recording should be redone with the command above.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.integration.analysis_digest import ANALYZE_FLAGS, RECORDING, SAMPLE, cue_fingerprint, digest

POSE_TOL = 2e-3  # normalized image units (about 2 px at 960x540): float noise across CPUs, not a shift
FLOOR_TOL_M = 0.02
TIME_TOL_S = 0.11  # one analysed frame at 10 fps
CONF_TOL = 0.02


@pytest.fixture(scope="module")
def run(analyze_cli: Callable[..., dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("regression") / "out"
    analyze_cli(SAMPLE, out, *ANALYZE_FLAGS)  # its session goes to the tests' own store (conftest)
    return out


@pytest.fixture(scope="module")
def got(run: Path) -> dict[str, Any]:
    return digest(run)


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return json.loads(RECORDING.read_text())


def _close(a: list, b: list, tol: float) -> float:
    """Largest difference between two equally long lists with None for missing (inf if they disagree)."""
    x = np.array([np.nan if v is None else v for v in a], float)
    y = np.array([np.nan if v is None else v for v in b], float)
    assert x.shape == y.shape
    assert np.array_equal(np.isnan(x), np.isnan(y)), "missing values moved"
    d = np.abs(x - y)[~np.isnan(x)]
    return float(d.max()) if len(d) else 0.0


def test_same_frames_and_ids(got: dict, expected: dict) -> None:
    assert got["analysed_frame_index"] == expected["analysed_frame_index"]
    assert got["persons"] == expected["persons"]
    for key in ("frame", "person", "interpolated"):
        assert got["poses"][key] == expected["poses"][key], key
    assert got["roles"] == expected["roles"]


@pytest.mark.parametrize(
    ("column", "tol"),
    [("mean_x", POSE_TOL), ("mean_y", POSE_TOL), ("x15", POSE_TOL), ("y15", POSE_TOL), ("x16", POSE_TOL),
     ("y16", POSE_TOL), ("floor_x_m", FLOOR_TOL_M), ("floor_y_m", FLOOR_TOL_M)],
)  # fmt: skip
def test_same_poses(got: dict, expected: dict, column: str, tol: float) -> None:
    assert _close(got["poses"][column], expected["poses"][column], tol) <= tol


def test_same_pair_distances(got: dict, expected: dict) -> None:
    for key in ("frame", "person", "other"):
        assert got["pairs"][key] == expected["pairs"][key]
    assert _close(got["pairs"]["distance_m"], expected["pairs"]["distance_m"], FLOOR_TOL_M) <= FLOOR_TOL_M


def _same_events(a: list[dict], b: list[dict]) -> None:
    def keys(events: list[dict]) -> list[tuple]:
        return [(e["cue"], e["person"], e["other"]) for e in events]

    assert keys(a) == keys(b)
    for x, y in zip(a, b, strict=True):
        assert abs(x["start"] - y["start"]) <= TIME_TOL_S, (x, y)
        assert abs(x["end"] - y["end"]) <= TIME_TOL_S, (x, y)
        assert abs(x["confidence"] - y["confidence"]) <= CONF_TOL, (x, y)


def test_same_events(run: Path, got: dict, expected: dict) -> None:
    assert got["events"], "the sample has cues; finding none is a regression"
    if cue_fingerprint() == expected["cue_fingerprint"]:
        assert got["detector"] == expected["detector"]
        _same_events(got["events"], expected["events"])
        return
    # The cue model or thresholds changed on purpose: the run's events must be cue detection's on its poses.
    from cuedetect.cues.detect import detect_cues

    analysis = json.loads((run / "analysis.json").read_text())
    w, h = analysis["working_size"]
    again = detect_cues(pd.read_parquet(run / "poses.parquet"), pd.read_parquet(run / "pairs.parquet"),
                        aspect=w / h, duration=analysis["duration_s"])  # fmt: skip
    _same_events(got["events"], [e.to_dict() for e in again.events])
