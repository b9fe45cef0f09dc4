"""Scoring an analysis against the studio's ground truth (`gt.json`).

Per analysed frame, the ground-truth persons marked visible are matched one-to-one to the detected
skeletons (Hungarian) on the mean image distance of body joints, in units of the ground-truth person's
height in the image; a pair farther apart than `max_error` is no match. From the matches:

* recall: matched / visible ground-truth person-frames; `recall_close` the same over frames whose
  `distance_m` is below `close_m` (1.0 m);
* precision: detections matched to a visible person / all detections (a detection matching a person
  the ground truth marks not visible is neither right nor wrong, and is not counted);
* id switches: for each ground-truth person, times the detected id matched to them changes (CLEAR-MOT
  style, gaps ignored), per 60 s of frames with two or more persons visible;
* floor distance error: |pairs.distance_m - gt distance_m| where both persons are matched.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from cuedetect.landmarks import INDEX, LANDMARK_NAMES, NUM_LANDMARKS

BODY_JOINTS = tuple(
    INDEX[n]
    for n in (
        "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
        "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    )
)  # fmt: skip


@dataclass(frozen=True)
class PoseScores:
    """Detection and identity scores of one analysis (see the module docstring)."""

    frames: int
    gt_person_frames: int
    matched: int
    recall: float
    close_person_frames: int
    close_matched: int
    recall_close: float
    detections: int
    true_positives: int
    precision: float
    id_switches: int
    multi_person_s: float
    switches_per_60s: float
    mean_joint_error: float  # in ground-truth body heights, over matches
    floor_frames: int
    floor_mae_m: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _gt_arrays(person: dict[str, Any]) -> np.ndarray:
    xy = np.full((NUM_LANDMARKS, 2), np.nan)
    for name, p in person.get("joints", {}).items():
        if name in INDEX and p is not None:
            xy[INDEX[name]] = p
    return xy


def match_frame(
    gt_xy: list[np.ndarray], det_xy: np.ndarray, max_error: float
) -> list[tuple[int, int, float]]:
    """(gt index, detection index, error in body heights) for the matched pairs of one frame."""
    if not gt_xy or not len(det_xy):
        return []
    joints = list(BODY_JOINTS)
    cost = np.full((len(gt_xy), len(det_xy)), np.inf)
    for i, g in enumerate(gt_xy):
        gj = g[joints]
        ys = g[np.isfinite(g).all(axis=1), 1]
        height = max(float(ys.max() - ys.min()), 0.02) if len(ys) else 1.0
        for j in range(len(det_xy)):
            d = np.linalg.norm(gj - det_xy[j][joints], axis=1)
            d = d[np.isfinite(d)]
            if len(d) >= 4:
                cost[i, j] = float(d.mean()) / height
    finite = np.where(np.isfinite(cost), cost, 1e6)
    rows, cols = linear_sum_assignment(finite)
    pairs = zip(rows, cols, strict=True)
    return [(int(r), int(c), float(cost[r, c])) for r, c in pairs if cost[r, c] <= max_error]


def evaluate(
    poses: Any,
    gt: dict[str, Any],
    analysed_frames: np.ndarray | list[int],
    pairs: Any | None = None,
    max_error: float = 0.25,
    close_m: float = 1.0,
) -> PoseScores:
    """Score `poses` (a poses.parquet DataFrame) against `gt` on the frames that were analysed."""
    analysed = set(int(f) for f in analysed_frames)
    gt_frames = {int(f["frame"]): f for f in gt["frames"] if int(f["frame"]) in analysed}
    xs = [f"x{j}" for j in range(NUM_LANDMARKS)]
    ys = [f"y{j}" for j in range(NUM_LANDMARKS)]
    det_by_frame: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for frame, group in poses.groupby("frame"):
        xy = np.stack([group[xs].to_numpy(float), group[ys].to_numpy(float)], axis=2)
        det_by_frame[int(frame)] = (group["person"].to_numpy(int), xy)
    pair_d: dict[tuple[int, int, int], float] = {}
    if pairs is not None and len(pairs):
        for row in pairs.itertuples(index=False):
            a, b = sorted((int(row.person), int(row.other)))
            pair_d[(int(row.frame), a, b)] = float(row.distance_m)

    n_gt = n_match = n_close = n_close_match = n_det = n_tp = switches = 0
    errors: list[float] = []
    floor_err: list[float] = []
    last_id: dict[str, int] = {}
    multi_t = 0.0
    times = sorted((f, gt_frames[f]["t"]) for f in gt_frames)
    step = (times[-1][1] - times[0][1]) / (len(times) - 1) if len(times) > 1 else 0.0
    for frame, _t in times:
        g = gt_frames[frame]
        visible = [(pid, p) for pid, p in g["persons"].items() if p.get("visible", True)]
        hidden = [(pid, p) for pid, p in g["persons"].items() if not p.get("visible", True)]
        ids, det_xy = det_by_frame.get(frame, (np.zeros(0, int), np.zeros((0, NUM_LANDMARKS, 2))))
        matches = match_frame([_gt_arrays(p) for _, p in visible], det_xy, max_error)
        close = g.get("distance_m") is not None and float(g["distance_m"]) < close_m
        n_gt += len(visible)
        n_match += len(matches)
        if close:
            n_close += len(visible)
            n_close_match += len(matches)
        matched_dets = {j for _, j, _ in matches}
        ignorable = {j for _, j, _ in match_frame([_gt_arrays(p) for _, p in hidden], det_xy, max_error)}
        n_det += len(ids) - len(ignorable - matched_dets)
        n_tp += len(matches)
        if len(visible) >= 2:
            multi_t += step
        who: dict[str, int] = {}
        for i, j, err in matches:
            pid = visible[i][0]
            errors.append(err)
            who[pid] = int(ids[j])
            if pid in last_id and last_id[pid] != who[pid]:
                switches += 1
            last_id[pid] = who[pid]
        if g.get("distance_m") is not None and len(who) >= 2:
            a, b = sorted(list(who.values())[:2])
            d = pair_d.get((frame, a, b))
            if d is not None:
                floor_err.append(abs(d - float(g["distance_m"])))
    return PoseScores(
        frames=len(times),
        gt_person_frames=n_gt,
        matched=n_match,
        recall=n_match / n_gt if n_gt else float("nan"),
        close_person_frames=n_close,
        close_matched=n_close_match,
        recall_close=n_close_match / n_close if n_close else float("nan"),
        detections=n_det,
        true_positives=n_tp,
        precision=n_tp / n_det if n_det else float("nan"),
        id_switches=switches,
        multi_person_s=multi_t,
        switches_per_60s=switches / multi_t * 60 if multi_t > 0 else 0.0,
        mean_joint_error=float(np.mean(errors)) if errors else float("nan"),
        floor_frames=len(floor_err),
        floor_mae_m=float(np.mean(floor_err)) if floor_err else float("nan"),
    )


def evaluate_dir(out_dir: str | Path, gt_path: str | Path, **kw: Any) -> PoseScores:
    """Score the analysis in `out_dir` (poses/pairs parquet, analysis.json) against `gt_path`."""
    import pandas as pd

    out = Path(out_dir)
    analysis = json.loads((out / "analysis.json").read_text())
    gt = json.loads(Path(gt_path).read_text())
    poses = pd.read_parquet(out / "poses.parquet")
    pairs = pd.read_parquet(out / "pairs.parquet")
    return evaluate(poses, gt, analysis["analysed_frame_index"], pairs, **kw)


def main(argv: list[str] | None = None) -> None:
    """`python -m cuedetect.pose.evaluate OUT_DIR GT_JSON [...]`: print the scores of analyses as JSON."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or len(args) % 2:
        raise SystemExit("usage: python -m cuedetect.pose.evaluate OUT_DIR GT_JSON [OUT_DIR GT_JSON ...]")
    for out, gt in zip(args[::2], args[1::2], strict=True):
        print(json.dumps({"analysis": out, "gt": gt, **evaluate_dir(out, gt).to_dict()}))


if __name__ == "__main__":
    main()


__all__ = ["BODY_JOINTS", "LANDMARK_NAMES", "PoseScores", "evaluate", "evaluate_dir", "match_frame"]
