"""The training run: grouped cross-validation (no clip in both train and test), final fit, model card."""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cuedetect.cues.catalogue import CLASSIFIER_CUES, catalogue_markdown
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.detect import find_events
from cuedetect.cues.evaluate import Scores, relabel
from cuedetect.cues.features import build_features, feature_columns
from cuedetect.cues.settings import CueSettings
from cuedetect.training.dataset import Clip, dataset

MODEL_VERSION = "0.1.0"
SOURCE_WORDS = {
    "corpus": "MediaPipe landmarks of rendered studio clips",
    "studio-sim": "studio choreography through a simulated pose model",
    "synthetic": "stick-figure role-plays",
    "gt-joints": "exact projected joints",
    "review": "reviewed sessions",
}


def score_clips(clips: list[Clip], clf: CueClassifier | None, settings: CueSettings | None = None) -> Scores:
    """Event and frame scores of the classifier (or the baseline, `clf=None`) on clips with ground truth."""
    settings = settings or CueSettings()
    scores = Scores()
    for clip in clips:
        if not clip.gt_events and clip.source != "gt-joints":
            continue
        feats = build_features(clip.tracks, clip.pairs, clip.aspect, settings)
        events = find_events(clip.tracks, clip.pairs, feats, clf, settings, clip.aspect)
        pred = relabel([e.to_dict() for e in events], clip.mapping)
        times = {
            str(clip.mapping[p]): g["t"].to_numpy(float)
            for p, g in feats.groupby("person")
            if p in clip.mapping
        }
        scores.add_clip(pred, clip.gt_events, times)
    return scores


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


def _merge(target: dict[str, Scores], source: str, s: Scores) -> None:
    t = target.setdefault(source, Scores())
    for cue in s.events:
        t.events[cue].add(s.events[cue])
        t.frames[cue].add(s.frames[cue])
    t.clips += s.clips


def cross_validate(
    clips: list[Clip], n_splits: int = 4, n_aug: int = 2, seed: int = 0, max_iter: int = 150, log=print
) -> CVResult:
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
        X, Y, _, W = dataset(train, n_aug, seed + k)
        clf = CueClassifier(feature_columns(), seed=seed, max_iter=max_iter).fit(X, Y, W)
        for target, scorer in ((model_scores, clf), (base_scores, None)):
            for src in sorted({c.source for c in test}):
                _merge(target, src, score_clips([c for c in test if c.source == src], scorer))
        log(f"fold {k + 1}/{n_splits}: {len(train)} train clips ({len(X)} rows), {len(test)} test clips")
    return CVResult(model_scores, base_scores, n_splits)


def fit_final(clips: list[Clip], n_aug: int = 2, seed: int = 0, max_iter: int = 150) -> CueClassifier:
    X, Y, _groups, W = dataset(clips, n_aug, seed)
    clf = CueClassifier(feature_columns(), seed=seed, max_iter=max_iter).fit(X, Y, W)
    clf.info = {
        "version": MODEL_VERSION,
        "trained_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": len(X),
        "clips": len(clips),
        "positives": {c: int(Y[:, i].sum()) for i, c in enumerate(CLASSIFIER_CUES)},
        "sources": sorted({c.source for c in clips}),
        "augmented_copies": n_aug,
    }
    return clf


def model_card(clf: CueClassifier, clips: list[Clip], cv: CVResult | None, command: str) -> str:
    """The model card (Markdown)."""
    import sklearn

    by_source: dict[str, int] = {}
    for c in clips:
        by_source[c.source] = by_source.get(c.source, 0) + 1
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
        f"{clf.info.get('rows')} feature rows including {clf.info.get('augmented_copies')} augmented copies "
        "per clip (mirror, camera turned -25..25 degrees, landmark noise, dropout).",
        "",
        "Sources: `corpus` = MediaPipe landmarks of studio renders, labels from gt.json; `gt-joints` = the",
        "studio's exact projected joints (clean, no visibility); `synthetic` = cuedetect's own stick-figure",
        "role-plays (`cuedetect.training.synthetic`), which stand in for renders until the corpus exists;",
        "`review` = sessions whose events a person reviewed.",
        "",
        "Positive frames per cue: " + ", ".join(f"{c} {n}" for c, n in clf.info.get("positives", {}).items()),
        "",
        f"## Features ({len(clf.features)})",
        "",
        "Per person per frame, normalised by torso length: wrist height relative to shoulder and hip,",
        "distance from the midline, elbow angles, arm elevation and reach, wrist to opposite elbow and hip,",
        "hand size/spread, landmark visibility; from MediaPipe world landmarks: wrist depth relative to the",
        "torso, lean relative to the legs, stagger and stance, torso heading relative to the other person",
        "(blade angle); motion: hip and wrist speed, direction reversals over 4 s; pair: distance, closing",
        "speed. Each is used as is and as its 1 s centred mean (a few also as 1 s spread). Arms are ordered",
        "by wrist height, so features do not depend on left/right.",
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
                f"Macro event F1 over the classifier cues only: model {m.macro_f1(_present(m)):.2f}, "
                f"baseline {b.macro_f1(_present(b)):.2f}.",
                "",
            ]
    lines += ["## Cue catalogue", "", catalogue_markdown(), ""]
    return "\n".join(lines)


HELDOUT_START, HELDOUT_END = "<!-- held-out scores: start -->", "<!-- held-out scores: end -->"


def heldout_section(model: Scores, baseline: Scores, folder: str, command: str) -> str:
    """The model card's held-out section: the final model and the baseline on clips it never saw."""
    return "\n".join(
        [
            HELDOUT_START,
            f"## Held-out scores ({model.clips} clips in `{folder}`)",
            "",
            "Clips rendered from seeds no training clip used: their own bodies, clothes, rooms, lighting and",
            "camera placements, drawn from the same generator. Scored with the final model by",
            "",
            f"    {command}",
            "",
            model.table("trained classifier (+ pair rules)"),
            "",
            baseline.table("hand-written geometric baseline (+ the same pair rules)"),
            "",
            f"Macro event F1 over the classifier cues only: model {model.macro_f1(_present(model)):.2f}, "
            f"baseline {baseline.macro_f1(_present(baseline)):.2f}.",
            HELDOUT_END,
        ]
    )


def put_card_section(card: str, section: str) -> str:
    """`card` with its held-out section replaced by `section` (added before the catalogue if absent)."""
    if HELDOUT_START in card and HELDOUT_END in card:
        head, rest = card.split(HELDOUT_START, 1)
        return head + section + rest.split(HELDOUT_END, 1)[1]
    anchor = "## Cue catalogue"
    if anchor in card:
        head, rest = card.split(anchor, 1)
        return head + section + "\n\n" + anchor + rest
    return card.rstrip("\n") + "\n\n" + section + "\n"


def _present(s: Scores) -> list[str]:
    return [c for c in s.cues() if c in CLASSIFIER_CUES]


def save_model(clf: CueClassifier, folder: Path, card: str) -> Path:
    path = clf.save(folder)
    (folder / "model_card.md").write_text(card)
    return path
