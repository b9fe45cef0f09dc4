"""Is calibrating on the style dev split worth it? Measured by cross-fitting on the dev split itself.

The committed model's trees, never refitted. The clips of the style dev split (`corpus/style_heldout`)
in two folds by camera set-up (framing; `crossfit.calibration_folds(..., by="framing")`): the maps and
thresholds are fitted on one half's scores (`recalibrate.calibrate_on_heldout`, what `cuedetect
calibrate` does) and score the other half, whose camera set-ups they never saw; both ways, events and
frames summed over the two halves. Beside it, the model's own maps and thresholds on the same clips.
Prints macro event F1 (all 12 cues and the 10 classifier cues), all events P / R, the share of frames
right at a calibrated probability of 0.5 or more, and Brier per cue against the base rate; writes
them as JSON with `--out`. Never give it the test split (`corpus/style_heldout_b`).

    nice -n 10 .venv/bin/python bench/calibrate_on_dev.py --out /tmp/calibrate_on_dev.json

`--thresholds-only` (exploratory): keep the model's maps, choose only the thresholds on the other half;
`--platt` (exploratory): a logistic map on the logit of the trees' score instead of the isotonic one;
`--seed N`: another draw of the camera set-ups into the halves.
Cost: about a minute (no fits; each half scored at six thresholds). Results: cues README, "Calibration
on the style dev split".
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

T0 = time.time()


def log(*a) -> None:
    print(f"[{time.time() - T0:6.0f}s]", *a, flush=True)


def frames(clips, clf, cache) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Calibrated probabilities and labels of every frame of a found, matched person."""
    from cuedetect.cues.catalogue import CLASSIFIER_CUES
    from cuedetect.training.dataset import clip_rows

    ps, ys = [], []
    for clip in clips:
        f, y, keep = clip_rows(clip, feats=cache.get(clip.name))
        if keep.any():
            ps.append(clf.predict_proba(f[keep])[list(CLASSIFIER_CUES)])
            ys.append(pd.DataFrame(y[keep], columns=list(CLASSIFIER_CUES)))
    return pd.concat(ps, ignore_index=True), pd.concat(ys, ignore_index=True)


def summary(name: str, scores, p: pd.DataFrame, y: pd.DataFrame) -> dict:
    from cuedetect.cues.catalogue import CLASSIFIER_CUES
    from cuedetect.training.reliability import calibration_table

    cues = scores.cues()
    tot = {k: sum(getattr(scores.events[c], k) for c in cues) for k in ("tp", "fp", "fn")}
    hi = p.to_numpy() >= 0.5
    cal = calibration_table(p, y, bins=10)
    out = {
        "name": name,
        "macro_12": scores.macro_f1(cues),
        "macro_10": scores.macro_f1([c for c in cues if c in CLASSIFIER_CUES]),
        "precision": tot["tp"] / max(1, tot["tp"] + tot["fp"]),
        "recall": tot["tp"] / max(1, tot["tp"] + tot["fn"]),
        "tp_fp_fn": [tot["tp"], tot["fp"], tot["fn"]],
        "per_cue_f1": {c: scores.events[c].f1 for c in cues},
        "frames": len(p),
        "frames_ge_05": int(hi.sum()),
        "right_ge_05": float(y.to_numpy()[hi].mean()) if hi.any() else float("nan"),
        "mean_p_ge_05": float(p.to_numpy()[hi].mean()) if hi.any() else float("nan"),
        "brier": cal.brier,
        "base_rate_brier": cal.base_rate_brier,
        "brier_sum": float(sum(cal.brier.values())),
        "base_rate_sum": float(sum(cal.base_rate_brier.values())),
    }
    log(f"{name}: macro 12 cues {out['macro_12']:.3f} (10 cues {out['macro_10']:.3f}); all events "
        f"P {out['precision']:.2f} R {out['recall']:.2f} {tuple(out['tp_fp_fn'])}; frames at >= 0.5 "
        f"right {out['right_ge_05']:.3f} ({out['frames_ge_05']} frames, mean p {out['mean_p_ge_05']:.2f}); "
        f"summed Brier {out['brier_sum']:.4f} (base rate {out['base_rate_sum']:.4f})")  # fmt: skip
    return out


def platt_maps(clf, clips, cache, knots: int = 40) -> dict[str, dict[str, list[float]]]:
    """Per cue with 5 or more positive frames: a logistic fit of the label on the logit of the trees' raw
    score on `clips`, stored as knots like the isotonic maps (so the model file keeps its format)."""
    from sklearn.linear_model import LogisticRegression

    maps, clf.calibration = clf.calibration, {}
    raw, y = frames(clips, clf, cache)
    clf.calibration = maps
    out = {}
    for cue in raw.columns:
        r, t = raw[cue].to_numpy(), y[cue].to_numpy()
        if t.sum() < 5:
            continue
        logit = lambda v: np.log(np.clip(v, 1e-4, 1 - 1e-4) / (1 - np.clip(v, 1e-4, 1 - 1e-4)))  # noqa: E731
        lr = LogisticRegression(C=1.0).fit(logit(r).reshape(-1, 1), t)
        xs = np.unique(np.concatenate([[0.0, 1.0], np.quantile(r, np.linspace(0, 1, knots - 2))]))
        out[cue] = {"x": xs.tolist(), "y": lr.predict_proba(logit(xs).reshape(-1, 1))[:, 1].tolist()}
    return out


def thresholds_on(clf, clips, cache) -> dict[str, float]:
    """Per cue, the threshold of the grid with the best event F1 on `clips` under the model's own maps
    (ties within 0.01 to the one nearest 0.5, as `calibration.calibrate` chooses)."""
    from cuedetect.training.calibration import THRESHOLD_GRID
    from cuedetect.training.scoring import score_clips

    f1_at: dict[str, dict[float, float]] = {}
    for thr in THRESHOLD_GRID:
        clf.thresholds = dict.fromkeys(clf.cues, thr)
        s = score_clips(clips, clf, feature_cache=cache)
        for cue in clf.cues:
            if cue in s.events and s.events[cue].tp + s.events[cue].fn:
                f1_at.setdefault(cue, {})[thr] = s.events[cue].f1
    return {
        c: min((t for t, f in at.items() if f >= max(at.values()) - 0.01), key=lambda t: abs(t - 0.5))
        for c, at in f1_at.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dev", nargs="?", type=Path, default=Path("corpus/style_heldout"))
    ap.add_argument("--model", type=Path, default=None, help="Model folder (default: models/cues).")
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="Which draw of the framings into folds.")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--platt", action="store_true",
        help="Exploratory: a logistic map on the logit of the trees' score (smoother than isotonic), "
        "fitted on the other half, then the thresholds chosen there.",
    )  # fmt: skip
    ap.add_argument(
        "--thresholds-only", action="store_true",
        help="Exploratory: keep the model's maps, choose only the per-cue thresholds on the other half.",
    )  # fmt: skip
    args = ap.parse_args()
    if args.dev.name.endswith("_b"):
        raise SystemExit("the style-held-out test split is scored once by the lead, never here")

    from cuedetect.cues.detect import load_model
    from cuedetect.cues.evaluate import Scores
    from cuedetect.training.crossfit import calibration_folds
    from cuedetect.training.recalibrate import calibrate_on_heldout, heldout_clips
    from cuedetect.training.scoring import score_clips

    clf = load_model(args.model)
    clips = heldout_clips([args.dev])
    cache: dict = {}
    plan = calibration_folds(clips, clips, args.folds, seed=args.seed, by="framing")
    log(f"{len(clips)} clips of {args.dev}; folds by framing: {[sorted(out) for out, _d in plan]}")

    committed = score_clips(clips, clf, feature_cache=cache)
    p0, y0 = frames(clips, clf, cache)
    results = {"committed": summary("committed maps and thresholds", committed, p0, y0)}

    crossed, ps, ys, folds = Scores(), [], [], []
    for out, _dropped in plan:
        scored = [c for c in clips if c.meta["framing"] in out]
        calib = [c for c in clips if c.meta["framing"] not in out]
        m = copy.copy(clf)
        m.calibration, m.thresholds, m.info = dict(clf.calibration), dict(clf.thresholds), dict(clf.info)
        if args.thresholds_only:
            m.thresholds, kept = thresholds_on(m, calib, cache), []
        elif args.platt:
            m.calibration.update(platt_maps(m, calib, cache))
            m.thresholds, kept = thresholds_on(m, calib, cache), []
        else:
            kept = calibrate_on_heldout(m, calib, "dev half", log=lambda *_: None).kept
        s = score_clips(scored, m, feature_cache=cache)
        crossed.add(s)
        p, y = frames(scored, m, cache)
        ps.append(p)
        ys.append(y)
        base = score_clips(scored, clf, feature_cache=cache)  # the model's own maps and thresholds
        folds.append({"scored": sorted(out), "thresholds": m.thresholds, "kept": kept,
                      "committed_macro_12_scored_half": base.macro_f1(base.cues()),
                      "macro_12_scored_half": s.macro_f1(s.cues())})  # fmt: skip
        log(f"calibrated on {sorted({c.meta['framing'] for c in calib})} ({len(calib)} clips), scored "
            f"{sorted(out)}: macro 12 {s.macro_f1(s.cues()):.3f} (the model's own calibration there: "
            f"{base.macro_f1(base.cues()):.3f}); thresholds {m.thresholds}; "
            f"kept {kept}")  # fmt: skip
    results["cross_fitted"] = summary(
        "dev-calibrated, cross-fitted by framing", crossed, pd.concat(ps, ignore_index=True),
        pd.concat(ys, ignore_index=True),
    )  # fmt: skip
    results["folds"] = folds
    p_all = pd.concat(ps, ignore_index=True)
    y_all = pd.concat(ys, ignore_index=True)
    assert len(p_all) == len(p0)
    log("per cue: Brier committed -> dev-calibrated (base rate); event F1 committed -> dev-calibrated")
    for cue in p0.columns:
        b0, b1 = results["committed"]["brier"][cue], results["cross_fitted"]["brier"][cue]
        rate = results["committed"]["base_rate_brier"][cue]
        f0 = results["committed"]["per_cue_f1"].get(cue, float("nan"))
        f1 = results["cross_fitted"]["per_cue_f1"].get(cue, float("nan"))
        hi = p_all[cue].to_numpy() >= 0.5
        right = float(y_all[cue].to_numpy()[hi].mean()) if hi.any() else float("nan")
        log(
            f"  {cue:14s} Brier {b0:.4f} -> {b1:.4f} (base {rate:.4f}); F1 {f0:.2f} -> {f1:.2f}; "
            f"right at >= 0.5 {right:.2f} of {int(hi.sum())}"
        )
    for cue in ("rapid_approach", "too_close"):
        log(
            f"  {cue:14s} F1 {results['committed']['per_cue_f1'].get(cue, float('nan')):.2f} -> "
            f"{results['cross_fitted']['per_cue_f1'].get(cue, float('nan')):.2f} (pair rules)"
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=1, default=float))
        log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
