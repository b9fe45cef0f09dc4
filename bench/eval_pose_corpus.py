"""Pose engine scores on the studio corpus (clips no test or setting was tuned on).

Reads each clip's committed analysis (`corpus/*/<clip>/analysis/`, made by `cuedetect corpus` with the
same pipeline as `cuedetect analyze`) and scores it against its `gt.json`; prints per-split totals, and
for the style-split corpora (whose gt.json names the camera set-up) one line per framing.

    .venv/bin/python bench/eval_pose_corpus.py [corpus/heldout corpus/train corpus/style_heldout]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.landmarks import LANDMARK_NAMES, NUM_LANDMARKS
from cuedetect.pose.evaluate import BODY_JOINTS, evaluate_dir

ROOT = Path(__file__).resolve().parent.parent


def analysed(split: Path) -> list[Path]:
    """The clips of a corpus folder whose poses have been extracted."""
    return [c for c in sorted(split.iterdir()) if (c / "analysis" / "analysis.json").exists()]


def framing_of(clip: Path) -> str:
    return json.loads((clip / "gt.json").read_text()).get("framing", "classic")


def found_rate(clip: Path) -> tuple[int, int, int, int]:
    """(person-frames in view, of them found, people in view, of them found in at least one frame): a
    detection whose joints inside the image lie on the person.

    Joints outside the image are not judged (a detector only guesses them), so a head-and-shoulders
    close-up counts as found when its head, shoulders and arms are where they are. Distances are in the
    person's full body height (all joints, also those out of view), at the same 0.25 as the pose scores.
    """
    analysis = json.loads((clip / "analysis" / "analysis.json").read_text())
    gt = json.loads((clip / "gt.json").read_text())
    poses = pd.read_parquet(clip / "analysis" / "poses.parquet")
    analysed = set(analysis["analysed_frame_index"])
    xs, ys = [f"x{j}" for j in range(NUM_LANDMARKS)], [f"y{j}" for j in range(NUM_LANDMARKS)]
    by_frame = {
        int(f): np.stack([g[xs].to_numpy(float), g[ys].to_numpy(float)], axis=2)
        for f, g in poses.groupby("frame")
    }
    seen = found = 0
    people: dict[str, bool] = {}  # person in view at least once -> found at least once
    for row in gt["frames"]:
        if row["frame"] not in analysed:
            continue
        det = by_frame.get(row["frame"], np.zeros((0, NUM_LANDMARKS, 2)))
        for pid, person in row["persons"].items():
            if not person.get("visible", True):
                continue
            seen += 1
            people.setdefault(pid, False)
            xy = np.array([person["joints"][n] for n in LANDMARK_NAMES], dtype=float)
            height = max(float(xy[:, 1].max() - xy[:, 1].min()), 0.02)
            inside = [j for j in BODY_JOINTS if (xy[j] >= 0).all() and (xy[j] <= 1).all()]
            for d in det:
                err = np.linalg.norm(d[inside] - xy[inside], axis=1)
                err = err[np.isfinite(err)]
                if len(err) >= 3 and err.mean() / height <= 0.25:
                    found += 1
                    people[pid] = True
                    break
    return seen, found, len(people), sum(people.values())


def score_clips(clip_dirs: list[Path]) -> dict[str, float]:
    tot = dict.fromkeys(("gt", "matched", "close", "close_matched", "det", "tp", "switches", "multi_s"), 0.0)
    floor_sum, floor_n, clips = 0.0, 0, 0
    for clip in clip_dirs:
        s = evaluate_dir(clip / "analysis", clip / "gt.json")
        clips += 1
        tot["gt"] += s.gt_person_frames
        tot["matched"] += s.matched
        tot["close"] += s.close_person_frames
        tot["close_matched"] += s.close_matched
        tot["det"] += s.detections
        tot["tp"] += s.true_positives
        tot["switches"] += s.id_switches
        tot["multi_s"] += s.multi_person_s
        if s.floor_frames:
            floor_sum += s.floor_mae_m * s.floor_frames
            floor_n += s.floor_frames
    return {
        "clips": clips,
        "person_frames": tot["gt"],
        "recall": tot["matched"] / tot["gt"] if tot["gt"] else float("nan"),
        "recall_close": tot["close_matched"] / tot["close"] if tot["close"] else float("nan"),
        "close_person_frames": tot["close"],
        "precision": tot["tp"] / tot["det"] if tot["det"] else float("nan"),
        "id_switches_per_60s": tot["switches"] / tot["multi_s"] * 60 if tot["multi_s"] else float("nan"),
        "two_person_minutes": tot["multi_s"] / 60,
        "floor_mae_m": floor_sum / floor_n if floor_n else float("nan"),
    }


def main() -> None:
    splits = [Path(a) for a in sys.argv[1:]] or [ROOT / "corpus" / "heldout", ROOT / "corpus" / "train"]
    for split in splits:
        clips = analysed(split)
        r = score_clips(clips)
        print(
            f"{split.name}: {r['clips']} clips, recall {r['recall']:.1%}, recall within 1 m "
            f"{r['recall_close']:.1%} ({r['close_person_frames']:.0f} person-frames), precision "
            f"{r['precision']:.1%}, id switches {r['id_switches_per_60s']:.2f} per 60 s "
            f"({r['two_person_minutes']:.1f} min of two-person video), floor distance MAE "
            f"{r['floor_mae_m']:.3f} m"
        )
        framings = sorted({framing_of(c) for c in clips})
        if framings != ["classic"]:
            for name in framings:
                group = [c for c in clips if framing_of(c) == name]
                f = score_clips(group)
                seen, found, people, people_found = np.sum([found_rate(c) for c in group], axis=0)
                print(
                    f"  {name}: {f['clips']} clips, found {found / seen:.1%} of {seen} person-frames "
                    f"in view, people found in any frame {people_found} of {people}, person recall "
                    f"{f['recall']:.1%}, precision {f['precision']:.1%}, "
                    f"floor distance MAE {f['floor_mae_m']:.3f} m"
                )


if __name__ == "__main__":
    main()
