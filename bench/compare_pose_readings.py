"""Two pose readings of the same studio clips, side by side: how far the landmarks move between them (the
run-to-run noise of our own measurement) and, event by event, what that does to a cue's inputs.

    git archive d1ab9c0~1 corpus/style_heldout | tar -x -C /tmp/old     # the dev split's earlier poses
    .venv/bin/python bench/compare_pose_readings.py corpus/style_heldout /tmp/old/corpus/style_heldout
        [--cues hands_hidden fists_up pointing] [--json F]

Landmarks are compared per ground-truth person on the frames both readings have them (each reading's
tracks matched to the person as the scorer matches them): image distance in pixels, visibility, world
coordinates (cm) and whether the world shoulders swap sides (the left-right reading of the body flips:
every feature of the body's forward axis then changes sign). Per event of the chosen cues: the
committed model's peak probability in each reading and the cue's most used features (split gain, as
bench/diagnose_cue_misses.py) inside the event, old -> new.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cues.detect import load_model
from cuedetect.cues.geometry import _left_is_higher, world_features
from cuedetect.cues.settings import CueSettings
from cuedetect.landmarks import INDEX as I
from cuedetect.training.dataset import load_gt_dir

sys.path.insert(0, str(Path(__file__).parent))
from diagnose_cue_misses import clip_events, feature_gain

WRISTS = [I["left_wrist"], I["right_wrist"]]


def person_frames(clip) -> dict[str, dict[int, tuple]]:
    """gt person -> frame -> (xy, vis, world) of the track matched to them."""
    out: dict[str, dict[int, tuple]] = {}
    for tr in clip.tracks:
        who = clip.mapping.get(tr.person)
        if who is None:
            continue
        rows = out.setdefault(str(who), {})
        for k, f in enumerate(tr.frame):
            rows[int(f)] = (tr.xy[k], tr.vis[k], tr.world[k])
    return out


def shoulder_side(world: np.ndarray) -> float:
    """+1 / -1: which way the world right shoulder lies from the left one along the camera's x."""
    return float(np.sign(world[I["right_shoulder"], 0] - world[I["left_shoulder"], 0]))


def left_arm_is_hi(world: np.ndarray) -> np.ndarray:
    """Per frame: is the left arm the features' "hi" arm (its wrist higher along the torso's up axis)?"""
    w = world * np.array([1.0, -1.0, 1.0])
    sh = 0.5 * (w[:, I["left_shoulder"]] + w[:, I["right_shoulder"]])
    up = sh - 0.5 * (w[:, I["left_hip"]] + w[:, I["right_hip"]])
    left, right = (((w[:, I[f"{s}_wrist"]] - sh) * up).sum(-1) for s in ("left", "right"))
    return _left_is_higher(left, right)


def arm_readings(world_a: np.ndarray, world_b: np.ndarray) -> dict[str, np.ndarray]:
    """Per frame, between two world readings: does the "hi" arm change sides, does the foremost wrist
    change from behind the torso to in front (or back), and by how much (torso lengths)."""
    fwd_a, fwd_b = world_features(world_a)["w_wr_fwd_max"], world_features(world_b)["w_wr_fwd_max"]
    return {"hi_swap": left_arm_is_hi(world_a) != left_arm_is_hi(world_b),
            "fwd_sign_flip": np.sign(fwd_a) * np.sign(fwd_b) < 0,
            "fwd_max_change": np.abs(fwd_a - fwd_b)}  # fmt: skip


def landmark_noise(old, new, size: tuple[int, int]) -> list[dict]:
    """One row per (person, frame) both readings have: differences of the landmarks."""
    a, b = person_frames(old), person_frames(new)
    scale = np.array(size, float)
    rows = []
    for who in sorted(set(a) & set(b)):
        frames = sorted(set(a[who]) & set(b[who]))
        if not frames:
            continue
        world_a, world_b = (np.stack([r[who][f][2] for f in frames]) for r in (a, b))
        arms = arm_readings(world_a, world_b)
        for k, f in enumerate(frames):
            (xa, va, wa), (xb, vb, wb) = a[who][f], b[who][f]
            d_px = np.linalg.norm((xa - xb) * scale, axis=-1)
            d_w = np.abs(wa - wb) * 100.0
            rows.append({
                "clip": old.name, "framing": old.meta.get("framing"), "person": who, "frame": f,
                "px_all": float(np.nanmean(d_px)), "px_wrists": float(np.nanmean(d_px[WRISTS])),
                "vis_all": float(np.nanmean(np.abs(va - vb))),
                "vis_wrists": float(np.nanmean(np.abs(va[WRISTS] - vb[WRISTS]))),
                "world_cm": float(np.nanmean(np.linalg.norm(wa - wb, axis=-1) * 100.0)),
                "world_z_wrists_cm": float(np.nanmean(d_w[WRISTS, 2])),
                "side_flip": bool(shoulder_side(wa) * shoulder_side(wb) < 0),
                "hi_swap": bool(arms["hi_swap"][k]), "fwd_sign_flip": bool(arms["fwd_sign_flip"][k]),
                "fwd_max_change": float(arms["fwd_max_change"][k]),
            })  # fmt: skip
    return rows


def summarize_noise(rows: pd.DataFrame) -> str:
    cols = ["px_all", "px_wrists", "vis_all", "vis_wrists", "world_cm", "world_z_wrists_cm"]
    lines = [f"{len(rows)} person-frames in both readings ({rows['clip'].nunique()} clips)"]
    for c in cols:
        v = rows[c].dropna()
        lines.append(f"  {c:18s} mean {v.mean():7.3f}  median {v.median():7.3f}  p90 {v.quantile(0.9):7.3f}")
    lines.append(f"  shoulders swap sides in world: {rows['side_flip'].mean():.1%} of person-frames")
    lines.append(f"  the features' hi (higher-wrist) arm changes sides: {rows['hi_swap'].mean():.1%}")
    v = rows["fwd_max_change"].dropna()
    lines.append(f"  foremost wrist's forward position (w_wr_fwd_max, torso lengths) changes by mean "
                 f"{v.mean():.3f}, median {v.median():.3f}, p90 {v.quantile(0.9):.3f}; changes sign "
                 f"(behind <-> in front) on {rows['fwd_sign_flip'].mean():.1%}")  # fmt: skip
    return "\n".join(lines)


def event_rows(old, new, clf, settings, cues: list[str], gain: dict, top: int) -> list[dict]:
    """Per ground-truth event of `cues`: peak probability and top features' means, old and new."""
    ro, fo = clip_events(old, clf, settings)
    rn, fn = clip_events(new, clf, settings)
    side = {}
    for name, inside in (("old", fo), ("new", fn)):
        side[name] = {int(x["event"].iloc[0]): x for x in inside}
    out = []
    for i, (eo, en) in enumerate(zip(ro, rn, strict=True)):
        if eo["cue"] not in cues:
            continue
        row = {k: eo[k] for k in ("clip", "cue", "style", "person", "start", "end", "framing")}
        for key, name in (("p_max", "p"), ("tracked", "tracked"), ("best_iou", "iou")):
            row[f"{name}_old"], row[f"{name}_new"] = eo[key], en[key]
        for feat in gain[eo["cue"]].head(top).index:
            for name in ("old", "new"):
                f = side[name].get(i)
                row[f"{feat}|{name}"] = float(f[feat].mean()) if f is not None and len(f) else np.nan
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("new", type=Path, help="split folder with the newer poses")
    ap.add_argument("old", type=Path, help="the same clips with the older poses")
    ap.add_argument("--cues", nargs="+", default=["hands_hidden", "fists_up", "pointing"])
    ap.add_argument("--top", type=int, default=3, help="features per cue to show (by split gain)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", "Mean of empty slice", RuntimeWarning)
    clf, settings = load_model(None), CueSettings()
    gain = feature_gain(clf)
    noise, events = [], []
    for d in sorted(p for p in args.new.iterdir() if (p / "gt.json").exists()):
        if not (args.old / d.name / "gt.json").exists():
            continue
        old, new = load_gt_dir(args.old / d.name), load_gt_dir(d)
        size = tuple(json.loads((d / "gt.json").read_text()).get("size", (640, 360)))
        noise += landmark_noise(old, new, size)
        events += event_rows(old, new, clf, settings, args.cues, gain, args.top)
    nz, ev = pd.DataFrame(noise), pd.DataFrame(events)
    print(summarize_noise(nz))
    per_clip = nz.groupby("clip")[["px_all", "px_wrists", "world_cm"]].mean()
    print(f"clips with identical landmarks (mean 0 px): {(per_clip.px_all < 1e-6).sum()} of {len(per_clip)}")
    by = nz.groupby("framing")[["px_all", "world_cm", "hi_swap", "fwd_sign_flip", "fwd_max_change"]]
    print(by.mean().round(3).to_string())
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", 40)
    for cue in args.cues:
        s = ev[ev.cue == cue].drop(columns=["cue"]).dropna(axis=1, how="all")
        print(f"\n{cue}\n{s.round(3).to_string(index=False)}")
    if args.json:
        doc = {"noise": nz.to_dict("records"), "events": ev.replace({np.nan: None}).to_dict("records")}
        args.json.write_text(json.dumps(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
