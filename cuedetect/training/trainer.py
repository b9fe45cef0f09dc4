"""The training run: grouped cross-validation (no clip in both train and test), final fit, model card."""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cuedetect.cues.catalogue import CLASSIFIER_CUES, catalogue_markdown
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.evaluate import Scores
from cuedetect.cues.features import feature_columns
from cuedetect.io_atomic import atomic_open
from cuedetect.training.card_sections import present_cues
from cuedetect.training.crossfit import validation_words
from cuedetect.training.dataset import Clip, dataset
from cuedetect.training.recalibrate import calibration_words, fit_clip_names, validation_line
from cuedetect.training.scoring import score_clips

MODEL_VERSION = "0.1.0"
SOURCE_WORDS = {
    "corpus": "MediaPipe landmarks of rendered studio clips",
    "studio-sim": "studio choreography through a simulated pose model",
    "synthetic": "stick-figure role-plays",
    "gt-joints": "exact projected joints",
    "review": "reviewed sessions",
}


VALIDATION_CALIBRATION_WORDS = (
    "Per cue, an isotonic map from the trees' score to the frequency observed on the validation clips",
    "(stored as knots in `cue_classifier.json`), then one switch-on threshold per cue: the one with the",
    "best validation event F1 of 0.3-0.8 (switch-off 0.2 below it). Brier scores on the same frames",
    "(the map is fitted on them, so the calibrated score is optimistic; the reliability curve shows",
    "how well-spread the calibrated probabilities are).",
)


@dataclass
class CVResult:
    """Held-out scores per data source ("corpus" = MediaPipe on rendered clips, "studio-sim", ...)."""

    model: dict[str, Scores]
    baseline: dict[str, Scores]
    folds: int

    def headline(self) -> str:
        """The source whose scores matter most: rendered clips if there are any."""
        for src in ("corpus", "review", "gt-joints", "studio-sim", "synthetic"):
            if src in self.model and self.model[src].clips:
                return src
        return next(iter(self.model))


def cross_validate(
    clips: list[Clip], n_splits: int = 4, n_aug: int = 2, seed: int = 0, max_iter: int = 150, log=print,
    weights: dict | None = None, sim_noise: str = "simple", mirrored: bool = False, distortion=None,
) -> CVResult:  # fmt: skip
    """Grouped K-fold by clip: each fold trains on the other clips (with augmentation) and scores its own."""
    from sklearn.model_selection import GroupKFold

    groups = np.array(sorted({c.group for c in clips}), dtype=object)
    n_splits = max(2, min(n_splits, len(groups)))
    model_scores: dict[str, Scores] = {}
    base_scores: dict[str, Scores] = {}
    for k, (tr_idx, te_idx) in enumerate(
        GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(groups, groups=groups)
    ):
        train_g, test_g = set(groups[tr_idx]), set(groups[te_idx])
        assert not train_g & test_g
        train = [c for c in clips if c.group in train_g]
        test = [c for c in clips if c.group in test_g]
        X, Y, _, W = dataset(train, n_aug, seed + k, weights=weights, sim_noise=sim_noise, mirrored=mirrored,
                             distortion=distortion)  # fmt: skip
        clf = CueClassifier(feature_columns(), seed=seed, max_iter=max_iter).fit(X, Y, W)
        for target, scorer in ((model_scores, clf), (base_scores, None)):
            for src in sorted({c.source for c in test}):
                scores = score_clips([c for c in test if c.source == src], scorer)
                target.setdefault(src, Scores()).add(scores)
        log(f"fold {k + 1}/{n_splits}: {len(train)} train clips ({len(X)} rows), {len(test)} test clips")
    return CVResult(model_scores, base_scores, n_splits)


def split_validation(clips: list[Clip], fraction: float, seed: int = 0) -> tuple[list[Clip], list[Clip]]:
    """Whole clips (by group) held out of the fit for calibration: (fit clips, validation clips).

    `fraction` of the rendered clips of the style catalogue's `train` split (MediaPipe on renders of
    many cue styles, negatives and cameras: what inference sees) when there are at least two, else of
    all clips. Simulated clips then all go into the fit: thresholds chosen on simulated poses did not
    carry over to renders.
    """
    styled = sorted({c.group for c in clips if c.source == "corpus" and c.meta.get("split") == "train"})
    groups = styled if len(styled) >= 2 else sorted({c.group for c in clips})
    if fraction <= 0 or len(groups) < 2:
        return clips, []
    rng = np.random.default_rng(seed + 7919)
    n_val = max(1, round(fraction * len(groups)))
    val = set(rng.permutation(np.array(groups, dtype=object))[:n_val].tolist())
    return [c for c in clips if c.group not in val], [c for c in clips if c.group in val]


def fit_calibrated(
    clips: list[Clip], n_aug: int = 2, seed: int = 0, max_iter: int = 150, val_fraction: float = 0.2,
    log=print, weights: dict | None = None, calibration_folds: int = 0, sim_noise: str = "simple",
    processes: int = 2, calibration_groups: str = "clip", mirrored: bool = False,
    calibrate_on: list[Clip] | None = None, calibrate_on_words: str = "", distortion=None,
):  # fmt: skip
    """Fit, then calibrate and choose thresholds on clips the fit did not see (`calibration.calibrate`).

    With `calibration_folds` >= 2 (cross-fitted): the rendered style clips (or all clips) are split
    into that many folds by `calibration_groups` (clip, or framing: each fold model then also lacks
    the simulated clips of its framings; `crossfit.calibration_folds`); a model fitted without each
    fold scores it, the maps and thresholds are chosen on all of those out-of-fold scores, and the
    final model is fitted on every clip. With `calibrate_on` (held-out clips, none of them in `clips`,
    named `calibrate_on_words` in the card): the final model is fitted on every clip and calibrated on
    its own scores of those (`recalibrate`). Else `val_fraction` of them is held out of the fit.
    Returns the classifier, the calibration report (None without validation clips), the validation clips.
    """
    from cuedetect.training.calibration import calibrate

    if calibrate_on:
        from cuedetect.training.recalibrate import calibrate_on_heldout, check_held_out

        check_held_out(set(fit_clip_names(clips)), calibrate_on)  # before the fit, not after
        clf = fit_final(clips, n_aug, seed, max_iter, weights, sim_noise, mirrored, distortion)
        return clf, calibrate_on_heldout(clf, calibrate_on, calibrate_on_words, log=log), calibrate_on
    if calibration_folds >= 2:
        from cuedetect.training.crossfit import cross_fitted

        _fit, styled = split_validation(clips, 1.0, seed)  # every rendered style clip (or every clip)
        X, Y, G, W = dataset(clips, n_aug, seed, weights=weights, sim_noise=sim_noise, mirrored=mirrored,
                             distortion=distortion)  # fmt: skip
        final, fold_models = cross_fitted(X, Y, W, G, styled, calibration_folds, seed, max_iter, processes,
                                          clips, calibration_groups)  # fmt: skip
        log(f"calibration: {calibration_folds} fold models, each without a fold of {len(styled)} clips "
            f"(by {calibration_groups})")  # fmt: skip
        clf = _with_info(final, X, Y, clips, n_aug, sim_noise, mirrored, distortion)
        clf.info.update(validation_clips=len(styled), calibration_folds=calibration_folds,
                        calibration_groups=calibration_groups)  # fmt: skip
        report = calibrate(clf, styled, log=log, fold_models=fold_models)
        report.by = calibration_groups
        return clf, report, styled
    fit, val = split_validation(clips, val_fraction, seed)
    clf = fit_final(fit, n_aug, seed, max_iter, weights, sim_noise, mirrored, distortion)
    clf.info["validation_clips"] = len(val)
    report = calibrate(clf, val, log=log) if val else None
    return clf, report, val


def fit_final(
    clips: list[Clip], n_aug: int = 2, seed: int = 0, max_iter: int = 150, weights: dict | None = None,
    sim_noise: str = "simple", mirrored: bool = False, distortion=None,
) -> CueClassifier:  # fmt: skip
    X, Y, _groups, W = dataset(clips, n_aug, seed, weights=weights, sim_noise=sim_noise, mirrored=mirrored,
                               distortion=distortion)  # fmt: skip
    clf = CueClassifier(feature_columns(), seed=seed, max_iter=max_iter).fit(X, Y, W)
    return _with_info(clf, X, Y, clips, n_aug, sim_noise, mirrored, distortion)


def _with_info(
    clf: CueClassifier, X, Y, clips: list[Clip], n_aug: int, sim_noise: str, mirrored: bool = False,
    distortion=None,
) -> CueClassifier:  # fmt: skip
    clf.info = {
        "version": MODEL_VERSION,
        "trained_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": len(X),
        "clips": len(clips),
        "positives": {c: int(Y[:, i].sum()) for i, c in enumerate(CLASSIFIER_CUES)},
        "sources": sorted({c.source for c in clips}),
        "augmented_copies": n_aug,
        "mirrored_copy": mirrored,
        "sim_noise": sim_noise,
        "fit_clips": fit_clip_names(clips),  # what a later calibration on held-out clips must not use
    }
    if distortion is not None:
        clf.info["distortion_clips"] = len(distortion.clips)
    return clf


def _sim_noise_words(sim_noise: str, distortion_clips: int | None = None) -> str:
    """How the card says the simulated clips were made to look like the pose engine's output."""
    learned = (f"the pose engine's pose-dependent errors, learned from {distortion_clips or 'the'} rendered "
               "training clips against the studio's joints (`training/pose_residuals.py`: ")  # fmt: skip
    mean = "the mean residual and visibility of {} nearest paired training poses"
    per_frame = f"Simulated clips carry {learned}each simulated frame gets "
    words = {
        "learned": f"{per_frame}{mean.format('its')}), then the measured random errors (`pose_noise.json`: "
        "error sizes, swaps, lost frames).",
        "learned-only": f"{per_frame}{mean.format('its')}), without further random errors.",
        "learned-sample": f"{per_frame}the residual and visibility of one of its nearest paired training "
        "poses, drawn by inverse distance and held for 0.5-1 s), without further random errors.",
        "mixed": f"About half of the simulated clips (`dataset.mixed_is_learned`) carry {learned}"
        f"{mean.format('the')}, then the measured random errors of `pose_noise.json`); the rest are "
        "degraded by `augment.mediapipe_like`.",
        "measured": "Simulated clips carry the pose engine's errors measured on rendered "
        "`corpus/style_train` clips against the studio's joints (`training/pose_noise.py`, "
        "`pose_noise.json`, `bench/measure_pose_noise.py`): visibility and lost points per framing, joint "
        "group and state, offsets, error sizes, swaps, flattened world depth.",
    }
    return words.get(sim_noise, "Simulated clips are degraded by `augment.mediapipe_like` (a hand-set "
                     "pose-engine model).")  # fmt: skip


def data_by_style(clips: list[Clip]) -> list[str]:
    """Model-card lines: clips per source and split, and how many clips show each cue style, negative
    and framing."""
    from collections import Counter

    styles, negatives, framings, splits = Counter(), Counter(), Counter(), Counter()
    for c in clips:
        splits[f"{c.source} ({c.meta.get('split') or 'no style split'})"] += 1
        styles.update(c.meta.get("styles", []))
        negatives.update(c.meta.get("negatives", []))
        if c.meta.get("framing"):
            framings[c.meta["framing"]] += 1
    lines = ["Clips by source and split: " + ", ".join(f"{k} {v}" for k, v in sorted(splits.items())), ""]
    if styles:
        by_cue: dict[str, list[str]] = {}
        for k, v in sorted(styles.items()):
            cue, name = k.split(":", 1)
            by_cue.setdefault(cue, []).append(f"{name} {v}")
        lines += ["| cue | styles (clips showing each) |", "| --- | --- |"]
        lines += [f"| `{c}` | {', '.join(v)} |" for c, v in by_cue.items()]
        lines.append("")
    if negatives:
        lines += ["Everyday negatives (labelled as no cue; clips showing each): "
                  + ", ".join(f"{k} {v}" for k, v in sorted(negatives.items())), ""]  # fmt: skip
    if framings:
        lines += ["Framings: " + ", ".join(f"{k} {v}" for k, v in sorted(framings.items())), ""]
    return lines


def model_card(
    clf: CueClassifier, clips: list[Clip], cv: CVResult | None, command: str, calibration=None,
    validation: list[Clip] | None = None,
) -> str:  # fmt: skip
    """The model card (Markdown)."""
    import sklearn

    by_source: dict[str, int] = {}
    for c in clips:
        by_source[c.source] = by_source.get(c.source, 0) + 1
    on = clf.info.get("calibrated_on", "")
    held = ("the validation clips' framings (rendered and simulated clips);"
            if clf.info.get("calibration_groups") == "framing" else "the validation clips;")  # fmt: skip
    fit_line = (f"- **fit**: all the clips above (the final model); the fold models each without one fold of "
                f"{held}" if clf.info.get("calibration_folds") else
                "- **fit**: the clips above minus the validation clips;")  # fmt: skip
    lines = [
        f"# Cue classifier {clf.info.get('version', '')}",
        "",
        "Multi-label posture-cue classifier of cuedetect: one HistGradientBoosting model per cue in a",
        "scikit-learn Pipeline (MultiOutputClassifier), saved with skops (`cue_classifier.skops`; its sha256",
        "is in `cue_classifier.skops.sha256`). `too_close` and `rapid_approach` are rules on measured",
        "distance and closing speed, not learned.",
        "",
        "## Reproduce",
        "",
        f"    {command}",
        "",
        f"Trained {clf.info.get('trained_utc')} with scikit-learn {sklearn.__version__}, Python "
        f"{platform.python_version()}, seed {clf.seed}, {clf.max_iter} boosting iterations per cue.",
        "",
        "## Data",
        "",
        f"{len(clips)} clips: " + ", ".join(f"{n} {s}" for s, n in sorted(by_source.items())) + "; "
        f"{clf.info.get('rows')} feature rows including "
        + (
            "one mirrored copy of every clip (x flipped, left and right swapped) and "
            if clf.info.get("mirrored_copy")
            else ""
        )
        + f"{clf.info.get('augmented_copies')} augmented copies "
        "per clip (mirror, camera turned -25..25 degrees, landmark noise, dropout).",
        "",
        "Sources: `corpus` = MediaPipe landmarks of studio renders, labels from gt.json; `gt-joints` = the",
        "studio's exact projected joints (clean, no visibility); `synthetic` = cuedetect's own stick-figure",
        "role-plays (`cuedetect.training.synthetic`), which stand in for renders until the corpus exists;",
        "`review` = sessions whose events a person reviewed.",
        "",
        _sim_noise_words(clf.info.get("sim_noise", "simple"), clf.info.get("distortion_clips")),
        "",
        "Positive frames per cue: " + ", ".join(f"{c} {n}" for c, n in clf.info.get("positives", {}).items()),
        "",
        "### By style and negative",
        "",
        *data_by_style(clips),
        "## Splits",
        "",
        fit_line,
        validation_line(len(validation or []), on)
        if on
        else f"- **validation**: {len(validation or [])} whole clips ("
        + validation_words(
            validation or [], clf.info.get("calibration_folds", 0), clf.info.get("calibration_groups", "clip")
        )
        + "), used only for the calibration and the thresholds below;",
        "- **style-held-out test**: `corpus/style_heldout_b` (seeds 1000-1035) from the catalogue's",
        "  `heldout` cue styles, negatives, bodies, rooms, set-ups none in training; scored once",
        "  per model; `corpus/style_heldout` (seeds 0-35) is the style dev split since 2026-12-07;",
        "- **real dev set**: `../shared/clips` (+ `dev/`), by-eye labels; see its section below.",
        "",
        "## Calibration",
        "",
        *(calibration_words(on) if on else VALIDATION_CALIBRATION_WORDS),
        "",
        calibration.markdown() if calibration is not None else "No calibration (no validation clips).",
        "",
        f"## Features ({len(clf.features)})",
        "",
        "Per person per frame, normalised by torso length: wrist height relative to shoulder and hip,",
        "distance from the midline, elbow angles, arm elevation and reach, wrist to opposite elbow and hip,",
        "hand size/spread, landmark visibility; from MediaPipe world landmarks in the person's own torso",
        "frame: wrist depth, height and reach, lean relative to the legs, stagger and stance, torso heading",
        "relative to the other person (blade angle); motion: hip and wrist speed, the higher wrist's rising",
        "speed, direction reversals over 4 s; pair: distance, closing speed. Each is used as is and as its",
        "1 s centred mean (a few also as 1 s spread); for brief cues a few as their 0.3 s mean and their",
        "1 s peak. Hip-relative features are NaN in close-ups without hips. Features relative to the",
        "person's usual posture are computed but not used (dropped by the numbers: cues README). Arms are",
        "ordered by wrist height, so features do not depend on left/right.",
        "",
    ]
    if cv is not None:
        lines += [
            f"## Scores (grouped {cv.folds}-fold cross-validation by clip)",
            "",
            "Event-level precision/recall/F1 at temporal IoU >= 0.3 with persons matched through the joints,",
            "and frame-level F1. Each clip is scored by a model that never saw it (nor augmented copies).",
            "",
        ]
        order = [cv.headline()] + [s for s in cv.model if s != cv.headline()]
        for src in order:
            m, b = cv.model[src], cv.baseline[src]
            lines += [
                f"### {src} clips ({SOURCE_WORDS.get(src, src)})",
                "",
                m.table("trained classifier (+ pair rules)"),
                "",
                b.table("hand-written geometric baseline (+ the same pair rules)"),
                "",
                f"Macro event F1 over the classifier cues only: model {m.macro_f1(present_cues(m)):.2f}, "
                f"baseline {b.macro_f1(present_cues(b)):.2f}.",
                "",
            ]
    lines += ["## Cue catalogue", "", catalogue_markdown(), ""]
    return "\n".join(lines)


def save_model(clf: CueClassifier, folder: Path, card: str) -> Path:
    path = clf.save(folder)
    with atomic_open(folder / "model_card.md", "w", encoding="utf-8") as fh:
        fh.write(card)
    return path
