"""Cross-fitting: models each fitted without one fold of clips, for out-of-fold calibration.

With few rendered clips, holding a share of them out of the fit for calibration leaves both the fit
and the calibration short. Cross-fitted, every rendered clip is scored by a model that never saw it
(`calibration.calibrate(..., fold_models=...)`), and the final model is fitted on all clips.
"""

from __future__ import annotations

import numpy as np

from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.features import feature_columns


def _fit_one(args) -> CueClassifier:
    X, Y, W, seed, max_iter = args
    return CueClassifier(feature_columns(), seed=seed, max_iter=max_iter).fit(X, Y, W)


def fit_many(jobs: list, seed: int, max_iter: int, processes: int = 2) -> list[CueClassifier]:
    """Independent fits of (X, Y, W), `processes` at a time (the same models whatever the number)."""
    args = [(X, Y, W, seed, max_iter) for X, Y, W in jobs]
    if processes <= 1 or len(args) == 1:
        return [_fit_one(a) for a in args]
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(processes, len(args)), mp_context=mp.get_context("spawn")) as pool:
        return list(pool.map(_fit_one, args))


def cross_fitted(
    X, Y: np.ndarray, W: np.ndarray, G: np.ndarray, clips: list, folds: int, seed: int = 0,
    max_iter: int = 150, processes: int = 2,
) -> tuple[CueClassifier, dict]:  # fmt: skip
    """The model fitted on all rows, and clip name -> the fold model fitted without that clip's group.

    `G` is each row's clip group; `clips` are the clips to calibrate on, split into `folds` by group.
    """
    from sklearn.model_selection import GroupKFold

    groups = np.array(sorted({c.group for c in clips}), dtype=object)
    kfold = GroupKFold(n_splits=min(folds, len(groups)), shuffle=True, random_state=seed)
    held = [set(groups[te]) for _tr, te in kfold.split(groups, groups=groups)]
    rows = [~np.isin(G, list(out)) for out in held] + [np.ones(len(G), bool)]
    fits = fit_many([(X[r], Y[r], W[r]) for r in rows], seed, max_iter, processes)
    fold_models = {c.name: fits[k] for k, out in enumerate(held) for c in clips if c.group in out}
    return fits[-1], fold_models
