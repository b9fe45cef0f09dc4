"""Synthetic role-plays from stick figures: landmark tables with exact cue labels, without rendering.

This is a stand-in for the studio corpus (the same labels and the same table layouts, made in
milliseconds): it lets the cue stages be built and tested before rendered clips exist, and it adds
variety (bodies, cameras, timings) to training. Each clip: a trainee (A, person 0) and a client
(B, person 1) facing each other, performing cues from the catalogue with transitions and idle motion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cuedetect.cue_ids import POSTURE_CUES
from cuedetect.cues.tracks import PersonTrack, poses_frame
from cuedetect.landmarks import INDEX, LANDMARK_NAMES, NUM_LANDMARKS
from cuedetect.training.skeleton import HAND, Camera, Pose, arm_config, mediapipe_world, occluded, pose_joints

# the posture cues made with the arms (the stance and the lean are the studio's job)
ARM_CUES = tuple(c for c in POSTURE_CUES if c not in ("bladed_stance", "leaning_in"))


@dataclass
class Segment:
    cue: str
    start: float
    t_in: float
    hold: float
    t_out: float
    value: object = None

    @property
    def on(self) -> float:
        return self.start + self.t_in

    @property
    def off(self) -> float:
        return self.on + self.hold

    @property
    def end(self) -> float:
        return self.off + self.t_out

    def weight(self, t: float) -> float:
        if t <= self.start or t >= self.end:
            return 0.0
        if t < self.on:
            x = (t - self.start) / self.t_in
        elif t <= self.off:
            return 1.0
        else:
            x = 1 - (t - self.off) / self.t_out
        return x * x * (3 - 2 * x)


def _arm_value(cue: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    side = rng.integers(2)
    if cue == "pointing":
        names = ("point", "neutral") if side == 0 else ("neutral", "point")
        hands = ("point", "relaxed") if side == 0 else ("relaxed", "point")
    elif cue == "arms_crossed":
        names, hands = ("crossed", "crossed"), ("relaxed", "relaxed")
    elif cue == "hands_on_hips":
        names, hands = ("on_hip", "on_hip"), ("relaxed", "relaxed")
    elif cue == "hands_raised":
        kind = ("raised_side", "raised_up")[rng.integers(2)]
        mode = rng.integers(3)
        names = (kind, kind) if mode == 0 else ((kind, "neutral") if mode == 1 else ("neutral", kind))
        hands = ("open", "open")
    elif cue == "fists_up":
        names, hands = ("guard", "guard"), ("fist", "fist")
    elif cue == "hands_hidden":
        names, hands = ("behind", "behind"), ("relaxed", "relaxed")
    else:  # open_hands
        names, hands = ("open", "open"), ("open", "open")
    arms = arm_config(*names) + rng.normal(0, 0.12, (2, 2, 3))
    return arms, np.array([HAND[hands[0]], HAND[hands[1]]])


def _schedule(
    rng: np.random.Generator, duration: float, cues: list[str], gap: tuple[float, float]
) -> list[Segment]:
    segs, t = [], rng.uniform(0.3, 2.0)
    for cue in cues:
        t_in, hold, t_out = rng.uniform(0.3, 0.8), rng.uniform(1.5, 4.0), rng.uniform(0.3, 0.8)
        if t + t_in + hold + t_out > duration - 0.3:
            break
        segs.append(Segment(str(cue), t, t_in, hold, t_out))
        t += t_in + hold + t_out + rng.uniform(*gap)
    return segs


def _plan(rng: np.random.Generator, duration: float, role: str) -> dict[str, list[Segment]]:
    if role == "client":
        pool = list(ARM_CUES)
        arm_cues = list(rng.choice(pool, size=min(len(pool), 6), replace=False))
    else:
        arm_cues = ["open_hands", *rng.choice(list(ARM_CUES), size=3, replace=False)]
        rng.shuffle(arm_cues)
    arms = _schedule(rng, duration, arm_cues, (0.8, 2.5))
    for s in arms:
        s.value = _arm_value(s.cue, rng)
    body_pool = ["bladed_stance", "leaning_in"] * 2
    body = _schedule(rng, duration, list(rng.permutation(body_pool)), (1.0, 4.0))
    for s in body:
        s.value = (
            rng.uniform(0.25, 0.45)
            if s.cue == "leaning_in"
            else rng.choice([-1, 1]) * rng.uniform(np.radians(35), np.radians(55))
        )
    return {"arms": arms, "body": body}


def _smooth_noise(
    rng: np.random.Generator, n: int, shape: tuple[int, ...], scale: float, k: int = 15
) -> np.ndarray:
    raw = rng.normal(0, 1, (n + 2 * k, *shape))
    ker = np.hanning(2 * k + 1)
    ker /= np.sqrt((ker**2).sum())
    out = np.apply_along_axis(lambda c: np.convolve(c, ker, mode="same"), 0, raw)[k : k + n]
    return out * scale


def _paths(
    rng: np.random.Generator, t: np.ndarray, kind: str
) -> tuple[np.ndarray, np.ndarray, list[Segment]]:
    """Floor positions (n, 2, 2) of A and B and locomotion segments (pacing, approach) of B."""
    n = len(t)
    pos = np.zeros((n, 2, 2))
    d0 = rng.uniform(1.5, 2.6)
    pos[:, 0] = [-d0 / 2, 0.0]
    pos[:, 1] = [d0 / 2, 0.0]
    segs: list[Segment] = []
    speed = np.zeros(n)
    if kind == "approach":
        start = rng.uniform(0.5, 3.0)
        d_start, d_end, v = rng.uniform(3.0, 4.0), rng.uniform(0.55, 0.95), rng.uniform(1.0, 1.7)
        pos[:, 1] = [-d0 / 2 + d_start, 0.0]
        x = (
            -d0 / 2
            + d_start
            - np.clip(np.cumsum(np.where(t > start, v, 0.0)) * np.gradient(t), 0, d_start - d_end)
        )
        ramp = 0.35
        xs = (
            pd.Series(x).rolling(max(1, int(ramp / np.median(np.diff(t)))), center=True, min_periods=1).mean()
        )
        pos[:, 1, 0] = xs.to_numpy()
        speed = -np.gradient(pos[:, 1, 0], t)
        retreat = start + (d_start - d_end) / v + rng.uniform(2.0, 4.0)
        back = np.clip((t - retreat) * 0.6, 0, rng.uniform(0.6, 1.2))
        pos[:, 1, 0] += back
        segs.append(Segment("walk", start, 0.0, (d_start - d_end) / v, 0.0))
    elif kind == "pacing":
        start = rng.uniform(0.5, 3.0)
        dur = min(t[-1] - start - 0.5, rng.uniform(5.0, 9.0))
        amp, v = rng.uniform(0.6, 1.2), rng.uniform(0.6, 1.1)
        phase = np.clip(t - start, 0, dur) * v / (2 * amp) * np.pi
        offset = amp * (1 - np.cos(phase)) * 0.5 * 2
        direction = np.array([np.cos(rng.uniform(1.2, 1.9)), np.sin(rng.uniform(1.2, 1.9))])
        direction = direction * rng.choice([-1, 1])
        pos[:, 1] += offset[:, None] * direction[None, :] * 0.5
        segs.append(Segment("pacing", start, 0.0, dur, 0.0))
        speed = np.linalg.norm(np.gradient(pos[:, 1], t, axis=0), axis=1)
    return pos, speed, segs


def _spans(mask: np.ndarray, t: np.ndarray, min_len: float) -> list[tuple[float, float]]:
    out, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if (not m or i == len(mask) - 1) and start is not None:
            end = i if m else i - 1
            if t[end] - t[start] >= min_len:
                out.append((float(t[start]), float(t[end])))
            start = None
    return out


@dataclass
class SyntheticClip:
    """A synthetic clip: analysis-style tables plus gt.json-style ground truth."""

    name: str
    poses: pd.DataFrame
    pairs: pd.DataFrame
    gt: dict
    aspect: float


def make_clip(seed: int, duration: float | None = None, noise: bool = True) -> SyntheticClip:
    """Generate one two-person role-play with cue labels (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    duration = duration or float(rng.uniform(14.0, 22.0))
    fps = float(rng.choice([10.0, 15.0, 25.0]))
    t = np.arange(0, duration, 1 / fps)
    n = len(t)
    kind = str(rng.choice(["approach", "pacing", "none"], p=[0.35, 0.35, 0.3]))
    pos, _speed_b, loco = _paths(rng, t, kind)
    plans = [_plan(rng, duration, "trainee"), _plan(rng, duration, "client")]
    for seg in loco:  # no stance cues while the client walks
        plans[1]["body"] = [s for s in plans[1]["body"] if s.end < seg.start - 0.3 or s.start > seg.off + 0.5]
    heights = rng.uniform(1.55, 1.95, 2)
    widths = rng.uniform(0.09, 0.13, 2)

    az = np.radians(rng.uniform(-40, 40))
    dist, cam_h = rng.uniform(4.5, 7.0), rng.uniform(1.2, 2.2)
    size = [(960, 540), (1280, 720), (640, 480)][int(rng.choice(3, p=[0.45, 0.45, 0.1]))]
    centre = pos[0].mean(axis=0)
    cam = Camera.looking_at(
        np.array([centre[0] + dist * np.sin(az), centre[1] - dist * np.cos(az), cam_h]),
        np.array([centre[0], centre[1], 1.0]),
        fov_deg=float(rng.uniform(50, 65)),
        size=size,
    )
    ground = cam.ground_axes()

    tracks, gt_frames = [], [{"frame": i, "t": float(t[i]), "persons": {}} for i in range(n)]
    events: list[dict] = []
    for p in range(2):
        me, other = pos[:, p], pos[:, 1 - p]
        vel = np.gradient(me, t, axis=0)
        speed = np.linalg.norm(vel, axis=1)
        idle_arm = _smooth_noise(rng, n, (2, 2, 3), 0.06)
        idle_yaw = _smooth_noise(rng, n, (), 0.06, k=25)
        idle_lean = _smooth_noise(rng, n, (), 0.03, k=25)
        sway = _smooth_noise(rng, n, (2,), 0.015, k=25)
        phase = np.cumsum(speed / 1.4 * 2 * np.pi * np.gradient(t))
        xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
        vis = np.full((n, NUM_LANDMARKS), np.nan)
        world = np.full((n, NUM_LANDMARKS, 3), np.nan)
        floor = np.full((n, 2), np.nan)
        neutral = Pose().arms
        for i in range(n):
            face = np.arctan2(*(other[i] - me[i])[::-1])
            yaw = face
            if speed[i] > 0.05:
                walk = np.arctan2(vel[i, 1], vel[i, 0])
                a = min(speed[i] / 0.3, 1.0)
                yaw = np.angle((1 - a) * np.exp(1j * face) + a * np.exp(1j * walk))
            arms, hands = neutral.copy(), Pose().hands.copy()
            for s in plans[p]["arms"]:
                w = s.weight(t[i])
                if w > 0:
                    arms = (1 - w) * arms + w * s.value[0]
                    hands = (1 - w) * hands + w * s.value[1]
            lean, blade = idle_lean[i], 0.0
            for s in plans[p]["body"]:
                w = s.weight(t[i])
                if s.cue == "leaning_in":
                    lean += w * s.value
                else:
                    blade += w * s.value
            stag = 0.22 * abs(blade) / np.radians(45)
            fwd = 0.25 * min(speed[i], 1.2) * np.sin(phase[i])
            sgn = 1.0 if blade >= 0 else -1.0
            feet = np.array(
                [[widths[p] + 0.04 * stag, sgn * stag + fwd], [-widths[p] - 0.04 * stag, -sgn * stag - fwd]]
            )
            pose = Pose(
                pos=me[i] + sway[i],
                yaw=yaw + blade + idle_yaw[i],
                height=heights[p],
                lean=lean,
                twist=-0.2 * blade,
                arms=arms + idle_arm[i],
                hands=hands,
                feet=feet,
                bob=0.004 * np.sin(2 * np.pi * 0.25 * t[i]) + 0.02 * abs(np.sin(phase[i])) * min(speed[i], 1),
            )
            j3 = pose_joints(pose)
            xy[i] = cam.project(j3)
            occ = occluded(j3, cam)
            vis[i] = np.where(
                occ, rng.uniform(0.05, 0.45, NUM_LANDMARKS), rng.uniform(0.85, 1.0, NUM_LANDMARKS)
            )
            world[i] = mediapipe_world(j3, cam)
            floor[i] = ground @ (me[i] - cam.position[:2])
            gt_frames[i]["persons"]["AB"[p]] = {
                "joints": {nm: [float(v) for v in xy[i, k]] for k, nm in enumerate(LANDMARK_NAMES)},
                "visible": True,
                "hip_floor_m": [float(v) for v in me[i]],
            }
        if noise:
            torso = np.linalg.norm(
                (xy[:, INDEX["left_shoulder"]] - xy[:, INDEX["left_hip"]]) * [size[0] / size[1], 1], axis=1
            )
            k = rng.uniform(0.01, 0.04)
            sigma = (k * torso)[:, None, None] * np.where(vis < 0.5, 3.0, 1.0)[..., None]
            xy = xy + rng.normal(0, 1, xy.shape) * sigma * [size[1] / size[0], 1]
            world = world + rng.normal(0, 0.02, world.shape)
            drop = rng.random((n, NUM_LANDMARKS)) < 0.01
            drop |= (rng.random(n) < 0.02)[:, None]
            xy[drop] = np.nan
            world[drop] = np.nan
            vis[drop] = np.nan
        tracks.append(PersonTrack(p, np.arange(n), t.copy(), xy, vis, world, floor))
        for s in plans[p]["arms"] + plans[p]["body"]:
            events.append({"cue": s.cue, "person": "AB"[p], "start": round(s.on, 3), "end": round(s.off, 3)})
    for seg in loco:
        if seg.cue == "pacing":
            events.append({"cue": "pacing", "person": "B", "start": seg.start, "end": seg.off})
    d = np.linalg.norm(pos[:, 0] - pos[:, 1], axis=1)
    closing = -np.gradient(d, t)
    for a, b in _spans(closing > 0.8, t, 0.15):
        events.append({"cue": "rapid_approach", "person": "B", "other": "A", "start": a, "end": b})
    for a, b in _spans(d < 1.0, t, 0.2):
        events.append({"cue": "too_close", "person": "B", "other": "A", "start": a, "end": b})
    for i in range(n):
        gt_frames[i]["distance_m"] = float(d[i])
    pairs = pd.DataFrame(
        {
            "frame": np.arange(n),
            "t": t,
            "person": 0,
            "other": 1,
            "distance_m": d + (rng.normal(0, 0.04, n) if noise else 0.0),
            "distance_sd_m": 0.05,
        }
    )
    gt = {
        "video": f"synthetic_{seed}.mp4",
        "fps": fps,
        "size": list(size),
        "duration": float(duration),
        "persons": [{"id": "A", "role": "trainee"}, {"id": "B", "role": "client"}],
        "events": sorted(events, key=lambda e: e["start"]),
        "frames": gt_frames,
        "camera": {"R": cam.R.tolist(), "position": cam.position.tolist()},
    }
    return SyntheticClip(f"synthetic_{seed}", poses_frame(tracks), pairs, gt, size[0] / size[1])
