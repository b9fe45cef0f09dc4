"""The body model and camera fit behind `cuedetect.pose.floor`.

Anthropometry in MediaPipe's landmark order (`standing_skeleton`, `implied_stature`), placing a 3D body
in front of a pinhole camera (`hip_translation`, `ray_rotation`), and the joint maximum-a-posteriori fit
of the floor's tilt, the camera height, the focal length and each person's stature (`fit_floor`).
Plain arrays in and out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cuedetect.landmarks import INDEX, NUM_LANDMARKS

# An upright person facing +y (person's right is +x, up is +z), in units of stature: joint heights from
# Drillis & Contini (1966, via Winter's Biomechanics). Left side only; the right side mirrors x.
_CENTRE = {"nose": (0.0, 0.05, 0.925)}
_LEFT = {
    "eye_inner": (-0.012, 0.042, 0.94), "eye": (-0.022, 0.04, 0.94), "eye_outer": (-0.032, 0.035, 0.94),
    "ear": (-0.046, 0.0, 0.925), "mouth": (-0.016, 0.045, 0.905), "shoulder": (-0.129, 0.0, 0.818),
    "elbow": (-0.14, 0.0, 0.63), "wrist": (-0.145, 0.02, 0.485), "pinky": (-0.15, 0.03, 0.45),
    "index": (-0.145, 0.04, 0.445), "thumb": (-0.13, 0.045, 0.46), "hip": (-0.055, 0.0, 0.53),
    "knee": (-0.055, 0.005, 0.285), "ankle": (-0.055, 0.0, 0.039), "heel": (-0.055, -0.025, 0.01),
    "foot_index": (-0.06, 0.08, 0.005),
}  # fmt: skip


def standing_skeleton(stature_m: float = 1.70) -> np.ndarray:
    """(33, 3) landmarks of an upright person facing +y, feet on the floor (z up), in metres."""
    out = np.empty((NUM_LANDMARKS, 3))
    for name, k in INDEX.items():
        side, _, part = name.partition("_")
        if name in _CENTRE:
            out[k] = _CENTRE[name]
        elif part == "left" or part == "right":  # mouth_left / mouth_right
            out[k] = _LEFT["mouth"]
            out[k, 0] *= -1 if part == "right" else 1
        else:
            out[k] = _LEFT[part]
            out[k, 0] *= -1 if side == "right" else 1
    return out * stature_m


_SEGMENTS = tuple(
    (INDEX[f"{side}_{a}"], INDEX[f"{side}_{b}"])
    for a, b in (("knee", "ankle"), ("hip", "knee"), ("shoulder", "elbow"), ("elbow", "wrist"))
    for side in ("left", "right")
)
_REF = standing_skeleton(1.0)
# MediaPipe's world skeleton is not proportioned like Drillis & Contini (its hips sit higher, its upper
# arms are shorter): relative lengths measured on MediaPipe's output for 5 real clips of adults (shin,
# thigh, upper arm, forearm, torso), so that every segment alone implies the same stature. Normalized so
# that ankle-to-shoulder (shin + thigh + torso) keeps Drillis & Contini's 0.779 of stature.
MP_SHAPE = {
    k: v / 1.0355
    for k, v in {"shin": 0.982, "thigh": 1.016, "upper_arm": 0.866, "forearm": 0.982, "torso": 1.099}.items()
}
_SEG_RATIO = np.array([np.linalg.norm(_REF[a] - _REF[b]) for a, b in _SEGMENTS]) * np.repeat(
    [MP_SHAPE["shin"], MP_SHAPE["thigh"], MP_SHAPE["upper_arm"], MP_SHAPE["forearm"]], 2
)
SHOULDERS = (INDEX["left_shoulder"], INDEX["right_shoulder"])
HIPS = (INDEX["left_hip"], INDEX["right_hip"])
_TORSO_RATIO = float(_REF[list(SHOULDERS), 2].mean() - _REF[list(HIPS), 2].mean()) * MP_SHAPE["torso"]
ANKLES = (INDEX["left_ankle"], INDEX["right_ankle"])
# Landmarks used to place the body (arms and hands excluded: they move and their depth is poor).
CORE = np.array(
    [INDEX[n] for n in ("nose", "left_ear", "right_ear")]
    + [*SHOULDERS, *HIPS]
    + [INDEX[f"{s}_{p}"] for p in ("knee", "ankle", "heel", "foot_index") for s in ("left", "right")]
)
FEET = np.array([INDEX[f"{s}_{p}"] for p in ("heel", "foot_index") for s in ("left", "right")])


def implied_stature(world: np.ndarray, vis: np.ndarray, min_visibility: float = 0.5) -> float:
    """The stature (m) MediaPipe's world landmarks imply, from median segment lengths; NaN if none seen."""
    w = np.where((np.nan_to_num(vis, nan=0.0) >= min_visibility)[..., None], world, np.nan)
    est = []
    for k, (a, b) in enumerate(_SEGMENTS):
        length = np.linalg.norm(w[:, a] - w[:, b], axis=-1)
        if np.isfinite(length).sum():
            est.append(np.nanmedian(length) / _SEG_RATIO[k])
    torso = np.linalg.norm(w[:, list(SHOULDERS)].mean(axis=1) - w[:, list(HIPS)].mean(axis=1), axis=-1)
    if np.isfinite(torso).sum():
        est += [np.nanmedian(torso) / _TORSO_RATIO] * 2  # one torso counts like a pair of limbs
    return float(np.median(est)) if est else math.nan


def hip_translation(ab: np.ndarray, body: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Camera-frame hip midpoint T per frame so that body + T projects onto the image points.

    Args:
        ab: (n, m, 2) normalized camera coordinates ((u - cx) / f, (v - cy) / f) of m landmarks.
        body: (n, m, 3) the landmarks around the hip midpoint in metres, camera-aligned.
        weight: (n, m) weights (0 for unusable points).

    Returns:
        (n, 3); NaN where fewer than 3 usable points.
    """
    w = np.where(np.isfinite(ab).all(-1) & np.isfinite(body).all(-1), weight, 0.0)
    a, b = np.nan_to_num(ab[..., 0]), np.nan_to_num(ab[..., 1])
    X, Y, Z = (np.nan_to_num(body[..., k]) for k in range(3))
    # Per point: Tx - a Tz = a Z - X and Ty - b Tz = b Z - Y; the normal equations, summed over points.
    c1, c2 = a * Z - X, b * Z - Y
    sw, swa, swb = w.sum(1), (w * a).sum(1), (w * b).sum(1)
    A = np.zeros((len(w), 3, 3))
    A[:, 0, 0] = A[:, 1, 1] = sw
    A[:, 0, 2] = A[:, 2, 0] = -swa
    A[:, 1, 2] = A[:, 2, 1] = -swb
    A[:, 2, 2] = (w * (a * a + b * b)).sum(1)
    B = np.stack([(w * c1).sum(1), (w * c2).sum(1), -(w * (a * c1 + b * c2)).sum(1)], axis=1)
    ok = (w > 0).sum(axis=1) >= 3
    out = np.full((len(w), 3), np.nan)
    if ok.any():
        out[ok] = np.linalg.solve(A[ok] + 1e-9 * np.eye(3), B[ok][..., None])[..., 0]
    return out


def ray_rotation(ab: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotations taking the optical axis (0, 0, 1) onto the rays (a, b, 1), ab: (n, 2)."""
    r = np.concatenate([ab, np.ones((len(ab), 1))], axis=1)
    r /= np.linalg.norm(r, axis=1, keepdims=True)
    axis = np.stack([-r[:, 1], r[:, 0], np.zeros(len(r))], axis=1)
    s = np.linalg.norm(axis, axis=1)
    k = axis / np.where(s > 1e-12, s, 1.0)[:, None]
    K = np.zeros((len(r), 3, 3))
    K[:, 0, 2], K[:, 1, 2], K[:, 2, 0], K[:, 2, 1] = k[:, 1], -k[:, 0], -k[:, 1], k[:, 0]
    c = r[:, 2][:, None, None]
    return np.eye(3) + s[:, None, None] * K + (1 - c) * (K @ K)


def rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation taking unit vector a onto unit vector b.

    Opposite vectors have no single smallest rotation: every half turn about an axis perpendicular to
    a takes a onto b; this one turns about a x e, e the coordinate axis least aligned with a.
    """
    v, c = np.cross(a, b), float(a @ b)
    s = float(np.linalg.norm(v))  # sin of the angle; c its cos
    if s < 1e-12:
        if c > 0:
            return np.eye(3)
        u = np.cross(a, np.eye(3)[np.argmin(np.abs(a))])
        u /= np.linalg.norm(u)
        return 2 * np.outer(u, u) - np.eye(3)
    if c >= 0:
        K = _skew(v)
        return np.eye(3) + K + K @ K / (1 + c)
    # Obtuse: 1 + c is mostly rounding error, and so is v's direction along a when a and b are nearly
    # opposite; the half turn would carry that tilt onto b. Rodrigues about the axis made exactly
    # perpendicular to a: R a = c a + s (k x a).
    k = v / s
    k -= (k @ a) * a
    K = _skew(k / np.linalg.norm(k))
    return np.eye(3) + s * K + (1 - c) * (K @ K)


def _skew(v: np.ndarray) -> np.ndarray:
    """The matrix of v x (the cross product with v)."""
    return np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])


def up_vector(pitch: float, roll: float) -> np.ndarray:
    """The floor's up direction in camera coordinates (x right, y down, z forward); radians."""
    return np.array([math.cos(pitch) * math.sin(roll), -math.cos(pitch) * math.cos(roll), -math.sin(pitch)])


def vertical_angle(n: np.ndarray, ray: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Angle (rad) in the image between the measured body axis and the image of the vertical (up = n)
    through the point on `ray` (n, 3); the image of a 3D direction depends only on the point's ray."""
    d = np.stack([n[0] * ray[:, 2] - ray[:, 0] * n[2], n[1] * ray[:, 2] - ray[:, 1] * n[2]], axis=1)
    cross = d[:, 0] * axis[:, 1] - d[:, 1] * axis[:, 0]
    return np.arctan2(cross, np.sum(d * axis, axis=1))


@dataclass
class FloorFit:
    x: np.ndarray  # pitch, roll (rad), log camera height, log focal ratio, log scales, leans (rad)
    cov: np.ndarray  # its posterior covariance (Laplace approximation)
    feet_seen: bool = True  # False: nothing informed the camera height


@dataclass
class Evidence:
    """One person's evidence for `fit_floor`; positions in units of the nominal focal length f.

    Attributes:
        dt: seconds between the person's frames.
        feet_ab: (n, 2) the feet point in the image, pixels from the centre / f.
        log_depth: (n,) log depth (m) of the feet point from body size at the prior stature; NaN unknown.
        hip_ab: (n, 2) the hip midpoint in the image / f.
        axis_px: (n, 2) image direction (pixels) from the ankles' to the shoulders' midpoint.
    """

    dt: float
    feet_ab: np.ndarray
    log_depth: np.ndarray
    hip_ab: np.ndarray
    axis_px: np.ndarray


@dataclass(frozen=True)
class FitPriors:
    """Priors of `fit_floor` (radians, except the *_deg fields)."""

    pitch0: float
    pitch_sd: float
    logf_sd: float
    stature_sd: np.ndarray  # (P,) log SD of each person's stature
    known_h: float | None = None
    roll_sd_deg: float = 2.0
    lean_sd_deg: float = 1.0
    corr_time_s: float = 3.0


def fit_floor(evidence: list[Evidence], priors: FitPriors) -> FloorFit:
    """Floor tilt, camera height and each person's scale, jointly (maximum a posteriori).

    Two kinds of evidence (`Evidence`), both weighted for noise correlated over `corr_time_s`:

    - Feet on the floor. The feet point of person p at time t is on its image ray r_t (precise) at depth
      z_t from body size (noisy), which assumed the prior stature: the true depth is s_p z_t for p's scale
      s_p. On a floor with up direction n that lies h below the camera, s_p z_t = h / (-n . r_t).
      Residuals ``log z_t + log(-n . r_t) + log s_p - log h`` put the error along the ray, where it is,
      so the tilt is not biased towards containing the rays (as a plane through 3D points would be).
    - People stand upright: the image of the vertical through a person's hips leans with the camera's
      pitch (more the further off-centre) and roll; compared with the ankles-to-shoulders direction.

    Priors: log s_p ~ N(0, prior_sd_p) (statures), pitch near the bodies' mean axis, roll near zero,
    the focal length near the nominal one (log SD `logf_sd`; depths from body size scale with it).
    Each person also leans a little (their ankles-to-shoulders line is not quite vertical): a lean per
    person with prior SD `lean_sd_deg`, so one person's posture cannot tilt the whole floor.
    Parameters: pitch, roll (radians), log h, log(focal / f), log s_p and lean_p for each person.
    """
    from scipy.optimize import least_squares

    pr = priors
    P = len(evidence)
    data = []
    for ev in evidence:
        ok = np.isfinite(ev.feet_ab).all(axis=1) & np.isfinite(ev.log_depth)
        stride = max(1, int(ok.sum()) // 1500 + 1)
        up = np.isfinite(ev.hip_ab).all(axis=1) & np.isfinite(ev.axis_px).all(axis=1)
        up &= np.linalg.norm(np.nan_to_num(ev.axis_px), axis=1) > 10
        data.append(
            {
                "ray": ev.feet_ab[ok][::stride], "lz": ev.log_depth[ok][::stride],
                "hip": ev.hip_ab[up][::stride], "axis": ev.axis_px[up][::stride],
                "w": math.sqrt(min(1.0, ev.dt * stride / pr.corr_time_s)),
            }
        )  # fmt: skip
    feet = [i for i, d in enumerate(data) if len(d["lz"]) >= 3]
    upright = [i for i, d in enumerate(data) if len(d["hip"]) >= 3]
    sig = {("feet", i): 0.1 for i in feet} | {("up", i): 0.05 for i in upright}
    roll_sd, lean_sd = math.radians(pr.roll_sd_deg), math.radians(pr.lean_sd_deg)
    h_sd = 0.002 if pr.known_h is not None else 10.0

    def rays(ab: np.ndarray, x: np.ndarray) -> np.ndarray:
        return np.concatenate([ab * math.exp(-x[3]), np.ones((len(ab), 1))], axis=1)

    def feet_res(x: np.ndarray, i: int) -> np.ndarray:
        d = data[i]
        ndotr = rays(d["ray"], x) @ up_vector(x[0], x[1])
        return d["lz"] + x[3] + np.log(np.maximum(-ndotr, 1e-3)) + x[4 + i] - x[2]

    def up_res(x: np.ndarray, i: int) -> np.ndarray:  # x[4 + P + i]: the person's own lean
        return vertical_angle(up_vector(x[0], x[1]), rays(data[i]["hip"], x), data[i]["axis"]) - x[4 + P + i]

    def residuals(x: np.ndarray) -> np.ndarray:
        out = [
            np.array([(x[0] - pr.pitch0) / pr.pitch_sd, x[1] / roll_sd, (x[2] - log_h0) / h_sd]),
            np.array([x[3] / pr.logf_sd]),
            x[4 : 4 + P] / pr.stature_sd,
            x[4 + P :] / lean_sd,
        ]
        out += [feet_res(x, i) * data[i]["w"] / sig["feet", i] for i in feet]
        out += [up_res(x, i) * data[i]["w"] / sig["up", i] for i in upright]
        return np.concatenate(out)

    x = np.zeros(4 + 2 * P)
    x[0] = pr.pitch0
    log_h0 = math.log(pr.known_h) if pr.known_h is not None else 0.0
    if feet and pr.known_h is None:
        log_h0 = float(np.median(np.concatenate([feet_res(x, i) for i in feet])))
    x[2] = log_h0
    for _ in range(2):  # the second pass weighs each person's evidence by its own scatter
        fit = least_squares(residuals, x, loss="soft_l1", f_scale=3.0, x_scale=0.05)
        x = fit.x
        for key in sig:
            res = (feet_res if key[0] == "feet" else up_res)(x, key[1])
            sig[key] = max(0.005, 1.4826 * float(np.median(np.abs(res - np.median(res)))))
    return FloorFit(x, np.linalg.pinv(fit.jac.T @ fit.jac), bool(feet) or pr.known_h is not None)
