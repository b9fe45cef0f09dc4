"""Event scores of a cue model on a studio split as rendered and seen in a mirror, side by side.

    .venv/bin/python bench/eval_mirrored.py corpus/heldout [--model models/cues] [--baseline]
        [--simulated N] [--json F]

Mirroring (`training.augment.mirror`: x flipped, left and right landmarks swapped, floor x flipped) keeps
the distances, so the pair rules score the same; a model that reads only mirror-invariant features scores
the same too, up to the found persons' order. A model that learned on which side of the picture the
studio puts each role loses the cues of that role in the mirror. `--simulated N` scores N studio-sim
clips of the held-out styles cached in the folder (as `cuedetect evaluate --simulated-heldout N`).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from cuedetect.cues.detect import load_model
from cuedetect.training.augment import mirror
from cuedetect.training.dataset import discover
from cuedetect.training.scoring import score_clips


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("clips", type=Path)
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: models/cues)")
    ap.add_argument("--baseline", action="store_true", help="score the geometric baseline instead")
    ap.add_argument("--simulated", type=int, default=0, help="score N simulated held-out clips cached here")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if args.simulated:
        from cuedetect.training.studio_sim import HELDOUT_FIRST_SEED, simulated_clips

        clips = simulated_clips(args.clips, args.simulated, HELDOUT_FIRST_SEED, split="heldout")
    else:
        clips = [c for c in discover(args.clips) if c.source in ("corpus", "gt-joints")]
    clf = None if args.baseline else load_model(args.model)
    plain = score_clips(clips, clf)
    mirrored = score_clips([replace(c, tracks=mirror(c.tracks)) for c in clips], clf)
    who = "baseline" if args.baseline else str(args.model or "models/cues")
    print(f"{len(clips)} clips of {args.clips}, {who}")
    print("| cue | F1 | F1 mirrored | TP/FP/FN | TP/FP/FN mirrored |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for c in plain.cues():
        a, b = plain.events[c], mirrored.events[c]
        print(f"| `{c}` | {a.f1:.2f} | {b.f1:.2f} | {a.tp}/{a.fp}/{a.fn} | {b.tp}/{b.fp}/{b.fn} |")
    print(f"| **macro** | **{plain.macro_f1():.3f}** | **{mirrored.macro_f1(plain.cues()):.3f}** | | |")
    if args.json:
        args.json.write_text(json.dumps({"plain": plain.to_json(), "mirrored": mirrored.to_json()}, indent=1))


if __name__ == "__main__":
    main()
