"""Training data and the training run: corpus clips, sample ground truth, reviewed sessions, synthetic clips.

Inputs (each a folder):
- studio corpus clip: `gt.json` + `poses.parquet` (+ `pairs.parquet`): MediaPipe landmarks of the render,
  labels from the ground truth, persons matched through the joints.
- ground truth only (e.g. a sample without an analysis): `gt.json`; the tracks are the exact joints.
- reviewed session: `events.json` + `poses.parquet` (+ `pairs.parquet`), each event carrying its review
  state as `"review": "confirmed" | "rejected" | "added" | "unreviewed"` (or `{"state": ...}`), or as
  the session store exports it, `"status": "confirmed" | "rejected" | "unreviewed"`.
  Confirmed and added events are positives; frames inside rejected events are negatives for that cue;
  frames inside unreviewed events are left out of training (nobody said whether they were right).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.features import build_features
from cuedetect.cues.tracks import PersonTrack, tracks_from_poses
from cuedetect.errors import InputError
from cuedetect.landmarks import LANDMARK_NAMES, NUM_LANDMARKS
from cuedetect.training.augment import augment, mediapipe_like, mirror
from cuedetect.training.labels import frame_labels, match_persons

SIMULATED = ("synthetic", "studio-sim")  # exact landmarks: degraded like MediaPipe's before training
# Rows from real pose-model output are rarer and closer to what inference sees: they weigh more.
SOURCE_WEIGHT = {"corpus": 4.0, "review": 4.0}


@dataclass
class Clip:
    """One labelled clip. `events` use the analysis person ids (ints); `gt_events` the ground truth's."""

    name: str
    group: str
    source: str
    tracks: list[PersonTrack]
    pairs: pd.DataFrame | None
    aspect: float
    events: list[dict]
    gt_events: list[dict] = field(default_factory=list)
    mapping: dict = field(default_factory=dict)
    ignore: list[dict] = field(
        default_factory=list
    )  # spans (person, cue or None, start, end) not to train on
    meta: dict = field(default_factory=dict)  # what the clip shows: styles, negatives, framing, split
    gt_times: dict = field(default_factory=dict)  # ground-truth person -> times in view (for scoring)


def _ground_axes(gt: dict) -> tuple[np.ndarray, np.ndarray] | None:
    cam = gt.get("camera") or {}
    if "R" not in cam or "position" not in cam:
        return None
    R = np.asarray(cam["R"], float)
    axes = np.stack([R[0, :2], R[2, :2]])
    axes = axes / np.linalg.norm(axes, axis=1, keepdims=True)
    return axes, np.asarray(cam["position"], float)[:2]


def gt_tracks(gt: dict) -> list[PersonTrack]:
    """Tracks made of the ground truth's exact joints (no visibility, no world landmarks).

    Person ids are ints in the order of `gt["persons"]`; floor positions are turned into the camera's
    floor axes (x right, y away) when the ground truth has the camera, like the pose engine's.
    """
    ids = [p["id"] for p in gt["persons"]]
    frames = gt.get("frames", [])
    n = len(frames)
    ground = _ground_axes(gt)
    out = []
    for k, pid in enumerate(ids):
        xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
        floor = np.full((n, 2), np.nan)
        for i, fr in enumerate(frames):
            p = fr.get("persons", {}).get(pid)
            if not p or not p.get("visible", True):
                continue
            for j, name in enumerate(LANDMARK_NAMES):
                if name in p["joints"]:
                    xy[i, j] = p["joints"][name]
            if p.get("hip_floor_m") is not None:
                f = np.asarray(p["hip_floor_m"], float)[:2]
                floor[i] = ground[0] @ (f - ground[1]) if ground else f
        t = np.array([fr["t"] for fr in frames], float)
        fidx = np.array([fr["frame"] for fr in frames], int)
        keep = np.isfinite(xy).any(axis=(1, 2))
        out.append(
            PersonTrack(
                k,
                fidx[keep],
                t[keep],
                xy[keep],
                np.full((keep.sum(), NUM_LANDMARKS), np.nan),
                np.full((keep.sum(), NUM_LANDMARKS, 3), np.nan),
                floor[keep],
            )
        )
    return out


def gt_pairs(gt: dict) -> pd.DataFrame | None:
    rows = [
        (fr["frame"], fr["t"], fr["distance_m"])
        for fr in gt.get("frames", [])
        if fr.get("distance_m") is not None
    ]
    if not rows or len(gt["persons"]) != 2:
        return None
    df = pd.DataFrame(rows, columns=["frame", "t", "distance_m"])
    df["person"], df["other"], df["distance_sd_m"] = 0, 1, 0.0
    return df


def gt_view_times(gt: dict) -> dict[str, np.ndarray]:
    """Ground-truth person id -> the times they are in view (the frames a scorer must account for)."""
    out: dict[str, list[float]] = {str(p["id"]): [] for p in gt.get("persons", [])}
    for fr in gt.get("frames", []):
        for pid, p in fr.get("persons", {}).items():
            if p.get("visible", True):
                out.setdefault(str(pid), []).append(float(fr["t"]))
    return {k: np.asarray(v, float) for k, v in out.items()}


def _aspect(gt: dict, default: float = 16 / 9) -> float:
    size = gt.get("size")
    return size[0] / size[1] if size else default


def _to_analysis_ids(events: list[dict], mapping: dict) -> list[dict]:
    """Ground-truth events under the analysis ids matched to their person (one copy per track of them)."""
    tracks: dict = {}
    for k, v in mapping.items():
        tracks.setdefault(v, []).append(k)
    out = []
    for e in events:
        o = e.get("other")
        for k in tracks.get(e["person"], []):
            out.append({**e, "person": k, "other": tracks[o][0] if o in tracks else None})
    return out


def analysis_folder(clip_folder: Path) -> Path | None:
    """Where a studio clip's `poses.parquet` lives: beside `gt.json`, or in the corpus's `analysis/`."""
    for d in (clip_folder, clip_folder / "analysis"):
        if (d / "poses.parquet").exists():
            return d
    return None


def load_gt_dir(folder: Path, use_poses: bool = True) -> Clip:
    """A studio clip: detected landmarks (`poses.parquet`) if present and wanted, else the gt joints."""
    gt = json.loads((folder / "gt.json").read_text())
    aspect = _aspect(gt)
    found = analysis_folder(folder) if use_poses else None
    if found is not None:
        poses = pd.read_parquet(found / "poses.parquet")
        pairs_path = found / "pairs.parquet"
        pairs = pd.read_parquet(pairs_path) if pairs_path.exists() else None
        mapping = match_persons(poses, gt)
        tracks = tracks_from_poses(poses)
        source = "corpus"
    else:
        tracks = gt_tracks(gt)
        pairs = gt_pairs(gt)
        mapping = {k: p["id"] for k, p in enumerate(gt["persons"])}
        source = "gt-joints"
    return Clip(
        folder.name,
        folder.name,
        source,
        tracks,
        pairs,
        aspect,
        _to_analysis_ids(gt["events"], mapping),
        gt["events"],
        mapping,
        meta=clip_meta(gt),
        gt_times=gt_view_times(gt),
    )


def clip_meta(gt: dict) -> dict:
    """What a studio clip shows, for the model card: cue styles, everyday negatives, framing, split."""
    return {
        "styles": sorted({f"{e['cue']}:{e['style']}" for e in gt.get("events", []) if e.get("style")}),
        "negatives": sorted({n.get("action", "?") for n in gt.get("negatives", []) or []}),
        "framing": gt.get("framing"),
        "split": gt.get("split"),
    }


def _review_state(e: dict) -> str:
    """The review state of an exported event: `review` (ours) or `status` (the session store's rows)."""
    r = e.get("review", e.get("status", "unreviewed"))
    return (r.get("state", "unreviewed") if isinstance(r, dict) else str(r)).lower()


def load_reviewed_session(folder: Path, aspect: float = 16 / 9) -> Clip:
    """A session a person reviewed (see the module docstring for the layout)."""
    doc = json.loads((folder / "events.json").read_text())
    poses = pd.read_parquet(folder / "poses.parquet")
    pairs_path = folder / "pairs.parquet"
    pairs = pd.read_parquet(pairs_path) if pairs_path.exists() else None
    events, ignore = [], []
    for e in doc.get("events", []):
        state = _review_state(e)
        if state in ("confirmed", "added"):
            events.append(e)
        elif state not in ("rejected",):
            ignore.append({"person": e["person"], "cue": None, "start": e["start"], "end": e["end"]})
    return Clip(
        folder.name,
        folder.name,
        "review",
        tracks_from_poses(poses),
        pairs,
        doc.get("aspect", aspect),
        events,
        ignore=ignore,
    )


def discover(folder: Path, use_poses: bool = True) -> list[Clip]:
    """Every clip under `folder` (itself or its sub-folders): gt.json clips and reviewed sessions."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    dirs = [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]
    clips = []
    for d in dirs:
        if (d / "gt.json").exists():
            clips.append(load_gt_dir(d, use_poses))
        elif (d / "events.json").exists() and (d / "poses.parquet").exists():
            doc = json.loads((d / "events.json").read_text())
            if any("review" in e or "status" in e for e in doc.get("events", [])):
                clips.append(load_reviewed_session(d))
    return clips


def synthetic_clips(n: int, seed: int = 1000) -> list[Clip]:
    from cuedetect.training.synthetic import make_clip

    out = []
    for k in range(n):
        c = make_clip(seed + k)
        mapping = {0: "A", 1: "B"}
        out.append(
            Clip(
                c.name,
                c.name,
                "synthetic",
                tracks_from_poses(c.poses),
                c.pairs,
                c.aspect,
                _to_analysis_ids(c.gt["events"], mapping),
                c.gt["events"],
                mapping,
            )
        )
    return out


def clip_rows(
    clip: Clip, tracks: list[PersonTrack] | None = None, feats: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Feature rows, labels (n, cues) and a keep-mask for one clip (optionally on augmented tracks, or
    on `feats` already built from its tracks with the default settings)."""
    if feats is None:
        feats = build_features(tracks or clip.tracks, clip.pairs, clip.aspect)
    Y = np.zeros((len(feats), len(CLASSIFIER_CUES)), np.int8)
    keep = np.ones(len(feats), bool)
    t = feats["t"].to_numpy(float)
    persons = feats["person"].to_numpy()
    labelled = {e["person"] for e in clip.events} | set(clip.mapping)
    for p in np.unique(persons):
        rows = persons == p
        Y[rows] = frame_labels(t[rows], clip.events, p)
        if clip.source in ("corpus",) and p not in labelled:
            keep &= ~rows  # an unmatched detection (a ghost or a merge): no labels to learn from
        for s in clip.ignore:
            if s["person"] == p:
                keep &= ~(rows & (t >= s["start"]) & (t <= s["end"]))
    return feats, Y, keep


def _thin(feats: pd.DataFrame, max_rate: float) -> np.ndarray:
    """Keep about `max_rate` rows per second per person (neighbouring frames add little but time)."""
    t = feats["t"].to_numpy(float)
    if len(t) < 2 or max_rate <= 0:
        return np.ones(len(t), bool)
    d = np.diff(np.sort(t))
    dt = float(np.median(d[d > 0])) if (d > 0).any() else 0.0
    stride = max(1, round(1.0 / (dt * max_rate))) if dt > 0 else 1
    return (feats.groupby("person").cumcount().to_numpy() % stride) == 0


SIM_NOISE = ("learned", "learned-only", "learned-sample", "mixed", "measured", "simple")
LEARNED = ("learned", "learned-only", "learned-sample", "mixed")  # need a `pose_residuals.PoseDistortion`
MIXED_SHARE = 0.5  # "mixed": the share of simulated clips degraded the "learned" way


def mixed_is_learned(seed: int, name: str, share: float = MIXED_SHARE) -> bool:
    """With "mixed": whether clip `name` gets the "learned" distortion in the dataset of `seed` (else
    "simple"); fixed by the seed and the clip, the same for every copy of the clip."""
    import hashlib

    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def simulated_pose_model(
    clip: Clip, tracks: list[PersonTrack], rng: np.random.Generator, sim_noise: str, distortion=None,
    seed: int = 0,
):  # fmt: skip
    """Exact simulated tracks as a pose engine would see them.

    "measured": the pose engine's errors measured on rendered training clips (`pose_noise`), for
    studio-sim clips (they know their camera set-up); "learned": the engine's pose-dependent errors
    learned from paired rendered training clips (`distortion`, a `pose_residuals.PoseDistortion`)
    plus the measured random errors, for studio-sim clips ("learned-only": without those random
    errors; "learned-sample": one nearest training pose's residual, drawn, instead of their mean plus
    random errors; "mixed": "learned" on about half of the clips, `mixed_is_learned(seed, clip)`, else
    "simple"); "simple": `augment.mediapipe_like`.
    """
    if sim_noise == "mixed":
        sim_noise = "learned" if mixed_is_learned(seed, clip.name) else "simple"
    if sim_noise in ("measured", *LEARNED) and clip.source == "studio-sim":
        from cuedetect.training.pose_noise import apply_pose_noise, load_profile

        if sim_noise in LEARNED:
            profile = load_profile() if sim_noise == "learned" else None
            return distortion.apply(tracks, rng, clip.aspect, clip.meta.get("framing"), profile,
                                    sample=sim_noise == "learned-sample")  # fmt: skip
        return apply_pose_noise(tracks, rng, load_profile(), clip.aspect, clip.meta.get("framing"))
    return mediapipe_like(tracks, rng)


def dataset(
    clips: list[Clip], n_aug: int, seed: int = 0, max_rate: float = 8.0, weights: dict | None = None,
    sim_noise: str = "simple", mirrored: bool = False, distortion=None,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:  # fmt: skip
    """Rows of all clips plus `n_aug` augmented copies of each: X, Y, the clip group and a weight per row.

    `mirrored`: also one mirrored copy of every clip (`augment.mirror`: x flipped, left and right
    swapped), whatever `n_aug`, so the fit sees each cue on both sides of the picture.

    `weights`: per clip source, the weight of its rows (default `SOURCE_WEIGHT`, other sources 1).
    `sim_noise`: how simulated clips are degraded (`simulated_pose_model`; "learned" needs
    `distortion`).
    """
    if sim_noise not in SIM_NOISE:
        raise InputError(f"sim_noise must be one of {SIM_NOISE}, got {sim_noise!r}")
    if sim_noise in LEARNED and distortion is None:
        raise InputError(f"sim_noise {sim_noise!r} needs a distortion (pose_residuals.fit_distortion)")
    weight_of = {**SOURCE_WEIGHT, **(weights or {})}
    rng = np.random.default_rng(seed)
    Xs, Ys, G, W = [], [], [], []
    for clip in clips:
        versions = [clip.tracks] + ([mirror(clip.tracks)] if mirrored else [])
        versions += [augment(clip.tracks, rng, clip.aspect) for _ in range(n_aug)]
        if clip.source in SIMULATED:
            versions = [simulated_pose_model(clip, v, rng, sim_noise, distortion, seed) for v in versions]
        for tr in versions:
            f, y, keep = clip_rows(clip, tr)
            keep &= _thin(f, max_rate)
            Xs.append(f[keep])
            Ys.append(y[keep])
            G.append(np.full(int(keep.sum()), clip.group, dtype=object))
            W.append(np.full(int(keep.sum()), weight_of.get(clip.source, 1.0)))
    if not Xs:
        raise InputError("no training data found")
    return pd.concat(Xs, ignore_index=True), np.concatenate(Ys), np.concatenate(G), np.concatenate(W)
