"""Hand-written geometric rules for every classifier cue: the baseline the trained model has to beat.

Each rule reads window-averaged features (`m_*`) and returns a 0/1 score per frame; the scores go
through the same hysteresis as the classifier's probabilities. Thresholds are in torso lengths and
degrees, set by hand from the cue definitions (not fitted). Image coordinates of low-visibility points
are missing in analyses, so each rule falls back to MediaPipe's world landmarks where it can.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.features import column


def _col(f: pd.DataFrame, name: str) -> np.ndarray:
    return column(f, f"m_{name}")


def _first(*xs: np.ndarray) -> np.ndarray:
    """The first non-missing value of each row across xs."""
    out = xs[0].copy()
    for x in xs[1:]:
        out = np.where(np.isnan(out), x, out)
    return out


def baseline_scores(f: pd.DataFrame) -> pd.DataFrame:
    """(n, len(CLASSIFIER_CUES)) 0/1 scores from the geometric rules."""
    g = {
        k: _col(f, k)
        for k in (
            "hi_wr_above_sh",
            "lo_wr_above_sh",
            "hi_w_wr_up",
            "lo_w_wr_up",
            "hi_w_reach",
            "hi_w_elbow_angle",
            "lo_w_elbow_angle",
            "hi_w_wr_to_opp_el",
            "lo_w_wr_to_opp_el",
            "hi_w_el_out",
            "lo_w_el_out",
            "hi_w_wr_fwd",
            "lo_w_wr_fwd",
            "hi_w_wr_out",
            "lo_w_wr_out",
            "w_lean",
            "torso_tilt",
            "blade_angle",
            "feet_along_other",
            "reversals",
            "moving_frac_long",
            "hi_elbow_angle",
            "lo_elbow_angle",
        )
    }
    with np.errstate(invalid="ignore"):
        hi_up = _first(g["hi_wr_above_sh"], g["hi_w_wr_up"])
        lo_up = _first(g["lo_wr_above_sh"], g["lo_w_wr_up"])
        fwd_min = np.fmin(g["hi_w_wr_fwd"], g["lo_w_wr_fwd"])
        fwd_max = np.fmax(g["hi_w_wr_fwd"], g["lo_w_wr_fwd"])
        lo_bend = _first(g["lo_w_elbow_angle"], g["lo_elbow_angle"])
        hi_bend = _first(g["hi_w_elbow_angle"], g["hi_elbow_angle"])
        rules = {
            "pointing": (g["hi_w_reach"] > 0.85)
            & (hi_bend > 145)
            & (hi_up > -0.5)
            & (hi_up < 0.4)
            & (lo_up < -0.5),
            "arms_crossed": (g["hi_w_wr_to_opp_el"] < 0.45)
            & (g["lo_w_wr_to_opp_el"] < 0.45)
            & (hi_up < -0.1),
            "hands_on_hips": (g["hi_w_el_out"] > 0.4)
            & (g["lo_w_el_out"] > 0.4)
            & (hi_up < -0.6)
            & (lo_up > -1.2)
            & (fwd_max < 0.25),
            "hands_raised": hi_up > 0.05,
            "fists_up": (lo_up > -0.6)
            & (hi_up < 0.35)
            & (lo_bend < 100)
            & (hi_bend < 100)
            & (fwd_min > 0.15),
            "hands_hidden": (fwd_max < -0.05) & (hi_up < -0.5),
            "bladed_stance": (g["blade_angle"] > 25)
            & (g["feet_along_other"] > 0.35)
            & (g["moving_frac_long"] < 0.3),
            "leaning_in": _first(g["w_lean"], g["torso_tilt"]) > 12,
            "pacing": (g["reversals"] >= 1) & (g["moving_frac_long"] > 0.4),
            "open_hands": (fwd_min > 0.25)
            & (hi_up < -0.2)
            & (lo_up > -1.0)
            & (lo_bend > 60)
            & (hi_bend < 160),
        }
    rules["open_hands"] &= ~(rules["arms_crossed"] | rules["fists_up"] | rules["hands_on_hips"])
    return pd.DataFrame(
        {c: np.nan_to_num(rules[c], nan=0.0).astype(float) for c in CLASSIFIER_CUES}, index=f.index
    )
