"""The learned hand-state model: its training table (hands read from studio renders, labelled by gt.json),
leave-one-clip-out cross-validation against the hand-written rules, and the fit that
`cuedetect train-hands` writes (`cuedetect.hands.state_model`).

The table holds what a `hands.parquet` row holds for each hand the studio's ground truth defines (in view,
not tucked away, a state that is not between two shapes): the landmarks read, the palm normal, side,
size and status, with the true state. Hands the stage did not read stay in it (no landmarks), so the
accuracy of a fold counts them wrong, as `bench/eval_hands.py` does. Features are computed from it at fit
time (`state_features.table_features`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.hands.shape import HAND_STATES, StateRules, classify
from cuedetect.hands.state_features import FEATURES, table_features

LANDMARK_COLUMNS = tuple(f"h{a}{j}" for a in "xyz" for j in range(21))
TABLE_COLUMNS = ("clip", "frame", "time", "person", "side", "status", "size_px", "gt_size_px", "width",
                 "height", "palm_nx", "palm_ny", "palm_nz", *LANDMARK_COLUMNS, "label")  # fmt: skip


def _gt_person(persons: dict, nose: np.ndarray | None) -> str:
    """The ground-truth person of a tracked one: the nearest nose, or the only one with a hand in view."""
    if nose is not None and np.isfinite(nose).all():
        return min(persons, key=lambda g: float(np.nan_to_num(
            np.abs(np.array(persons[g]["joints"]["nose"], float) - nose), nan=1e9).sum()))  # fmt: skip
    seen = [g for g, p in persons.items() if any(p["hands"][s]["in_view"] for s in ("left", "right"))]
    return seen[0] if len(seen) == 1 else min(persons)


def label_hands(folder: Path, hands: pd.DataFrame, clip: str | None = None) -> pd.DataFrame:
    """Rows of `hands` (a clip's hands table) with their ground truth, in `TABLE_COLUMNS`.

    `folder` holds the render's `gt.json` and, for clips with two people, `an/poses.parquet` (tracked
    people are matched to the studio's by the nose). Only hands with a defined true state, in view and not
    tucked away are kept.
    """
    gt = json.loads((folder / "gt.json").read_text())
    w, h = gt["size"]
    poses_path = folder / "an" / "poses.parquet"
    poses = pd.read_parquet(poses_path).set_index(["frame", "person"]) if poses_path.exists() else None
    keep, labels, gt_sizes = [], [], []
    for k, r in enumerate(hands.itertuples()):
        persons = gt["frames"][int(r.frame)]["persons"]
        nose = None
        if poses is not None and (r.frame, r.person) in poses.index:
            nose = poses.loc[(r.frame, r.person), ["x0", "y0"]].to_numpy(float)
        hand = persons[_gt_person(persons, nose)]["hands"][r.side]
        if hand["state"] is None or not hand["in_view"] or hand["occluded"]:
            continue
        keep.append(k)
        labels.append(hand["state"])
        gt_sizes.append(float(hand["size_px"]))
    out = hands.iloc[keep].reset_index(drop=True)
    out = out.assign(clip=clip or folder.name, gt_size_px=gt_sizes, width=w, height=h, label=labels)
    return out[list(TABLE_COLUMNS)]


def scored(table: pd.DataFrame, min_px: float = 40.0) -> pd.Series:
    """The rows `bench/eval_hands.py` scores: hands at least `min_px` tall by the ground truth."""
    return table["gt_size_px"] >= min_px


def features_of(table: pd.DataFrame, rules: StateRules | None = None) -> np.ndarray:
    """`FEATURES` for every row of a training table (NaN rows where no hand was read)."""
    parts = [table_features(g, (int(g["width"].iat[0]), int(g["height"].iat[0])), rules)
             for _, g in table.groupby(["width", "height"], sort=False)]  # fmt: skip
    index = np.concatenate([g.index.to_numpy() for _, g in table.groupby(["width", "height"], sort=False)])
    out = np.empty((len(table), len(FEATURES)))
    out[np.argsort(index)] = np.concatenate(parts)
    return out


def rule_states(table: pd.DataFrame, rules: StateRules | None = None) -> np.ndarray:
    """The state the hand-written rules give each row ("(none)" where no hand was read)."""
    out = np.full(len(table), "(none)", dtype=object)
    lm = table[list(LANDMARK_COLUMNS)].to_numpy(float).reshape(-1, 3, 21).transpose(0, 2, 1)
    lm = lm * table[["width", "height", "width"]].to_numpy(float)[:, None]
    for k in np.flatnonzero(np.isfinite(lm).all(axis=(1, 2))):
        out[k] = classify(lm[k], table["side"].iat[k], rules).state
    return out


# chosen by leave-one-clip-out on the tuning renders and the real thumbs-up (README, Hands): C 0.03-0.3
# score 0.798-0.802 there and read the real thumbs-up alike
C_LOGISTIC = 0.1
CLIP_QUANTILE = 0.005  # features are held within the training rows' 0.5%..99.5% quantiles


def fit_state_model(X: np.ndarray, y: np.ndarray, C: float = C_LOGISTIC, info: dict | None = None):
    """A `HandStateModel` fitted on feature rows `X` (FEATURES) and states `y`; deterministic.

    Each feature clipped to the training quantiles, standardised; multinomial logistic regression (lbfgs),
    balanced class weights (thumbs-up and points are rare).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    from cuedetect.hands.state_model import HandStateModel

    low, high = np.quantile(X, CLIP_QUANTILE, axis=0), np.quantile(X, 1.0 - CLIP_QUANTILE, axis=0)
    Xc = np.clip(X, low, high)
    with threadpool_limits(1):
        scaler = StandardScaler().fit(Xc)
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(scaler.transform(Xc), y)
    return HandStateModel(
        features=FEATURES,
        classes=tuple(str(c) for c in clf.classes_),
        low=low.astype(float),
        high=high.astype(float),
        mean=scaler.mean_.astype(float),
        scale=scaler.scale_.astype(float),
        coef=clf.coef_.astype(float),
        intercept=clf.intercept_.astype(float),
        info={"C": C, "rows": len(y), "rows_per_state": {st: int((y == st).sum()) for st in HAND_STATES}}
        | (info or {}),
    )


def training_rows(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, states and the mask of the rows a model is fitted on: hands the network read (a held
    reading repeats one already in the table)."""
    X = features_of(table)
    fit = np.isfinite(X).all(axis=1) & (table["status"] == "read").to_numpy()
    return X, table["label"].to_numpy(object), fit


def fit_table(table: pd.DataFrame, C: float = C_LOGISTIC, info: dict | None = None):
    """`fit_state_model` on a training table's read hands (what `cuedetect train-hands` writes)."""
    X, y, fit = training_rows(table)
    return fit_state_model(X[fit], y[fit], C, info)


def _boosting_proba(X: np.ndarray, y: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, list]:
    """A small HistGradientBoosting's probabilities (the comparison `leave_one_clip_out` can run)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    est = HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.08, max_leaf_nodes=15, min_samples_leaf=20, l2_regularization=1.0,
        class_weight="balanced", early_stopping=False, random_state=0,
    )  # fmt: skip
    with threadpool_limits(1):
        return est.fit(X, y).predict_proba(X_test), list(est.classes_)


def leave_one_clip_out(table: pd.DataFrame, kind: str = "logistic", min_px: float = 40.0,
                       C: float = C_LOGISTIC, log=print) -> dict:  # fmt: skip
    """Each clip left out in turn: a model fitted on the others' read hands, scored on its hands at least
    `min_px` tall (unread hands wrong), beside the rules on the same hands.

    `kind`: "logistic" (the shipped model, `fit_state_model`) or "boosting" (a small HistGradientBoosting,
    for comparison). Returns pooled accuracies, per-clip counts, out-of-fold states and probabilities.
    """
    X, y, fit = training_rows(table)
    has = np.isfinite(X).all(axis=1)
    rules = rule_states(table)
    pred = np.full(len(table), "(none)", dtype=object)
    proba = np.full((len(table), len(HAND_STATES)), np.nan)
    per_clip = {}
    clips = table["clip"].to_numpy(object)
    for clip in pd.unique(clips):
        test, rows = clips == clip, (clips == clip) & has
        if kind == "logistic":
            model = fit_state_model(X[fit & ~test], y[fit & ~test], C)
            p, classes = model.predict_proba(X[rows]), list(model.classes)
        else:
            p, classes = _boosting_proba(X[fit & ~test], y[fit & ~test], X[rows])
        proba[rows] = p[:, [classes.index(st) for st in HAND_STATES]]
        pred[rows] = np.array(HAND_STATES, dtype=object)[np.argmax(proba[rows], axis=1)]
        s = test & scored(table, min_px).to_numpy()
        per_clip[clip] = {"n": int(s.sum()), "model": int((pred[s] == y[s]).sum()),
                          "rules": int((rules[s] == y[s]).sum())}  # fmt: skip
        log(f"  {clip:<20} model {per_clip[clip]['model']:>4} rules {per_clip[clip]['rules']:>4} of "
            f"{per_clip[clip]['n']}")  # fmt: skip
    s = scored(table, min_px).to_numpy()
    out = {
        "kind": kind,
        "hands": int(s.sum()),
        "model": float((pred[s] == y[s]).mean()),
        "rules": float((rules[s] == y[s]).mean()),
        "model_read": float((pred[s & has] == y[s & has]).mean()),
        "rules_read": float((rules[s & has] == y[s & has]).mean()),
        "per_clip": per_clip,
        "pred": pred,
        "proba": proba,
        "rule_pred": rules,
    }
    log(
        f"{kind}: left out in turn {out['model']:.3f} against the rules' {out['rules']:.3f} of "
        f"{out['hands']} hands (on the hands read: {out['model_read']:.3f} against {out['rules_read']:.3f})"
    )
    return out


def read_table(path: Path) -> pd.DataFrame:
    """A committed training table, checked for its columns."""
    table = pd.read_parquet(path)
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path} is not a hand-state training table (no {missing[:3]})")
    return table[list(TABLE_COLUMNS)]


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write a training table atomically (parquet, rows in clip, frame, person, side order)."""
    from cuedetect.io_atomic import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    table = table.sort_values(["clip", "frame", "person", "side"], kind="stable").reset_index(drop=True)
    with atomic_path(path) as tmp:
        table[list(TABLE_COLUMNS)].to_parquet(tmp, index=False, compression="zstd", compression_level=19)
