"""Floor distance on the studio samples against their exact ground truth.

MediaPipe runs on each ground-truth person's crop (so detection and tracking errors do not enter: this
measures the floor geometry alone). Two inputs are compared with gt `distance_m`:
- MediaPipe's image and world landmarks, as the pipeline sees them;
- the projected ground-truth joints in the image, with MediaPipe's world landmarks for body shape.

Run as a script to print the numbers: `.venv/bin/python tests/integration/test_floor_on_samples.py`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from cuedetect.landmarks import INDEX, LANDMARK_NAMES, NUM_LANDMARKS
from cuedetect.pose.floor import (
    FloorCalibration,
    FloorEstimate,
    FloorOptions,
    PersonTrack,
    estimate_floor,
    pair_distances,
)

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
ANALYSIS_FPS = 3.0
HIPS = [INDEX["left_hip"], INDEX["right_hip"]]


def sample_names() -> list[str]:
    return (
        sorted(
            p.name for p in SAMPLES.iterdir() if (p / "gt.json").is_file() and (p / f"{p.name}.mp4").is_file()
        )
        if SAMPLES.is_dir()
        else []
    )


@dataclass
class Observed:
    """Per gt person: frames, MediaPipe xy/vis/world on those frames, gt xy; NaN where not found."""

    gt: dict
    frames: np.ndarray
    t: np.ndarray
    ids: list[str]
    mp_xy: dict[str, np.ndarray]
    mp_vis: dict[str, np.ndarray]
    mp_world: dict[str, np.ndarray]
    gt_xy: dict[str, np.ndarray]


def _landmarker():
    from mediapipe.tasks.python import BaseOptions, vision

    from cuedetect.models.provision import ensure_model

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(ensure_model("full"))),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=2,
        min_pose_detection_confidence=0.3,
    )
    return vision.PoseLandmarker.create_from_options(opts)


def _crop_box(joints: np.ndarray, w: int, h: int, margin: float = 0.3) -> tuple[int, int, int, int] | None:
    inside = (joints >= 0).all(axis=1) & (joints <= 1).all(axis=1)
    if inside.sum() < 8:
        return None
    px = joints[inside] * (w, h)
    (x0, y0), (x1, y1) = px.min(axis=0), px.max(axis=0)
    side = max(x1 - x0, y1 - y0) * (1 + 2 * margin)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box = (
        int(max(0, cx - side / 2)),
        int(max(0, cy - side / 2)),
        int(min(w, cx + side / 2)),
        int(min(h, cy + side / 2)),
    )
    return box if box[2] - box[0] > 16 and box[3] - box[1] > 16 else None


@cache
def observe(name: str, fps: float = ANALYSIS_FPS) -> Observed:
    import av
    import mediapipe as mp

    from cuedetect.pose.keypoints import CropBox, KeyPoints

    folder = SAMPLES / name
    gt = json.loads((folder / "gt.json").read_text())
    w, h = gt["size"]
    ids = [p["id"] for p in gt["persons"]]
    step = max(1, round(gt["fps"] / fps))
    wanted = {fr["frame"]: fr for fr in gt["frames"][::step]}
    n = len(wanted)
    out = {k: {i: np.full(shape, np.nan) for i in ids} for k, shape in
           (("xy", (n, NUM_LANDMARKS, 2)), ("vis", (n, NUM_LANDMARKS)), ("world", (n, NUM_LANDMARKS, 3)),
            ("gt", (n, NUM_LANDMARKS, 2)))}  # fmt: skip
    frames = np.array(sorted(wanted))
    row = {f: k for k, f in enumerate(frames)}
    with _landmarker() as lm, av.open(str(folder / f"{name}.mp4")) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index not in wanted:
                continue
            rgb = frame.to_ndarray(format="rgb24")
            k = row[index]
            for pid in ids:
                person = wanted[index]["persons"][pid]
                joints = np.array([person["joints"][nm] for nm in LANDMARK_NAMES], dtype=float)
                out["gt"][pid][k] = joints
                box = _crop_box(joints, w, h) if person.get("visible", True) else None
                if box is None:
                    continue
                x0, y0, x1, y1 = box
                crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
                res = lm.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=crop))
                kp = KeyPoints.from_mediapipe(res, CropBox(x0, y0, x1 - x0, y1 - y0, w, h))
                if not len(kp):
                    continue
                gt_hip = joints[HIPS].mean(axis=0)
                d = np.linalg.norm(kp.xy[:, HIPS].mean(axis=1) - gt_hip, axis=1)
                best = int(np.nanargmin(np.nan_to_num(d, nan=np.inf)))
                if d[best] < 0.25 * (y1 - y0) / h:
                    out["xy"][pid][k], out["vis"][pid][k] = kp.xy[best], kp.visibility[best]
                    out["world"][pid][k] = kp.world[best]
    t = np.array([wanted[f]["t"] for f in frames], dtype=float)
    return Observed(gt, frames, t, ids, out["xy"], out["vis"], out["world"], out["gt"])


def tracks_from(obs: Observed, use_gt_xy: bool) -> list[PersonTrack]:
    tracks = []
    for k, pid in enumerate(obs.ids):
        found = np.isfinite(obs.mp_world[pid]).all(axis=(1, 2))
        xy = obs.gt_xy[pid] if use_gt_xy else obs.mp_xy[pid]
        vis = np.repeat(found[:, None], NUM_LANDMARKS, axis=1).astype(float) if use_gt_xy else obs.mp_vis[pid]
        tracks.append(
            PersonTrack(k, obs.frames[found], obs.t[found], xy[found], vis[found], obs.mp_world[pid][found])
        )
    return tracks


@dataclass(frozen=True)
class Score:
    n: int
    mae_m: float
    bias_m: float
    mean_sd_m: float
    rms_z: float
    estimate: FloorEstimate


def score(obs: Observed, use_gt_xy: bool, calibration: FloorCalibration | None = None) -> Score:
    est = estimate_floor(
        tracks_from(obs, use_gt_xy), tuple(obs.gt["size"]), calibration, FloorOptions(n_samples=48)
    )
    by_frame = {fr["frame"]: fr for fr in obs.gt["frames"]}
    rows = [r for r in pair_distances(est) if "distance_m" in by_frame[r.frame]]
    err = np.array([r.distance_m - by_frame[r.frame]["distance_m"] for r in rows])
    sd = np.array([r.distance_sd_m for r in rows])
    if not len(err):
        return Score(0, math.nan, math.nan, math.nan, math.nan, est)
    return Score(len(err), float(np.mean(np.abs(err))), float(np.mean(err)), float(np.mean(sd)),
                 float(np.sqrt(np.mean((err / sd) ** 2))), est)  # fmt: skip


def two_person_samples() -> list[str]:
    return [
        n for n in sample_names() if len(json.loads((SAMPLES / n / "gt.json").read_text())["persons"]) == 2
    ]


def test_there_are_two_person_samples() -> None:
    assert two_person_samples(), f"rendered two-person samples with gt.json expected in {SAMPLES}"


@pytest.mark.slow
@pytest.mark.parametrize("name", two_person_samples())
@pytest.mark.parametrize("use_gt_xy", [False, True], ids=["mediapipe", "gt_joints"])
def test_pair_distance_within_target(name: str, use_gt_xy: bool) -> None:
    obs = observe(name)
    s = score(obs, use_gt_xy)
    assert s.n >= 0.8 * len(obs.frames), "most frames should give a distance"
    assert s.mae_m < 0.25, f"{name}: floor distance MAE {s.mae_m:.3f} m"
    assert 0.2 < s.rms_z < 3.0, f"{name}: reported SD {s.mean_sd_m:.3f} m does not match the error"


@pytest.mark.slow
@pytest.mark.parametrize("name", two_person_samples())
def test_known_camera_tightens_the_estimate(name: str) -> None:
    obs = observe(name)
    cam = obs.gt["camera"]
    base = score(obs, False)
    cal = score(obs, False, FloorCalibration(fov_deg=cam["fov_deg"], camera_height_m=cam["height_m"]))
    assert cal.mean_sd_m < base.mean_sd_m
    assert cal.mae_m < max(base.mae_m * 1.2, 0.1)
    assert cal.estimate.camera.pitch_deg == pytest.approx(cam["pitch_deg"], abs=4.0)


if __name__ == "__main__":
    for name in two_person_samples():
        obs = observe(name)
        cam = obs.gt["camera"]
        found = {p: int(np.isfinite(obs.mp_world[p]).all(axis=(1, 2)).sum()) for p in obs.ids}
        print(
            f"{name}: {len(obs.frames)} frames at {ANALYSIS_FPS} fps, found {found}; true camera "
            f"h {cam['height_m']:.2f} pitch {cam['pitch_deg']:.1f} fov {cam['fov_deg']:.0f}; "
            f"statures {[p.get('height_m') for p in obs.gt['persons']]}"
        )
        for label, gtxy, cal in (
            ("mediapipe", False, None),
            ("gt joints", True, None),
            (
                "mediapipe + known camera",
                False,
                FloorCalibration(fov_deg=cam["fov_deg"], camera_height_m=cam["height_m"]),
            ),
        ):
            s = score(obs, gtxy, cal)
            c = s.estimate.camera
            print(
                f"  {label:26s} n {s.n:4d} MAE {s.mae_m:.3f} bias {s.bias_m:+.3f} sd {s.mean_sd_m:.3f} "
                f"rms z {s.rms_z:.2f} | cam h {c.height_m:.2f} pitch {c.pitch_deg:.1f} "
                f"statures {[round(v, 2) for v in s.estimate.stature_m.values()]}"
            )
