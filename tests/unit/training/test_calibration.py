from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.events import person_events
from cuedetect.cues.settings import CueSettings
from cuedetect.training.calibration import brier, fit_isotonic, reliability


def test_isotonic_map_turns_overconfident_scores_into_frequencies() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0, 1, 4000)
    truth = raw**3  # the model says 0.9 where the cue shows 73% of the time
    y = (rng.uniform(0, 1, 4000) < truth).astype(float)
    knots = fit_isotonic(raw, y)
    assert len(knots["x"]) <= 40 and np.all(np.diff(knots["y"]) >= 0)
    cal = np.interp(raw, knots["x"], knots["y"])
    assert brier(cal, y) < brier(raw, y)
    for pred, obs, n in reliability(cal, y):
        if n > 200:
            assert abs(pred - obs) < 0.08


def test_reliability_bins_and_brier() -> None:
    p = np.array([0.05, 0.05, 0.95, 0.95])
    y = np.array([0.0, 0.0, 1.0, 0.0])
    assert reliability(p, y) == [(0.05, 0.0, 2), (0.95, 0.5, 2)]
    assert brier(p, y) == pytest.approx((0.0025 * 3 + 0.9025) / 4)


@pytest.mark.parametrize(("threshold", "found"), [(0.3, True), (0.6, False)])
def test_a_cue_threshold_replaces_the_default_switch_on(threshold, found) -> None:
    n = 30
    feats = pd.DataFrame({"t": np.arange(n) / 10.0, "person": 0})
    p = np.zeros(n)
    p[5:20] = 0.45
    probs = pd.DataFrame({"pointing": p})
    ev = person_events(feats, probs, CueSettings(), cues=("pointing",), thresholds={"pointing": threshold})
    assert bool(ev) is found


def _clip(name: str, source: str, split: str | None):
    from cuedetect.training.dataset import Clip

    return Clip(name, name, source, [], None, 16 / 9, [], meta={"split": split})


def test_validation_clips_are_rendered_style_clips_when_there_are_any() -> None:
    from cuedetect.training.trainer import split_validation

    styled = [_clip(f"train_{k:05d}", "corpus", "train") for k in range(20)]
    others = [_clip(f"clip_{k:05d}", "corpus", None) for k in range(10)]
    sims = [_clip(f"style_sim_{k}", "studio-sim", "train") for k in range(30)]
    fit, val = split_validation(styled + others + sims, 0.25, seed=0)
    assert len(val) == 5 and {c.name for c in val} <= {c.name for c in styled}
    assert {c.name for c in fit} == {c.name for c in styled + others + sims} - {c.name for c in val}
    # without rendered style clips: a share of all clips, as before
    fit, val = split_validation(others + sims, 0.25, seed=0)
    assert len(val) == 10 and not {c.name for c in fit} & {c.name for c in val}
    assert split_validation(styled, 0.0) == (styled, [])


def test_cross_fitted_calibration_scores_each_clip_out_of_fold() -> None:
    """Maps come from models that never saw the clip they score; the final model is fitted on all."""
    from cuedetect.training.dataset import clip_rows, synthetic_clips
    from cuedetect.training.trainer import fit_calibrated

    clips = synthetic_clips(2, seed=77)
    clf, rep, val = fit_calibrated(
        clips, n_aug=0, max_iter=8, calibration_folds=2, log=lambda *_: None, processes=1
    )
    assert rep.folds == 2 and len(val) == 2 and clf.info["calibration_folds"] == 2
    assert clf.calibration and set(clf.thresholds) <= set(clf.cues)
    assert "scored out of fold (cross-fitted, 2 folds" in rep.markdown()
    # out-of-fold raw scores are worse than the final model's on the clips it was fitted on
    X = pd.concat([clip_rows(c)[0] for c in clips], ignore_index=True)
    Y = np.concatenate([clip_rows(c)[1] for c in clips])
    knots, clf.calibration = clf.calibration, {}
    in_sample = clf.predict_proba(X)
    cue = next(iter(knots))
    assert rep.brier_raw[cue] > brier(in_sample[cue].to_numpy(), Y[:, clf.cues.index(cue)])


def test_heldout_calibration_table_by_hand() -> None:
    """Bins of 0.1 (mean predicted, observed share, frames), Brier and the base rate's Brier, per cue
    in the table's column order, worked out by hand."""
    from cuedetect.training.reliability import calibration_table

    p = pd.DataFrame({"b": [0.0] * 6, "a": [0.05, 0.05, 0.15, 0.95, 0.95, 0.9]})
    y = pd.DataFrame({"a": [0, 0, 1, 1, 0, 0], "b": [0] * 6})
    cal = calibration_table(p, y, clips=2)
    assert (cal.clips, cal.frames, list(cal.brier)) == (2, 6, ["b", "a"])
    assert cal.positives == {"a": 2, "b": 0}
    # (0.05^2 * 2 + 0.85^2 + 0.05^2 + 0.95^2 + 0.9^2) / 6
    assert cal.brier["a"] == pytest.approx(2.4425 / 6)
    # always saying a third: (2 * (2/3)^2 + 4 * (1/3)^2) / 6 = 2/9
    assert cal.base_rate_brier == pytest.approx({"a": 2 / 9, "b": 0.0})
    np.testing.assert_allclose(cal.curves["a"], [(0.05, 0.0, 2), (0.15, 1.0, 1), (2.8 / 3, 1 / 3, 3)])
    assert cal.curves["b"] == [(0.0, 0.0, 6)] and cal.brier["b"] == 0.0
    assert "| `a` | 2 | 0.4071 | 0.2222 | 0.05->0.00 (2); 0.15->1.00 (1); 0.93->0.33 (3) |" in cal.markdown()


class _Constant:
    """A stand-in classifier: `pointing` at 0.9 on every row, every other cue at 0."""

    cues = CLASSIFIER_CUES

    def predict_proba(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({c: 0.9 if c == "pointing" else 0.0 for c in self.cues}, index=X.index)


def test_heldout_calibration_scores_only_the_frames_of_found_matched_persons() -> None:
    """Person 0 is matched to ground-truth A (pointing 0.2-0.4 s); person 1 is matched to nobody: its
    frames have no labels and are left out; a clip where nobody was matched adds nothing."""
    from cuedetect.training.dataset import Clip
    from cuedetect.training.scoring import heldout_calibration

    t = np.arange(10) / 10.0
    rows = {"frame": np.tile(np.arange(10), 2), "t": np.tile(t, 2), "person": [0] * 10 + [1] * 10}
    feats = pd.DataFrame(rows)
    gt_events = [{"cue": "pointing", "person": "A", "start": 0.2, "end": 0.4}]
    matched = Clip("m", "m", "corpus", [], None, 16 / 9, [{**gt_events[0], "person": 0}], gt_events, {0: "A"})
    nobody = Clip("n", "n", "corpus", [], None, 16 / 9, [], gt_events, {})
    cal = heldout_calibration([matched, nobody], _Constant(), {"m": feats, "n": feats})
    assert (cal.clips, cal.frames) == (1, 10)
    assert cal.positives["pointing"] == 3 and cal.positives["fists_up"] == 0
    assert cal.brier["pointing"] == pytest.approx((3 * 0.1**2 + 7 * 0.9**2) / 10)
    np.testing.assert_allclose(cal.curves["pointing"], [(0.9, 0.3, 10)])
