"""The committed cue model: intact, loadable without pickle, matching today's features, documented."""

from __future__ import annotations

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.classifier import CueClassifier, sha256
from cuedetect.cues.detect import model_folder
from cuedetect.cues.features import build_features, feature_columns
from cuedetect.cues.tracks import tracks_from_poses
from cuedetect.training.synthetic import make_clip


def test_committed_model_is_intact_and_current() -> None:
    folder = model_folder()
    recorded = (folder / "cue_classifier.skops.sha256").read_text().split()[0]
    assert recorded == sha256(folder / "cue_classifier.skops")
    clf = CueClassifier.load(folder)
    assert clf.features == feature_columns(), "features changed since training: retrain (see the model card)"
    assert clf.cues == CLASSIFIER_CUES


def test_committed_model_card_has_scores_for_every_cue() -> None:
    card = (model_folder() / "model_card.md").read_text()
    assert "cuedetect train" in card
    for section in ("### By style and negative", "## Splits", "## Calibration", "Brier", "reliability",
                    "## Real dev set", "## Held-out scores", "### Calibration on these clips"):  # fmt: skip
        assert section in card, section
    held_out = card.split("<!-- rendered held-out: start -->")[1].split("<!-- rendered held-out: end -->")[0]
    assert "base-rate Brier" in held_out and all(f"| `{c}` |" in held_out for c in CLASSIFIER_CUES)
    assert all(f"`{c}`" in card for c in CLASSIFIER_CUES)


def test_committed_model_predicts_probabilities() -> None:
    c = make_clip(99, duration=6.0)
    feats = build_features(tracks_from_poses(c.poses), c.pairs, c.aspect)
    p = CueClassifier.load(model_folder()).predict_proba(feats)
    assert p.shape == (len(feats), len(CLASSIFIER_CUES))
    assert ((p >= 0) & (p <= 1)).all().all()
