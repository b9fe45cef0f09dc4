"""Why the classifier misses cue events: every ground-truth event of the ten classifier cues on a studio
split, with the cause of each miss, against the training clips' feature values.

    .venv/bin/python bench/diagnose_cue_misses.py corpus/style_heldout [--reference corpus/style_train]
        [--json F] [--simulated .cache/style_dev_twins] [--model DIR]

Per event: the share of its frames where a track matched to its person exists; for found persons the
committed model's calibrated probability (smoothed as the events are) against the cue's switch-on
threshold; and, for the cue's ten most used features (split gain in the model's trees), the share of
the event's frames where they are missing (NaN) or outside the 5th-95th percentile of the same cue's
frames in the reference (training) clips, weighted by that gain. Causes, in this order:

- `person not found`: a matched track on under half the event's frames (`lost in clip`: no matched
  track at all; `lost during event`: found at other times; `other track`: a track matched to nobody
  covers the event, an identity the scorer could not give);
- `found`: an event of the cue and person at temporal IoU >= 0.3 (the scorer's rule);
- `fragmented or shifted`: an event overlaps it but at IoU < 0.3;
- `too short`: the probability passes the threshold but no event survives the minimum duration;
- `features missing`: under the threshold, over half the weighted features NaN;
- `features outside training`: under the threshold, over half the weighted features outside the
  training frames' 5-95% range (a style, body or camera the fit did not cover);
- `under threshold`: under the threshold with features in the training range.

With `--simulated`, the split's own scenarios (committed `scenario.yaml`) are also seen by the
simulated pose model (exact joints, noise, visibility, flattened world depth) instead of MediaPipe, and
diagnosed the same way: what the pose engine's reading of the renders costs, event for event.

Diagnose on a dev split only: the causes are for choosing what to fix.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.detect import find_events, load_model
from cuedetect.cues.evaluate import iou, relabel
from cuedetect.cues.events import _smooth
from cuedetect.cues.features import build_features
from cuedetect.cues.fusion import combine
from cuedetect.cues.settings import CueSettings
from cuedetect.training.dataset import discover
from cuedetect.training.miss_causes import CAUSES, TRACKED_MIN, covered, miss_cause

TOP = 10


def feature_gain(clf) -> dict[str, pd.Series]:
    """Per cue, each feature's share of the split gain in the model's trees."""
    out = {}
    for cue, est in zip(clf.cues, clf.pipeline.named_steps["clf"].estimators_, strict=True):
        gain = np.zeros(len(clf.features))
        for iteration in est._predictors:
            for tree in iteration:
                nodes = tree.nodes[tree.nodes["is_leaf"] == 0]
                np.add.at(gain, nodes["feature_idx"], nodes["gain"])
        out[cue] = pd.Series(gain / max(gain.sum(), 1e-12), index=clf.features).sort_values(ascending=False)
    return out


def clip_events(clip, clf, settings: CueSettings) -> tuple[list[dict], list[dict]]:
    """(one row per ground-truth event of a classifier cue, the feature rows inside each event)."""
    feats = build_features(clip.tracks, clip.pairs, clip.aspect, settings)
    pred = []
    smoothed = pd.DataFrame(index=feats.index, columns=list(CLASSIFIER_CUES), dtype=float)
    if len(feats):
        probs = combine(clf.predict_proba(feats), feats, settings)
        events = find_events(clip.tracks, clip.pairs, feats, clf, settings, clip.aspect)
        pred = relabel([e.to_dict() for e in events], clip.mapping, keep_unmatched=True)
        for _, idx in feats.groupby("person").groups.items():
            t = feats.loc[idx, "t"].to_numpy(float)
            k = round(settings.prob_smooth_s / max(float(np.median(np.diff(t))), 1e-3)) if len(t) > 1 else 1
            for cue in CLASSIFIER_CUES:
                smoothed.loc[idx, cue] = _smooth(probs.loc[idx, cue].to_numpy(float), k)
    tracks_of: dict[str, list] = {}
    for k, v in clip.mapping.items():
        tracks_of.setdefault(str(v), []).append(k)
    rows, inside = [], []
    for e in clip.gt_events:
        cue, who = e["cue"], str(e["person"])
        if cue not in CLASSIFIER_CUES:
            continue
        view = clip.gt_times.get(who, np.array([]))
        gt_t = view[(view >= e["start"]) & (view <= e["end"])]
        in_time = ((feats["t"] >= e["start"]) & (feats["t"] <= e["end"])).to_numpy() if len(feats) else []
        mine = feats["person"].isin(tracks_of.get(who, [])).to_numpy() & in_time if len(feats) else []
        dt = 1.0 / max(_rate(gt_t), 1e-3)
        tracked = covered(gt_t, feats.loc[mine, "t"].to_numpy(float), dt) if len(feats) else 0.0
        others = covered(gt_t, feats.loc[in_time & ~feats["person"].isin(list(clip.mapping)).to_numpy(),
                                          "t"].to_numpy(float), dt) if len(feats) else 0.0  # fmt: skip
        thr = clf.thresholds.get(cue, settings.on_threshold)
        p = smoothed.loc[mine, cue].to_numpy(float) if len(feats) else np.array([])
        ious = [iou((q["start"], q["end"]), (e["start"], e["end"])) for q in pred
                if q["cue"] == cue and str(q["person"]) == who]  # fmt: skip
        row = {
            "clip": clip.name, "framing": clip.meta.get("framing"), "cue": cue, "style": e.get("style"),
            "person": who, "start": e["start"], "end": e["end"], "tracked": tracked, "other_track": others,
            "track_in_clip": bool(tracks_of.get(who)), "threshold": thr,
            "p_max": float(np.nanmax(p)) if np.isfinite(p).any() else np.nan,
            "p_median": float(np.nanmedian(p)) if np.isfinite(p).any() else np.nan,
            "best_iou": max(ious, default=0.0), "overlapping": sum(v > 0 for v in ious),
        }  # fmt: skip
        rows.append(row)
        if len(feats) and mine.any():
            inside.append(feats.loc[mine].assign(event=len(rows) - 1, clip_name=clip.name, cue=cue))
    return rows, inside


def _rate(t: np.ndarray) -> float:
    d = np.diff(t)
    d = d[d > 0]
    return float(1.0 / np.median(d)) if len(d) else 6.0


def not_found_kind(row: dict) -> str:
    if row["other_track"] >= TRACKED_MIN:
        return "other track"
    return "lost during event" if row["track_in_clip"] else "lost in clip"


def corpus_clips(folder: Path) -> list:
    return [c for c in discover(folder) if c.source == "corpus"]


def simulated_twins(split: Path, cache: Path) -> list:
    """Each clip of `split` with its committed scenario.yaml, seen by the simulated pose model instead of
    MediaPipe (`studio_sim.simulate(scenario=...)`, made once into `cache`): the same people and events."""
    import yaml

    from cuedetect.training.studio_sim import sim_clip, simulate

    out = []
    for d in sorted(
        p for p in split.iterdir() if (p / "scenario.yaml").exists() and (p / "gt.json").exists()
    ):
        seed = json.loads((d / "gt.json").read_text())["seed"]
        scenario = yaml.safe_load((d / "scenario.yaml").read_text())
        out.append(sim_clip(simulate(seed, cache / d.name, scenario=scenario)))
        clip = out[-1]  # in view where the simulation has a landmark of them (it drops the unseen frames)
        seen = {tr.person: np.isfinite(tr.xy).any(axis=(1, 2)) for tr in clip.tracks}
        clip.gt_times = {clip.mapping[tr.person]: tr.t[seen[tr.person]] for tr in clip.tracks}
    return out


def diagnose(clips: list, reference: list, clf, settings: CueSettings) -> pd.DataFrame:
    gain = feature_gain(clf)
    ref_rows, ref_inside = [], []
    for clip in reference:
        r, f = clip_events(clip, clf, settings)
        ref_rows += r
        ref_inside += f
    ref = pd.concat(ref_inside, ignore_index=True)
    rows, inside = [], []
    for clip in clips:
        r, f = clip_events(clip, clf, settings)
        base = len(rows)
        rows += r
        inside += [x.assign(event=x["event"] + base) for x in f]
    ev = pd.DataFrame(rows)
    feats = pd.concat(inside, ignore_index=True) if inside else pd.DataFrame(columns=["event"])
    nan_share, out_share, worst = [], [], []
    for i, row in ev.iterrows():
        top = gain[row["cue"]].head(TOP)
        w = top / top.sum()
        f = feats[feats["event"] == i]
        r = ref[ref["cue"] == row["cue"]]
        lo, hi = r[list(top.index)].quantile(0.05), r[list(top.index)].quantile(0.95)
        if len(f):
            v = f[list(top.index)]
            nan = v.isna().mean()
            out = ((v < lo) | (v > hi)).mean()
            nan_share.append(float((nan * w).sum()))
            out_share.append(float((out * w).sum()))
            worst.append(
                ", ".join(f"{c} {out[c]:.0%}" for c in (out * w).sort_values(ascending=False).index[:2])
            )
        else:
            nan_share.append(np.nan)
            out_share.append(np.nan)
            worst.append("")
    ev["nan_share"], ev["out_share"], ev["most_outside"] = nan_share, out_share, worst
    ev["cause"] = [
        miss_cause(r, n, o) for r, n, o in zip(ev.to_dict("records"), nan_share, out_share, strict=True)
    ]
    ev["not_found_kind"] = [not_found_kind(r) if c == "person not found" else "" for r, c in
                            zip(ev.to_dict("records"), ev["cause"], strict=True)]  # fmt: skip
    ref_found = Counter(miss_cause(r, 0.0, 0.0) == "found" for r in ref_rows)
    print(f"reference: {ref_found[True]} of {len(ref_rows)} events found (training clips)")
    return ev


def report(ev: pd.DataFrame) -> str:
    lines = [f"{len(ev)} events of the ten classifier cues; found {int((ev.cause == 'found').sum())}", ""]
    table = pd.crosstab(ev["cue"], ev["cause"]).reindex(columns=[c for c in CAUSES if c in set(ev.cause)])
    table.loc["all"] = table.sum()
    lines += [table.to_string(), ""]
    nf = ev[ev.cause == "person not found"]
    lines.append(
        "person not found: " + ", ".join(f"{k} {v}" for k, v in nf.not_found_kind.value_counts().items())
    )
    seen = ev[ev.tracked >= TRACKED_MIN]
    lines.append(f"persons found on the event ({len(seen)}): {int((seen.cause == 'found').sum())} found "
                 f"({(seen.cause == 'found').mean():.0%})")  # fmt: skip
    for c in ("under threshold", "features outside training", "features missing", "too short"):
        s = ev[ev.cause == c]
        if len(s):
            lines.append(f"{c}: peak probability median {s.p_max.median():.2f} (threshold "
                         f"{s.threshold.median():.2f}); weighted features NaN {s.nan_share.median():.0%}, "
                         f"outside training {s.out_share.median():.0%}")  # fmt: skip
    f = ev[ev.cause == "found"]
    nan_f, out_f = f.nan_share.median(), f.out_share.median()
    lines.append(f"found: weighted features NaN {nan_f:.0%}, outside training {out_f:.0%}")
    lines += ["", pd.crosstab(ev["framing"], ev["cause"]).to_string(), "",
              pd.crosstab([ev["cue"], ev["style"].fillna("-")], ev["cause"]).to_string()]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("split", type=Path)
    ap.add_argument("--reference", type=Path, default=Path("corpus/style_train"))
    ap.add_argument("--json", type=Path, default=None, help="every event's row as JSON")
    twins = "also the split's own scenarios seen by the simulated pose model (made once into CACHE)"
    ap.add_argument("--simulated", type=Path, default=None, metavar="CACHE", help=twins)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: models/cues)")
    args = ap.parse_args(argv)
    clf, settings = load_model(args.model), CueSettings()
    reference = corpus_clips(args.reference)
    ev = diagnose(corpus_clips(args.split), reference, clf, settings)
    print(report(ev))
    if args.simulated:
        sim = diagnose(simulated_twins(args.split, args.simulated), reference, clf, settings)
        print(f"\nthe same scenarios, simulated poses:\n{report(sim)}")
        key = ["clip", "cue", "person", "start"]
        both = ev.merge(sim[[*key, "cause"]], on=key, suffixes=("", "_sim"))
        print("\nrendered (rows) against simulated (columns), the same events:")
        print(pd.crosstab(both["cause"], both["cause_sim"]).to_string())
    if args.json:
        args.json.write_text(json.dumps(ev.replace({np.nan: None}).to_dict("records"), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
