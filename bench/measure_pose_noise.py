"""Measure the pose engine's errors on rendered studio clips against the studio's own joints.

    .venv/bin/python bench/measure_pose_noise.py corpus/style_train [--max-seed 59] [--out F]

Writes the profile that `cuedetect.training.pose_noise.apply_pose_noise` lays onto simulated training
clips (default: cuedetect/training/pose_noise.json) and prints its headline numbers. Measure on
training clips only (corpus/style_train), never on a held-out split.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cuedetect.training.pose_noise import PROFILE_PATH, measure, paired_clip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, nargs="+")
    ap.add_argument("--max-seed", type=int, default=None, help="only clips of seeds up to this")
    ap.add_argument("--out", type=Path, default=PROFILE_PATH)
    args = ap.parse_args(argv)
    paired, names = [], []
    for corpus in args.corpus:
        for d in sorted(p for p in corpus.iterdir() if (p / "gt.json").exists()):
            if "heldout" in json.loads((d / "gt.json").read_text()).get("split", ""):
                print(f"{d}: a held-out clip; not measured", file=sys.stderr)
                continue
            if args.max_seed is not None and json.loads((d / "gt.json").read_text())["seed"] > args.max_seed:
                continue
            clip = paired_clip(d)
            if clip is not None:
                paired.append(clip)
                names.append(d.name)
                print(f"{d.name} ({clip['framing']})", flush=True)
    profile = measure(paired)
    profile["clip_names"] = names
    args.out.write_text(json.dumps(profile, indent=1) + "\n")
    print(f"{len(paired)} clips -> {args.out}")
    print("found per framing:", profile["found"])
    print("swaps:", profile["swap"])
    for fr, groups in profile["error"].items():
        print(f"{fr}: median image error (torso lengths)",
              {g: q[profile['levels'].index(0.5)] for g, q in groups.items() if q})  # fmt: skip
    print("world:", profile["world"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
