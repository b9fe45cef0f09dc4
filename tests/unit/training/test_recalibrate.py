"""Calibration on held-out clips: the maps and thresholds come from the final model's own scores of
clips none of its fit saw, and recalibrating a saved model leaves its trees byte for byte."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.features import feature_columns
from cuedetect.errors import InputError
from cuedetect.training import recalibrate
from cuedetect.training.calibration import THRESHOLD_GRID, CalibrationReport, fit_isotonic
from cuedetect.training.dataset import clip_rows, synthetic_clips
from cuedetect.training.recalibrate import (
    calibrate_on_heldout,
    check_held_out,
    heldout_clips,
    recalibrate_model,
    recalibrated_card,
)
from cuedetect.training.synthetic import make_clip
from cuedetect.training.trainer import fit_calibrated, model_card

QUIET = {"log": lambda *_: None}


@pytest.fixture(scope="module")
def fitted():
    """A small model fitted on two synthetic clips, and two other clips it never saw."""
    fit, held = synthetic_clips(2, seed=77), synthetic_clips(2, seed=91)
    clf, rep, val = fit_calibrated(
        fit, n_aug=0, max_iter=8, calibrate_on=held, calibrate_on_words="`held`", **QUIET
    )
    return fit, held, clf, rep, val


def test_maps_and_thresholds_come_from_the_held_out_clips_scores(fitted) -> None:
    fit, held, clf, rep, val = fitted
    assert val == held and rep.clips == 2 and rep.on == "`held`" and rep.folds == 0
    assert clf.info["calibrated_on"] == "`held`" and clf.info["validation_clips"] == 2
    assert clf.info["fit_clips"] == sorted(c.name for c in fit)
    # the maps are the isotonic maps of the final model's raw scores of the held-out clips' frames
    X = pd.concat([clip_rows(c)[0][clip_rows(c)[2]] for c in held], ignore_index=True)
    Y = np.concatenate([clip_rows(c)[1][clip_rows(c)[2]] for c in held])
    maps, clf.calibration = clf.calibration, {}
    raw = clf.predict_proba(X)
    clf.calibration = maps
    assert maps
    for cue, knots in maps.items():
        assert knots == fit_isotonic(raw[cue].to_numpy(), Y[:, clf.cues.index(cue)].astype(float))
    # calibrated on other clips, the maps differ: they are these clips'
    other = CueClassifier(clf.features, seed=0, max_iter=8, pipeline=clf.pipeline, info={})
    calibrate_on_heldout(other, synthetic_clips(2, seed=123), "`other`", **QUIET)
    assert other.calibration != maps
    assert set(clf.thresholds) <= set(clf.cues) and set(clf.thresholds.values()) <= set(THRESHOLD_GRID)
    assert set(rep.threshold_f1) == set(clf.thresholds)
    assert "of `held`, none of them in the fit, scored by the final model itself" in rep.markdown()


def test_the_card_says_the_calibration_clips_no_longer_score_the_model_honestly(fitted) -> None:
    fit, _held, clf, rep, val = fitted
    card = model_card(clf, fit, None, "cuedetect train x --calibrate-on held", rep, val)
    assert "- **validation**: 2 whole clips (`held`: held out of the fit" in card
    assert "no longer score\nthis model honestly" in card and card.count("\n## Calibration\n") == 1


@pytest.mark.parametrize(
    ("name", "split", "words"),
    [("synthetic_77", None, "clip synthetic_77 is in the model's fit"),
     ("train_00003", "train", "clip train_00003 is of the style catalogue's train split")],
)  # fmt: skip
def test_clips_of_the_fit_are_refused(fitted, name, split, words) -> None:
    fit, held, clf, _rep, _val = fitted
    clip = synthetic_clips(1, seed=91)[0]
    clip.name, clip.meta = name, {"split": split}
    assert "synthetic_77" in clf.info["fit_clips"]
    with pytest.raises(InputError, match=words):
        check_held_out(set(clf.info["fit_clips"]), [*held, clip])
    with pytest.raises(InputError, match=words):  # refused before the fit
        fit_calibrated(fit, n_aug=0, max_iter=2, calibrate_on=[clip], **QUIET)


def test_a_cue_the_clips_cannot_calibrate_keeps_its_earlier_map_and_threshold(monkeypatch) -> None:
    old = {"x": [0.0, 1.0], "y": [0.0, 0.5]}
    clf = CueClassifier(["a"], calibration={"pointing": old, "pacing": old}, thresholds={"pacing": 0.7})

    def calibrate(c, clips, log):  # the clips show pointing only
        c.calibration, c.thresholds = {"pointing": {"x": [0.0, 1.0], "y": [0.1, 0.9]}}, {"pointing": 0.4}
        return CalibrationReport(clips=len(clips))

    monkeypatch.setattr(recalibrate, "calibrate", calibrate)
    rep = calibrate_on_heldout(clf, [], "`x`", **QUIET)
    assert rep.kept == ["pacing"] and clf.calibration["pacing"] == old
    assert clf.calibration["pointing"]["y"] == [0.1, 0.9]
    assert clf.thresholds == {"pointing": 0.4, "pacing": 0.7}
    assert "earlier map and threshold kept): `pacing`" in rep.markdown()


def _corpus_clip(folder, seed: int) -> None:
    """A clip folder as the studio writes it: gt.json and the pose engine's poses.parquet."""
    c = make_clip(seed, duration=8.0)
    folder.mkdir(parents=True)
    (folder / "gt.json").write_text(json.dumps(c.gt))
    c.poses.to_parquet(folder / "poses.parquet")


def test_recalibrating_a_saved_model_rewrites_its_json_and_card_not_its_trees(fitted, tmp_path) -> None:
    for k in range(2):
        _corpus_clip(tmp_path / "held" / f"clip_{k}", 300 + k)
    clf = CueClassifier(feature_columns(), max_iter=8, pipeline=fitted[2].pipeline)  # its trees, no maps
    clf.info = {"fit_clips": ["synthetic_77", "synthetic_78"]}
    clf.thresholds = dict.fromkeys(clf.cues, 0.8)
    model = tmp_path / "model"
    clf.save(model)
    card = "\n".join([
        "# card", "", "## Reproduce", "", "    cuedetect train a b", "", "## Splits", "", "- **fit**: x;",
        "- **validation**: 9 whole clips (old);", "", "## Calibration", "", "old words", "", "| old table |",
        "", "## Features (3)", "", "features", "",
    ])  # fmt: skip
    (model / "model_card.md").write_text(card)
    trees = (model / "cue_classifier.skops").read_bytes()
    digest = (model / "cue_classifier.skops.sha256").read_text()

    rep = recalibrate_model(model, [tmp_path / "held"], "cuedetect calibrate held", **QUIET)
    assert (model / "cue_classifier.skops").read_bytes() == trees
    assert (model / "cue_classifier.skops.sha256").read_text() == digest
    back = CueClassifier.load(model)
    assert back.calibration and not clf.calibration  # maps where there were none
    assert back.thresholds != dict.fromkeys(clf.cues, 0.8)
    assert back.info["calibrated_on"] == f"`{tmp_path / 'held'}`"
    assert rep.clips == 2 and back.info["fit_clips"] == ["synthetic_77", "synthetic_78"]
    new = (model / "model_card.md").read_text()
    assert "old words" not in new and "| old table |" not in new and "## Features (3)\n\nfeatures" in new
    assert "    cuedetect train a b\n    cuedetect calibrate held\n" in new
    assert "- **validation**: 2 whole clips (`" in new and "9 whole clips" not in new
    assert new.count("\n## Calibration\n") == 1 and "no longer score" in new
    # recalibrating again replaces the section and the command, it does not stack them
    again = recalibrated_card(new, rep, "cuedetect calibrate held")
    assert again.count("cuedetect calibrate held") == 1 and again.count("\n## Calibration\n") == 1


def test_held_out_folders_must_hold_rendered_clips_once(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no clips with gt\.json and poses\.parquet under"):
        heldout_clips([tmp_path / "empty"])
    _corpus_clip(tmp_path / "held" / "clip_0", 300)
    assert [c.name for c in heldout_clips([tmp_path / "held"])] == ["clip_0"]
    with pytest.raises(InputError, match="clip clip_0 is given twice"):
        heldout_clips([tmp_path / "held", tmp_path / "held" / "clip_0"])


def test_a_card_without_a_calibration_section_gets_one() -> None:
    rep = CalibrationReport(clips=3, on="`dev`")
    card = recalibrated_card("# card\n", rep, "cuedetect calibrate dev")
    assert card.count("\n## Calibration\n") == 1 and "Validation: 3 clips (0 frames) of `dev`" in card
