"""Calibrated confidence: per-cue isotonic maps and switch-on thresholds fitted on validation clips.

The boosted trees' scores are not probabilities: trained on balanced-ish studio data they are
over-confident. After the fit, the model scores validation clips it never saw (whole clips, grouped,
never the style-held-out test split); per cue an isotonic regression maps raw score -> observed
frequency, so that 0.8 means about 80% of such frames show the cue. The map is stored as its knots in
the model's JSON (no extra pickled object). Then one switch-on threshold per cue is chosen on the same
validation clips, as the one with the best event F1. The reliability curve and Brier score before and
after go into the model card.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.fusion import RULE_CONFIDENCE, definition_rules
from cuedetect.training.reliability import brier, reliability

THRESHOLD_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def fit_isotonic(raw: np.ndarray, y: np.ndarray, max_knots: int = 40) -> dict[str, list[float]]:
    """Knots of a monotone map raw score -> frequency of y (np.interp between them)."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, y)
    x, v = iso.X_thresholds_, iso.y_thresholds_
    if len(x) > max_knots:
        keep = np.unique(np.linspace(0, len(x) - 1, max_knots).round().astype(int))
        x, v = x[keep], v[keep]
    return {"x": [round(float(a), 5) for a in x], "y": [round(float(b), 4) for b in v]}


@dataclass
class CalibrationReport:
    """What calibration did, per cue: Brier score before/after, reliability curve after, threshold."""

    rows: int = 0
    clips: int = 0
    folds: int = 0  # cross-fitted: the number of fold models that scored the validation clips
    by: str = "clip"  # cross-fitted: what the folds were drawn by (clip, or framing: camera set-up)
    brier_raw: dict[str, float] = field(default_factory=dict)
    brier_calibrated: dict[str, float] = field(default_factory=dict)
    curves: dict[str, list[tuple[float, float, int]]] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    threshold_f1: dict[str, float] = field(default_factory=dict)
    rule_precision: dict[str, tuple[float, int]] = field(default_factory=dict)
    on: str = ""  # calibrated on held-out clip folders (`recalibrate`): which, as the card shows them
    kept: list[str] = field(default_factory=list)  # cues those clips could not calibrate: earlier map kept

    def markdown(self) -> str:
        if self.on:
            how = f"of {self.on}, none of them in the fit, scored by the final model itself."
        elif self.folds:
            how = f"scored out of fold (cross-fitted, {self.folds} folds by {self.by})."
        else:
            how = "held out of the fit by clip."
        lines = [
            f"Validation: {self.clips} clips ({self.rows} frames) {how}",
            "",
            "| cue | Brier raw | Brier calibrated | threshold | validation event F1 "
            "| reliability (predicted -> observed, frames) |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]  # fmt: skip
        for c in CLASSIFIER_CUES:
            if c not in self.brier_raw:
                continue
            curve = "; ".join(f"{a:.2f}->{b:.2f} ({n})" for a, b, n in self.curves.get(c, []))
            thr, f1 = self.thresholds.get(c, float("nan")), self.threshold_f1.get(c, float("nan"))
            lines.append(f"| `{c}` | {self.brier_raw[c]:.4f} | {self.brier_calibrated[c]:.4f} | {thr:.1f} | "
                         f"{f1:.2f} | {curve} |")  # fmt: skip
        if self.kept:
            lines += ["", "Too few positive frames there to calibrate (the model's earlier map and threshold "
                      "kept): " + ", ".join(f"`{c}`" for c in self.kept) + "."]  # fmt: skip
        for cue, (prec, n) in self.rule_precision.items():
            lines += ["", f"Definition rule `{cue}` (`cuedetect/cues/fusion.py`, ORed in at "
                      f"{RULE_CONFIDENCE.get(cue, float('nan')):.2f}): frame precision {prec:.2f} over {n} "
                      "validation frames where it fires (the confidence was set on the real dev set; see "
                      "`fusion.py` for why the studio's labels differ)."]  # fmt: skip
        return "\n".join(lines)


def calibrate(
    clf: CueClassifier, val_clips: list, log=print, fold_models: dict | None = None
) -> CalibrationReport:
    """Fit `clf.calibration` and `clf.thresholds` on validation clips (training `Clip`s it never saw).

    `fold_models` (cross-fitted calibration): clip name -> a model fitted without that clip. Each
    validation clip is then scored by its own fold model (out of fold), the maps and thresholds are
    chosen on all of them together, and written into `clf` (fitted on every clip) and the fold models.
    """
    from cuedetect.training.dataset import clip_rows

    rep = CalibrationReport(clips=len(val_clips))
    model_of = (lambda c: fold_models[c.name]) if fold_models else (lambda c: clf)
    models = list({id(m): m for m in map(model_of, val_clips)}.values())
    rep.folds = len(models) if fold_models else 0
    for m in models:
        m.calibration, m.thresholds = {}, {}
    Xs, Ys, raws = [], [], []
    for clip in val_clips:
        f, y, keep = clip_rows(clip)
        Xs.append(f[keep])
        Ys.append(y[keep])
        raws.append(model_of(clip).predict_proba(f[keep]))
    if not Xs:
        return rep
    X, Y = pd.concat(Xs, ignore_index=True), np.concatenate(Ys)
    raw = pd.concat(raws, ignore_index=True)
    rep.rows = len(X)
    rules = definition_rules(X)
    for cue in rules.columns:
        fired = rules[cue].to_numpy() > 0
        if fired.any():
            rep.rule_precision[cue] = (float(Y[fired, list(clf.cues).index(cue)].mean()), int(fired.sum()))
    clf.calibration, clf.thresholds = {}, {}
    for i, cue in enumerate(clf.cues):
        y = Y[:, i].astype(float)
        if y.sum() < 5 or y.sum() == len(y):
            continue
        r = raw[cue].to_numpy()
        clf.calibration[cue] = fit_isotonic(r, y)
        cal = np.interp(r, clf.calibration[cue]["x"], clf.calibration[cue]["y"])
        rep.brier_raw[cue], rep.brier_calibrated[cue] = brier(r, y), brier(cal, y)
        rep.curves[cue] = reliability(cal, y)
    best: dict[str, tuple[float, float]] = {}
    f1_at: dict[str, dict[float, float]] = {c: {} for c in clf.cues}
    cache: dict = {}  # each clip's features, built once for all thresholds
    for thr in THRESHOLD_GRID:
        for m in models:
            m.calibration, m.thresholds = clf.calibration, dict.fromkeys(clf.cues, thr)
        s = _score_out_of_fold(val_clips, models, model_of, cache)
        for cue in clf.cues:
            if cue in s.events and s.events[cue].tp + s.events[cue].fn:
                f1 = s.events[cue].f1
                f1_at[cue][thr] = f1
                if cue not in best or f1 > best[cue][1] + 1e-9:
                    best[cue] = (thr, f1)
        present = [c for c in clf.cues if c in s.cues()]
        log(f"threshold {thr}: validation macro event F1 {s.macro_f1(present):.3f}")
    # Ties (within 0.01 of the best F1) go to the threshold nearest 0.5: no extreme without evidence.
    clf.thresholds = {
        c: min((t for t in THRESHOLD_GRID if f1_at[c].get(t, -1.0) >= f1 - 0.01), key=lambda t: abs(t - 0.5))
        for c, (_, f1) in best.items()
    }
    for m in models:
        m.calibration, m.thresholds = clf.calibration, clf.thresholds
    rep.thresholds = dict(clf.thresholds)
    rep.threshold_f1 = {c: f1_at[c][t] for c, t in clf.thresholds.items()}
    return rep


def _score_out_of_fold(clips: list, models: list, model_of, cache: dict):
    """Scores of every clip by its own model, summed."""
    from cuedetect.cues.evaluate import Scores
    from cuedetect.training.scoring import score_clips

    total = Scores()
    for m in models:
        total.add(score_clips([c for c in clips if model_of(c) is m], m, feature_cache=cache))
    return total
