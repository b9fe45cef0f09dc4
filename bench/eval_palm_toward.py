"""Palm toward the other person, measured on studio renders with ground truth: during open hands vs outside.

For each clip (a folder with the render's `gt.json` and its analysis in `an/`), the palm columns are
computed from the analysis' files with the shipped stage (`hands.toward_other.palm_to_other`; an
analysis made before the stage existed gets them the same way), analysed people are matched to the
ground truth's by the nose (as `eval_hands`), and for each person who performs `open_hands` (or `--cue`)
it prints:

- during: that person's hands in the gt spans of the cue whose gt state is `open_palm` (the open hands);
- outside: the same person's hands outside every span of the cue (any state);
- other: the other people's hands over the whole clip;

each as rows read, the share with a known angle, the share reading `other_person`, and the median angle.
The studio's `open_hands` styles differ in where the palms face: `stop` shows them to the other person,
`presenting` and `wide` turn them up, `calming` down, `classic` and `low_palms` hold them in front
(`cuedetect/studio/cue_motions_hands.py`); the style is printed beside each clip.

    .venv/bin/python bench/eval_palm_toward.py FOLDER [FOLDER ...] [--true-positions]

`--true-positions` measures again with the studio's true floor positions and camera in place of the
floor stage's, which tells the hand network's part of an error from the floor fit's.

Render a clip larger than the corpus' 640x360 (its hands are 5-30 px, under the 40 px the hand stage
reads reliably), e.g. `corpus/style_train/train_00048/scenario.yaml` with `video:` 1280x720 at 15 fps,
then `cuedetect synth` and `cuedetect analyze ... --out FOLDER/an`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from cuedetect.hands.toward_other import palm_to_other
from cuedetect.pose.tracked import Tracks


def _gt_ids(poses: pd.DataFrame, gt: dict) -> dict[tuple[int, int], str]:
    """(frame, analysed person) -> the ground truth's person with the nearest nose."""
    out = {}
    for r in poses[["frame", "person", "x0", "y0"]].itertuples(index=False):
        persons = gt["frames"][int(r.frame)]["persons"]
        nose = np.array([r.x0, r.y0], float)
        out[(int(r.frame), int(r.person))] = min(persons, key=lambda g: float(np.nan_to_num(
            np.abs(np.array(persons[g]["joints"]["nose"], float) - nose), nan=1e9).sum()))  # fmt: skip
    return out


def true_floor(tracks: Tracks, gt: dict, ids: dict[tuple[int, int], str]) -> tuple[Tracks, dict]:
    """`tracks` with the studio's true hip floor positions in the floor stage's frame (origin under the
    camera, x along its right, y forward) and the true camera: the palm stage with its positions right."""
    cam = gt["camera"]
    R = np.asarray(cam["R"], float)  # world -> camera; rows: the camera's axes in the world
    right = R[0, :2] / np.linalg.norm(R[0, :2])
    forward = np.array([-right[1], right[0]])
    pos = np.asarray(cam["position"], float)[:2]
    floor = np.full((len(tracks), 3), np.nan)
    for k, (f, p) in enumerate(zip(tracks.frame, tracks.person, strict=True)):
        hip = gt["frames"][int(f)]["persons"][ids[(int(f), int(p))]].get("hip_floor_m")
        if hip is not None:
            d = np.asarray(hip, float) - pos
            floor[k] = (d @ right, d @ forward, 0.0)
    tracks.floor = floor
    return tracks, {"fov_deg": cam["fov_deg"], "pitch_deg": cam["pitch_deg"], "roll_deg": 0.0}


def palms(folder: Path, true_positions: bool = False) -> pd.DataFrame:
    """The clip's hands table with the palm columns, and `gt` (the matched ground-truth id) per row;
    `true_positions`: measured against the studio's true floor positions and camera."""
    an = folder / "an"
    record = json.loads((an / "analysis.json").read_text())
    poses = pd.read_parquet(an / "poses.parquet")
    tracks = Tracks.from_table(poses, tuple(record["working_size"]))
    gt = json.loads((folder / "gt.json").read_text())
    ids = _gt_ids(poses, gt)
    camera = record["camera"]
    if true_positions:
        tracks, camera = true_floor(tracks, gt, ids)
    hands = palm_to_other(pd.read_parquet(an / "hands.parquet"), tracks, camera)
    who = [ids.get((int(f), int(p))) for f, p in zip(hands["frame"], hands["person"], strict=True)]
    states = [gt["frames"][int(f)]["persons"][g]["hands"][s]["state"] if g else None
              for f, g, s in zip(hands["frame"], who, hands["side"], strict=True)]  # fmt: skip
    return hands.assign(gt=who, gt_state=states)


def _line(name: str, rows: pd.DataFrame) -> str:
    read = rows[rows["status"].isin(["read", "held"])]
    if not len(read):
        return f"  {name:8s} no hand read"
    known = read["palm_to_other_deg"].notna()
    toward = (read["palm_facing"] == "other_person").mean()
    med = float(np.nanmedian(read["palm_to_other_deg"])) if known.any() else float("nan")
    return (f"  {name:8s} {len(read):4d} rows read, angle known {known.mean():.2f}, "
            f"other_person {toward:.2f}, median angle {med:.0f} deg")  # fmt: skip


def report(folder: Path, true_positions: bool = False, cue: str = "open_hands") -> None:
    gt = json.loads((folder / "gt.json").read_text())
    path = folder / "scenario.yaml"
    scen = yaml.safe_load(path.read_text()) if path.exists() else {}
    styles = [s.get("style") for p in scen.get("persons", []) for s in p.get("timeline", [])
              if s.get("cue") == cue]  # fmt: skip
    hands = palms(folder, true_positions)
    spans = [(e["person"], e["start"], e["end"]) for e in gt["events"] if e["cue"] == cue]
    shown = [(p, round(a, 1), round(b, 1)) for p, a, b in spans]
    where = "true positions" if true_positions else "the floor stage's positions"
    print(f"{folder.name}: {cue} {shown}, styles {styles}; {where}")
    for who in sorted({p for p, _, _ in spans}):
        mine = hands[hands["gt"] == who]
        inside = np.zeros(len(mine), bool)
        for p, a, b in spans:
            if p == who:
                inside |= mine["time"].between(a, b).to_numpy()
        print(_line("during", mine[inside & (mine["gt_state"] == "open_palm").to_numpy()]))
        print(_line("outside", mine[~inside]))
        print(_line("other", hands[hands["gt"] != who]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+", type=Path)
    ap.add_argument("--true-positions", action="store_true",
                    help="also measure against the studio's true floor positions and camera (the hand "
                         "network's part of the error alone)")  # fmt: skip
    ap.add_argument("--cue", default="open_hands", help="the gt cue whose open hands are measured "
                    "(hands_raised: the `surrender` style shows the palms out)")  # fmt: skip
    args = ap.parse_args()
    for folder in args.folders:
        report(folder, cue=args.cue)
        if args.true_positions:
            report(folder, True, cue=args.cue)


if __name__ == "__main__":
    main()
