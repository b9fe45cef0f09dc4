"""Ground truth as per-frame labels, and matching analysed persons to ground-truth persons."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.landmarks import LANDMARK_NAMES

# Joints that MediaPipe places reliably; used to match analysed persons to ground-truth persons.
_MATCH_JOINTS = [
    LANDMARK_NAMES.index(n)
    for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "nose", "left_knee", "right_knee")
]


def frame_labels(
    t: np.ndarray, events: list[dict], person: str, cues: tuple[str, ...] = CLASSIFIER_CUES
) -> np.ndarray:
    """(n, len(cues)) 0/1: which cues of `person` are on at each time (pair cues count for `person`)."""
    y = np.zeros((len(t), len(cues)), dtype=np.int8)
    col = {c: i for i, c in enumerate(cues)}
    for e in events:
        if e["cue"] in col and e["person"] == person:
            y[(t >= e["start"]) & (t <= e["end"]), col[e["cue"]]] = 1
    return y


def gt_joint_table(gt: dict) -> dict[str, pd.DataFrame]:
    """Ground-truth person id -> table indexed by frame with columns x{i}, y{i} of the matching joints."""
    rows: dict[str, list] = {}
    for fr in gt.get("frames", []):
        for pid, p in fr.get("persons", {}).items():
            if not p.get("visible", True):
                continue
            j = p["joints"]
            vals = [fr["frame"]]
            for i in _MATCH_JOINTS:
                xy = j.get(LANDMARK_NAMES[i], [np.nan, np.nan])
                if not (0.0 <= xy[0] <= 1.0 and 0.0 <= xy[1] <= 1.0):
                    xy = [np.nan, np.nan]  # out of the picture (a close-up's hips): nothing to compare
                vals += [xy[0], xy[1]]
            rows.setdefault(pid, []).append(vals)
    cols = ["frame"] + [f"{a}{i}" for i in _MATCH_JOINTS for a in ("x", "y")]
    return {pid: pd.DataFrame(r, columns=cols).set_index("frame") for pid, r in rows.items()}


def match_persons(poses: pd.DataFrame, gt: dict, max_cost: float = 0.08) -> dict:
    """Analysed person id -> ground-truth id, by mean joint distance over shared frames (Hungarian).

    Frame indices of the analysis and the ground truth are both indices in the source video; joints the
    ground truth has outside the picture are not compared. Persons whose median distance exceeds
    `max_cost` (normalized image units) stay unmatched. Several tracks can be one ground-truth person
    when they never share a frame (a track lost and found again).
    """
    gtj = gt_joint_table(gt)
    pids = sorted(poses["person"].unique().tolist())
    gids = sorted(gtj)
    if not pids or not gids:
        return {}
    cost = np.full((len(pids), len(gids)), 1e3)
    cols = [f"{a}{i}" for i in _MATCH_JOINTS for a in ("x", "y")]
    for a, pid in enumerate(pids):
        det = poses[poses["person"] == pid].groupby("frame")[cols].mean()
        for b, gid in enumerate(gids):
            ref = gtj[gid]
            common = det.index.intersection(ref.index)
            if len(common) == 0:
                continue
            d = det.loc[common].to_numpy().reshape(len(common), -1, 2) - ref.loc[common].to_numpy().reshape(
                len(common), -1, 2
            )
            dist = np.sqrt((d**2).sum(-1))
            if np.isfinite(dist).any():
                cost[a, b] = float(np.nanmedian(dist))
    r, c = linear_sum_assignment(cost)
    out = {pids[i]: gids[j] for i, j in zip(r, c, strict=True) if cost[i, j] <= max_cost}
    # A person the tracker lost and found again is two tracks: a later piece that never overlaps the
    # tracks already given to its nearest ground-truth person is that person too (else its events
    # would count as another person's false alarms, and the person's as misses).
    frames = {pid: set(poses.loc[poses["person"] == pid, "frame"].tolist()) for pid in pids}
    for a in np.argsort(cost.min(axis=1)):
        pid, b = pids[a], int(np.argmin(cost[a]))
        if pid in out or cost[a, b] > max_cost:
            continue
        taken = set().union(*(frames[q] for q, g in out.items() if g == gids[b]))
        if not frames[pid] & taken:
            out[pid] = gids[b]
    return out
