"""Cue detection end to end: analysis folder -> events.json; train -> model files; evaluate -> scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cuedetect.cli import app
from cuedetect.cues.catalogue import CUE_IDS
from cuedetect.training.synthetic import make_clip

runner = CliRunner()


def _analysis_folder(folder: Path, seed: int, with_gt: bool = False, duration: float = 12.0) -> dict:
    c = make_clip(seed, duration=duration)
    folder.mkdir(parents=True)
    c.poses.to_parquet(folder / "poses.parquet")
    c.pairs.to_parquet(folder / "pairs.parquet")
    w, h = c.gt["size"]
    (folder / "analysis.json").write_text(
        json.dumps({"source": f"/x/{c.name}.mp4", "duration_s": duration, "source_size": [w, h]})
    )
    if with_gt:
        (folder / "gt.json").write_text(json.dumps(c.gt))
    return c.gt


def test_detect_writes_events_json_with_the_contract(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CUEDETECT_MODELS_DIR", str(tmp_path / "no-models"))  # the baseline path
    _analysis_folder(tmp_path / "a", 21)
    res = runner.invoke(app, ["detect", str(tmp_path / "a"), "--role", "0=client"])
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "a" / "events.json").read_text())
    assert set(doc) >= {"video", "duration", "persons", "events", "summary"}
    assert doc["video"] == "synthetic_21.mp4" and doc["duration"] == 12.0
    assert doc["persons"] == [{"id": 0, "role": "client"}, {"id": 1, "role": "trainee"}]
    assert doc["events"], "a synthetic role-play always has cues"
    for e in doc["events"]:
        assert set(e) == {"cue", "person", "other", "start", "end", "confidence", "evidence"}
        assert e["cue"] in CUE_IDS and 0 <= e["start"] <= e["end"] and 0 < e["confidence"] <= 1
        assert (e["other"] is not None) == (e["cue"] in ("rapid_approach", "too_close"))
        assert " for " in e["evidence"]
    assert doc["summary"]["trainee"]["person"] == 1


def test_detect_without_poses_is_a_one_line_error(tmp_path) -> None:
    res = runner.invoke(app, ["detect", str(tmp_path)])
    assert res.exit_code == 2 and "poses.parquet" in res.output


def test_train_then_evaluate(tmp_path) -> None:
    data = tmp_path / "corpus"
    for k in range(2):
        _analysis_folder(data / f"clip_{k}", 300 + k, with_gt=True, duration=8.0)
    model = tmp_path / "model"
    res = runner.invoke(
        app,
        [
            "train",
            str(data),
            "--synthetic",
            "0",
            "--folds",
            "2",
            "--augment",
            "0",
            "--iterations",
            "5",
            "--out",
            str(model),
        ],
    )
    assert res.exit_code == 0, res.output
    assert {p.name for p in model.iterdir()} >= {
        "cue_classifier.skops",
        "cue_classifier.json",
        "cue_classifier.skops.sha256",
        "model_card.md",
    }
    card = (model / "model_card.md").read_text()
    assert "grouped 2-fold" in card and "`pointing`" in card and "cuedetect train" in card
    res = runner.invoke(
        app, ["evaluate", str(data), "--model", str(model), "--json", str(tmp_path / "s.json"), "--card"]
    )
    assert res.exit_code == 0, res.output
    # --card: the model and the baseline, and the calibration on the matched persons' frames, in the card
    card = (model / "model_card.md").read_text()
    assert "## Held-out scores (2 clips" in card and "### Calibration on these clips" in card
    assert "(2 clips), against their labels" in card and "| `pointing` |" in card.split("### Calibration")[1]
    scores = json.loads((tmp_path / "s.json").read_text())
    assert scores["clips"] == 2
    per_cue = scores["per_cue"]
    # The pair cues are rules on the generator's own distances: they must match its ground truth exactly.
    for cue in ("too_close", "rapid_approach"):
        assert per_cue[cue]["event"]["f1"] == 1.0 and per_cue[cue]["event"]["fp"] == 0, (cue, per_cue[cue])
    # The macro figure is the mean over the cues present in the ground truth (a 5-iteration model on two
    # clips finds none of the posture cues: their F1 is 0, which the mean must include).
    f1s = [c["event"]["f1"] for c in per_cue.values()]
    assert scores["macro_event_f1"] == pytest.approx(sum(f1s) / len(f1s), abs=1e-3)


def test_train_calibrated_on_held_out_clips_then_recalibrate(tmp_path) -> None:
    """`train --calibrate-on HELD` calibrates on clips outside the fit; `calibrate HELD` redoes it on a
    saved model without touching its trees; a training folder is refused as calibration clips."""
    data, held, model = tmp_path / "corpus", tmp_path / "held", tmp_path / "model"
    for k in range(2):
        _analysis_folder(data / f"clip_{k}", 300 + k, with_gt=True, duration=8.0)
        _analysis_folder(held / f"held_{k}", 400 + k, with_gt=True, duration=8.0)
    args = ["train", str(data), "--folds", "0", "--augment", "0", "--iterations", "5", "--out", str(model)]
    res = runner.invoke(app, [*args, "--calibrate-on", str(held)])
    assert res.exit_code == 0, res.output
    meta = json.loads((model / "cue_classifier.json").read_text())
    assert meta["info"]["calibrated_on"] == f"`{held}`" and meta["info"]["fit_clips"] == ["clip_0", "clip_1"]
    assert "- **validation**: 2 whole clips (`" in (model / "model_card.md").read_text()
    trees = (model / "cue_classifier.skops").read_bytes()
    res = runner.invoke(app, ["calibrate", str(held), "--model", str(model)])
    assert res.exit_code == 0, res.output
    assert (model / "cue_classifier.skops").read_bytes() == trees
    card = (model / "model_card.md").read_text()  # the command under Reproduce, below the training's
    assert "\n    cuedetect calibrate " in card.split("\n    cuedetect train ", 1)[1].split("## Data")[0]
    res = runner.invoke(app, ["calibrate", str(data), "--model", str(model)])
    assert res.exit_code == 2 and "clip clip_0 is in the model's fit" in res.output
    res = runner.invoke(app, [*args, "--calibrate-on", str(held), "--calibration-folds", "2"])
    assert res.exit_code == 2 and "give one" in res.output


def test_cues_lists_the_catalogue() -> None:
    res = runner.invoke(app, ["cues"])
    assert res.exit_code == 0
    assert all(c in res.output for c in CUE_IDS) and "1.0 m" in res.output
