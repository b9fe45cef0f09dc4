"""Cross-fitting: models each fitted without one fold of clips, for out-of-fold calibration.

With few rendered clips, holding a share of them out of the fit for calibration leaves both the fit
and the calibration short. Cross-fitted, every rendered clip is scored by a model that never saw it
(`calibration.calibrate(..., fold_models=...)`), and the final model is fitted on all clips.

The folds are drawn by clip (`by="clip"`) or by camera set-up (`by="framing"`). By clip, each fold
model has seen the clip's camera set-up, room and styles in other clips, so its out-of-fold scores
are optimistic for new ones. By framing, each calibration clip is scored by a model fitted without
every clip of its framing (rendered and simulated alike); clips without a framing (the older
`corpus/train` generator's) stay in every fold's fit.
"""

from __future__ import annotations

import numpy as np

from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.features import feature_columns
from cuedetect.errors import InputError

CALIBRATION_GROUPS = ("clip", "framing")


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


def group_key(clip, by: str = "clip"):
    """What a clip's calibration fold is drawn by: its clip group, or its camera set-up (None if it
    has none)."""
    if by == "clip":
        return clip.group
    if by == "framing":
        return clip.meta.get("framing")
    raise InputError(f"calibration folds are drawn by one of {', '.join(CALIBRATION_GROUPS)}, not {by!r}")


def calibration_folds(
    clips: list, everything: list, folds: int, seed: int = 0, by: str = "clip"
) -> list[tuple[set, set[str]]]:
    """Per fold: (the keys it holds out, the clip groups left out of its fit).

    `clips` (the calibration clips) are split into `folds` by `group_key(clip, by)`; a fold's model is
    fitted without every clip of `everything` whose key it holds out (by framing: simulated clips of
    that camera set-up too), so it never saw the held keys when it scores the fold's clips.
    """
    from sklearn.model_selection import GroupKFold

    keys = [group_key(c, by) for c in clips]
    if any(k is None for k in keys):
        missing = next(c.name for c, k in zip(clips, keys, strict=True) if k is None)
        raise InputError(f"calibration by {by}: clip {missing} has no {by}")
    groups = np.array(sorted(set(keys)), dtype=object)
    if len(groups) < 2:
        raise InputError(f"calibration by {by} needs at least two {by}s; the clips show {len(groups)}")
    kfold = GroupKFold(n_splits=min(folds, len(groups)), shuffle=True, random_state=seed)
    held = [set(groups[te]) for _tr, te in kfold.split(groups, groups=groups)]
    return [(out, {c.group for c in everything if group_key(c, by) in out}) for out in held]


def cross_fitted(
    X, Y: np.ndarray, W: np.ndarray, G: np.ndarray, clips: list, folds: int, seed: int = 0,
    max_iter: int = 150, processes: int = 2, everything: list | None = None, by: str = "clip",
) -> tuple[CueClassifier, dict]:  # fmt: skip
    """The model fitted on all rows, and clip name -> the fold model fitted without that clip's group.

    `G` is each row's clip group; `clips` are the clips to calibrate on, split into `folds` by
    `group_key(clip, by)`; `everything` are all the clips behind the rows (default: `clips`), whose
    clips of a held key leave the fold's fit.
    """
    plan = calibration_folds(clips, clips if everything is None else everything, folds, seed, by)
    rows = [~np.isin(G, list(dropped)) for _out, dropped in plan] + [np.ones(len(G), bool)]
    fits = fit_many([(X[r], Y[r], W[r]) for r in rows], seed, max_iter, processes)
    fold_models = {
        c.name: fits[k] for k, (out, _d) in enumerate(plan) for c in clips if group_key(c, by) in out
    }
    return fits[-1], fold_models


def validation_words(validation: list, folds: int = 0, by: str = "clip") -> str:
    """What the validation clips are, for the model card: rendered style clips, or drawn from all sources."""
    how = (f"cross-fitted: each scored by one of {folds} models fitted without its fold of clips, the final "
           "model then fitted on all clips" if folds else "held out of the fit by clip")  # fmt: skip
    if folds and by == "framing":
        how += ("; folds by camera set-up (framing): each fold model was fitted without every rendered and "
                "simulated clip of the framings it scores")  # fmt: skip
    if validation and all(c.source == "corpus" and c.meta.get("split") == "train" for c in validation):
        if folds and by == "framing":
            return (f"rendered clips of the style catalogue's `train` split, MediaPipe-seen; {how}; other "
                    "camera set-ups' clips of the same cue styles are in each fit")  # fmt: skip
        return (f"rendered clips of the style catalogue's `train` split, MediaPipe-seen; {how}; by clip, "
                "not by style: other clips of the same styles are in each fit")  # fmt: skip
    return f"drawn from the same `train` styles; {how}"
