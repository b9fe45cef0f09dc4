"""Why hands go unread: one cause for each scored hand the stage did not read, on analysed renders.

Tuning aid for issue 13 (run it on `tune_hands.TUNING` and `hands_eval_a..c`, never on
`eval_hands.HELD_OUT`). Each clip folder's hands are read again from its poses, as `tune_hands.py` does,
with an instrumented stage that records, per person, side and frame, whether a crop was read, every crop
read (and the network's presence there, even under the threshold), and whether a found hand was kept by
the dedupe and the assignment. Each scored hand not read gets one cause:

- `person_not_tracked`: the ground-truth person has no tracked person (such hands are not in the score:
  `eval_hands.score` scores the tracked people's hands; counted apart);
- `no_crop`: the body gave no usable hand (`out_of_view`: wrist missing, faint or outside; `too_small`);
- `not_looked`: in view and not found lately, its next look not due (`retry.Miss` schedule);
- `crop_missed`: crops read, nothing found, and the true hand's centre lies outside every crop read;
- `net_nothing`: crops read around the true hand, the network's presence under the threshold in all;
- `found_dropped`: a hand found but deduped away or tied to no slot or to another one;
- `state_missing`: read but no state.

    .venv/bin/python bench/diagnose_hand_misses.py --out .cache/eval_hands --clips train_00050,...
        [--set NAME=VALUE ...] [--crops /tmp/crops]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_hands
import tune_hands

CAUSES = ("person_not_tracked", "no_crop", "not_looked", "crop_missed", "net_nothing", "found_dropped",
          "state_missing")  # fmt: skip


class _Recorder:
    """Wraps a hand reader: presence of every read (threshold applied here), grouped by the current slot."""

    def __init__(self, reader, min_presence: float) -> None:
        self.reader, self.min_presence = reader, min_presence
        self.key = None
        self.reads: dict = defaultdict(list)  # (frame, person, side) -> [(roi, presence)]

    def read(self, image, roi):
        hand = self.reader.read(image, roi)
        score = 0.0 if hand is None else hand.score
        self.reads[self.key].append((roi, score))
        return hand if hand is not None and score >= self.min_presence else None


def instrumented_read(d: Path, options) -> tuple[pd.DataFrame, dict, dict]:
    """The clip's hands read again (raw poses as `tune_hands.reread`), with what each slot's looks saw.

    Returns the hands table, {(frame, person, side): [(roi, presence)]} and {(frame, person, side): found}.
    """
    from cuedetect.hands.crops import with_faint_arms
    from cuedetect.hands.landmark_model import HandLandmarkModel, HandLandmarkModelOptions
    from cuedetect.hands.stage import HandStage, hands_table
    from cuedetect.models.hand_provision import ensure_hand_model
    from cuedetect.pose.sources import probe_video

    poses = pd.read_parquet(d / "an" / "poses.parquet").sort_values(["frame", "person"])
    info = probe_video(d / f"{d.name}.mp4")
    xy = np.stack([poses[[f"x{j}" for j in range(33)]].to_numpy(float),
                   poses[[f"y{j}" for j in range(33)]].to_numpy(float)], axis=-1)  # fmt: skip
    vis = poses[[f"v{j}" for j in range(33)]].to_numpy(float)
    fr, pe = poses["frame"].to_numpy(np.int64), poses["person"].to_numpy(np.int64)
    if (d / "raw_tracks.npz").exists():
        raw = np.load(d / "raw_tracks.npz")
        xy = with_faint_arms(fr, pe, xy, raw["frame"], raw["person"], raw["xy"])
    frames = np.unique(fr)
    found: dict = {}
    slots: dict = {}

    class Stage(HandStage):
        def _look(self, image, s, t):
            rec.key = (self._frame, s.person, s.side)
            slots[rec.key] = s
            hand = super()._look(image, s, t)
            found[rec.key] = hand
            return hand

    src = _source(info, frames)
    rows = []
    model_options = HandLandmarkModelOptions(ensure_hand_model(), min_presence=0.0)
    with src, HandLandmarkModel.create_from_options(model_options) as model:
        rec = _Recorder(model, options.min_presence)
        palm = None
        if options.palm_search is not None:
            from cuedetect.hands.palm import PalmDetector

            palm = PalmDetector.create(ensure_hand_model())
        stage = Stage(rec, options, palm)
        for frame in src:
            stage._frame = frame.index
            sel = np.flatnonzero(fr == frame.index)
            rows += stage.update(
                frame.image, frame.index, frame.t, [(int(pe[r]), xy[r], vis[r]) for r in sel]
            )
        size = src.size
    instrumented_read.slots = slots  # the slots looked at, for experiments
    return hands_table(rows, size), dict(rec.reads), found


def _source(info, frames: np.ndarray):
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    options = VideoSourceOptions(info.path, max_side=1280, indices=frames, info=info, decode_threads=False)
    return VideoFileSource.create_from_options(options)


def _inside(roi, point: np.ndarray) -> bool:
    """Is a frame point inside the turned square `roi`?"""
    up = roi.up / np.linalg.norm(roi.up)
    right = np.array([-up[1], up[0]])
    rel = np.asarray(point, float) - roi.centre
    return bool(abs(rel @ up) <= roi.side / 2 and abs(rel @ right) <= roi.side / 2)


def causes(d: Path, hands: pd.DataFrame, reads: dict, found: dict, min_px: float) -> pd.DataFrame:
    """One row per scored unread hand with its cause, plus the tracked-or-not count of the clip."""
    gt = json.loads((d / "gt.json").read_text())
    w, h = gt["size"]
    df = eval_hands.score(d, hands)
    df["row"] = np.arange(len(df))
    ev = eval_hands.scorable(df, min_px)
    out = []
    for r in ev[ev["pred"] == "(none)"].itertuples():
        hr = hands.iloc[r.row]
        key = (int(r.frame), int(hr.person), r.side)
        box = gt["frames"][int(r.frame)]["persons"][r.gt_person]["hands"][r.side]["box"]
        centre = np.array([(box[0] + box[2]) / 2 * w, (box[1] + box[3]) / 2 * h])
        looks = reads.get(key, [])
        best = max((p for _, p in looks), default=np.nan)
        if r.status in ("out_of_view", "too_small"):
            cause = "no_crop"
        elif r.status in ("read", "held"):
            cause = "state_missing"
        elif not looks:
            cause = "not_looked"
        elif found.get(key) is not None:
            cause = "found_dropped"
        elif not any(_inside(roi, centre) for roi, _ in looks):
            cause = "crop_missed"
        else:
            cause = "net_nothing"
        side = max((roi.side for roi, _ in looks), default=np.nan)
        out.append({"clip": d.name, "frame": int(r.frame), "person": int(hr.person), "side": r.side,
                    "gt": r.gt, "size": r.size, "body_px": float(hr.size_px), "status": r.status,
                    "cause": cause, "looks": len(looks), "gt_person": r.gt_person, "best_presence": best,
                    "crop_side": side, "cx": centre[0], "cy": centre[1]})  # fmt: skip
    return pd.DataFrame(out)


def placed_presence(d: Path, table: pd.DataFrame) -> np.ndarray:
    """Per unread hand, the best presence the network gives in crops placed on the TRUE hand (gt.json's box
    centre; 1.6, 2.2 and 3.0 box sizes wide; turned along the true wrist -> knuckles and 45 deg either
    way; the crop as it is and with its light evened out): how readable the hand is at all. A hand under
    0.5 here is beyond any placement of the crop."""
    from cuedetect.hands.landmark_model import HandLandmarkModel, HandLandmarkModelOptions
    from cuedetect.hands.roi import HandRoi
    from cuedetect.models.hand_provision import ensure_hand_model
    from cuedetect.pose.sources import probe_video

    gt = json.loads((d / "gt.json").read_text())
    w, h = gt["size"]
    info = probe_video(d / f"{d.name}.mp4")
    want = np.unique(table["frame"].to_numpy(np.int64))
    out = {}
    src = _source(info, want)
    options = HandLandmarkModelOptions(ensure_hand_model(), min_presence=0.0)
    with src, HandLandmarkModel.create_from_options(options) as model:
        for frame in src:
            for r in table[table["frame"] == frame.index].itertuples():
                j = gt["frames"][frame.index]["persons"][r.gt_person]["joints"]
                wrist = np.array(j[f"{r.side}_wrist"], float) * [w, h]
                knuckles = (np.array(j[f"{r.side}_index"], float) + np.array(j[f"{r.side}_pinky"], float)) / 2
                up = knuckles * [w, h] - wrist
                up = up / max(float(np.linalg.norm(up)), 1e-9)
                best = 0.0
                for k in (1.6, 2.2, 3.0):
                    for a in np.radians([0.0, 45.0, -45.0]):
                        turned = np.array(
                            [np.cos(a) * up[0] - np.sin(a) * up[1], np.sin(a) * up[0] + np.cos(a) * up[1]]
                        )
                        roi = HandRoi(np.array([r.cx, r.cy]), k * r.size, turned)
                        for image in (frame.image, even_light(frame.image, roi)):
                            hand = model.read(image, roi)
                            best = max(best, hand.score if hand is not None else 0.0)
                out[r.Index] = best
    return np.array([out[k] for k in table.index])


def even_light(image: np.ndarray, roi, target: float = 0.5) -> np.ndarray:
    """The frame under a gamma curve that takes the mean brightness of `roi`'s crop (black padding past the
    frame's edge left out) to `target`: the crop's light evened out, as the network then sees it."""
    from cuedetect.hands.landmark_model import INPUT_PX
    from cuedetect.hands.roi import crop_roi

    c = crop_roi(image, roi, INPUT_PX)
    seen = c.max(axis=-1) > 0
    mean = float(c[seen].mean()) / 255.0 if seen.any() else 0.0
    if not 0.0 < mean < 1.0:
        return image
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** (np.log(target) / np.log(mean)) + 0.5, 0, 255)
    return lut.astype(np.uint8)[image]


def untracked(d: Path, min_px: float) -> int:
    """Scorable ground-truth hands of people no tracked person was matched to (not in the score)."""
    gt = json.loads((d / "gt.json").read_text())
    poses = pd.read_parquet(d / "an" / "poses.parquet")
    n = 0
    for f in gt["frames"]:
        tracked = poses[poses["frame"] == f["frame"]]
        matched = set()
        for nose in tracked[["x0", "y0"]].to_numpy(float):  # as eval_hands.score ties rows to people
            gap = {g: np.abs(np.array(p["joints"]["nose"], float) - nose) for g, p in f["persons"].items()}
            matched.add(min(gap, key=lambda g: float(np.nan_to_num(gap[g], nan=1e9).sum())))
        for gid, p in f["persons"].items():
            if gid in matched:
                continue
            for hand in p["hands"].values():
                if hand["state"] and hand["in_view"] and not hand["occluded"] and hand["size_px"] >= min_px:
                    n += 1
    return n


def save_crops(d: Path, table: pd.DataFrame, reads: dict, folder: Path, per_cause: int = 3) -> None:
    """PNGs of the last crop read for a few unread hands of each cause (224 px, as the network sees it)."""
    import cv2

    from cuedetect.hands.roi import crop_roi
    from cuedetect.pose.sources import probe_video

    if table.empty:
        return
    pick = table[table["looks"] > 0].groupby("cause").head(per_cause)
    if pick.empty:
        return
    info = probe_video(d / f"{d.name}.mp4")
    want = np.unique(pick["frame"].to_numpy(np.int64))
    folder.mkdir(parents=True, exist_ok=True)
    src = _source(info, want)
    with src:
        for frame in src:
            for r in pick[pick["frame"] == frame.index].itertuples():
                roi, p = reads[(r.frame, r.person, r.side)][-1]
                img = crop_roi(frame.image, roi, 224)
                name = f"{d.name}_{r.frame}_{r.person}{r.side[0]}_{r.cause}_{r.gt}_{p:.2f}.png"
                cv2.imwrite(str(folder / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=eval_hands.REPO / ".cache" / "eval_hands")
    ap.add_argument("--clips", default=",".join(tune_hands.TUNING))
    ap.add_argument("--min-px", type=float, default=40.0)
    ap.add_argument("--hand-states", default="learned")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--crops", type=Path, help="save a few crops of each cause here")
    ap.add_argument("--table", type=Path, help="write the per-hand causes here (csv)")
    args = ap.parse_args()
    held = set(args.clips.split(",")) & set(eval_hands.HELD_OUT)
    if held:
        raise SystemExit(f"held-out clips are not diagnosed: {sorted(held)}")
    os.environ.setdefault("GLOG_minloglevel", "2")
    options = tune_hands.options_from(args.hand_states, args.set)
    parts, counts = [], []
    for name in args.clips.split(","):
        d = args.out / name
        hands, reads, found = instrumented_read(d, options)
        ev = eval_hands.scorable(eval_hands.score(d, hands), args.min_px)
        table = causes(d, hands, reads, found, args.min_px)
        if len(table):  # the share of each hand's mesh something nearer covers (gt.json counts it in view)
            table["hidden"] = eval_hands.hidden(d, table)
            table["placed"] = placed_presence(d, table)
        n_untracked = untracked(d, args.min_px)
        c = table["cause"].value_counts() if len(table) else pd.Series(dtype=int)
        covered = int((table["hidden"] > 0.5).sum()) if len(table) else 0
        counts.append({"clip": name, "scored": len(ev), "right": int((ev["pred"] == ev["gt"]).sum()),
                       "unread": len(table), "covered": covered,
                       "person_not_tracked": n_untracked,
                       **{k: int(c.get(k, 0)) for k in CAUSES[1:]}})  # fmt: skip
        parts.append(table)
        if args.crops:
            save_crops(d, table, reads, args.crops)
        print(counts[-1], flush=True)
    summary = pd.DataFrame(counts).set_index("clip")
    summary.loc["total"] = summary.sum()
    print(summary.to_string())
    allt = pd.concat(parts) if parts else pd.DataFrame()
    if len(allt):
        print("\nby true state:")
        print(pd.crosstab(allt["gt"], allt["cause"]).to_string())
        print("\nby cause, hands mostly covered (over half the hand's mesh hidden, `eval_hands.hidden`):")
        print(pd.crosstab(allt["cause"], allt["hidden"] > 0.5).to_string())
        print("\nby cause, readable when placed on the true hand (presence >= 0.5, `placed_presence`):")
        print(pd.crosstab(allt["cause"], allt["placed"] >= 0.5).to_string())
        looked = allt[allt["looks"] > 0]
        print("\nbest presence of the crops read for hands not found (quantiles 0.25/0.5/0.75/0.9):",
              np.round(looked["best_presence"].quantile([0.25, 0.5, 0.75, 0.9]).to_numpy(), 3))  # fmt: skip
    if args.table:
        allt.to_csv(args.table, index=False)


if __name__ == "__main__":
    main()
