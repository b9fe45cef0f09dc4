"""Why the pose engine misses a studio person: the detector itself, or the search around it?

For each ground-truth person in view of a rendered clip (CLIP/<name>.mp4 beside its gt.json, e.g. a
clip of `corpus/style_heldout` rendered again by `cuedetect synth CLIP/scenario.yaml --out CLIP`), every
`--step`-th frame: whether the clip's analysis (CLIP/analysis/) found them, and whether the search
landmarker (the one the full-frame, half-frame and tile searches use, IMAGE mode) finds them in a
square crop centred on them of each `--contexts` size (in the person's own body heights), and in the
whole frame. A hit is a pose whose joints inside the image lie on the person (mean error under 0.25
body heights, as `eval_pose_corpus.py` counts found); `--upper` judges the head, shoulders and arms
only (a person behind furniture, whose hidden legs the model guesses) and centres the crops on the
head and shoulders.

Reading the result: a person the crops find at a context the tile sweeps use (`TileSearchOptions.tile`
and `fine_tile` of the frame's shorter side, over the person's height) but the analysis misses is lost
by the search's schedule or its checks (`cuedetect.pose.tile_search`: one look per tile a sweep, the
second look, `whole_inside`); one the crops do not find at any size is beyond the detector.

    .venv/bin/python bench/diagnose_pose_misses.py CLIP [--step 6] [--contexts 1.5,2,2.4,3,3.6] [--upper]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.landmarks import LANDMARK_NAMES, NUM_LANDMARKS
from cuedetect.pose.evaluate import BODY_JOINTS
from cuedetect.pose.keypoints import CropBox, KeyPoints

ROOT = Path(__file__).resolve().parent.parent
UPPER = (0, 11, 12, 13, 14, 15, 16)


def hit(kp: KeyPoints, truth: np.ndarray, joints: list[int]) -> float | None:
    """The highest presence among the poses in `kp` that lie on the person (`truth`: 33 x 2), or None."""
    height = max(float(np.ptp(truth[:, 1])), 0.02)
    best = None
    for i in range(len(kp)):
        err = np.linalg.norm(kp.xy[i][joints] - truth[joints], axis=1)
        err = err[np.isfinite(err)]
        if len(err) >= 3 and err.mean() / height <= 0.25:
            best = max(best or 0.0, float(kp.confidence[i]))
    return best


def analysed_poses(clip: Path) -> dict[int, np.ndarray]:
    """The analysis' poses per frame (n x 33 x 2), empty where it has none."""
    path = clip / "analysis" / "poses.parquet"
    if not path.exists():
        return {}
    poses = pd.read_parquet(path)
    xs, ys = [f"x{j}" for j in range(NUM_LANDMARKS)], [f"y{j}" for j in range(NUM_LANDMARKS)]
    return {int(f): np.stack([g[xs].to_numpy(float), g[ys].to_numpy(float)], axis=2)
            for f, g in poses.groupby("frame")}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clip", type=Path)
    ap.add_argument("--step", type=int, default=6)
    ap.add_argument("--contexts", default="1.5,2,2.4,3,3.6")
    ap.add_argument("--upper", action="store_true")
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "pose_landmarker_full.task")
    args = ap.parse_args()

    import av

    from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions

    clip: Path = args.clip
    contexts = [float(c) for c in args.contexts.split(",")]
    gt = json.loads((clip / "gt.json").read_text())
    w, h = gt["size"]
    found_by_analysis = analysed_poses(clip)
    frames: dict[int, np.ndarray] = {}
    with av.open(str(clip / f"{clip.name}.mp4")) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i % args.step == 0:
                frames[i] = frame.to_ndarray(format="rgb24")
    tally: dict[str, np.ndarray] = {}
    print(f"{clip.name} ({gt.get('framing', '?')}, {w}x{h}): hits are the search landmarker's presence")
    print("frame person height occluded analysis | " + " ".join(f"{c:>5}" for c in contexts) + " | whole")
    with MultiPersonPoseDetector(PoseDetectorOptions(args.model)) as det:
        searcher = det._searcher(det.options.max_persons)
        for row in gt["frames"]:
            image = frames.get(row["frame"])
            if image is None:
                continue
            for pid, person in row["persons"].items():
                if not person.get("visible", True):
                    continue
                truth = np.array([person["joints"][n] for n in LANDMARK_NAMES], float)
                inside = [j for j in BODY_JOINTS if (truth[j] >= 0).all() and (truth[j] <= 1).all()]
                joints = [j for j in UPPER if j in inside] if args.upper else inside
                height = max(float(np.ptp(truth[:, 1])), 0.02)
                centre = truth[list(UPPER[:3])].mean(axis=0) if args.upper else truth[inside].mean(axis=0)
                mine = found_by_analysis.get(row["frame"], np.zeros((0, NUM_LANDMARKS, 2)))
                analysis = hit(KeyPoints(mine, np.ones(mine.shape[:2])), truth, joints) is not None
                hits = []
                for c in contexts:
                    side = int(min(c * height * h, w, h))
                    x0 = int(np.clip(centre[0] * w - side / 2, 0, w - side))
                    y0 = int(np.clip(centre[1] * h - side / 2, 0, h - side))
                    crop = np.ascontiguousarray(image[y0 : y0 + side, x0 : x0 + side])
                    kp = det._run(searcher, crop, None, CropBox(x0, y0, side, side, w, h), 0.0)
                    hits.append(hit(kp, truth, joints))
                hits.append(hit(det._run(searcher, image, None, None, 0.0), truth, joints))
                print(
                    f"{row['frame']:5d} {pid:>6} {height:6.1%} {float(person.get('occluded', 0) or 0):8.2f} "
                    f"{'found' if analysis else '-':>8} | "
                    + " ".join(f"{v:5.2f}" if v is not None else "    -" for v in hits)
                )
                counts = np.array([analysis, *[v is not None for v in hits]], float)
                tally[pid] = tally.get(pid, np.zeros(len(counts) + 1)) + np.array([1.0, *counts])
    print("\nshare of probed frames in view found, per person:")
    print("person frames analysis | " + " ".join(f"{c:>5}" for c in contexts) + " | whole")
    for pid, t in sorted(tally.items()):
        shares = t[1:] / t[0]
        print(f"{pid:>6} {int(t[0]):6d} {shares[0]:8.0%} | " + " ".join(f"{s:5.0%}" for s in shares[1:-1])
              + f" | {shares[-1]:5.0%}")  # fmt: skip


if __name__ == "__main__":
    main()
