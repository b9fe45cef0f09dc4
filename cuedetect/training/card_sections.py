"""The model card's score sections: held-out clips, the style split, the real dev set.

Each section sits between its own start and end markers, so `cuedetect evaluate --card` replaces its
section in place and leaves the rest of the card (training data, calibration, catalogue) as it is.
"""

from __future__ import annotations

from pathlib import Path

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.evaluate import Counts, Scores
from cuedetect.io_atomic import atomic_open
from cuedetect.training.reliability import HeldoutCalibration

HELDOUT_START, HELDOUT_END = "<!-- held-out scores: start -->", "<!-- held-out scores: end -->"
RENDERED_START, RENDERED_END = "<!-- rendered held-out: start -->", "<!-- rendered held-out: end -->"
STYLE_SPLIT_WORDS = ("Nothing chosen on them (style dev split: rules tuned there).", "Untouched test split.")


def heldout_section(
    model: Scores, baseline: Scores, folder: str, command: str, simulated: bool = False,
    calibration: HeldoutCalibration | None = None,
) -> str:  # fmt: skip
    """The model card's held-out section: the final model and the baseline on clips it never saw, and
    how calibrated the model's probabilities are on them."""
    rendered_style = False
    if simulated:
        about = [
            "Style-held-out clips, simulated: the style catalogue's `heldout` split (cue styles, everyday",
            "negatives, body types, rooms and camera set-ups no training clip has), posed by the studio",
            "and seen through the simulated pose model (not rendered: the rendered `corpus/style_heldout_b`,",
            "seen by the real pose engine, is the headline). Nothing was chosen on them. Scored by",
        ]
    elif rendered_style := "style" in Path(folder).name:
        about = [
            "Style-held-out clips: rendered from the style catalogue's `heldout` split, whose cue styles,",
            "everyday negatives, body types, clothing, rooms and camera set-ups no training clip has;",
            "MediaPipe landmarks. " + STYLE_SPLIT_WORDS[Path(folder).name.endswith("_b")],
            "A person the pose engine never found keeps their events as misses; a track matched to",
            "nobody keeps its events as false alarms. Scored by",
        ]
    else:
        about = [
            "Clips rendered from seeds no training clip used: their own bodies, clothes, rooms, lighting",
            "and camera placements, drawn from the same generator. Scored with the final model by",
        ]
    start, end = (RENDERED_START, RENDERED_END) if rendered_style else (HELDOUT_START, HELDOUT_END)
    return "\n".join(
        [
            start,
            f"## Held-out scores ({model.clips} clips in `{folder}`)",
            "",
            *about,
            "",
            f"    {command}",
            "",
            model.table("trained classifier (+ pair rules)"),
            "",
            baseline.table("hand-written geometric baseline (+ the same pair rules)"),
            "",
            f"Macro event F1 over the classifier cues only: model {model.macro_f1(present_cues(model)):.2f}, "
            f"baseline {baseline.macro_f1(present_cues(baseline)):.2f}. All events: model {_micro(model)}; "
            f"baseline {_micro(baseline)}.",
            *(["", calibration.markdown()] if calibration and calibration.frames else []),
            end,
        ]
    )


def _micro(scores: Scores) -> str:
    """'precision P, recall R (TP/FP/FN)' over all cues' events.

    With nothing to count, `Counts`' convention: no event found means no false alarm (precision 1.0
    unless something was missed), no event labelled means nothing missed (recall 1.0), as in the
    per-cue rows, `cuedetect evaluate --json` and the real dev set section's "All events" line.
    """
    c = Counts()
    for n in scores.events.values():
        c.add(n)
    return f"precision {c.precision:.2f}, recall {c.recall:.2f} ({c.tp}/{c.fp}/{c.fn})"


REAL_START, REAL_END = "<!-- real dev set: start -->", "<!-- real dev set: end -->"


def put_card_section(card: str, section: str) -> str:
    """`card` with the section of `section`'s kind (held-out, real dev set) replaced by `section`
    (added before the catalogue if absent)."""
    start = next(m for m in (REAL_START, RENDERED_START, HELDOUT_START) if section.startswith(m))
    end = start.replace(": start -->", ": end -->")
    if start in card and end in card:
        head, rest = card.split(start, 1)
        return head + section + rest.split(end, 1)[1]
    anchor = "## Cue catalogue"
    if anchor in card:
        head, rest = card.split(anchor, 1)
        return head + section + "\n\n" + anchor + rest
    return card.rstrip("\n") + "\n\n" + section + "\n"


def present_cues(s: Scores) -> list[str]:
    return [c for c in s.cues() if c in CLASSIFIER_CUES]


def real_section(model, baseline, clips: int, command: str) -> str:
    """The model card's real dev set section: the model beside the baseline on real clips with by-eye
    labels (`model` and `baseline` are `real_labels` scores)."""
    from cuedetect.training.real_labels import IOU_MIN_REAL, side_by_side

    tot = model.total()
    return "\n".join([
        REAL_START,
        f"## Real dev set ({clips} real clips, by-eye labels)",
        "",
        "Poses by the analysis pipeline at its defaults; events matched to labels by cue and time",
        f"(IoU >= {IOU_MIN_REAL}); a detection of a cue labelled absent is a false alarm. These clips",
        "were used to tune the rules and settings (they are the dev set), never to fit the classifier.",
        "",
        f"    {command}",
        "",
        side_by_side(model, baseline),
        "",
        f"All events: precision {tot.precision:.2f}, recall {tot.recall:.2f} ({tot.tp} found of "
        f"{tot.tp + tot.fn}, {tot.fp} false alarms). Every false alarm and miss is listed and explained "
        "in `cuedetect/cues/README.md`.",
        REAL_END,
    ])  # fmt: skip


def write_card_section(card_path: Path, section: str) -> None:
    """Put `section` into the card at `card_path` (see `put_card_section`), written atomically."""
    new_card = put_card_section(card_path.read_text(encoding="utf-8"), section)
    with atomic_open(card_path, "w", encoding="utf-8") as fh:
        fh.write(new_card)
