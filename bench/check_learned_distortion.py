"""Does the learned pose distortion make simulated poses read like MediaPipe's? Checked on clips it never saw.

    .venv/bin/python bench/check_learned_distortion.py [--folds 3] [--cache .cache/distortion_twins]
        [--json F] [FOLDER ...]   (default folders: corpus/train corpus/style_train corpus/style_train_b)

The rendered training clips (never a held-out split: `pose_residuals.clip_folders` refuses them) are
split into folds by clip. For each fold, `PoseDistortion` is fitted on the other folds' paired frames;
each clip of the fold is then simulated again from its committed `scenario.yaml` (`studio_sim.simulate`:
the same people, moves and camera, exact joints) and seen by the simulated pose model five ways: `none`
(the simulation's own noise only), `simple` (`augment.mediapipe_like`, the committed recipe), `measured`
(`pose_noise`), `learned` (the distortion + the measured random errors) and `learned_only` (without
those errors). For every posture cue and
its ten most used features (split gain in the committed model's trees), the feature values on the cue's
labelled frames of the twins are compared with MediaPipe's on the same clips: the two-sample
Kolmogorov-Smirnov distance (missing values counted as a value below all others, so a landmark the
engine loses and the simulation keeps counts too), averaged over the ten with the trees' gain as weights.
Smaller is closer to MediaPipe. Features are the committed feature set (`feature_columns`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.detect import load_model
from cuedetect.training.augment import mediapipe_like
from cuedetect.training.dataset import clip_rows, load_gt_dir
from cuedetect.training.pose_noise import apply_pose_noise, load_profile
from cuedetect.training.pose_residuals import PoseDistortion, clip_folders
from cuedetect.training.pose_residuals import clip_rows as paired_rows_of
from cuedetect.training.studio_sim import sim_clip, simulate

sys.path.insert(0, str(Path(__file__).parent))
from diagnose_cue_misses import feature_gain

WAYS = ("none", "simple", "measured", "learned", "learned_only")
DEFAULT = [Path("corpus/train"), Path("corpus/style_train"), Path("corpus/style_train_b")]


def ks(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample KS distance; NaN counts as a value below every other."""
    a = np.where(np.isfinite(a), a, -1e9)
    b = np.where(np.isfinite(b), b, -1e9)
    if not len(a) or not len(b):
        return np.nan
    grid = np.concatenate([a, b])
    fa = np.searchsorted(np.sort(a), grid, side="right") / len(a)
    fb = np.searchsorted(np.sort(b), grid, side="right") / len(b)
    return float(np.abs(fa - fb).max())


def twin_rows(folder: Path, cache: Path, distortion: PoseDistortion, profile: dict, seed: int) -> dict:
    """Labelled feature rows of one rendered clip (MediaPipe) and of its simulated twin, each way."""
    mp = load_gt_dir(folder)
    f, y, keep = clip_rows(mp)
    out = {"mediapipe": (f[keep], y[keep])}
    gt = json.loads((folder / "gt.json").read_text())
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text())
    twin = sim_clip(simulate(gt["seed"], cache / f"{folder.parent.name}_{folder.name}", scenario=scenario))
    framing = twin.meta.get("framing")
    for way in WAYS:
        rng = np.random.default_rng(seed)
        if way == "none":
            tracks = twin.tracks
        elif way == "simple":
            tracks = mediapipe_like(twin.tracks, rng)
        elif way == "measured":
            tracks = apply_pose_noise(twin.tracks, rng, profile, twin.aspect, framing)
        elif way == "learned":
            tracks = distortion.apply(twin.tracks, rng, twin.aspect, framing, profile)
        else:  # the learned residual and visibility without the measured random errors on top
            tracks = distortion.apply(twin.tracks, rng, twin.aspect, framing)
        f, y, keep = clip_rows(twin, tracks)
        out[way] = (f[keep], y[keep])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", type=Path, nargs="*", default=DEFAULT)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path(".cache/distortion_twins"))
    ap.add_argument("--rows-cache", type=Path, default=Path("models/.work/pose_residuals"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    clips = clip_folders(args.folders)
    rows = {d: paired_rows_of(d, args.rows_cache) for d in clips}
    fold_of = {d: i % args.folds for i, d in enumerate(np.random.default_rng(args.seed).permutation(clips))}
    profile, gain = load_profile(), feature_gain(load_model())
    collected: dict[str, list] = {k: [] for k in ("mediapipe", *WAYS)}
    for k in range(args.folds):
        fit = [d for d in clips if fold_of[d] != k]
        model = PoseDistortion.from_rows([rows[d] for d in fit])
        scored = [d for d in clips if fold_of[d] == k]
        print(f"fold {k + 1}/{args.folds}: distortion from {len(fit)} clips ({len(model.desc)} frames), "
              f"scoring {len(scored)}", flush=True)  # fmt: skip
        for d in scored:
            for way, fy in twin_rows(d, args.cache, model, profile, args.seed).items():
                collected[way].append(fy)
    data = {w: (pd.concat([f for f, _ in v], ignore_index=True), np.concatenate([y for _, y in v]))
            for w, v in collected.items()}  # fmt: skip
    table, detail = [], []
    for i, cue in enumerate(CLASSIFIER_CUES):
        top = gain[cue].head(10)
        w = top / top.sum()
        f_mp, y_mp = data["mediapipe"]
        row = {"cue": cue, "frames": int(y_mp[:, i].sum())}
        for way in WAYS:
            f_w, y_w = data[way]
            mp_pos, w_pos = f_mp.loc[y_mp[:, i] == 1], f_w.loc[y_w[:, i] == 1]
            d = {c: ks(mp_pos[c].to_numpy(float), w_pos[c].to_numpy(float)) for c in top.index}
            row[way] = float(sum(w[c] * d[c] for c in top.index))
            row[f"{way}_frames"] = int(y_w[:, i].sum())
            detail += [{"cue": cue, "feature": c, "gain": float(w[c]), "way": way, "ks": d[c],
                        "median_mp": float(np.nanmedian(mp_pos[c])),
                        "median_twin": float(np.nanmedian(w_pos[c]))} for c in top.index]  # fmt: skip
        table.append(row)
    t = pd.DataFrame(table)
    t.loc[len(t)] = {"cue": "mean", "frames": int(t.frames.sum()), **{w: t[w].mean() for w in WAYS}}
    print(
        f"\n{len(clips)} rendered training clips, {args.folds} folds by clip; weighted KS distance of the "
        "ten most used features on each cue's labelled frames, twin against MediaPipe (lower: closer)"
    )
    print(t[["cue", "frames", *WAYS]].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    det = pd.DataFrame(detail)
    piv = det.pivot_table(index=["cue", "feature"], columns="way", values="ks", sort=False)[list(WAYS)]
    med = det[det.way.isin(["learned", "simple"])].pivot_table(
        index=["cue", "feature"], columns="way", values="median_twin", sort=False)  # fmt: skip
    piv["median_mp"] = det.groupby(["cue", "feature"], sort=False)["median_mp"].first()
    piv["median_simple"], piv["median_learned"] = med["simple"], med["learned"]
    print("\nper feature: KS each way; medians on the cue's frames (MediaPipe, simple twin, learned twin)")
    print(piv.to_string(float_format=lambda v: f"{v:.2f}"))
    if args.json:
        args.json.write_text(json.dumps({"table": table, "detail": detail}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
