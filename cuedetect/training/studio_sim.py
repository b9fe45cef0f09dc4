"""Studio role-plays without rendering: the studio's own choreography, seen by a simulated pose model.

`cuedetect.studio` poses its MakeHuman bodies analytically before Blender draws a pixel, so the 3D
joints and the ground-truth events of any random corpus scenario cost about 3 s instead of minutes of
rendering. This module turns them into what the pose engine would report: projected landmarks with
noise and dropout, visibility lowered for joints hidden behind the body, MediaPipe-style world
landmarks and floor positions in the camera's floor axes. It gives training data from the same
distribution of cue poses as the rendered corpus (not the same pixels: the rendered corpus, analysed
by MediaPipe, stays the test of record). Clips are cached as `gt.json` + `poses.parquet` + `pairs.parquet`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cues.tracks import PersonTrack, poses_frame
from cuedetect.io_atomic import write_json
from cuedetect.landmarks import INDEX, NUM_LANDMARKS
from cuedetect.training.skeleton import Camera, mediapipe_world, occluded

FIRST_SEED = 700_000  # far from the corpus command's seeds, so simulated clips never repeat a test clip


def simulate(
    seed: int, folder: Path, fps: float | None = None, noise: bool = True, split: str = "train",
    scenario: dict | None = None,
) -> Path:  # fmt: skip
    """Write one simulated clip into `folder` (skipped if already there); returns the folder.

    The scenario comes from the style catalogue's `split` (`cuedetect.studio.style_corpus`): training
    draws only `train` styles, negatives, bodies, rooms and camera set-ups, never held-out ones. With
    `scenario` (a rendered clip's `scenario.yaml`), that scenario at its own size and rate instead: the
    rendered clip's people and events, seen by the simulated pose model rather than by MediaPipe.
    """
    from cuedetect.studio.render import behind_furniture, compile_scenario
    from cuedetect.studio.scenario import parse
    from cuedetect.studio.style_corpus import make_style_scenario

    if (folder / "poses.parquet").exists() and (folder / "gt.json").exists():
        return folder
    rng = np.random.default_rng(seed)
    fps = fps or float(rng.choice([6.0, 10.0, 15.0]))
    w, h = [(640, 360), (960, 540), (1280, 720)][int(rng.integers(3))]
    if scenario is not None:
        video = scenario["video"]
        fps, w, h = float(video["fps"]), int(video["width"]), int(video["height"])
        sc, split = parse(scenario), scenario.get("split", split)
    else:
        sc = parse(make_style_scenario(seed, split, fps=fps, width=w, height=h))
    c = compile_scenario(sc)
    camj = sc.camera.to_json()
    R = np.asarray(camj["R"], float)
    cam = Camera(np.asarray(camj["position"], float), R, float(camj["K"][0][0]), (w, h))
    ground = cam.ground_axes()
    tracks, ids = [], [p.id for p in sc.persons]
    n = len(c.times)
    for k, pid in enumerate(ids):
        J = c.joints_world[pid]
        xy = sc.camera.project(J)[0]  # the studio camera: wide lenses bend the image as in the renders
        vis = np.empty((n, NUM_LANDMARKS))
        world = np.empty((n, NUM_LANDMARKS, 3))
        for i in range(n):
            occ = occluded(J[i], cam)
            vis[i] = np.where(
                occ, rng.uniform(0.05, 0.5, NUM_LANDMARKS), rng.uniform(0.8, 1.0, NUM_LANDMARKS)
            )
            world[i] = mediapipe_world(J[i], cam)
        # out of the frame (close-ups) or behind furniture: MediaPipe guesses those joints, unsure of them
        inside = ((xy >= 0) & (xy <= 1)).all(axis=-1)
        hidden = np.stack([behind_furniture(j, cam.position, sc.room.get("furniture", [])) for j in J])
        vis = np.where(inside & ~hidden, vis, rng.uniform(0.0, 0.3, vis.shape))
        upper = inside[:, [INDEX["nose"], INDEX["left_shoulder"], INDEX["right_shoulder"]]].all(axis=1)
        unseen = ~upper & (inside.mean(axis=1) < 0.6)  # nobody to detect in these frames
        hips = J[:, [INDEX["left_hip"], INDEX["right_hip"]], :2].mean(axis=1)
        floor = (hips - cam.position[:2]) @ ground.T
        if noise:
            torso = np.linalg.norm(
                (xy[:, INDEX["left_shoulder"]] - xy[:, INDEX["left_hip"]]) * [w / h, 1], axis=1
            )
            sigma = (rng.uniform(0.01, 0.04) * torso)[:, None, None] * np.where(vis < 0.5, 3.0, 1.0)[
                ..., None
            ]
            xy = xy + rng.normal(0, 1, xy.shape) * sigma * [h / w, 1]
            world = world + rng.normal(0, rng.uniform(0.01, 0.03), world.shape)
            floor = floor + rng.normal(0, 0.05, floor.shape)
            drop = rng.random((n, NUM_LANDMARKS)) < rng.uniform(0, 0.02)
            drop |= (rng.random(n) < rng.uniform(0, 0.04))[:, None]
            xy[drop], world[drop], vis[drop] = np.nan, np.nan, np.nan
        xy[unseen], world[unseen], vis[unseen], floor[unseen] = np.nan, np.nan, np.nan, np.nan
        tracks.append(PersonTrack(k, np.arange(n), c.times.copy(), xy, vis, world, floor))
    hip_a = c.joints_world[ids[0]][:, [INDEX["left_hip"], INDEX["right_hip"]], :2].mean(axis=1)
    hip_b = c.joints_world[ids[1]][:, [INDEX["left_hip"], INDEX["right_hip"]], :2].mean(axis=1)
    d = np.linalg.norm(hip_a - hip_b, axis=1)
    pairs = pd.DataFrame(
        {
            "frame": np.arange(n),
            "t": c.times,
            "person": 0,
            "other": 1,
            "distance_m": d + (rng.normal(0, 0.05, n) if noise else 0.0),
            "distance_sd_m": 0.05,
        }
    )
    gt = {
        "video": f"sim_{seed}.mp4",
        "fps": fps,
        "size": [w, h],
        "duration": float(n / fps),
        "persons": [{"id": p.id, "role": p.role} for p in sc.persons],
        "events": [e.to_json() for e in c.events],
        "negatives": c.negatives,
        "framing": sc.resolved.get("framing"),
        "split": split,
        "camera": camj,
        "seed": seed,
        "simulated": True,
    }
    folder.mkdir(parents=True, exist_ok=True)
    poses_frame(tracks).to_parquet(folder / "poses.parquet")
    pairs.to_parquet(folder / "pairs.parquet")
    write_json(folder / "gt.json", gt)
    return folder


HELDOUT_FIRST_SEED = 900_000  # the style-held-out simulated clips (`split="heldout"`): never trained on


def simulated_clips(
    cache: Path, count: int, first_seed: int = FIRST_SEED, split: str = "train", processes: int = 1
) -> list:
    """`count` simulated clips of a style split (made once, then read from `cache`) as `Clip`s.

    Clips not in `cache` yet are made `processes` at a time (each from its own seed: the same files
    whatever the number).
    """
    # style_: drawn from the style catalogue; held-out clips are named by their split
    folders = {
        seed: cache / (f"style_sim_{seed}" if split == "train" else f"{split}_sim_{seed}")
        for seed in range(first_seed, first_seed + count)
    }
    todo = [s for s, f in folders.items() if not all((f / n).exists() for n in ("poses.parquet", "gt.json"))]
    if processes > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(min(processes, len(todo)), mp_context=mp.get_context("spawn")) as pool:
            list(pool.map(simulate, todo, [folders[s] for s in todo], [None] * len(todo), [True] * len(todo),
                          [split] * len(todo)))  # fmt: skip
    return [sim_clip(simulate(seed, folder, split=split)) for seed, folder in folders.items()]


def sim_clip(folder: Path):
    """A simulated clip's folder (`simulate`) as a `Clip` (its persons are the ground truth's, in order)."""
    from cuedetect.cues.tracks import tracks_from_poses
    from cuedetect.training.dataset import Clip, _to_analysis_ids, clip_meta

    gt = json.loads((folder / "gt.json").read_text())
    mapping = {k: p["id"] for k, p in enumerate(gt["persons"])}
    return Clip(
        folder.name,
        folder.name,
        "studio-sim",
        tracks_from_poses(pd.read_parquet(folder / "poses.parquet")),
        pd.read_parquet(folder / "pairs.parquet"),
        gt["size"][0] / gt["size"][1],
        _to_analysis_ids(gt["events"], mapping),
        gt["events"],
        mapping,
        meta=clip_meta(gt),
    )
