"""MediaPipe's errors on the studio's renders, measured, and laid onto simulated poses.

The simulated training clips (`studio_sim`) have the studio's exact joints. What inference sees is the
pose engine's reading of pixels: joints a little off (and more so for far people and close-ups), wrists
lost when they are small or behind the body, visibility spread over 0.3-1.0, left and right wrists (or
the whole body) swapped now and then, world depth flattened and noisy. `measure` compares the pose
engine's output on rendered clips (`analysis/poses.parquet`) with the studio's own joints for the same
frames (the scenario posed again, `paired_clip`) and summarises the errors per camera set-up (framing),
joint group and joint state (seen, hidden behind the body or furniture, outside the picture) as
quantiles; `apply_pose_noise` draws errors from those quantiles, smoothly in time, onto exact tracks.

The profile is measured on `corpus/style_train` only (never on a held-out split) by
`bench/measure_pose_noise.py` and committed as `pose_noise.json` beside this module.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
from scipy.special import ndtr

from cuedetect.cues.tracks import PersonTrack
from cuedetect.landmarks import INDEX, MIRROR_INDEX, NUM_LANDMARKS

PROFILE_PATH = Path(__file__).with_name("pose_noise.json")
GROUPS = {
    "face": list(range(0, 11)),
    "shoulder": [11, 12],
    "elbow": [13, 14],
    "wrist": [15, 16],
    "hand": list(range(17, 23)),
    "hip": [23, 24],
    "knee": [25, 26],
    "foot": list(range(27, 33)),
}
GROUP_OF = np.empty(NUM_LANDMARKS, dtype=object)
for _g, _idx in GROUPS.items():
    GROUP_OF[_idx] = _g
STATES = ("seen", "hidden", "outside")
LEVELS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.995)
MIN_ROWS = 200  # fewer measured rows in a framing than this: that cell falls back to all framings
_SH, _HP = [INDEX["left_shoulder"], INDEX["right_shoulder"]], [INDEX["left_hip"], INDEX["right_hip"]]
_MIRROR = np.array(MIRROR_INDEX)
_HAND_SIDE = np.arange(NUM_LANDMARKS)
for _a in range(15, 23, 2):  # the wrists and hand points of both sides: what a wrist swap exchanges
    _HAND_SIDE[_a], _HAND_SIDE[_a + 1] = _a + 1, _a


# -- measuring --------------------------------------------------------------------------------------
def paired_clip(folder: Path) -> dict | None:
    """One rendered corpus clip's persons: the studio's exact joints beside the pose engine's, per frame.

    Returns {"framing", "aspect", "persons": [dict of arrays per person]} or None without poses. The
    arrays: `xy` true image points (n, 33, 2), `world` true MediaPipe-style world landmarks, `state`
    (n, 33) index into STATES, `in_view` (n,), and the engine's `mp_xy`, `mp_vis`, `mp_world`, `found`.
    """
    import pandas as pd

    from cuedetect.cues.tracks import tracks_from_poses
    from cuedetect.studio.render import behind_furniture, compile_scenario
    from cuedetect.studio.scenario import load
    from cuedetect.training.labels import match_persons
    from cuedetect.training.skeleton import Camera, mediapipe_world, occluded

    poses_path = folder / "analysis" / "poses.parquet"
    if not poses_path.exists() or not (folder / "scenario.yaml").exists():
        return None
    sc = load(folder / "scenario.yaml")
    comp = compile_scenario(sc)
    camj = sc.camera.to_json()
    cam = Camera(np.asarray(camj["position"], float), np.asarray(camj["R"], float), float(camj["K"][0][0]),
                 (sc.width, sc.height))  # fmt: skip
    gt = json.loads((folder / "gt.json").read_text())
    poses = pd.read_parquet(poses_path)
    mapping = match_persons(poses, gt)
    tracks = {t.person: t for t in tracks_from_poses(poses)}
    n = len(comp.times)
    persons = []
    for p in sc.persons:
        J = comp.joints_world[p.id]
        xy = sc.camera.project(J)[0]
        world = np.stack([mediapipe_world(J[i], cam) for i in range(n)])
        hidden = np.stack([occluded(J[i], cam) for i in range(n)])
        hidden |= np.stack([behind_furniture(j, cam.position, sc.room.get("furniture", [])) for j in J])
        inside = ((xy >= 0) & (xy <= 1)).all(axis=-1)
        state = np.where(~inside, 2, np.where(hidden, 1, 0))
        mp_xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
        mp_vis = np.full((n, NUM_LANDMARKS), np.nan)
        mp_world = np.full((n, NUM_LANDMARKS, 3), np.nan)
        found = np.zeros(n, bool)
        for a, g in mapping.items():
            if g == p.id:
                tr = tracks[a]
                ok = tr.frame < n
                f = tr.frame[ok]
                mp_xy[f], mp_vis[f], mp_world[f], found[f] = tr.xy[ok], tr.vis[ok], tr.world[ok], True
        in_view = np.array([fr["persons"].get(p.id, {}).get("visible", False) for fr in gt["frames"]])[:n]
        persons.append({"xy": xy, "world": world, "state": state, "in_view": in_view, "mp_xy": mp_xy,
                        "mp_vis": mp_vis, "mp_world": mp_world, "found": found})  # fmt: skip
    return {"framing": gt.get("framing") or "unknown", "aspect": sc.width / sc.height, "persons": persons}


def _torso_frame(xy: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: torso length (picture units of the height), unit up (hips to shoulders), unit right
    (toward the person's right shoulder). Without hips: 1.4 shoulder widths, the picture's up."""
    p = xy * [aspect, 1.0]
    sh, hp = p[:, _SH].mean(1), p[:, _HP].mean(1)
    width = np.linalg.norm(p[:, _SH[1]] - p[:, _SH[0]], axis=-1)
    up = sh - hp
    torso = np.linalg.norm(up, axis=-1)
    no_hip = ~np.isfinite(torso) | (torso < 1e-6)
    torso = np.where(no_hip, 1.4 * width, torso)
    up = np.where(no_hip[:, None], [0.0, -1.0], up / np.where(no_hip, 1.0, torso)[:, None])
    right = np.stack([-up[:, 1], up[:, 0]], axis=-1)
    side = np.sign(((p[:, _SH[1]] - p[:, _SH[0]]) * right).sum(-1))
    right = right * np.where(side == 0, 1.0, np.nan_to_num(side, nan=1.0))[:, None]
    return torso, up, right


def _quantiles(v: np.ndarray) -> list[float] | None:
    v = v[np.isfinite(v)]
    return [round(float(q), 4) for q in np.quantile(v, LEVELS)] if len(v) >= 20 else None


def _dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a - b, axis=-1)


def measure(paired: list[dict]) -> dict:
    """The error profile of the pose engine on rendered clips (`paired_clip` outputs)."""
    rows: dict[str, dict[str, list]] = {}
    found: dict[str, list[int]] = {}
    swaps = {"wrists": [0, 0], "body": [0, 0]}
    for clip in paired:
        fr = clip["framing"]
        for p in clip["persons"]:
            n_view = int(p["in_view"].sum())
            c = found.setdefault(fr, [0, 0])
            c[0] += int((p["in_view"] & p["found"]).sum())
            c[1] += n_view
            sel = p["in_view"] & p["found"]
            if sel.sum() < 3:
                continue
            xy, mp, state = p["xy"][sel], p["mp_xy"][sel], p["state"][sel]
            torso, up, right = _torso_frame(xy, clip["aspect"])
            d = (mp - xy) * [clip["aspect"], 1.0] / torso[:, None, None]
            r = rows.setdefault(fr, {k: [] for k in ("du", "dr", "vis", "state", "w_true", "w_mp")})
            r["du"].append((d * up[:, None]).sum(-1))
            r["dr"].append((d * right[:, None]).sum(-1))
            r["vis"].append(np.nan_to_num(p["mp_vis"][sel], nan=0.0))
            r["state"].append(state)
            r["w_true"].append(p["world"][sel])
            r["w_mp"].append(p["mp_world"][sel])
            for key, (a, b) in (("wrists", (15, 16)), ("body", (11, 12))):
                sep = np.linalg.norm((xy[:, a] - xy[:, b]) * [clip["aspect"], 1.0], axis=-1) / torso
                own = _dist(mp[:, a], xy[:, a]) + _dist(mp[:, b], xy[:, b])
                cross = _dist(mp[:, a], xy[:, b]) + _dist(mp[:, b], xy[:, a])
                ok = (sep > 0.3) & np.isfinite(own) & np.isfinite(cross)
                swaps[key][0] += int((cross[ok] < own[ok] - 0.2 * sep[ok]).sum())
                swaps[key][1] += int(ok.sum())
    cat = {fr: {k: np.concatenate(v) for k, v in r.items()} for fr, r in rows.items()}
    cat["all"] = {k: np.concatenate([cat[f][k] for f in rows]) for k in next(iter(cat.values()))}
    seen_all = cat["all"]["state"] == 0
    offset = {}
    for j in range(NUM_LANDMARKS):
        m = seen_all[:, j] & np.isfinite(cat["all"]["du"][:, j])
        offset[str(j)] = [round(float(np.median(cat["all"][k][m, j])), 4) if m.sum() > 20 else 0.0
                          for k in ("du", "dr")]  # fmt: skip
    vis_q: dict = {}
    err_q: dict = {}
    for fr, r in cat.items():
        vis_q[fr], err_q[fr] = {}, {}
        for g, idx in GROUPS.items():
            vis_q[fr][g] = {}
            for s, name in enumerate(STATES):
                m = r["state"][:, idx] == s
                if m.sum() >= MIN_ROWS or fr == "all":
                    q = _quantiles(r["vis"][:, idx][m])
                    if q:
                        vis_q[fr][g][name] = q
            off = np.array([offset[str(j)] for j in idx])
            du = r["du"][:, idx] - off[:, 0]
            dr = r["dr"][:, idx] - off[:, 1]
            m = (r["state"][:, idx] == 0) & np.isfinite(du)
            if m.sum() >= MIN_ROWS or fr == "all":
                err_q[fr][g] = _quantiles(np.hypot(du, dr)[m])
    world = {}
    a = cat["all"]
    for g, idx in GROUPS.items():
        wt, wm = a["w_true"][:, idx].reshape(-1, 3), a["w_mp"][:, idx].reshape(-1, 3)
        m = np.isfinite(wt).all(1) & np.isfinite(wm).all(1)
        if m.sum() < 50:
            continue
        slope_z = float(np.polyfit(wt[m, 2], wm[m, 2], 1)[0])
        res = wm[m] - wt[m] * [1.0, 1.0, slope_z]
        mad = 1.4826 * np.median(np.abs(res - np.median(res, axis=0)), axis=0)
        world[g] = {"slope_z": round(slope_z, 3), "sd": [round(float(s), 4) for s in mad]}
    return {
        "about": "pose engine errors on rendered corpus/style_train clips against the studio's joints "
        "(bench/measure_pose_noise.py); image errors in torso lengths",
        "levels": list(LEVELS),
        "clips": len(paired),
        "found": {fr: round(c[0] / c[1], 4) for fr, c in found.items() if c[1]},
        "swap": {k: round(v[0] / max(v[1], 1), 4) for k, v in swaps.items()},
        "offset": offset,
        "vis": vis_q,
        "error": err_q,
        "world": world,
        "correlation_s": 0.5,
    }


# -- applying ---------------------------------------------------------------------------------------
def load_profile(path: Path = PROFILE_PATH) -> dict:
    return json.loads(Path(path).read_text())


def _smooth(rng: np.random.Generator, n: int, m: int, k: int) -> np.ndarray:
    """(n, m) Gaussian noise with unit variance, smooth over about k frames."""
    if k < 1 or n < 2:
        return rng.normal(0, 1, (n, m))
    raw = rng.normal(0, 1, (n + 2 * k, m))
    ker = np.hanning(2 * k + 3)[1:-1]
    ker /= np.sqrt((ker**2).sum())
    out = np.stack([np.convolve(raw[:, j], ker, mode="same") for j in range(m)], axis=1)
    return out[k : k + n]


def _cell(table: dict, framing: str | None, group: str, state: str | None = None):
    for fr in (framing, "all"):
        v = table.get(fr or "all", {}).get(group)
        if v is not None and state is not None:
            v = v.get(state)
        if v is not None:
            return v
    return None


def _runs(rng: np.random.Generator, n: int, rate: float, k: int) -> np.ndarray:
    """(n,) bool: about `rate` of the frames, in runs of about k frames."""
    if rate <= 0 or n == 0:
        return np.zeros(n, bool)
    g = _smooth(rng, n, 1, k)[:, 0]
    return g > np.quantile(rng.normal(0, 1, 4000), 1.0 - rate)


def apply_pose_noise(
    tracks: list[PersonTrack], rng: np.random.Generator, profile: dict, aspect: float,
    framing: str | None = None, threshold: float = 0.5, systematic: bool = True,
) -> list[PersonTrack]:  # fmt: skip
    """Exact (simulated) tracks as the pose engine would report them on a render of `framing`.

    A joint's state comes from the simulation: outside the picture, hidden (simulated visibility
    below 0.5: behind the body or furniture) or seen. Visibility is drawn from the measured
    distribution of its framing, joint group and state (smoothly in time, one arm's joints together),
    and image points under `threshold` are removed as the engine does. Seen points move by the measured
    offset (MediaPipe's shoulders sit higher than the rig's) plus an error whose size follows the
    measured quantiles; wrists (or the whole body) swap sides at the measured rate; world depth is
    flattened by the measured slope and noised; frames where the engine lost the person go missing.

    `systematic=False` (for tracks that already carry the engine's pose-dependent errors,
    `pose_residuals`): only the random part, i.e. the tracks' own visibility, no offset, no depth slope.
    """
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for tr in tracks:
            out.append(
                _apply_one(tr, rng, profile, aspect, framing, threshold, systematic) if len(tr) else tr
            )
    return out


def _apply_one(tr, rng, profile, aspect, framing, threshold, systematic=True) -> PersonTrack:
    n = len(tr)
    dt = float(np.median(np.diff(tr.t))) if n > 1 else 0.1
    k = max(1, round(profile.get("correlation_s", 0.5) / max(dt, 1e-3) / 2))
    levels = np.asarray(profile["levels"])
    xy, world, sim_vis = tr.xy.copy(), tr.world.copy(), tr.vis
    inside = ((xy >= 0) & (xy <= 1)).all(axis=-1)
    hidden = np.nan_to_num(sim_vis, nan=1.0) < 0.5
    state = np.where(~inside, 2, np.where(hidden, 1, 0))
    # visibility: one latent per arm/side shared by its joints, plus each joint's own
    side = np.where(np.arange(NUM_LANDMARKS) % 2 == 1, 0, 1)
    shared = _smooth(rng, n, 2, k)[:, side]
    latent = 0.7 * shared + 0.714 * _smooth(rng, n, NUM_LANDMARKS, k)
    u = ndtr(latent)
    vis = np.ones((n, NUM_LANDMARKS)) if systematic else np.array(tr.vis, float)
    for g, idx in GROUPS.items() if systematic else ():
        for s, name in enumerate(STATES):
            q = _cell(profile["vis"], framing, g, name)
            if q is None:
                continue
            m = state[:, idx] == s
            vis[:, idx] = np.where(m, np.interp(u[:, idx], levels, q), vis[:, idx])
    vis = np.where(np.isnan(tr.vis) & np.isnan(xy[..., 0]), np.nan, vis)
    # image error: measured offset in the torso frame plus a smooth error of measured size
    torso, up, right = _torso_frame(xy, aspect)
    off = np.array([profile["offset"].get(str(j), [0.0, 0.0]) for j in range(NUM_LANDMARKS)])
    off = off if systematic else np.zeros_like(off)
    mag_u = ndtr(_smooth(rng, n, NUM_LANDMARKS, k))
    mag = np.zeros((n, NUM_LANDMARKS))
    for g, idx in GROUPS.items():
        q = _cell(profile["error"], framing, g)
        if q is not None:
            mag[:, idx] = np.interp(mag_u[:, idx], levels, q)
    ang = _smooth(rng, n, NUM_LANDMARKS, k) * np.pi
    du = off[:, 0] + mag * np.cos(ang)
    dr = off[:, 1] + mag * np.sin(ang)
    delta = (du[..., None] * up[:, None] + dr[..., None] * right[:, None]) * torso[:, None, None]
    xy = xy + np.nan_to_num(delta) / [aspect, 1.0]
    # swaps: the wrists (and hand points), or the whole body's left and right
    wr = _runs(rng, n, float(profile["swap"].get("wrists", 0.0)), k)
    body = _runs(rng, n, float(profile["swap"].get("body", 0.0)), k)
    for rows, perm in ((wr, _HAND_SIDE), (body, _MIRROR)):
        xy[rows] = xy[rows][:, perm]
        vis[rows] = vis[rows][:, perm]
        world[rows] = world[rows][:, perm]
    xy[~(np.nan_to_num(vis, nan=0.0) >= threshold)] = np.nan
    # world: depth about the hips flattened, smooth noise per group
    hip_z = np.nanmean(world[:, _HP, 2], axis=1, keepdims=True)
    for g, idx in GROUPS.items():
        w = profile["world"].get(g)
        if w is None:
            continue
        if systematic:
            world[:, idx, 2] = hip_z + (world[:, idx, 2] - hip_z) * w["slope_z"]
        noise = _smooth(rng, n, len(idx) * 3, k).reshape(n, len(idx), 3) * np.asarray(w["sd"])
        world[:, idx] = world[:, idx] + noise
    # frames where the engine did not find the person
    lost = _runs(rng, n, 1.0 - float(profile["found"].get(framing or "", 1.0)), k)
    xy[lost], vis[lost], world[lost] = np.nan, np.nan, np.nan
    return replace(tr, xy=xy, vis=vis, world=world)
