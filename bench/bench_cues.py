"""Per-frame cost of cue detection per person: features + classifier (+ events), printed.

Run: .venv/bin/python bench/bench_cues.py [--repeat N]
Uses the trained model in models/cues if there is one (else trains a small one on synthetic clips)
and a synthetic two-person clip; reports milliseconds per frame per person (target < 2 ms).
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from cuedetect.cues.classifier import CueClassifier
    from cuedetect.cues.detect import find_events, model_folder
    from cuedetect.cues.features import build_features, feature_columns
    from cuedetect.cues.settings import CueSettings
    from cuedetect.cues.tracks import tracks_from_poses
    from cuedetect.training.dataset import dataset, synthetic_clips
    from cuedetect.training.synthetic import make_clip

    if (model_folder() / "cue_classifier.skops").exists():
        clf = CueClassifier.load(model_folder())
        source = f"models/cues ({clf.max_iter} iterations per cue)"
    else:
        X, Y, _, _ = dataset(synthetic_clips(4), 0)
        clf = CueClassifier(feature_columns(), max_iter=150).fit(X, Y)
        source = "a fresh 150-iteration model (no trained model found)"
    settings = CueSettings()
    clip = make_clip(4242, duration=60.0)
    tracks = tracks_from_poses(clip.poses)
    rows = sum(len(t) for t in tracks)
    feat_t, clf_t, ev_t = [], [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        feats = build_features(tracks, clip.pairs, clip.aspect, settings)
        t1 = time.perf_counter()
        clf.predict_proba(feats)
        t2 = time.perf_counter()
        find_events(tracks, clip.pairs, feats, clf, settings)
        t3 = time.perf_counter()
        feat_t.append(t1 - t0)
        clf_t.append(t2 - t1)
        ev_t.append(t3 - t2 - (t2 - t1))  # find_events predicts again; count only the rest
    per = 1000.0 / rows
    f, c, e = (np.median(x) * per for x in (feat_t, clf_t, ev_t))
    print(f"model: {source}")
    print(
        f"{rows} person-frames ({len(tracks)} persons, {clip.gt['fps']:.0f} fps, 60 s), "
        f"median of {args.repeat}"
    )
    print(f"features   {f:.3f} ms per frame per person")
    print(f"classifier {c:.3f} ms per frame per person")
    print(f"total      {f + c:.3f} ms per frame per person (target < 2 ms); events + rules add {e:.3f} ms")


if __name__ == "__main__":
    main()
