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


# The card's text and recalibrate_model's plumbing, without a model (mutation testing,
# docs/mutation/recalibrate.md).
DEV = CalibrationReport(clips=3, on="`dev`")


def test_the_section_is_replaced_in_place_and_every_later_section_kept() -> None:
    card = "# card\n\n## Calibration\n\nstale words\n\n## Features\n\nf\n\n## Licence\n\nl\n"
    out = recalibrated_card(card, DEV, "cuedetect calibrate dev")
    assert out.startswith("# card\n\n## Calibration\n\nPer cue, an isotonic map")
    assert "`dev`: held out of the fit" in out and "stale words" not in out
    assert out.endswith(f"on them: optimistic).\n\n{DEV.markdown()}\n\n## Features\n\nf\n\n## Licence\n\nl\n")


def test_a_calibration_section_at_the_end_is_replaced_to_the_end() -> None:
    out = recalibrated_card("# card\n\n## Calibration\n\nstale words\n", DEV, "cuedetect calibrate dev")
    assert out.startswith("# card\n\n## Calibration\n\n") and out.endswith(f"\n\n{DEV.markdown()}\n\n")
    assert "stale words" not in out


@pytest.mark.parametrize("card", ["# Card of model X\n\n", "# card  \n\n\n", "\n# card\n"])
def test_a_card_without_the_section_keeps_its_text_and_gets_it_after_one_blank_line(card) -> None:
    out = recalibrated_card(card, DEV, "cuedetect calibrate dev")
    assert out.startswith(card.rstrip("\n") + "\n\n## Calibration\n\nPer cue")


def test_the_folders_and_the_validation_line_in_the_cards_words() -> None:
    from pathlib import Path

    assert recalibrate.folder_words([Path("a"), Path("b/c")]) == "`a`, `b/c`"
    assert recalibrate.validation_line(3, "`a`") == (
        "- **validation**: 3 whole clips (`a`: held out of the fit, scored by the final model; they chose "
        "the calibration and the thresholds below and so no longer score it honestly);"
    )


@pytest.mark.parametrize("fit_clips", [[], ["clip_9"]])
def test_recalibrate_model_passes_its_log_on_and_says_when_the_fit_is_unknown(
    monkeypatch, tmp_path, fit_clips
):
    """A model that does not list its fit's clips is recalibrated with a warning in the log; the log
    reaches the calibration; a model folder without a card gets one headed "# Cue classifier"."""
    seen: dict = {}

    class Model:
        def __init__(self):
            self.info = {"fit_clips": fit_clips}

        @staticmethod
        def load(folder):
            seen["folder"] = folder
            return Model()

        def save_metadata(self, folder):
            seen["saved"] = folder

    def calibrate_on(clf, clips, on, log):
        seen["log"], seen["on"] = log, on
        return CalibrationReport(clips=0, on=on)

    monkeypatch.setattr(recalibrate, "CueClassifier", Model)
    monkeypatch.setattr(recalibrate, "heldout_clips", lambda folders: [])
    monkeypatch.setattr(recalibrate, "calibrate_on_heldout", calibrate_on)
    lines: list[str] = []
    recalibrate_model(tmp_path, [tmp_path / "dev"], "cuedetect calibrate dev", log=lines.append)
    warning = "the model does not list its fit's clips: only the calibration clips' style split is checked"
    assert lines == ([] if fit_clips else [warning])
    assert seen["log"] == lines.append and seen["saved"] == seen["folder"] == tmp_path
    assert (
        (tmp_path / "model_card.md")
        .read_text(encoding="utf-8")
        .startswith("# Cue classifier\n\n## Calibration")
    )


def test_the_cards_words_say_how_the_clips_chose_and_that_they_no_longer_score_the_model() -> None:
    words = recalibrate.calibration_words("`dev`")
    assert words[0].startswith("Per cue, an isotonic map from the trees' score")
    text = "\n".join(words)
    for said in (
        "then one switch-on threshold per cue: the one\nwith the best event F1 there of 0.3-0.8 (switch-off "
        "0.2 below it). The calibration clips are\n`dev`: held out of the fit",
        "**They chose the maps and thresholds, so they no longer score\nthis model honestly**",
        "the headline). Brier scores on the same frames (the maps are fitted\non them: optimistic).",
    ):
        assert said in text


def test_held_out_calibration_refuses_the_models_own_fit_clips_and_records_zero_folds(monkeypatch) -> None:
    """The clips the model's info lists as its fit are refused before any scoring; a model calibrated on
    held-out clips says so: no folds, no cross-fit groups, whatever a cross-fit before left."""
    from types import SimpleNamespace

    def calibrate(c, clips, log):
        c.calibration, c.thresholds = {}, {}
        return CalibrationReport(clips=len(clips))

    monkeypatch.setattr(recalibrate, "calibrate", calibrate)
    info = {"fit_clips": ["c1"], "calibration_folds": 5, "calibration_groups": "framing"}
    clf = CueClassifier(["a"], info=dict(info))
    with pytest.raises(InputError, match="clip c1 is in the model's fit"):
        calibrate_on_heldout(clf, [SimpleNamespace(name="c1", meta={})], "`x`", **QUIET)
    calibrate_on_heldout(clf, [SimpleNamespace(name="c2", meta={})], "`x`", **QUIET)
    assert clf.info["calibration_folds"] == 0 and "calibration_groups" not in clf.info
    assert clf.info["calibrated_on"] == "`x`" and clf.info["validation_clips"] == 1


def test_a_clip_given_twice_is_named(monkeypatch) -> None:
    from pathlib import Path
    from types import SimpleNamespace

    found = {"a": ["clip_0", "clip_1"], "b": ["clip_1"]}
    monkeypatch.setattr(
        recalibrate, "discover", lambda f: [SimpleNamespace(name=n, source="corpus") for n in found[f.name]]
    )
    with pytest.raises(InputError, match="clip clip_1 is given twice"):
        heldout_clips([Path("a"), Path("b")])
