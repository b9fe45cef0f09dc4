"""Hand-state accuracy against the studio's ground truth, on rendered clips not used for tuning.

Four one-person clips (960x540, 4 fps, 28 s), each showing every hand shape in its own order: fists up,
open hands, pointing (either hand), raised hands, thumbs-up (either hand), a fist and an open palm held
low, relaxed hands between. `hands_tune` (one body, skin, camera) is the only clip the state rules were
tuned on; `hands_eval_a..c` (other bodies, skins, sleeves, camera azimuths, distances, heights and
fields of view) are held out. A hand is scored when its ground-truth state is defined (not between
shapes), it is in view, not tucked away, and at least 40 px tall (`gt.json` `size_px`); a hand the
stage did not read counts as wrong ("(none)").

    .venv/bin/python bench/eval_hands.py [--out .cache/eval_hands] [--clips hands_eval_a,...]

Needs Blender for the first run (`python3 dev.py studio-setup`); renders are cached in `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("cuedetect"))
CLIPS = {  # name: (seed, sex, height, skin, shirt, long sleeves, azimuth, distance, camera height, fov)
    "hands_tune": (1, 0.2, 1.66, "light", [0.20, 0.42, 0.62], True, 0, 2.4, 1.5, 55),
    "hands_eval_a": (2, 0.9, 1.84, "dark", [0.72, 0.22, 0.15], False, 25, 2.8, 1.7, 55),
    "hands_eval_b": (3, 0.5, 1.72, "tan", [0.25, 0.55, 0.35], True, -30, 2.2, 1.3, 60),
    "hands_eval_c": (4, 0.05, 1.58, "deep", [0.85, 0.70, 0.20], False, 10, 3.2, 2.0, 50),
}
ACTS = [
    ("cue", "fists_up", "both"), ("cue", "open_hands", "both"), ("cue", "pointing", "right"),
    ("gesture", "thumb_up", "right"), ("cue", "hands_raised", "left"), ("gesture", "thumb_up", "left"),
    ("gesture", "fist", "both"), ("cue", "pointing", "left"), ("gesture", "open_palm", "right"),
]  # fmt: skip


def scenario(name: str) -> dict:
    seed, sex, h, skin, shirt, longs, az, dist, camh, fov = CLIPS[name]
    order = np.random.default_rng(seed).permutation(len(ACTS))
    t, timeline = 0.8, []
    for k in order:
        kind, what, hand = ACTS[k]
        timeline.append({"at": round(t, 2), kind: what, "hand": hand, "hold": 1.6, "transition": 0.4})
        t += 3.0
    return {
        "name": name, "seed": seed,
        "video": {"width": 960, "height": 540, "fps": 4, "duration": round(t + 0.5, 1)},
        "camera": {"azimuth_deg": az, "distance_m": dist, "height_m": camh, "look_at": [0, 1.2, 1.25],
                   "fov_deg": fov},
        "persons": [
            {"id": "A", "role": "client", "start": [0.0, 1.2],
             "body": {"sex": sex, "height_m": h, "skin": skin, "hair": "short"},
             "clothes": {"shirt": shirt, "long_sleeves": longs}, "timeline": timeline},
            {"id": "B", "role": "trainee", "start": [0.3, -3.5]},  # behind the camera: A faces it
        ],
    }  # fmt: skip


def prepare(folder: Path, name: str) -> Path:
    """Render (once) and analyse (once, hands on) one clip; returns its folder."""
    d = folder / name
    d.mkdir(parents=True, exist_ok=True)
    if not (d / "gt.json").exists():
        (d / "scenario.yaml").write_text(yaml.safe_dump(scenario(name), sort_keys=False))
        subprocess.run([CLI, "synth", str(d / "scenario.yaml"), "--out", str(d)], check=True)
    if not (d / "an" / "hands.parquet").exists():
        subprocess.run([CLI, "analyze", str(d / f"{name}.mp4"), "--out", str(d / "an"), "--overwrite",
                        "--no-register", "--no-cues", "-q"], check=True)  # fmt: skip
    return d


def score(d: Path) -> pd.DataFrame:
    """One row per analysed hand with its ground truth: pred, gt, size, occluded, in view."""
    gt = json.loads((d / "gt.json").read_text())
    hands = pd.read_parquet(d / "an" / "hands.parquet")
    poses = pd.read_parquet(d / "an" / "poses.parquet").set_index(["frame", "person"])
    rows = []
    for r in hands.itertuples():
        persons = gt["frames"][int(r.frame)]["persons"]
        nose = poses.loc[(r.frame, r.person), ["x0", "y0"]].to_numpy(float)
        gid = min(persons, key=lambda g: float(np.abs(np.array(persons[g]["joints"]["nose"]) - nose).sum()))
        h = persons[gid]["hands"][r.side]
        rows.append({"clip": d.name, "frame": r.frame, "side": r.side, "status": r.status,
                     "pred": r.state if isinstance(r.state, str) else "(none)", "gt": h["state"],
                     "size": h["size_px"], "occluded": h["occluded"], "in_view": h["in_view"]})  # fmt: skip
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / ".cache" / "eval_hands")
    ap.add_argument("--clips", default="hands_eval_a,hands_eval_b,hands_eval_c")
    ap.add_argument("--min-px", type=float, default=40.0)
    args = ap.parse_args()
    os.environ.setdefault("GLOG_minloglevel", "2")
    df = pd.concat([score(prepare(args.out, n)) for n in args.clips.split(",")])
    ev = df[df["gt"].notna() & ~df["occluded"] & df["in_view"] & (df["size"] >= args.min_px)]
    read = ev[ev["pred"] != "(none)"]
    print(f"clips: {args.clips}; hands scored (>= {args.min_px:g} px, in view, not tucked away): {len(ev)}")
    print(f"hand-state accuracy: {(ev['pred'] == ev['gt']).mean():.3f} "
          f"(on the {len(read)} hands read: {(read['pred'] == read['gt']).mean():.3f}; "
          f"not read: {1 - len(read) / len(ev):.1%})")  # fmt: skip
    print("\nper state (share of the hands in that true state read as it; not read counts as wrong):")
    for state, grp in ev.groupby("gt"):
        unread = (grp["pred"] == "(none)").mean()
        print(f"  {state:<10} {(grp['pred'] == state).mean():.3f} of {len(grp)} (not read {unread:.1%})")
    print("\nconfusion (rows: ground truth, columns: read state)")
    print(pd.crosstab(ev["gt"], ev["pred"]).to_string())


if __name__ == "__main__":
    main()
