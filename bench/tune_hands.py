"""Re-read the hands of rendered clips already analysed by `eval_hands.py`, with the current hand stage.

Tuning aid: the poses (`an/poses.parquet`) are kept, only the hand stage runs again (one process), so a
change to crops, re-reads or state rules is scored in a minute instead of a re-analysis. Prints the
accuracy per clip and pooled, as `eval_hands.py` scores it. The split stays `eval_hands.py`'s: tune on
`TUNING`, report on `eval_hands.HELD_OUT`.

    .venv/bin/python bench/tune_hands.py [--clips hands_tune,...] [--save]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_hands

TUNING = ("hands_tune", "hands_tune_b", "hands_eval_a", "hands_eval_b", "hands_eval_c")


def reread(d: Path, options=None) -> tuple[pd.DataFrame, dict]:
    """hands.parquet of clip folder `d` read again from its poses with the current stage."""
    from cuedetect.hands.stage import hands_table
    from cuedetect.hands.video import read_chunk
    from cuedetect.models.hand_provision import ensure_hand_model
    from cuedetect.pose.sources import probe_video

    poses = pd.read_parquet(d / "an" / "poses.parquet").sort_values(["frame", "person"])
    info = probe_video(d / f"{d.name}.mp4")
    xy = np.stack([poses[[f"x{j}" for j in range(33)]].to_numpy(float),
                   poses[[f"y{j}" for j in range(33)]].to_numpy(float)], axis=-1)  # fmt: skip
    vis = poses[[f"v{j}" for j in range(33)]].to_numpy(float)
    frames = np.unique(poses["frame"].to_numpy(np.int64))
    res = read_chunk(info, frames, poses["person"].to_numpy(np.int64), poses["frame"].to_numpy(np.int64),
                     xy, vis, ensure_hand_model(), 1280, options)  # fmt: skip
    return hands_table(res.rows, res.size), {**res.timings, **res.calls, "frames": len(frames)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=eval_hands.REPO / ".cache" / "eval_hands")
    ap.add_argument("--clips", default=",".join(TUNING))
    ap.add_argument("--min-px", type=float, default=40.0)
    ap.add_argument("--save", action="store_true", help="write each clip's an/hands.parquet")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a HandStageOptions field (a Python literal; crops.NAME for CropOptions)")
    args = ap.parse_args()
    import ast
    import dataclasses

    from cuedetect.hands.stage import HandStageOptions

    options = HandStageOptions()
    for item in args.set:
        key, value = item.split("=", 1)
        if key.startswith("crops."):  # a CropOptions field
            crops = dataclasses.replace(options.crops, **{key[6:]: ast.literal_eval(value)})
            options = dataclasses.replace(options, crops=crops)
        else:
            options = dataclasses.replace(options, **{key: ast.literal_eval(value)})
    os.environ.setdefault("GLOG_minloglevel", "2")
    scored, cpu, crops, frames = [], 0.0, 0, 0
    for name in args.clips.split(","):
        d = args.out / name
        t0 = time.process_time()
        hands, run = reread(d, options)
        cpu += time.process_time() - t0
        crops, frames = crops + run["hand_crops"], frames + run["frames"]
        if args.save:
            hands.to_parquet(d / "an" / "hands.parquet")
        df = eval_hands.score(d, hands)
        ev = eval_hands.scorable(df, args.min_px)
        print(f"{name:<15} {(ev['pred'] == ev['gt']).mean():.3f} of {len(ev)}", flush=True)
        scored.append(df)
    ev = eval_hands.scorable(pd.concat(scored), args.min_px)
    unread = (ev["pred"] == "(none)").mean()
    print(f"pooled {(ev['pred'] == ev['gt']).mean():.3f} of {len(ev)} (not read {unread:.1%}); "
          f"{crops / frames:.2f} crops and {1000 * cpu / frames:.1f} ms CPU per frame")
    print(pd.crosstab(ev["gt"], ev["pred"]).to_string())


if __name__ == "__main__":
    main()
