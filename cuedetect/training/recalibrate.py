"""Calibration on held-out clips: maps and thresholds from the final model's own scores of clips it never saw.

Cross-fitted calibration (`crossfit.py`) fits the isotonic maps and the per-cue thresholds on
out-of-fold scores of rendered clips of the *training* styles; on new cue styles, bodies, rooms and
camera set-ups its 0.8 does not mean 80%. Here they come from the final model's scores of held-out
clip folders instead (e.g. the style dev split `corpus/style_heldout`):

- `cuedetect train ... --calibrate-on FOLDER`: the final model is fitted on every training clip, then
  calibrated on FOLDER's clips, none of which may be in the fit;
- `cuedetect calibrate FOLDER [--model DIR]` (`recalibrate_model`): an existing model recalibrated
  without refitting its trees. Only `cue_classifier.json` (knots and thresholds, plain JSON) and the
  card change; the `.skops` file and its sha256 stay byte for byte.

Clips that choose a model's maps and thresholds no longer score it honestly; the card says so.
"""

from __future__ import annotations

from pathlib import Path

from cuedetect.cues.classifier import CueClassifier
from cuedetect.errors import InputError
from cuedetect.training.calibration import CalibrationReport, calibrate
from cuedetect.training.dataset import Clip, discover

CALIBRATION_HEAD = "\n## Calibration\n"


def heldout_clips(folders: list[Path]) -> list[Clip]:
    """The rendered, pose-engine-seen clips (gt.json + poses.parquet) under each folder."""
    clips: list[Clip] = []
    for folder in folders:
        found = [c for c in discover(Path(folder)) if c.source == "corpus"]
        if not found:
            raise InputError(f"no clips with gt.json and poses.parquet under {folder} to calibrate on")
        clips += found
    names = [c.name for c in clips]
    if len(set(names)) < len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise InputError(f"clip {twice} is given twice to calibrate on; give each folder once")
    return clips


def fit_clip_names(clips: list[Clip]) -> list[str]:
    """The names of the fit's clips, for the model's info: `check_held_out` refuses them later."""
    return sorted({c.name for c in clips})


def check_held_out(fitted: set[str], clips: list[Clip]) -> None:
    """One-line error unless every clip is outside the fit: not among the `fitted` clip names (a model's
    info lists them: `fit_clips`), and not of the style catalogue's `train` split (every fit's)."""
    for c in clips:
        if c.name in fitted or c.meta.get("split") == "train":
            where = "in the model's fit" if c.name in fitted else "of the style catalogue's train split"
            raise InputError(f"clip {c.name} is {where}: calibrate on clips held out of the fit")


def calibrate_on_heldout(clf: CueClassifier, clips: list[Clip], on: str, log=print) -> CalibrationReport:
    """Fit `clf`'s maps and thresholds on its own scores of held-out `clips` (`on` names them for the
    card). A cue those clips cannot calibrate (fewer than 5 positive frames) keeps its earlier map and
    threshold (`report.kept`)."""
    check_held_out(set(clf.info.get("fit_clips", [])), clips)
    before_maps, before_thresholds = dict(clf.calibration), dict(clf.thresholds)
    report = calibrate(clf, clips, log=log)
    report.on = on
    report.kept = [c for c in clf.cues if c not in clf.calibration and c in before_maps]
    for cue in report.kept:
        clf.calibration[cue] = before_maps[cue]
        if cue in before_thresholds:
            clf.thresholds[cue] = before_thresholds[cue]
    clf.info.update(calibrated_on=on, validation_clips=len(clips), calibration_folds=0)
    clf.info.pop("calibration_groups", None)
    return report


def folder_words(folders: list[Path]) -> str:
    """How the card names the calibration folders."""
    return ", ".join(f"`{f}`" for f in folders)


def calibration_words(on: str) -> list[str]:
    """The card's words on how the maps and thresholds were chosen on held-out clips."""
    return [
        "Per cue, an isotonic map from the trees' score to the frequency observed on the calibration",
        "clips (stored as knots in `cue_classifier.json`), then one switch-on threshold per cue: the one",
        "with the best event F1 there of 0.3-0.8 (switch-off 0.2 below it). The calibration clips are",
        f"{on}: held out of the fit, scored by the final model itself (`cuedetect calibrate`, or",
        "`cuedetect train --calibrate-on`). **They chose the maps and thresholds, so they no longer score",
        "this model honestly**: its honest held-out figures are on clips that chose nothing (the",
        "style-held-out test split, the headline). Brier scores on the same frames (the maps are fitted",
        "on them: optimistic).",
    ]


def validation_line(clips: int, on: str) -> str:
    """The card's Splits bullet for held-out calibration clips."""
    return (f"- **validation**: {clips} whole clips ({on}: held out of the fit, scored by the final "
            "model; they chose the calibration and the thresholds below and so no longer score it "
            "honestly);")  # fmt: skip


def recalibrated_card(card: str, report: CalibrationReport, command: str) -> str:
    """`card` with its Calibration section, its Splits' validation bullet and the recalibration command
    (under Reproduce) replaced by the held-out calibration's."""
    words = calibration_words(report.on)
    section = "\n".join(["## Calibration", "", *words, "", report.markdown(), "", ""])
    if CALIBRATION_HEAD in card:
        head, rest = card.split(CALIBRATION_HEAD, 1)
        tail = rest[rest.index("\n## ") + 1 :] if "\n## " in rest else ""
        card = head + "\n" + section + tail
    else:
        card = card.rstrip("\n") + "\n\n" + section
    lines = card.split("\n")
    lines = [validation_line(report.clips, report.on) if ln.startswith("- **validation**:") else ln
             for ln in lines if not ln.startswith("    cuedetect calibrate ")]  # fmt: skip
    for k, ln in enumerate(lines):
        if ln.startswith("    cuedetect train "):
            lines.insert(k + 1, f"    {command}")
            break
    return "\n".join(lines)


def recalibrate_model(folder: Path, clip_folders: list[Path], command: str, log=print) -> CalibrationReport:
    """Recalibrate the model in `folder` on held-out clip folders without refitting its trees: writes
    its `cue_classifier.json` (maps, thresholds, info) and its card; the `.skops` file is untouched."""
    from cuedetect.io_atomic import atomic_open

    clf = CueClassifier.load(folder)
    clips = heldout_clips(clip_folders)
    if not clf.info.get("fit_clips"):
        log("the model does not list its fit's clips: only the calibration clips' style split is checked")
    report = calibrate_on_heldout(clf, clips, folder_words(clip_folders), log=log)
    clf.save_metadata(folder)
    card_path = folder / "model_card.md"
    card = card_path.read_text(encoding="utf-8") if card_path.exists() else "# Cue classifier\n"
    with atomic_open(card_path, "w", encoding="utf-8") as fh:
        fh.write(recalibrated_card(card, report, command))
    return report
