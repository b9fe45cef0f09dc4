"""Scoring on clips with ground truth: the classifier (or the geometric baseline) through event detection.

Its own module so that training (`trainer`) and calibration (`calibration`) can both use it without
importing each other.
"""

from __future__ import annotations

import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.detect import find_events
from cuedetect.cues.evaluate import Scores, relabel, scoring_times
from cuedetect.cues.features import build_features
from cuedetect.cues.settings import CueSettings
from cuedetect.training.dataset import Clip, clip_rows
from cuedetect.training.reliability import HeldoutCalibration, calibration_table


def score_clips(
    clips: list[Clip], clf: CueClassifier | None, settings: CueSettings | None = None,
    feature_cache: dict | None = None,
) -> Scores:  # fmt: skip
    """Event and frame scores of the classifier (or the baseline, `clf=None`) on clips with ground truth.

    `feature_cache` (clip name -> feature table), filled and reused when given: scoring the same
    clips again (one threshold after another) need not rebuild their features.
    """
    settings = settings or CueSettings()
    scores = Scores()
    for clip in clips:
        if not clip.gt_events and clip.source != "gt-joints":
            continue
        if feature_cache is not None and clip.name in feature_cache:
            feats = feature_cache[clip.name]
        else:
            feats = build_features(clip.tracks, clip.pairs, clip.aspect, settings)
            if feature_cache is not None:
                feature_cache[clip.name] = feats
        events = find_events(clip.tracks, clip.pairs, feats, clf, settings, clip.aspect)
        # Unmatched found persons' events are false alarms; unmatched ground-truth persons' are misses.
        pred = relabel([e.to_dict() for e in events], clip.mapping, keep_unmatched=True)
        analysed = {p: g["t"].to_numpy(float) for p, g in feats.groupby("person")}
        scores.add_clip(pred, clip.gt_events, scoring_times(analysed, clip.mapping, clip.gt_times))
    return scores


def heldout_calibration(
    clips: list[Clip], clf: CueClassifier, feature_cache: dict | None = None
) -> HeldoutCalibration:
    """The classifier's (calibrated) probability on every frame of a found person matched to a
    ground-truth person, against that person's ground-truth labels (`dataset.clip_rows`; a found
    person matched to nobody has no labels, a person nobody found has no frames), per cue.

    `feature_cache` as in `score_clips` (the same default settings): features built there are reused.
    """
    ps, ys = [], []
    for clip in clips:
        feats = (feature_cache or {}).get(clip.name)
        f, y, keep = clip_rows(clip, feats=feats)
        if keep.any():
            ps.append(clf.predict_proba(f[keep]))
            ys.append(pd.DataFrame(y[keep], columns=list(CLASSIFIER_CUES)))
    if not ps:
        return HeldoutCalibration()
    cues = [c for c in clf.cues if c in CLASSIFIER_CUES]
    p, y = pd.concat(ps, ignore_index=True), pd.concat(ys, ignore_index=True)
    return calibration_table(p[cues], y[cues], clips=len(ps))
