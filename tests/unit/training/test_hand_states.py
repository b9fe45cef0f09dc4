"""The hand-state model's training: the table's labels, leave-one-clip-out, and `cuedetect train-hands`
reproducing the committed model from the committed table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cuedetect.cli import app
from cuedetect.hands.state_model import MODEL_FILE, TABLE_FILE, load_state_model, model_folder
from cuedetect.training import hand_states
from cuedetect.training.hand_states import TABLE_COLUMNS, label_hands, leave_one_clip_out, read_table

TABLE = read_table(model_folder() / TABLE_FILE)


def test_train_hands_reproduces_the_committed_model_from_the_committed_table(tmp_path: Path):
    res = CliRunner().invoke(app, ["train-hands", "--no-cv", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    fitted, shipped = load_state_model(tmp_path), load_state_model()
    for name in ("low", "high", "mean", "scale", "coef", "intercept"):
        np.testing.assert_array_equal(getattr(fitted, name), getattr(shipped, name), err_msg=name)
    assert fitted.classes == shipped.classes
    assert fitted.info["table_sha256"] == shipped.info["table_sha256"]
    assert (tmp_path / f"{MODEL_FILE}.sha256").read_text().split()[0] == fitted.sha256


def test_train_hands_without_a_table_says_so_in_one_line(tmp_path: Path):
    res = CliRunner().invoke(app, ["train-hands", "--table", str(tmp_path / "none.parquet"), "--out",
                                   str(tmp_path)])  # fmt: skip
    assert res.exit_code != 0 and "hand_state_table.py" in res.output
    assert not (tmp_path / MODEL_FILE).exists()


def test_the_committed_table_holds_only_tuning_clips_and_defined_states():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    import eval_hands

    assert not set(TABLE["clip"]) & set(eval_hands.HELD_OUT)
    assert set(TABLE["label"]) == {"fist", "open_palm", "point", "thumb_up", "other"}
    assert list(TABLE.columns) == list(TABLE_COLUMNS)


def test_each_fold_is_fitted_without_the_clip_it_scores(monkeypatch):
    sizes = []
    fit = hand_states.fit_state_model

    def recording(X, y, *args, **kwargs):
        sizes.append(len(y))
        return fit(X, y, *args, **kwargs)

    monkeypatch.setattr(hand_states, "fit_state_model", recording)
    table = TABLE[TABLE["clip"].isin(["hands_tune_b", "hands_eval_a", "train_00038_15fps"])].reset_index(
        drop=True
    )
    res = leave_one_clip_out(table, log=lambda line: None)
    read = table[table["status"] == "read"].groupby("clip", sort=False).size()
    assert sizes == [int(read.sum() - read[c]) for c in pd.unique(table["clip"])]
    assert sum(c["n"] for c in res["per_clip"].values()) == res["hands"]
    assert 0.0 <= res["rules"] <= 1.0 and 0.0 <= res["model"] <= 1.0


def _gt(folder: Path, hands: dict) -> None:
    """A gt.json of one frame, two people: A at the left (nose x 0.2), B at the right (nose x 0.8)."""
    persons = {g: {"joints": {"nose": [x, 0.3]}, "hands": hands[g]} for g, x in (("A", 0.2), ("B", 0.8))}
    folder.mkdir(parents=True)
    (folder / "gt.json").write_text(json.dumps({"size": [640, 360], "frames": [{"persons": persons}]}))


def _hand(state, in_view=True, occluded=False, size=50.0):
    return {"state": state, "in_view": in_view, "occluded": occluded, "size_px": size}


def test_labels_come_from_the_person_whose_nose_is_nearest_and_only_defined_hands_are_kept(tmp_path: Path):
    a = {"left": _hand("fist"), "right": _hand(None)}
    b = {"left": _hand("point", occluded=True), "right": _hand("thumb_up", size=30.0)}
    _gt(tmp_path / "c", {"A": a, "B": b})
    (tmp_path / "c" / "an").mkdir()
    pd.DataFrame({"frame": [0, 0], "person": [7, 3], "x0": [0.79, 0.21], "y0": [0.3, 0.3]}).to_parquet(
        tmp_path / "c" / "an" / "poses.parquet"
    )
    rows = pd.DataFrame({"frame": [0] * 4, "time": [0.0] * 4, "person": [3, 3, 7, 7],
                         "side": ["left", "right", "left", "right"], "status": ["read"] * 4,
                         "size_px": [50.0] * 4, "palm_nx": 0.0, "palm_ny": 0.0, "palm_nz": -1.0})  # fmt: skip
    for a in "xyz":
        for j in range(21):
            rows[f"h{a}{j}"] = 0.5
    out = label_hands(tmp_path / "c", rows)
    assert list(out["person"]) == [3, 7] and list(out["side"]) == ["left", "right"]
    assert list(out["label"]) == ["fist", "thumb_up"]  # A's undefined right hand and B's tucked hand out
    assert list(out["gt_size_px"]) == [50.0, 30.0] and set(out["clip"]) == {"c"}
    assert list(out.columns) == list(TABLE_COLUMNS)
    assert list(hand_states.scored(out)) == [True, False]


@pytest.mark.parametrize("column", ["label", "hx3"])
def test_a_table_without_its_columns_is_refused(tmp_path: Path, column):
    path = tmp_path / "t.parquet"
    TABLE.head(3).drop(columns=[column]).to_parquet(path)
    with pytest.raises(ValueError, match="not a hand-state training table"):
        read_table(path)
