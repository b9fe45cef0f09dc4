"""Hand-written geometric rules for every classifier cue: the baseline the trained model has to beat.

Each rule reads the window-averaged features (`m_*`) and returns a 0/1 score per frame; the scores go
through the same hysteresis as the classifier's probabilities. Thresholds are in torso lengths and
degrees, chosen by eye from the cue definitions (not fitted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES


def _col(f: pd.DataFrame, name: str) -> np.ndarray:
    return f[name].to_numpy(dtype=float) if name in f.columns else np.full(len(f), np.nan)


def _either(world: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Use the world-landmark test where it exists, the image test elsewhere."""
    return np.where(np.isnan(world), image, world)


def _b(x: np.ndarray) -> np.ndarray:
    return np.nan_to_num(x, nan=0.0).astype(float)


def baseline_scores(f: pd.DataFrame) -> pd.DataFrame:
    """(n, len(CLASSIFIER_CUES)) 0/1 scores from the geometric rules."""
    g = {
        c: _col(f, f"m_{c}")
        for c in (
            "hi_wr_above_sh",
            "lo_wr_above_sh",
            "hi_reach",
            "hi_elbow_angle",
            "hi_wr_to_opp_el",
            "lo_wr_to_opp_el",
            "hi_wr_to_hip",
            "lo_wr_to_hip",
            "hi_el_from_mid",
            "lo_el_from_mid",
            "lo_elbow_angle",
            "wrists_apart",
            "vis_wrists_max",
            "wrists_mid_x",
            "wrists_height",
            "hi_w_wr_fwd",
            "lo_w_wr_fwd",
            "hi_w_reach",
            "blade_angle",
            "feet_along_other",
            "w_lean",
            "torso_tilt",
            "tilt_toward_other",
            "reversals",
            "moving_frac_long",
            "hand_spread",
            "lo_w_wr_fwd",
            "hi_wr_own_side",
            "lo_wr_own_side",
            "hi_upper_elev",
            "lo_upper_elev",
        )
    }
    with np.errstate(invalid="ignore"):
        wr_hi, wr_lo = g["hi_wr_above_sh"], g["lo_wr_above_sh"]
        reach = _either(g["hi_w_reach"] / 0.55 * 1.0, g["hi_reach"])
        pointing = (
            (reach > 0.95) & (g["hi_elbow_angle"] > 140) & (wr_hi > -0.45) & (wr_hi < 0.35) & (wr_lo < -0.6)
        )
        crossed = (
            (g["hi_wr_to_opp_el"] < 0.4) & (g["lo_wr_to_opp_el"] < 0.4) & (wr_hi < -0.1) & (wr_lo > -1.0)
        )
        on_hips = (
            (g["hi_wr_to_hip"] < 0.45)
            & (g["lo_wr_to_hip"] < 0.45)
            & (g["hi_el_from_mid"] > 0.55)
            & (g["lo_el_from_mid"] > 0.55)
        )
        raised = wr_hi > 0.05
        fists = (
            (wr_lo > -0.55)
            & (wr_hi < 0.4)
            & (g["hi_elbow_angle"] < 110)
            & (g["lo_elbow_angle"] < 110)
            & (g["wrists_apart"] < 0.9)
        )
        behind_world = (g["hi_w_wr_fwd"] < -0.1) & (g["lo_w_wr_fwd"] < -0.1)
        hidden_img = np.where(
            np.isnan(g["vis_wrists_max"]),
            (g["wrists_mid_x"] < 0.2)
            & (g["wrists_height"] > 0.0)
            & (g["wrists_height"] < 0.45)
            & (g["wrists_apart"] < 0.35),
            g["vis_wrists_max"] < 0.5,
        )
        hidden = np.where(np.isnan(g["hi_w_wr_fwd"]), hidden_img, behind_world)
        blade_world = (g["blade_angle"] > 25) & (g["feet_along_other"] > 0.3)
        bladed = np.where(np.isnan(g["blade_angle"]), False, blade_world)
        lean = _either(g["w_lean"], g["tilt_toward_other"] * 0.0 + g["torso_tilt"]) > 12
        pacing = (g["reversals"] >= 1) & (g["moving_frac_long"] > 0.4)
        front = _either(g["lo_w_wr_fwd"], np.full(len(f), 0.3)) > 0.15
        open_h = (
            (wr_hi < -0.2)
            & (wr_lo > -1.0)
            & (g["lo_elbow_angle"] > 60)
            & (g["hi_elbow_angle"] < 160)
            & front
            & (g["wrists_apart"] > 0.25)
            & ~crossed
            & ~on_hips
        )
    rules = {
        "pointing": pointing,
        "arms_crossed": crossed,
        "hands_on_hips": on_hips,
        "hands_raised": raised,
        "fists_up": fists,
        "hands_hidden": hidden,
        "bladed_stance": bladed,
        "leaning_in": lean,
        "pacing": pacing,
        "open_hands": open_h,
    }
    return pd.DataFrame({c: _b(rules[c]) for c in CLASSIFIER_CUES}, index=f.index)
