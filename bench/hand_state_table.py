"""The learned hand-state model's training table from studio renders (`models/hands/state_train.parquet`).

Each clip is rendered once (Blender; `python3 dev.py studio-setup`) and analysed (as `eval_hands.prepare`),
its hands read again with the current stage (`tune_hands.reread`, poses and raw tracks kept), and every
hand the ground truth defines (in view, not tucked away, not between shapes) labelled with its true state
(`cuedetect.training.hand_states.label_hands`). Then `cuedetect train-hands` fits the model from the table.

The clips are the hand-state tuning renders (`TUNING`), never `eval_hands.HELD_OUT`: `hands_tune` at 15
fps, `hands_tune_b` and `hands_eval_a` at 4 fps, and four style-train corpus clips at 15 fps. A name
ending in `15` / `_15fps` is the clip of that name without it (`eval_hands.CLIPS` or `corpus/style_train`),
rendered at 15 fps.

    .venv/bin/python bench/hand_state_table.py [--out .cache/eval_hands] [--table FILE]
    .venv/bin/python bench/hand_state_table.py --reads DIR  # hands tables already read: DIR/<clip>.parquet

The committed table (2026-12-07) was built with `--reads` from the hands the stage of main 0d85b1c read on
these seven renders (made 10:47-11:14 after the studio's hand fix; `hands_tune_b` and `hands_eval_a`'s
renders were not kept, their gt.json comes from the studio's ground truth without rendering,
`studio.render.ground_truth`, which reproduces `hands_tune15`'s rendered gt.json exactly); the rules score
0.742 on its 1522 hands at least 40 px tall, as `tune_hands.py --search` did on the renders.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_hands

TUNING = ("hands_tune15", "hands_tune_b", "hands_eval_a", "train_00050_15fps", "train_00002_15fps",
          "train_00025_15fps", "train_00038_15fps")  # fmt: skip


def scenario(name: str) -> dict:
    """The scenario of a tuning clip: a hand clip or a style-train clip, at 15 fps for the `15` names."""
    base = name.removesuffix("_15fps").removesuffix("15")
    if base in eval_hands.CLIPS:
        sc = eval_hands.scenario(base)
    else:
        sc = yaml.safe_load((eval_hands.REPO / "corpus" / "style_train" / base / "scenario.yaml").read_text())
    if base != name:
        fps = 15.0 if isinstance(sc["video"]["fps"], float) else 15  # as the renders were written
        sc = {**sc, "name": name, "video": {**sc["video"], "fps": fps}}
    return sc


def ground_truth_only(d: Path, name: str) -> None:
    """`d/gt.json` of clip `name` from the studio's ground truth, without rendering."""
    from cuedetect.studio.render import compile_scenario, ground_truth
    from cuedetect.studio.scenario import load

    d.mkdir(parents=True, exist_ok=True)
    if not (d / "scenario.yaml").exists():
        (d / "scenario.yaml").write_text(yaml.safe_dump(scenario(name), sort_keys=False))
    if not (d / "gt.json").exists():
        sc = load(d / "scenario.yaml")
        (d / "gt.json").write_text(json.dumps(ground_truth(compile_scenario(sc), f"{name}.mp4")))


def main() -> None:
    from cuedetect.hands.state_model import TABLE_FILE, model_folder
    from cuedetect.training.hand_states import label_hands, rule_states, scored, write_table

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=eval_hands.REPO / ".cache" / "eval_hands")
    ap.add_argument("--clips", default=",".join(TUNING))
    ap.add_argument("--reads", type=Path, help="hands tables already read (<clip>.parquet); no rendering")
    ap.add_argument("--table", type=Path, default=model_folder() / TABLE_FILE)
    args = ap.parse_args()
    os.environ.setdefault("GLOG_minloglevel", "2")
    parts = []
    for name in args.clips.split(","):
        if set(args.clips.split(",")) & set(eval_hands.HELD_OUT):
            raise SystemExit("the held-out clips of eval_hands.py are never training clips")
        d = args.out / name
        if args.reads is not None:
            ground_truth_only(d, name)
            hands = pd.read_parquet(args.reads / f"{name}.parquet")
        else:
            import subprocess

            import tune_hands

            d.mkdir(parents=True, exist_ok=True)
            if not (d / "gt.json").exists():  # rendered once, analysed once (as eval_hands.prepare)
                (d / "scenario.yaml").write_text(yaml.safe_dump(scenario(name), sort_keys=False))
                synth = [eval_hands.CLI, "synth", str(d / "scenario.yaml"), "--out", str(d)]
                subprocess.run(synth, check=True)
            if not (d / "an" / "poses.parquet").exists():
                analyse = [eval_hands.CLI, "analyze", str(d / f"{name}.mp4"), "--out", str(d / "an"),
                           "--overwrite", "--no-register", "--no-cues", "--no-voice", "-q"]  # fmt: skip
                subprocess.run(analyse, check=True)
            if not (d / "raw_tracks.npz").exists():
                tune_hands.save_raw_tracks(d, d / f"{name}.mp4", d / "an")
            hands, _ = tune_hands.reread(d)
        parts.append(label_hands(d, hands, name))
        print(f"{name}: {len(parts[-1])} hands labelled", flush=True)
    table = pd.concat(parts, ignore_index=True)
    write_table(table, args.table)
    s = scored(table).to_numpy()
    right = (rule_states(table)[s] == table["label"].to_numpy(object)[s]).mean()
    print(f"{args.table}: {len(table)} hands ({s.sum()} at least 40 px tall; the rules read {right:.3f})")


if __name__ == "__main__":
    main()
