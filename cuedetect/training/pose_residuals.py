"""MediaPipe's pose-dependent errors, learned from rendered training clips and laid onto simulated poses.

`pose_noise` measures the pose engine's errors as distributions per camera set-up and joint group and
draws them at random: noise, a depth slope, visibility. What it cannot reproduce is how the engine's
reading depends on the pose itself: crossed forearms not resolved (the wrist read far from the other
elbow), hands behind the back put at the body's plane, hands on the hips seen in front of them, a lean
read about half as deep. `PoseDistortion` learns that from pairs of the studio's exact joints and the
engine's landmarks of the same rendered frames (`pose_noise.paired_clip`): for every paired frame, a
descriptor of the true pose (elbows, wrists, nose, knees and ankles in the person's own world torso
frame, in torso lengths, and which way the torso faces the camera) and MediaPipe's residual for every
landmark (image residual in the picture's torso frame, world residual in the world torso frame, both in
torso lengths, and the visibility it reported). A simulated frame gets the inverse-distance weighted
mean residual of its `K` nearest training poses (a pose equal to a training pose gets exactly that
pose's residual), each landmark seen with the share of those neighbours in which MediaPipe saw it, then
the measured profile's random errors (`pose_noise.apply_pose_noise(..., systematic=False)`).
`sample=True` (`--sim-noise learned-sample`) instead gives each frame the residual and visibility of ONE
of its `K` nearest training poses, drawn with inverse-distance weights; the draw (a quantile of those
weights) is kept for a segment of 0.5-1 s, so the error is as coherent in time as the training clip it
comes from, and its spread is the training poses' own: no random errors on top.

Fitted by `cuedetect train --sim-noise learned*|mixed` (`distortion_for`) from the rendered clips of the
training folders (or `--distortion-from`); clips of a held-out split are refused. The paired rows of
each clip are cached in `models/.work/pose_residuals/`, keyed by the clip's files.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy.special import ndtr

from cuedetect.cues.tracks import PersonTrack
from cuedetect.errors import InputError
from cuedetect.landmarks import INDEX, MIRROR_INDEX, NUM_LANDMARKS
from cuedetect.training.pose_noise import _smooth, _torso_frame, apply_pose_noise

K = 8
VERSION = 1  # of the paired rows' layout: a change makes the cache miss
DESCRIPTOR_JOINTS = [INDEX[n] for n in ("nose", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
                                        "left_knee", "right_knee", "left_ankle", "right_ankle")]  # fmt: skip
_LS, _RS, _LH, _RH = (INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip"))
_MIRROR = np.array(MIRROR_INDEX)


def world_frame(world: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: the hip midpoint (n, 3), the torso's axes as rows right, up, forward (n, 3, 3) and
    the torso length (n,), from world landmarks (n, 33, 3). NaN where the torso is missing."""
    with np.errstate(invalid="ignore", divide="ignore"):
        hip = world[:, [_LH, _RH]].mean(1)
        up = world[:, [_LS, _RS]].mean(1) - hip
        length = np.linalg.norm(up, axis=-1)
        up = up / length[:, None]
        across = world[:, _RS] - world[:, _LS]
        right = across - (across * up).sum(-1, keepdims=True) * up
        right = right / np.linalg.norm(right, axis=-1, keepdims=True)
        forward = np.cross(right, up)
    return hip, np.stack([right, up, forward], axis=1), length


def descriptor(world: np.ndarray) -> np.ndarray:
    """(n, 33, 3) world landmarks -> (n, 33) pose descriptors: the descriptor joints in the torso frame
    (torso lengths from the hip midpoint) and the torso's up and forward axes in camera axes."""
    hip, axes, length = world_frame(world)
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.einsum("njc,nac->nja", world[:, DESCRIPTOR_JOINTS] - hip[:, None], axes)
        rel = rel / length[:, None, None]
    return np.concatenate([rel.reshape(len(world), -1), axes[:, 1:].reshape(len(world), 6)], axis=1)


def image_residual(true_xy: np.ndarray, seen_xy: np.ndarray, aspect: float) -> np.ndarray:
    """The engine's image error (n, 33, 2) as (along the torso's up, along its right), torso lengths."""
    torso, up, right = _torso_frame(true_xy, aspect)
    d = (seen_xy - true_xy) * [aspect, 1.0] / torso[:, None, None]
    return np.stack([(d * up[:, None]).sum(-1), (d * right[:, None]).sum(-1)], axis=-1)


def world_residual(true_world: np.ndarray, seen_world: np.ndarray) -> np.ndarray:
    """The engine's world error (n, 33, 3) in the true torso frame (right, up, forward), torso lengths."""
    _hip, axes, length = world_frame(true_world)
    return np.einsum("njc,nac->nja", seen_world - true_world, axes) / length[:, None, None]


def mirror_paired(person: dict) -> dict:
    """A paired person (`pose_noise.paired_clip`) seen in a mirror: x flipped, left and right swapped."""
    out = dict(person)
    for key in ("xy", "mp_xy"):
        v = person[key][:, _MIRROR].copy()
        v[..., 0] = 1.0 - v[..., 0]
        out[key] = v
    for key in ("world", "mp_world"):
        v = person[key][:, _MIRROR].copy()
        v[..., 0] *= -1
        out[key] = v
    out["mp_vis"] = person["mp_vis"][:, _MIRROR]
    return out


def paired_rows(clip: dict, mirror: bool = True) -> dict[str, np.ndarray]:
    """Training rows of one paired clip: descriptor, image and world residuals, visibility (NaN: 0)."""
    rows: dict[str, list] = {"desc": [], "image": [], "world": [], "vis": []}
    persons = clip["persons"] + ([mirror_paired(p) for p in clip["persons"]] if mirror else [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for p in persons:
            desc = descriptor(p["world"])
            sel = p["in_view"] & p["found"] & np.isfinite(desc).all(1)
            if not sel.any():
                continue
            rows["desc"].append(desc[sel])
            rows["image"].append(image_residual(p["xy"][sel], p["mp_xy"][sel], clip["aspect"]))
            rows["world"].append(world_residual(p["world"][sel], p["mp_world"][sel]))
            rows["vis"].append(np.nan_to_num(p["mp_vis"][sel], nan=0.0))
    n_desc = len(DESCRIPTOR_JOINTS) * 3 + 6
    empty = {"desc": (0, n_desc), "image": (0, NUM_LANDMARKS, 2), "world": (0, NUM_LANDMARKS, 3),
             "vis": (0, NUM_LANDMARKS)}  # fmt: skip
    return {k: (np.concatenate(v) if v else np.zeros(empty[k])).astype(np.float32) for k, v in rows.items()}


@dataclass
class PoseDistortion:
    """MediaPipe's residuals of training poses, looked up by the nearest true poses (module docstring)."""

    desc: np.ndarray
    image: np.ndarray
    world: np.ndarray
    vis: np.ndarray
    clips: list[str] = field(default_factory=list)
    k: int = K

    def __post_init__(self) -> None:
        from scipy.spatial import cKDTree

        if not len(self.desc):
            raise InputError("no paired frames to learn the pose engine's distortion from")
        self._tree = cKDTree(self.desc)

    @classmethod
    def from_rows(cls, rows: list[dict], clips: list[str] | None = None, k: int = K) -> PoseDistortion:
        cat = {key: np.concatenate([r[key] for r in rows]) for key in ("desc", "image", "world", "vis")}
        return cls(cat["desc"], cat["image"], cat["world"], cat["vis"], list(clips or []), k)

    def neighbours(self, desc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For descriptors (m, D): the rows of the `k` nearest training poses (m, k), nearest first, and
        their inverse-distance weights (m, k) summing to 1 (an exact match takes all the weight)."""
        k = min(self.k, len(self.desc))
        dist, idx = self._tree.query(desc, k)
        dist, idx = dist.reshape(len(desc), k), idx.reshape(len(desc), k)
        with np.errstate(divide="ignore"):
            w = np.where(dist[:, :1] < 1e-9, (dist < 1e-9).astype(float), 1.0 / dist)
        return idx, w / w.sum(1, keepdims=True)

    def sample(self, desc: np.ndarray, u: np.ndarray) -> np.ndarray:
        """For descriptors (m, D) and quantiles `u` (m,) in [0, 1): the training row (m,) of the neighbour
        whose inverse-distance weight holds `u` (`u` near 0: the nearest pose)."""
        idx, w = self.neighbours(desc)
        pick = (np.cumsum(w, axis=1) <= np.asarray(u)[:, None]).sum(1).clip(0, idx.shape[1] - 1)
        return idx[np.arange(len(idx)), pick]

    def predict(self, desc: np.ndarray, threshold: float = 0.5):
        """For descriptors (m, D): mean image (m, 33, 2) and world (m, 33, 3) residuals, the share of
        neighbours in which each landmark was seen (m, 33) and their mean visibility (m, 33)."""
        idx, w = self.neighbours(desc)

        def mean(a: np.ndarray) -> np.ndarray:
            v = a[idx]  # (m, k, ...)
            ok = np.isfinite(v)
            ww = w.reshape(w.shape + (1,) * (v.ndim - 2)) * ok
            total = ww.sum(1)
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(total > 0, (np.where(ok, v, 0.0) * ww).sum(1) / total, 0.0)

        vis = self.vis[idx]
        return mean(self.image), mean(self.world), (w[..., None] * (vis >= threshold)).sum(1), mean(self.vis)

    def apply(
        self, tracks: list[PersonTrack], rng: np.random.Generator, aspect: float, framing: str | None = None,
        profile: dict | None = None, threshold: float = 0.5, sample: bool = False,
    ) -> list[PersonTrack]:  # fmt: skip
        """Simulated tracks as the pose engine would read them: the learned residual of each frame's
        pose, its visibility, then (with `profile`) the measured random errors on top. `sample`: one
        neighbour's residual and visibility per frame, drawn per segment of 0.5-1 s (module docstring)."""
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for tr in tracks:
                out.append(self._apply_one(tr, rng, aspect, threshold, sample) if len(tr) else tr)
        if profile is not None:
            out = apply_pose_noise(out, rng, profile, aspect, framing, threshold, systematic=False)
        return out

    def _apply_one(
        self, tr: PersonTrack, rng: np.random.Generator, aspect: float, threshold: float, sample: bool = False
    ):  # fmt: skip
        n = len(tr)
        xy, world, vis = tr.xy.copy(), tr.world.copy(), tr.vis.copy()
        desc = descriptor(tr.world)
        ok = np.isfinite(desc).all(1)
        dt = float(np.median(np.diff(tr.t))) if n > 1 else 0.1
        if sample:
            u = segment_quantiles(rng, tr.t)
        else:
            k = max(1, round(0.25 / max(dt, 1e-3)))
            side = np.where(np.arange(NUM_LANDMARKS) % 2 == 1, 0, 1)
            u = ndtr(0.7 * _smooth(rng, n, 2, k)[:, side] + 0.714 * _smooth(rng, n, NUM_LANDMARKS, k))
        if ok.any():
            if sample:
                row = self.sample(desc[ok], u[ok])
                img, wres, v_mean = self.image[row], np.nan_to_num(self.world[row]), self.vis[row]
            else:
                img, wres, p_seen, v_mean = self.predict(desc[ok], threshold)
            torso, up, right = _torso_frame(tr.xy[ok], aspect)
            delta = (img[..., :1] * up[:, None] + img[..., 1:] * right[:, None]) * torso[:, None, None]
            xy[ok] = np.where(np.isfinite(delta), xy[ok] + delta / [aspect, 1.0], xy[ok])
            _hip, axes, length = world_frame(tr.world[ok])
            world[ok] = world[ok] + np.einsum("nja,nac->njc", wres, axes) * length[:, None, None]
            seen = v_mean >= threshold if sample else u[ok] < p_seen
            learned = np.where(seen, np.maximum(v_mean, threshold), np.minimum(v_mean, threshold - 0.01))
            inside = ((tr.xy[ok] >= 0) & (tr.xy[ok] <= 1)).all(-1) & np.isfinite(tr.vis[ok])
            vis[ok] = np.where(inside, learned, vis[ok])
        xy[~(np.nan_to_num(vis, nan=0.0) >= threshold)] = np.nan
        return replace(tr, xy=xy, vis=vis, world=world)


# -- fitting from clip folders ----------------------------------------------------------------------
def clip_folders(folders: list[Path]) -> list[Path]:
    """Rendered clips under `folders` that can be paired (scenario.yaml + gt.json + analysis poses);
    refuses any clip of a held-out split."""
    out = []
    for folder in folders:
        for gt in sorted(Path(folder).rglob("gt.json")):
            d = gt.parent
            if not (d / "scenario.yaml").exists() or not (d / "analysis" / "poses.parquet").exists():
                continue
            split = json.loads(gt.read_text()).get("split")
            if split and split != "train":
                raise InputError(f"{d} is a clip of the {split!r} split: the distortion is learned on "
                                 "training clips only")  # fmt: skip
            out.append(d)
    return out


def _key(folder: Path) -> str:
    h = hashlib.sha256(f"v{VERSION}".encode())
    for name in ("scenario.yaml", "gt.json", "analysis/poses.parquet"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()[:24]


def clip_rows(folder: Path, cache: Path | None = None) -> dict[str, np.ndarray]:
    """One clip's paired rows (`paired_rows`), read from `cache` when its files have not changed."""
    from cuedetect.training.pose_noise import paired_clip

    path = cache / f"{folder.name}_{_key(folder)}.npz" if cache else None
    if path is not None and path.exists():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    clip = paired_clip(folder)
    rows = paired_rows(clip) if clip else paired_rows({"persons": [], "aspect": 1.0})
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **rows)
        tmp.replace(path)
    return rows


def fit_distortion(folders: list[Path], cache: Path | None = None, log=print) -> PoseDistortion:
    """The distortion learned from every pairable rendered training clip under `folders`."""
    clips = clip_folders(folders)
    rows = [clip_rows(d, cache) for d in clips]
    model = PoseDistortion.from_rows(rows, [f"{d.parent.name}/{d.name}" for d in clips])
    log(f"learned pose distortion: {len(model.desc)} paired frames (with their mirror images) of "
        f"{len(clips)} rendered clips")  # fmt: skip
    return model


def distortion_for(sim_noise: str, folders: list[Path], log=print) -> PoseDistortion | None:
    """`cuedetect train --sim-noise`: the distortion that mode needs, learned from the rendered training
    clips under `folders` (paired rows cached in models/.work/pose_residuals/), or None."""
    from cuedetect.training.dataset import LEARNED, SIM_NOISE

    if sim_noise not in SIM_NOISE:
        raise InputError(f"--sim-noise is one of {', '.join(SIM_NOISE)}, not {sim_noise!r}")
    if sim_noise not in LEARNED:
        return None
    from cuedetect.paths import models_dir

    return fit_distortion(folders, models_dir() / ".work" / "pose_residuals", log=log)


def segment_quantiles(rng: np.random.Generator, t: np.ndarray, seconds: tuple = (0.5, 1.0)) -> np.ndarray:
    """One uniform draw per frame of times `t`, the same within each segment of `seconds` (each
    segment's length drawn uniformly between them): which neighbour `sample` takes, held for a while."""
    t = np.asarray(t, float)
    u = np.empty(len(t))
    start = 0
    while start < len(t):
        end = start + int(np.searchsorted(t[start:], t[start] + rng.uniform(*seconds)))
        end = max(end, start + 1)
        u[start:end] = rng.random()
        start = end
    return u
