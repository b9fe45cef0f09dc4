"""Render a scenario: compile poses and ground truth, let Blender draw the frames, encode H.264.

Resumable: frames are rendered into `OUT/.work/` and kept until the clip is complete, so a second run
only renders what is missing. The video, `gt.json` and `scenario.yaml` appear atomically at the end.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from cuedetect.errors import CuedetectError
from cuedetect.io_atomic import atomic_path, write_json
from cuedetect.landmarks import LANDMARK_NAMES
from cuedetect.paths import REPO_DIR
from cuedetect.studio import hand_shapes, lens
from cuedetect.studio.body import Body, build_body
from cuedetect.studio.choreography import (
    Event,
    envelope,
    locomotion,
    movement_events,
    negative_events,
    poses_for,
    posture_events,
)
from cuedetect.studio.cue_poses import Proportions
from cuedetect.studio.pose import Poser, place
from cuedetect.studio.scenario import Scenario
from cuedetect.studio.skinning import transform_points
from cuedetect.studio.speech import add_speech, mouth_opening

BLENDER_SCRIPT = Path(__file__).with_name("blender_scene.py")


@dataclass
class Compiled:
    """Everything known about a scenario before a pixel is drawn."""

    scenario: Scenario
    times: np.ndarray
    bodies: dict[str, Body]
    rotations: dict[str, np.ndarray]  # (F, B, 3, 3) in the room
    heads: dict[str, np.ndarray]  # (F, B, 3) in the room
    joints_world: dict[str, np.ndarray]  # (F, 33, 3)
    events: list[Event]
    frames: list[int]  # the frame indices posed (all of them unless a subset was asked for)
    fingers: dict[str, np.ndarray]  # (F, 2, 5) finger curls per side (studio.hand_shapes)
    hands_hidden: dict[str, np.ndarray]  # (F, 2) hands tucked away by a held cue
    negatives: list[dict]  # everyday actions that are no cue (labelled none), with their times


def compile_scenario(sc: Scenario, frames: list[int] | None = None) -> Compiled:
    """Poses, joints and events of a scenario; `frames` limits the posing to some frames (checks)."""
    n = round(sc.duration * sc.fps)
    select = list(range(n)) if frames is None else list(frames)
    times = np.arange(n) / sc.fps
    actors = [p.actor for p in sc.persons]
    loco = locomotion(actors, times)
    heights = {p.id: p.shape.height_m for p in sc.persons}
    rng = np.random.default_rng(sc.seed)
    jaw = mouth_opening(sc.resolved, sc.persons, times)
    bodies, rots, heads, joints, fingers, hidden = {}, {}, {}, {}, {}, {}
    for spec in sc.persons:
        body = build_body(spec.shape)
        poser = Poser(body)
        others = {o.id: loco[o.id] for o in sc.persons if o.id != spec.id}
        params = poses_for(spec.actor, Proportions.of(body), loco[spec.id], others, times, heights, rng)
        G = np.empty((len(select), len(body.bone_names), 3, 3))
        P = np.empty((len(select), len(body.bone_names), 3))
        J = np.empty((len(select), len(LANDMARK_NAMES), 3))
        for i, frame in enumerate(select):
            p = params[frame]
            if jaw[spec.id][frame]:
                p = p.copy()
                p.jaw_open = float(jaw[spec.id][frame])
            g, h = place(*poser.pose(p), p)
            G[i], P[i] = g, h
            J[i] = transform_points(body.anchors, body.anchor_bones, body.heads, g, h)
        bodies[spec.id], rots[spec.id], heads[spec.id], joints[spec.id] = body, G, P, J
        fingers[spec.id] = np.stack([params[f].fingers for f in select])
        hidden[spec.id] = hand_shapes.occluded(spec.actor.actions, times, envelope)[select]
    events = [e for a in actors for e in posture_events(a)] + movement_events(actors, loco, times)
    events.sort(key=lambda e: (e.start, e.person, e.cue))
    negatives = sorted(
        (n for a in actors for n in negative_events(a)), key=lambda n: (n["start"], n["person"])
    )
    return Compiled(sc, times, bodies, rots, heads, joints, events, select, fingers, hidden, negatives)


def behind_furniture(points: np.ndarray, eye: np.ndarray, boxes: list[dict]) -> np.ndarray:
    """For each world point (N, 3): is the straight line from the camera to it cut by a furniture box?"""
    hidden = np.zeros(len(points), dtype=bool)
    d = points - eye
    for box in boxes:
        (cx, cy), (sx, sy, sz) = box["center"], box["size"]
        lo, hi = np.array([cx - sx / 2, cy - sy / 2, 0.0]), np.array([cx + sx / 2, cy + sy / 2, sz])
        with np.errstate(divide="ignore", invalid="ignore"):
            t1, t2 = (lo - eye) / d, (hi - eye) / d
        near = np.nanmax(np.minimum(t1, t2), axis=1)
        far = np.nanmin(np.maximum(t1, t2), axis=1)
        hidden |= (near <= far) & (far > 0) & (near < 0.995)
    return hidden


def _visible(
    norm: dict[str, np.ndarray], depth: dict[str, np.ndarray], frame: int, furniture: dict[str, np.ndarray]
) -> dict[str, dict]:
    """Per person: the share of joints inside the image, the share hidden, and whether the person is in view.

    In view: most joints inside the image (or the head and both shoulders, for close-ups), and not mostly
    hidden behind a nearer person or furniture.
    """
    out = {}
    upper = [LANDMARK_NAMES.index(n) for n in ("nose", "left_shoulder", "right_shoulder")]
    for pid, xy in norm.items():
        pts = xy[frame]
        in_image = (pts >= 0).all(axis=1) & (pts <= 1).all(axis=1) & (depth[pid][frame] > 0)
        covered = furniture[pid][frame].copy()
        for other, oxy in norm.items():
            if other == pid or np.median(depth[other][frame]) >= np.median(depth[pid][frame]):
                continue
            # Only the nearer person's joints in the picture can cover anything: one standing beside
            # or behind the camera (a close-up's other person) projects far outside it, and a box
            # around those points would "cover" the whole frame.
            front = oxy[frame][(depth[other][frame] > 0) & np.isfinite(oxy[frame]).all(axis=1)]
            if not ((front >= 0) & (front <= 1)).all(axis=1).any():
                continue
            lo = np.clip(front.min(axis=0), 0, 1) - 0.01
            hi = np.clip(front.max(axis=0), 0, 1) + 0.01
            covered |= ((pts >= lo) & (pts <= hi)).all(axis=1)
        inside = float(np.mean(in_image))
        hidden = float(np.mean(covered & in_image)) / max(inside, 1e-9)
        framed = inside >= 0.6 or bool(in_image[upper].all())
        out[pid] = {"visible": bool(framed and hidden < 0.7), "in_frame": inside, "occluded": hidden}
    return out


def ground_truth(c: Compiled, video_name: str) -> dict:
    sc = c.scenario
    cam = sc.camera
    norm, depth, furniture = {}, {}, {}
    eye = np.asarray(cam.position, dtype=float)
    boxes = sc.room.get("furniture", [])
    for pid, J in c.joints_world.items():
        norm[pid], depth[pid] = cam.project(J)
        furniture[pid] = np.stack([behind_furniture(j, eye, boxes) for j in J])
    hip_l, hip_r = LANDMARK_NAMES.index("left_hip"), LANDMARK_NAMES.index("right_hip")
    frames = []
    ids = list(c.joints_world)
    for i, frame in enumerate(c.frames):
        t = c.times[frame]
        vis = _visible(norm, depth, i, furniture)
        persons, floor = {}, {}
        for pid in ids:
            hips = c.joints_world[pid][i, [hip_l, hip_r], :2].mean(axis=0)
            floor[pid] = hips
            persons[pid] = {
                "joints": {
                    n: [round(float(v), 5) for v in norm[pid][i, k]] for k, n in enumerate(LANDMARK_NAMES)
                },
                "visible": vis[pid]["visible"],
                "in_frame": round(vis[pid]["in_frame"], 3),
                "occluded": round(vis[pid]["occluded"], 3),
                "hands": hand_shapes.hand_truth(
                    c.bodies[pid],
                    c.rotations[pid][i],
                    c.heads[pid][i],
                    c.fingers[pid][i],
                    c.hands_hidden[pid][i],
                    cam,
                ),
                "hip_floor_m": [round(float(v), 4) for v in hips],
            }
        row = {"frame": frame, "t": round(float(t), 4), "persons": persons}
        if len(ids) == 2:
            row["distance_m"] = round(float(np.linalg.norm(floor[ids[0]] - floor[ids[1]])), 4)
        frames.append(row)
    return {
        "video": video_name,
        "fps": sc.fps,
        "size": [sc.width, sc.height],
        "duration": round(len(c.times) / sc.fps, 4),
        "persons": [{"id": p.id, "role": p.role, "height_m": p.shape.height_m} for p in sc.persons],
        "events": [e.to_json() for e in c.events],
        "negatives": c.negatives,
        "camera": cam.to_json(),
        "seed": sc.seed,
        **{k: sc.resolved[k] for k in ("split", "framing") if k in sc.resolved},
        "furniture": sc.room.get("furniture", []),
        "frames": frames,
    }


def _blender() -> str:
    exe = shutil.which("blender")
    if not exe:
        raise CuedetectError(
            "Blender is not installed: run `python3 dev.py studio-setup` (Debian: apt-get "
            "install blender python3-numpy)"
        )
    return exe


def render_frames(
    c: Compiled, work: Path, jobs: int = 2, progress=None, only: list[int] | None = None
) -> list[Path]:
    """Render frames to `work/frames/` with `jobs` Blender processes; skips frames already there.

    `only` renders a subset (previews); by default every frame of the clip.
    """
    sc = c.scenario
    frames_dir = work / "frames"
    frames_dir.mkdir(parents=True, exist_ok=True)
    final = str(frames_dir / "%06d.jpg")
    camera = sc.camera
    if camera.distortion_k:  # render a larger pinhole view, then bend it into the wide lens's frame
        camera = lens.overscan(sc.camera)
        frames_dir = work / "pinhole"
        frames_dir.mkdir(parents=True, exist_ok=True)
    persons = []
    for spec in sc.persons:
        body = c.bodies[spec.id]
        arrays = work / f"{spec.id}.npz"
        np.savez(
            arrays,
            verts=body.verts,
            faces=body.faces,
            face_material=body.face_material,
            rest_heads=body.heads,
            weight_bones=body.weight_bones,
            weight_values=body.weight_values,
            G=c.rotations[spec.id].astype(np.float32),
            P=c.heads[spec.id].astype(np.float32),
        )
        persons.append({"id": spec.id, "arrays": str(arrays), "colours": [list(v) for v in spec.colours]})
    wanted = list(range(len(c.times))) if only is None else list(only)
    n = len(wanted)
    pattern = str(frames_dir / "%06d.jpg")
    todo = [i for i in wanted if not Path(final % i).exists() and not Path(pattern % i).exists()]
    procs = []
    for k in range(max(1, min(jobs, len(todo)))):
        job = {
            "package_root": str(REPO_DIR),
            "size": [camera.width, camera.height],
            "frames": todo[k::jobs],
            "pattern": pattern,
            "camera": camera.to_json(),
            "light": sc.light,
            "room": sc.room,
            "persons": persons,
        }
        job_path = work / f"job{k}.json"
        job_path.write_text(json.dumps(job))
        log = open(work / f"blender{k}.log", "w")  # noqa: SIM115
        procs.append(
            (
                subprocess.Popen(
                    [
                        _blender(),
                        "-b",
                        "-noaudio",
                        "--factory-startup",
                        "-P",
                        str(BLENDER_SCRIPT),
                        "--",
                        str(job_path),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
    try:
        while any(p.poll() is None for p, _ in procs):
            time.sleep(1.0)
            if progress:
                progress(sum(Path(pattern % i).exists() or Path(final % i).exists() for i in wanted), n)
    finally:
        for p, log in procs:
            if p.poll() is None:
                p.terminate()
            log.close()
    missing = [i for i in wanted if not Path(pattern % i).exists() and not Path(final % i).exists()]
    if missing:
        raise CuedetectError(f"Blender did not render {len(missing)} frames; see {work}/blender*.log")
    if pattern != final:
        _bend(sc.camera, camera, [(Path(pattern % i), Path(final % i)) for i in wanted])
    return [Path(final % i) for i in wanted]


def _bend(out_camera, render_camera, pairs: list[tuple[Path, Path]]) -> None:
    """Remap pinhole renders into the distorted frames of a wide lens (each written once, atomically)."""
    import cv2

    maps = None
    for src, dst in pairs:
        if dst.exists():
            continue
        maps = maps or lens.remap_maps(out_camera, render_camera)
        tmp = dst.with_suffix(".tmp.jpg")
        cv2.imwrite(str(tmp), lens.remap_frame(cv2.imread(str(src)), maps), [cv2.IMWRITE_JPEG_QUALITY, 92])
        tmp.replace(dst)


def encode(frames: list[Path], out: Path, fps: float, crf: int = 23) -> None:
    """JPEG frames -> H.264 mp4 (yuv420p, browser-playable), written atomically."""
    import av
    import cv2

    first = cv2.imread(str(frames[0]))
    h, w = first.shape[:2]
    with atomic_path(out) as tmp, av.open(str(tmp), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=round(fps))
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium", "movflags": "+faststart"}
        for path in frames:
            rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def render(sc: Scenario, out_dir: Path, jobs: int = 2, keep_frames: bool = False, progress=None) -> Path:
    """Render `sc` into `out_dir/<name>.mp4` with `gt.json` and the resolved `scenario.yaml` beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    video = out_dir / f"{sc.name}.mp4"
    work = out_dir / ".work"
    c = compile_scenario(sc)
    frames = render_frames(c, work, jobs=jobs, progress=progress)
    encode(frames, video, sc.fps)
    gt = add_speech(sc.resolved, sc.persons, video, ground_truth(c, video.name), sc.duration, sc.seed)
    write_json(out_dir / "gt.json", gt)
    if not (out_dir / "scenario.yaml").exists():  # a hand-written scenario in out_dir stays as written
        with atomic_path(out_dir / "scenario.yaml") as tmp:
            tmp.write_text(yaml.safe_dump({**sc.resolved, "seed": sc.seed}, sort_keys=False))
    if not keep_frames:
        shutil.rmtree(work, ignore_errors=True)
    return video
