"""Per-frame body geometry of one person, normalised by torso length (mirror-invariant where it can be).

All functions are vectorised over frames: arrays are (n, 33, 2) image points or (n, 33, 3) world points.
Missing landmarks are NaN and give NaN features (never an exception).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cuedetect.landmarks import INDEX, SIDES

I = INDEX  # noqa: E741


def _norm(v: np.ndarray) -> np.ndarray:
    return np.linalg.norm(v, axis=-1)


def _angle(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angle in degrees between vectors a and b (last axis)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = (a * b).sum(-1) / (_norm(a) * _norm(b))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _mid(p: np.ndarray, a: str, b: str) -> np.ndarray:
    return 0.5 * (p[:, I[a]] + p[:, I[b]])


def _left_is_higher(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Which arm is "hi": the higher wrist; a missing wrist is never the higher one (unless both are)."""
    return np.nan_to_num(left, nan=-np.inf) >= np.nan_to_num(right, nan=-np.inf)


def rolling_median(x: np.ndarray, k: int) -> np.ndarray:
    """Centred running median over k samples, ignoring missing ones (NaN only where the whole window is).

    Missing is NaN or +-inf (a ratio over a zero length is no measurement), for every k: pandas'
    rolling median skips inf like NaN, and a window of one sample (k <= 1) gives NaN there too.
    """
    x = np.asarray(x, float)
    x = np.where(np.isfinite(x), x, np.nan)
    if k <= 1 or len(x) == 0:
        return x
    pad = k // 2
    xp = np.pad(x, (pad, k - 1 - pad), constant_values=np.nan)
    # pandas' rolling median skips NaN in C: several times faster than nanmedian over window views
    return pd.Series(xp).rolling(k, min_periods=1).median().to_numpy()[k - 1 :]


SHOULDERS_PER_TORSO = 1.4
"""A torso (shoulder to hip midpoint) is about 1.4 shoulder widths, for a person square to the camera."""
TURNED_MAX_DEG = 70.0
"""Beyond this turn of the shoulder line out of the picture's plane, the shoulders seen in the picture are
too short to give a scale: the close-up scale is unknown there (NaN)."""


def closeup_torso(p: np.ndarray, world: np.ndarray | None) -> np.ndarray:
    """Per frame, the torso length in the picture's units (y up, x times the aspect) where the hips
    are out of view, from the shoulders.

    The shoulders seen in the picture shrink as the person turns away from the camera; the world
    landmarks' shoulder line, in the camera's x-y plane, shrinks the same way. Their ratio is the
    picture's scale (picture units per metre), whatever the turn; times the world torso length it is
    the torso as the picture would show it. Without world landmarks (or where they are missing), the
    torso is `SHOULDERS_PER_TORSO` picture shoulder widths, which holds for a person square to the
    camera only: turned 45 degrees, it makes the torso 0.7 of its length and every
    torso-normalised feature 1.4 times too large. Where the shoulder line is turned more than
    `TURNED_MAX_DEG` out of the picture's plane, the scale is NaN.
    """
    sh_img = _norm(p[:, I["left_shoulder"]] - p[:, I["right_shoulder"]])
    frontal = SHOULDERS_PER_TORSO * sh_img
    if world is None or len(p) == 0:
        return frontal
    with np.errstate(invalid="ignore", divide="ignore"):
        sh_w = world[:, I["left_shoulder"]] - world[:, I["right_shoulder"]]
        sh_xy, sh_3d = _norm(sh_w[:, :2]), _norm(sh_w)
        torso_w = _norm(_mid(world, "left_shoulder", "right_shoulder") - _mid(world, "left_hip", "right_hip"))
        scaled = sh_img / sh_xy * torso_w
        turned = sh_xy / sh_3d < np.cos(np.radians(TURNED_MAX_DEG))
    scaled = np.where(turned, np.nan, scaled)
    known = np.isfinite(sh_xy) & np.isfinite(sh_3d) & np.isfinite(torso_w) & (sh_3d > 0) & (torso_w > 0)
    return np.where(known, scaled, frontal)


def image_features(
    xy: np.ndarray, vis: np.ndarray, aspect: float, scale_frames: int, world: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Geometry from normalized image coordinates.

    Args:
        xy: (n, 33, 2) normalized image coordinates.
        vis: (n, 33) visibility (NaN where unknown).
        aspect: image width / height, so that x and y are in the same units.
        scale_frames: frames over which the torso length is median-smoothed.
        world: (n, 33, 3) world landmarks (metres), for the scale of close-ups without hips
            (`closeup_torso`); None: a close-up's torso is 1.4 shoulder widths.
    """
    p = xy * np.array([aspect, 1.0])
    p = p * np.array([1.0, -1.0])  # y up
    sh = _mid(p, "left_shoulder", "right_shoulder")
    hip = _mid(p, "left_hip", "right_hip")
    torso = rolling_median(_norm(sh - hip), scale_frames)
    # Close-ups without hips: the torso from the shoulders (turn-corrected), the hips straight below.
    torso = np.where(np.isnan(torso), rolling_median(closeup_torso(p, world), scale_frames), torso)
    hips_seen = np.isfinite(hip).all(axis=1)
    hip = np.where(np.isnan(hip), sh - np.stack([np.zeros_like(torso), torso], axis=1), hip)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = (p - hip[:, None, :]) / torso[:, None, None]
    sh_q = (sh - hip) / torso[:, None]
    mid_x = 0.5 * sh_q[:, 0]
    f: dict[str, np.ndarray] = {}
    arms: dict[str, dict[str, np.ndarray]] = {}
    for side in SIDES:
        other = "right" if side == "left" else "left"
        s, e, w = q[:, I[f"{side}_shoulder"]], q[:, I[f"{side}_elbow"]], q[:, I[f"{side}_wrist"]]
        hand = q[:, [I[f"{side}_index"], I[f"{side}_pinky"], I[f"{side}_thumb"]]]
        down = np.array([0.0, -1.0])
        a = {
            "wr_above_sh": w[:, 1] - s[:, 1],
            "wr_above_hip": w[:, 1],
            "wr_from_mid": np.abs(w[:, 0] - mid_x),
            "wr_own_side": (w[:, 0] - mid_x) * (s[:, 0] - mid_x),
            "el_from_mid": np.abs(e[:, 0] - mid_x),
            "elbow_angle": _angle(s - e, w - e),
            "upper_elev": _angle(e - s, down),
            "fore_elev": _angle(w - e, down),
            "reach": _norm(w - s),
            "wr_to_opp_el": _norm(w - q[:, I[f"{other}_elbow"]]),
            "wr_to_hip": _norm(w - q[:, I[f"{side}_hip"]]),
            "hand_len": np.nanmean(_norm(hand - w[:, None, :]), axis=1) if len(w) else w[:, 0],
            "hand_spread": _norm(hand[:, 0] - hand[:, 1]),
            "vis_wrist": vis[:, I[f"{side}_wrist"]],
            "vis_elbow": vis[:, I[f"{side}_elbow"]],
            "vis_hand": np.nanmean(
                vis[:, [I[f"{side}_index"], I[f"{side}_pinky"], I[f"{side}_thumb"]]], axis=1
            )
            if len(w)
            else w[:, 0],
        }
        arms[side] = a
    # Order the arms by wrist height: "hi" is the higher wrist. This makes the features mirror-invariant
    # while keeping each arm's numbers together.
    left_hi = _left_is_higher(arms["left"]["wr_above_sh"], arms["right"]["wr_above_sh"])
    for key in arms["left"]:
        lv, rv = arms["left"][key], arms["right"][key]
        f[f"hi_{key}"] = np.where(left_hi, lv, rv)
        f[f"lo_{key}"] = np.where(left_hi, rv, lv)
    lw, rw = q[:, I["left_wrist"]], q[:, I["right_wrist"]]
    f["wrists_apart"] = _norm(lw - rw)
    f["wrists_height"] = 0.5 * (lw[:, 1] + rw[:, 1])
    f["wrists_mid_x"] = np.abs(0.5 * (lw[:, 0] + rw[:, 0]) - mid_x)
    f["shoulder_width"] = _norm(q[:, I["left_shoulder"]] - q[:, I["right_shoulder"]])
    f["hip_width"] = _norm(q[:, I["left_hip"]] - q[:, I["right_hip"]])
    f["ankle_width"] = _norm(q[:, I["left_ankle"]] - q[:, I["right_ankle"]])
    f["ankle_height_diff"] = np.abs(q[:, I["left_ankle"], 1] - q[:, I["right_ankle"], 1])
    f["torso_tilt"] = _angle(sh_q, np.array([0.0, 1.0]))
    f["torso_tilt_x"] = sh_q[:, 0]
    f["nose_x"] = q[:, I["nose"], 0] - sh_q[:, 0]
    f["nose_above_sh"] = q[:, I["nose"], 1] - sh_q[:, 1]
    f["vis_wrists_min"] = np.fmin(arms["left"]["vis_wrist"], arms["right"]["vis_wrist"])
    f["vis_wrists_max"] = np.fmax(arms["left"]["vis_wrist"], arms["right"]["vis_wrist"])
    f["torso_len"] = torso
    f["hip_x"], f["hip_y"] = hip[:, 0], hip[:, 1]
    # Close-ups (no hips in view): the stand-in hip above only anchors the shoulder-relative features;
    # whatever is measured from the hips themselves would be invented, so it is NaN.
    for key in _FROM_HIPS:
        f[key] = np.where(hips_seen, f[key], np.nan)
    return f


_FROM_HIPS = (
    "hi_wr_above_hip",
    "lo_wr_above_hip",
    "hi_wr_to_hip",
    "lo_wr_to_hip",
    "wrists_height",
    "hip_width",
    "torso_tilt",
    "torso_tilt_x",
)


def world_features(world: np.ndarray) -> dict[str, np.ndarray]:
    """Geometry from MediaPipe world landmarks (metres, hip-centred, camera axes: x right, y down, z away).

    Gives depth ordering (a wrist behind the back), a lean independent of the camera, and the body's
    heading in the camera's floor plane.
    """
    w = world * np.array([1.0, -1.0, 1.0])  # y up; axes stay right-handed up to a reflection, handled below
    sh = _mid(w, "left_shoulder", "right_shoulder")
    hip = _mid(w, "left_hip", "right_hip")
    ankle = _mid(w, "left_ankle", "right_ankle")
    with np.errstate(invalid="ignore", divide="ignore"):
        up = (sh - hip) / _norm(sh - hip)[:, None]
        right = w[:, I["right_shoulder"]] - w[:, I["left_shoulder"]]
        right = right - (right * up).sum(-1, keepdims=True) * up
        right = right / _norm(right)[:, None]
        # The flip of y made the frame left-handed, so forward is right x up (not up x right).
        fwd = np.cross(right, up)
        torso = _norm(sh - hip)
        torso = np.where(torso > 0, torso, np.nan)  # shoulders on the hips: no scale (NaN, not inf)
        centre = 0.5 * (sh + hip)
        hip_right = w[:, I["right_hip"]] - w[:, I["left_hip"]]
    f: dict[str, np.ndarray] = {}
    per: dict[str, dict[str, np.ndarray]] = {}
    for side in SIDES:
        sgn = 1.0 if side == "right" else -1.0
        other = "right" if side == "left" else "left"
        s, e, wr = w[:, I[f"{side}_shoulder"]], w[:, I[f"{side}_elbow"]], w[:, I[f"{side}_wrist"]]
        with np.errstate(invalid="ignore", divide="ignore"):
            per[side] = {
                "w_wr_fwd": ((wr - centre) * fwd).sum(-1) / torso,
                "w_wr_up": ((wr - sh) * up).sum(-1) / torso,
                "w_wr_out": sgn * ((wr - centre) * right).sum(-1) / torso,
                "w_reach": _norm(wr - s) / torso,
                "w_elbow_angle": _angle(s - e, wr - e),
                "w_el_out": sgn * ((e - centre) * right).sum(-1) / torso,
                "w_wr_to_opp_el": _norm(wr - w[:, I[f"{other}_elbow"]]) / torso,
                "w_wr_to_hip": _norm(wr - w[:, I[f"{side}_hip"]]) / torso,
            }
    left_hi = _left_is_higher(per["left"]["w_wr_up"], per["right"]["w_wr_up"])
    for key in per["left"]:
        f[f"hi_{key}"] = np.where(left_hi, per["left"][key], per["right"][key])
        f[f"lo_{key}"] = np.where(left_hi, per["right"][key], per["left"][key])
    f["w_wr_fwd_max"] = np.fmax(per["left"]["w_wr_fwd"], per["right"]["w_wr_fwd"])
    leg = hip - ankle
    with np.errstate(invalid="ignore", divide="ignore"):
        leg_u = leg / _norm(leg)[:, None]
        f["w_lean"] = np.degrees(np.arcsin(np.clip((up * np.cross(right, leg_u)).sum(-1), -1, 1)))
        f["w_lean_abs"] = _angle(up, leg_u)
        feet = w[:, I["right_ankle"]] - w[:, I["left_ankle"]]
        f["w_stagger"] = np.abs((feet * fwd).sum(-1)) / torso
        f["w_stance"] = _norm(feet) / torso
        f["w_twist"] = _angle(right * [1, 0, 1], hip_right * [1, 0, 1])
        # Lean that needs neither the legs nor the other person: the torso's forward tilt against the
        # world landmarks' vertical (close-ups, where MediaPipe guesses the legs), and the head ahead of
        # the shoulders (a lean from the neck).
        f["w_lean_cam"] = np.degrees(np.arcsin(np.clip(-fwd[:, 1], -1, 1)))
        f["w_head_fwd"] = ((w[:, I["nose"]] - sh) * fwd).sum(-1) / torso
    # heading of the torso in the camera's floor plane (x right, z away), as a unit vector
    f["w_fwd_x"], f["w_fwd_z"] = fwd[:, 0], fwd[:, 2]
    f["w_right_x"], f["w_right_z"] = right[:, 0], right[:, 2]
    f["w_feet_x"], f["w_feet_z"] = feet[:, 0], feet[:, 2]
    f["w_torso_m"] = torso
    return f
