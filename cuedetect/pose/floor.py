"""Where people stand on the floor, in metres, from one ordinary camera, with an uncertainty.

1. **Body size to depth.** MediaPipe's world landmarks give each person's 3D shape (hip-centred, seen
   along the ray to the person, average size). Each body is rescaled to a stature prior (1.70 +- 0.09 m,
   or a known height) from robust segment lengths, and per frame a small linear least-squares problem
   finds the translation that projects it onto the image landmarks with a pinhole camera (focal length
   from a 65 +- 6 deg field-of-view prior on the long side): ``Z = f * L_metric / L_pixels`` using all
   visible body landmarks at once.
2. **Camera and statures, jointly** (`_fit_floor`, maximum a posteriori). Feet lie on one floor: on the
   image ray through the feet at a depth that body size gives up to each person's scale, so the floor's
   tilt, the camera height, the focal length and each person's stature are fitted together; upright
   bodies lean in the image with the camera's pitch and roll (the horizon cue). Priors keep each
   unknown sensible when the video does not inform it (people who never move in depth). Then each 3D
   body is stood upright on the fitted floor (MediaPipe under-reads the camera's tilt) and fitted again.
3. **Floor coordinates.** The hip midpoint on the floor: origin under the camera, x to the camera's
   right, y forward. Positions are smoothed over time (running median, then mean).
4. **Uncertainty.** Draws from the fit's posterior (Laplace approximation) are carried through to
   positions and pair distances, plus the frame-to-frame jitter: an SD on every position and distance.

`FloorCalibration` replaces priors with known values (fov, camera height, pitch, a person's height, a
measured distance between two people at one time).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from cuedetect.pose.filters import running_median_mean
from cuedetect.pose.floor_fit import (
    ANKLES,
    CORE,
    FEET,
    HIPS,
    SHOULDERS,
    Evidence,
    FitPriors,
    fit_floor,
    hip_translation,
    implied_stature,
    ray_rotation,
    rotation_between,
    standing_skeleton,
    up_vector,
)
from cuedetect.pose.tracked import PersonTrack

__all__ = [
    "CameraEstimate", "FloorCalibration", "FloorEstimate", "FloorOptions", "FloorPosition", "FloorTrack",
    "KnownDistance", "PairDistance", "PersonTrack", "estimate_floor", "hip_translation", "implied_stature",
    "pair_distances", "ray_rotation", "standing_skeleton",
]  # fmt: skip


@dataclass(frozen=True)
class KnownDistance:
    """Two people's floor distance measured at a time (e.g. a tape measure at the start)."""

    person: int
    other: int
    t: float
    distance_m: float


@dataclass(frozen=True)
class FloorCalibration:
    """Known facts that replace priors. `fov_deg` is horizontal; `pitch_deg` is positive looking down."""

    fov_deg: float | None = None
    camera_height_m: float | None = None
    pitch_deg: float | None = None
    person_height_m: Mapping[int, float] = field(default_factory=dict)
    known_distance: KnownDistance | None = None


@dataclass(frozen=True)
class FloorOptions:
    """Priors and settings. The fov prior applies to the image's long side."""

    fov_deg: float = 65.0
    fov_sd_deg: float = 6.0
    stature_m: float = 1.70
    stature_sd_m: float = 0.09
    upright_sd_deg: float = 8.0  # how far the mean body axis may be from the true pitch
    roll_sd_deg: float = 2.0  # cameras are nearly level side to side
    lean_sd_deg: float = 1.0  # a standing person's own lean, seen in the image
    corr_time_s: float = 3.0  # body-size depth errors persist about this long (held poses)
    depth_rel_sd: float = 0.02  # per-frame body-size depth error left after smoothing (1-4% measured)
    min_visibility: float = 0.5
    # MediaPipe predicts a body from a crop around the person: True treats its world landmarks as seen
    # along the ray to the person (rotated into the camera frame here), False as camera-aligned.
    world_along_ray: bool = True
    upright_bodies: bool = True  # re-fit with each body's axis turned to the fitted vertical
    smooth_s: float = 0.6
    n_samples: int = 64
    seed: int = 0


@dataclass(frozen=True)
class FloorPosition:
    """One person's floor position in one frame: metres, origin under the camera, y forward."""

    x_m: float
    y_m: float
    sd_m: float


@dataclass
class FloorTrack:
    """One person's floor positions. `samples` are the Monte Carlo draws (S, n, 2) behind `sd_m`."""

    person: int
    frame: np.ndarray
    t: np.ndarray
    xy_m: np.ndarray
    sd_m: np.ndarray
    jitter_m: float
    samples: np.ndarray
    depth_rel_sd: float = 0.0  # body-size error along the viewing ray, as a share of the range

    def positions(self) -> list[FloorPosition]:
        return [
            FloorPosition(float(x), float(y), float(s))
            for (x, y), s in zip(self.xy_m, self.sd_m, strict=True)
        ]


@dataclass(frozen=True)
class CameraEstimate:
    """The camera found (or given); `*_sd` are SDs over the posterior draws."""

    fov_deg: float
    fov_sd_deg: float
    pitch_deg: float
    pitch_sd_deg: float
    roll_deg: float
    height_m: float
    height_sd_m: float


@dataclass
class FloorEstimate:
    tracks: dict[int, FloorTrack]
    camera: CameraEstimate
    stature_m: dict[int, float]


@dataclass(frozen=True)
class PairDistance:
    frame: int
    t: float
    person: int
    other: int
    distance_m: float
    distance_sd_m: float


def _focal(width: int, height: int, fov_deg: float) -> float:
    return 0.5 * max(width, height) / math.tan(math.radians(fov_deg) / 2)


@dataclass
class _Prepared:
    track: PersonTrack
    ab_px: np.ndarray  # (n, m, 2) pixel offsets of the core landmarks from the image centre
    body: np.ndarray  # (n, m, 3) their world landmarks rescaled to a 1 m stature
    weight: np.ndarray  # (n, m)
    up_body: np.ndarray  # (3,) median body axis (ankles to shoulders) in camera coordinates
    feet_offset: np.ndarray  # (n, 3) feet point minus hip midpoint at a 1 m stature
    feet_px: np.ndarray  # (n, 2) the feet point in the image, pixels from the centre
    hip_px: np.ndarray  # (n, 2) the hip midpoint in the image
    axis_px: np.ndarray  # (n, 2) image direction from the ankles' to the shoulders' midpoint


def _prepare(tr: PersonTrack, size: tuple[int, int], opt: FloorOptions, f: float) -> _Prepared:
    w, h = size
    vis = np.nan_to_num(np.asarray(tr.vis, np.float64), nan=0.0)
    world, xy = np.asarray(tr.world, np.float64), np.asarray(tr.xy, np.float64)
    s0 = implied_stature(world, vis, opt.min_visibility)
    unit = world / (s0 if s0 > 0 else math.nan)
    ok = vis >= opt.min_visibility
    px = np.stack([(xy[..., 0] - 0.5) * w, (xy[..., 1] - 0.5) * h], axis=-1)
    if opt.world_along_ray:
        centre = np.nan_to_num(px[:, list(HIPS)].mean(axis=1) / f)
        unit = np.einsum("nij,nmj->nmi", ray_rotation(centre), unit)
    seen = np.where(ok[..., None], unit, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        feet_offset = np.nanmean(seen[:, FEET], axis=1)
        feet_px = np.nanmean(np.where(ok[:, FEET, None], px[:, FEET], np.nan), axis=1)
        axis = seen[:, list(SHOULDERS)].mean(1) - seen[:, list(ANKLES)].mean(1)
        up = np.nanmedian(axis / np.linalg.norm(axis, axis=-1, keepdims=True), axis=0)
    weight = np.where(ok, vis, 0.0)
    seen_px = np.where(ok[..., None], px, np.nan)
    hip_px = seen_px[:, list(HIPS)].mean(axis=1)
    axis_px = seen_px[:, list(SHOULDERS)].mean(axis=1) - seen_px[:, list(ANKLES)].mean(axis=1)
    core = (tr, px[:, CORE], unit[:, CORE], weight[:, CORE], up, feet_offset)
    return _Prepared(*core, feet_px, hip_px, axis_px)


def _stand_upright(p: _Prepared, up: np.ndarray) -> _Prepared:
    """Rotate the person's 3D body so its median axis (ankles to shoulders) points along `up`.

    MediaPipe sees less of the camera's downward tilt than there is (on the studio samples its body axes
    were 2-14 deg off the true vertical), and a body leaning towards the camera projects shorter, which
    reads as further away. The person's own posture changes over time are kept.
    """
    if not np.isfinite(p.up_body).all():
        return p
    R = rotation_between(p.up_body / np.linalg.norm(p.up_body), up)
    return replace(p, body=p.body @ R.T, feet_offset=p.feet_offset @ R.T, up_body=R @ p.up_body)


def _evidence(p: _Prepared, hips: np.ndarray, stature: float, f: float) -> Evidence:
    depth = (hips + p.feet_offset * stature)[:, 2]
    log_depth = np.log(np.where(depth > 0.1, depth, np.nan))
    dt = float(np.median(np.diff(p.track.t))) if len(p.track.t) > 1 else 1.0
    return Evidence(dt, p.feet_px / f, log_depth, p.hip_px / f, p.axis_px)


def estimate_floor(
    tracks: Sequence[PersonTrack],
    image_size: tuple[int, int],
    calibration: FloorCalibration | None = None,
    options: FloorOptions | None = None,
) -> FloorEstimate:
    """Floor positions of every person in every frame, camera geometry, and their uncertainty.

    Args:
        tracks: one `PersonTrack` per person (frames need not be shared between persons).
        image_size: (width, height) in pixels of the frames the landmarks are normalized to.
        calibration: known values that replace the priors.
        options: priors, smoothing and Monte Carlo settings.
    """
    cal, opt = calibration or FloorCalibration(), options or FloorOptions()
    rng = np.random.default_rng(opt.seed)
    S, (w, h) = max(1, opt.n_samples), image_size
    fov_nom, fov_sd = opt.fov_deg, opt.fov_sd_deg
    if cal.fov_deg is not None:  # known horizontal fov; the prior is on the long side
        fov_nom, fov_sd = cal.fov_deg, 0.0
        if w < h:
            fov_nom = 2 * math.degrees(math.atan(math.tan(math.radians(cal.fov_deg) / 2) * h / w))
    prepared = [_prepare(tr, image_size, opt, _focal(w, h, fov_nom)) for tr in tracks if len(tr.t)]
    ids = [p.track.person for p in prepared]
    P = len(ids)
    prior_st = np.array([cal.person_height_m.get(k, opt.stature_m) for k in ids])
    prior_sd = np.array(
        [0.005 if k in cal.person_height_m else opt.stature_sd_m / opt.stature_m for k in ids]
    )
    axes = [p.up_body for p in prepared if np.isfinite(p.up_body).all()]
    up0 = np.mean(axes, axis=0) if axes else np.array([0.0, -1.0, 0.0])
    pitch0 = math.atan2(-up0[2], -up0[1]) if cal.pitch_deg is None else math.radians(cal.pitch_deg)
    pitch_sd = math.radians(0.2 if cal.pitch_deg is not None else opt.upright_sd_deg)

    f_nom = _focal(w, h, fov_nom)
    logf_sd = max(1e-4, math.radians(fov_sd) / math.sin(math.radians(fov_nom)))
    priors = FitPriors(
        pitch0,
        pitch_sd,
        logf_sd,
        prior_sd,
        cal.camera_height_m,
        opt.roll_sd_deg,
        opt.lean_sd_deg,
        opt.corr_time_s,
    )
    fl = None
    for _ in range(2 if opt.upright_bodies else 1):
        if fl is not None:  # stand each body upright on the fitted floor, then fit again
            prepared = [_stand_upright(p, up_vector(fl.x[0], fl.x[1])) for p in prepared]
        hips0 = [
            hip_translation(p.ab_px / f_nom, p.body * prior_st[i], p.weight) for i, p in enumerate(prepared)
        ]
        evidence = [
            _evidence(p, T, prior_st[i], f_nom) for i, (T, p) in enumerate(zip(hips0, prepared, strict=True))
        ]
        fl = fit_floor(evidence, priors)
    out_xy = {k: np.full((S + 1, len(p.track.t), 2), np.nan) for k, p in zip(ids, prepared, strict=True)}
    cams = np.full((S + 1, 4), np.nan)  # fov, pitch, roll, height
    for s in range(S + 1):  # draw 0 is the estimate, the others come from its posterior
        x = fl.x if s == 0 else rng.multivariate_normal(fl.x, fl.cov)
        n, cam_h, f, scale = (
            up_vector(x[0], x[1]),
            math.exp(x[2]),
            f_nom * math.exp(x[3]),
            np.exp(x[4 : 4 + P]),
        )
        cam_h = cam_h if fl.feet_seen else math.nan
        # Floor frame: origin under the camera, x along the camera's right, y forward.
        ex = np.array([1.0, 0.0, 0.0]) - n[0] * n
        ex /= np.linalg.norm(ex)
        ey = np.cross(n, ex)
        for i, (k, p) in enumerate(zip(ids, prepared, strict=True)):
            T = hip_translation(p.ab_px / f, p.body * prior_st[i] * scale[i], p.weight)
            out_xy[k][s] = np.stack([T @ ex, T @ ey], axis=-1)
        if cal.known_distance is not None:
            ratio = cal.known_distance.distance_m / _distance_at(out_xy, prepared, cal.known_distance, s)
            if np.isfinite(ratio) and ratio > 0:
                for k in out_xy:
                    out_xy[k][s] *= ratio
                cam_h *= ratio
        fov = 2 * math.degrees(math.atan(0.5 * max(w, h) / f))
        cams[s] = (fov, math.degrees(x[0]), math.degrees(x[1]), cam_h)
    statures = {k: float(prior_st[i] * math.exp(fl.x[4 + i])) for i, k in enumerate(ids)}
    return _finish(prepared, out_xy, cams, statures, opt)


def _distance_at(
    out_xy: dict[int, np.ndarray], prepared: list[_Prepared], kd: KnownDistance, s: int
) -> float:
    by = {p.track.person: p.track for p in prepared}
    if kd.person not in by or kd.other not in by:
        return math.nan
    a, b = by[kd.person], by[kd.other]
    ia, ib = int(np.argmin(np.abs(a.t - kd.t))), int(np.argmin(np.abs(b.t - kd.t)))
    return float(np.linalg.norm(out_xy[kd.person][s, ia] - out_xy[kd.other][s, ib]))


def _finish(
    prepared: list[_Prepared],
    out_xy: dict[int, np.ndarray],
    cams: np.ndarray,
    statures: dict[int, float],
    opt: FloorOptions,
) -> FloorEstimate:
    tracks: dict[int, FloorTrack] = {}
    for p in prepared:
        k, tr = p.track.person, p.track
        dt = float(np.median(np.diff(tr.t))) if len(tr.t) > 1 else 1.0
        win = max(1, round(opt.smooth_s / dt) | 1)
        sm = running_median_mean(out_xy[k], win)
        resid = out_xy[k][0] - sm[0]
        resid = np.linalg.norm(resid[np.isfinite(resid).all(axis=1)], axis=1)
        jitter = float(1.4826 * np.median(resid) / math.sqrt(win)) if len(resid) else 0.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mc = np.sqrt(np.mean(np.sum((sm[1:] - sm[0]) ** 2, axis=-1), axis=0))
        sd = np.sqrt(mc**2 + jitter**2 + (opt.depth_rel_sd * np.linalg.norm(sm[0], axis=1)) ** 2)
        t = np.asarray(tr.t, np.float64)
        tracks[k] = FloorTrack(k, np.asarray(tr.frame), t, sm[0], sd, jitter, sm[1:], opt.depth_rel_sd)
    with warnings.catch_warnings():  # all-NaN heights when nobody's feet were seen
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(cams[1:], axis=0) if len(cams) > 1 else np.zeros(4)
    camera = CameraEstimate(
        fov_deg=float(cams[0, 0]), fov_sd_deg=float(sd[0]), pitch_deg=float(cams[0, 1]),
        pitch_sd_deg=float(sd[1]), roll_deg=float(cams[0, 2]), height_m=float(cams[0, 3]),
        height_sd_m=float(sd[3]),
    )  # fmt: skip
    return FloorEstimate(tracks, camera, statures)


def _along(a: FloorTrack, ia: np.ndarray, b: FloorTrack, ib: np.ndarray) -> np.ndarray:
    """Variance that a's body-size error (along a's viewing ray) adds to the distance from a to b."""
    pa, pb = a.xy_m[ia], b.xy_m[ib]
    rng_a = np.linalg.norm(pa, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.abs(np.sum(pa * (pb - pa), axis=1)) / (rng_a * np.linalg.norm(pb - pa, axis=1))
    return np.nan_to_num(a.depth_rel_sd * rng_a * cos) ** 2


def pair_distances(estimate: FloorEstimate) -> list[PairDistance]:
    """Floor distance between every pair of people in every frame both were placed (person < other)."""
    rows: list[PairDistance] = []
    ids = sorted(estimate.tracks)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            ta, tb = estimate.tracks[a], estimate.tracks[b]
            common, ia, ib = np.intersect1d(ta.frame, tb.frame, return_indices=True)
            if not len(common):
                continue
            d = np.linalg.norm(ta.xy_m[ia] - tb.xy_m[ib], axis=-1)
            ds = np.linalg.norm(ta.samples[:, ia] - tb.samples[:, ib], axis=-1)
            with np.errstate(invalid="ignore"):
                mc = np.sqrt(np.mean((ds - d) ** 2, axis=0)) if len(ds) else np.zeros_like(d)
            sd = np.sqrt(
                mc**2 + ta.jitter_m**2 + tb.jitter_m**2 + _along(ta, ia, tb, ib) + _along(tb, ib, ta, ia)
            )
            for j, fr in enumerate(common):
                if np.isfinite(d[j]):
                    rows.append(PairDistance(int(fr), float(ta.t[ia[j]]), a, b, float(d[j]), float(sd[j])))
    return rows
