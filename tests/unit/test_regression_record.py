"""Re-recording the analysis regression (`tests/integration/analysis_digest.py`) analyses the sample as the
test does, in a temporary store: the user's sessions are never touched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.analysis_digest import ANALYZE_FLAGS, SAMPLE, cue_fingerprint, record


def _write_analysis(out: Path) -> None:
    """A two-frame, one-person analysis folder with the files `digest` reads."""
    out.mkdir(parents=True)
    pose = {"frame": [0, 1], "person": [0, 0], "interpolated": [False, True]}
    pose |= {f"{a}{i}": [0.5, 0.5] for a in "xy" for i in range(33)}
    pose |= {"floor_x_m": [1.0, 1.0], "floor_y_m": [2.0, 2.0]}
    pd.DataFrame(pose).to_parquet(out / "poses.parquet")
    pd.DataFrame({"frame": [0], "person": [0], "other": [1], "distance_m": [1.5]}).to_parquet(
        out / "pairs.parquet"
    )
    event = {"cue": "pointing", "person": 0, "other": None, "start": 0.0, "end": 0.1, "confidence": 0.9}
    (out / "events.json").write_text(
        json.dumps({"persons": [{"id": 0, "role": "trainee"}], "events": [event]})
    )
    person = {"id": 0, "frames_detected": 1, "frames_interpolated": 1}
    (out / "analysis.json").write_text(json.dumps({"analysed_frame_index": [0, 1], "persons": [person]}))


def test_recording_analyses_the_sample_as_the_test_does_in_a_temporary_store(tmp_path, monkeypatch):
    user_data = tmp_path / "user_data"  # stands for ~/.local/share/cuedetect
    user_data.mkdir()
    monkeypatch.setenv("CUEDETECT_DATA_DIR", str(user_data))
    seen: dict = {}

    def fake_run(cmd: list[str], env: dict[str, str], check: bool) -> None:
        seen.update(cmd=cmd, env=env, check=check, data=Path(env["CUEDETECT_DATA_DIR"]))
        out = Path(cmd[cmd.index("--out") + 1])
        _write_analysis(out)
        Path(env["CUEDETECT_DATA_DIR"]).mkdir()
        (Path(env["CUEDETECT_DATA_DIR"]) / "cuedetect.sqlite").write_text("a session")

    dest = tmp_path / "recording.json"
    got = record(dest, cli="cuedetect", run=fake_run)

    assert seen["cmd"][:3] == ["cuedetect", "analyze", str(SAMPLE)]
    assert tuple(seen["cmd"][5:]) == ANALYZE_FLAGS and seen["check"] is True
    assert seen["data"] != user_data and not seen["data"].exists()  # its own store, deleted afterwards
    assert not Path(seen["cmd"][4]).exists()  # and its own output folder
    assert list(user_data.iterdir()) == []
    assert os.environ["CUEDETECT_DATA_DIR"] == str(user_data)  # the caller's environment as it was
    assert json.loads(dest.read_text()) == got
    assert got["cue_fingerprint"] == cue_fingerprint()
    assert got["poses"]["interpolated"] == [False, True] and got["events"][0]["cue"] == "pointing"


def test_a_failed_analysis_writes_no_recording(tmp_path):
    def failing_run(cmd: list[str], env: dict[str, str], check: bool) -> None:
        raise RuntimeError("analyze failed")

    dest = tmp_path / "recording.json"
    with pytest.raises(RuntimeError):
        record(dest, cli="cuedetect", run=failing_run)
    assert not dest.exists()
