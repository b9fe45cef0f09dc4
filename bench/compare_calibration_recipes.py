"""Like-for-like comparison of two calibration recipes, never touching `corpus/style_heldout`.

Recipe `holdout`: `--validation-fraction 0.25` (a quarter of the rendered style clips held out of the
fit; the isotonic maps and thresholds are fitted on them). Recipe `crossfit`: `--calibration-folds 3`
(three models each fitted without a third of the rendered style clips score them out of fold; maps
and thresholds from all of those scores; the final model fitted on every clip).

Nested: the rendered `corpus/style_train` clips are split into outer folds by camera set-up
(framing); per outer fold, both recipes are trained on everything else (`corpus/train`, the other
framings' rendered and simulated clips) and score the fold's rendered clips, which neither their fit
nor their calibration maps nor their thresholds saw, nor any clip of their framing. The same feature
rows go to both recipes. Prints per-cue event P/R/F1 and the macro event F1 of each recipe and of the
geometric baseline, and writes them as JSON.

    nice -n 10 python bench/compare_calibration_recipes.py --out /tmp/compare.json

Cost: 15 fits of about 30k rows (5 per outer fold), `--jobs` at a time; about an hour on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

T0 = time.time()


def log(*a) -> None:
    print(f"[{time.time() - T0:7.0f}s]", *a, flush=True)


def _summary(s, cues) -> dict:
    present = [c for c in cues if c in s.events and s.events[c].tp + s.events[c].fn]
    tp, fp, fn = (sum(getattr(s.events[c], k) for c in s.events) for k in ("tp", "fp", "fn"))
    return {
        "macro_f1_classifier_cues": round(s.macro_f1(present), 3),
        "macro_f1_all_cues": round(s.macro_f1([c for c in s.events if s.events[c].tp + s.events[c].fn]), 3),
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
        "tp_fp_fn": [tp, fp, fn],
        "clips": s.clips,
        "per_cue": {
            c: {
                "p": round(e.precision, 2),
                "r": round(e.recall, 2),
                "f1": round(e.f1, 2),
                "tp_fp_fn": [e.tp, e.fp, e.fn],
            }
            for c, e in s.events.items()
        },
    }


def main() -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from sklearn.model_selection import GroupKFold

    from cuedetect.cues.catalogue import CLASSIFIER_CUES
    from cuedetect.cues.evaluate import Scores
    from cuedetect.training.calibration import calibrate
    from cuedetect.training.crossfit import _fit_one
    from cuedetect.training.dataset import dataset, discover
    from cuedetect.training.scoring import score_clips
    from cuedetect.training.studio_sim import simulated_clips
    from cuedetect.training.trainer import split_validation

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sim-cache", type=Path, default=Path("models/.work/cues_sim"))
    ap.add_argument("--studio-sim", type=int, default=180)
    ap.add_argument("--outer-folds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path("compare_calibration_recipes.json"))
    args = ap.parse_args()

    clips = discover(Path("corpus/train")) + discover(Path("corpus/style_train"))
    clips += simulated_clips(args.sim_cache, args.studio_sim)
    rendered = [c for c in clips if c.source == "corpus" and c.meta.get("split") == "train"]
    framings = np.array(sorted({c.meta["framing"] for c in rendered}), dtype=object)
    outer = GroupKFold(n_splits=args.outer_folds, shuffle=True, random_state=0)
    held = [set(framings[te]) for _tr, te in outer.split(framings, groups=framings)]
    log(f"{len(clips)} clips, {len(rendered)} rendered style clips; outer folds by framing: {held}")
    X, Y, G, W = dataset(clips, 0, 0, weights={"corpus": 1.0}, sim_noise="simple")
    log(f"features: {len(X)} rows")

    plan, jobs = [], []
    for out in held:
        test = [c for c in rendered if c.meta["framing"] in out]
        train = [c for c in clips if c.meta.get("framing") not in out]
        fit_a, val_a = split_validation(train, 0.25, 0)
        _all, styled = split_validation(train, 1.0, 0)
        groups = np.array(sorted({c.group for c in styled}), dtype=object)
        inner = GroupKFold(n_splits=3, shuffle=True, random_state=0)
        inner_held = [set(groups[te]) for _tr, te in inner.split(groups, groups=groups)]
        in_train = np.isin(G, [c.group for c in train])
        rows = [np.isin(G, [c.group for c in fit_a])]  # holdout recipe: its one fit
        rows += [in_train & ~np.isin(G, list(h)) for h in inner_held] + [in_train]  # crossfit: 3 + final
        plan.append((out, test, val_a, styled, inner_held, len(jobs)))
        jobs += [(X[r], Y[r], W[r]) for r in rows]
        log(f"outer {sorted(out)}: test {len(test)} clips; holdout fit {len(fit_a)} clips, validation "
            f"{len(val_a)}; crossfit {len(train)} clips, {len(styled)} calibration clips")  # fmt: skip
    del X, Y, G, W
    # One pool for all fits, in outer-fold order: each outer fold is scored (and written) as soon as its
    # five models are done, while the next fold's fits go on.
    pool = ProcessPoolExecutor(args.jobs, mp_context=mp.get_context("spawn"))
    futures = [pool.submit(_fit_one, (X_, Y_, W_, 0, args.iterations)) for X_, Y_, W_ in jobs]
    del jobs

    totals = {k: Scores() for k in ("holdout", "crossfit", "baseline")}
    result: dict = {"outer_folds": [], "recipe_note": __doc__.split("\n\n")[1]}
    for out, test, val_a, styled, inner_held, k in plan:
        models = {j: futures[j].result() for j in range(k, k + 5)}
        log(f"outer {sorted(out)}: fits done")
        a = models[k]
        rep_a = calibrate(a, val_a, log=lambda *_: None)
        fold_models = {
            c.name: models[k + 1 + j] for j, h in enumerate(inner_held) for c in styled if c.group in h
        }
        b = models[k + 4]
        rep_b = calibrate(b, styled, log=lambda *_: None, fold_models=fold_models)
        fold = {"held_out_framings": sorted(out), "test_clips": len(test),
                "thresholds": {"holdout": rep_a.thresholds, "crossfit": rep_b.thresholds}}  # fmt: skip
        cache: dict = {}  # the test clips' features, built once for the three scorers
        for name, clf in (("holdout", a), ("crossfit", b), ("baseline", None)):
            s = score_clips(test, clf, feature_cache=cache)
            totals[name].add(s)
            fold[name] = _summary(s, CLASSIFIER_CUES)
            log(f"outer {sorted(out)} {name}: macro {fold[name]['macro_f1_classifier_cues']} "
                f"P {fold[name]['precision']} R {fold[name]['recall']} {fold[name]['tp_fp_fn']}")  # fmt: skip
        result["outer_folds"].append(fold)
        args.out.write_text(json.dumps(result, indent=1))
    result["all"] = {name: _summary(s, CLASSIFIER_CUES) for name, s in totals.items()}
    args.out.write_text(json.dumps(result, indent=1))
    for name, s in result["all"].items():
        log(f"ALL {name}: macro {s['macro_f1_classifier_cues']} (12 cues {s['macro_f1_all_cues']}) "
            f"P {s['precision']} R {s['recall']} {s['tp_fp_fn']}")  # fmt: skip
        log("   " + ", ".join(f"{c} {v['f1']}" for c, v in s["per_cue"].items()))
    pool.shutdown()


if __name__ == "__main__":
    main()
