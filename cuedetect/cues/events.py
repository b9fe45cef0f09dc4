"""Per-frame probabilities -> cue events (hysteresis, minimum durations, merged gaps) with evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cuedetect.cues.catalogue import CLASSIFIER_CUES
from cuedetect.cues.settings import CueSettings


@dataclass
class CueEvent:
    cue: str
    person: int | str
    other: int | str | None
    start: float
    end: float
    confidence: float
    evidence: str

    def to_dict(self) -> dict:
        d = asdict(self)
        d["start"], d["end"], d["confidence"] = (
            round(self.start, 3),
            round(self.end, 3),
            round(self.confidence, 3),
        )
        return d


def _smooth(p: np.ndarray, k: int) -> np.ndarray:
    return pd.Series(p).rolling(max(1, k), center=True, min_periods=1).mean().to_numpy()


def hysteresis_spans(
    p: np.ndarray,
    t: np.ndarray,
    on: float,
    off: float,
    min_dur: float,
    merge_gap: float,
    merge_gap_max: float | None = None,
) -> list[tuple[int, int]]:
    """Index spans [i0, i1] where p rises above `on` and stays above `off`; short gaps merged, short dropped.

    A gap shorter than `merge_gap` joins the spans on either side. With `merge_gap_max` (held postures),
    the allowed gap grows with the hold before it: a gap shorter than the merged span so far joins too,
    up to `merge_gap_max` (a 4 s hold broken for 3 s is one hold; a 1 s one is not).
    NaN probabilities count as "no change of state". Durations and gaps are between frame times: a
    span lasts from its first frame to its last, a gap from one span's last frame to the next one's
    first (`tests/unit/cues/test_event_durations.py`; the frames' own time, a period more, was measured
    and not adopted: cues README, "How long an event lasts").
    """
    spans: list[list[int]] = []
    active, start = False, 0
    for i, v in enumerate(p):
        if not active and v > on:
            active, start = True, i
        elif active and v < off:
            active = False
            spans.append([start, i - 1])
    if active:
        spans.append([start, len(p) - 1])
    merged: list[list[int]] = []
    for s in spans:
        if merged:
            a, b = merged[-1]
            if joins(float(t[s[0]] - t[b]), float(t[b] - t[a]), merge_gap, merge_gap_max):
                merged[-1][1] = s[1]
                continue
        merged.append(s)
    return [(a, b) for a, b in merged if t[b] - t[a] >= min_dur]


def joins(gap_s: float, held_s: float, merge_gap: float, merge_gap_max: float | None = None) -> bool:
    """Whether a span that starts `gap_s` after the end of one held `held_s` (merged so far) joins it.

    The one merge rule of cue events, offline (`hysteresis_spans`) and live (`live.timeline`): a gap
    shorter than `merge_gap`; with `merge_gap_max` (held postures: `CueSettings.merge_gap_max`) also one
    shorter than the hold before it, up to `merge_gap_max`.
    """
    allowed = merge_gap if merge_gap_max is None else min(max(merge_gap, held_s), merge_gap_max)
    return gap_s < allowed


# Evidence phrases: feature -> (template, unit phrase). {v} is the median over the event.
_PHRASES: dict[str, str] = {
    "m_hi_wr_above_sh": "higher wrist {a} torso-lengths {dir} the shoulder",
    "m_lo_wr_above_sh": "lower wrist {a} torso-lengths {dir} the shoulder",
    "m_hi_reach": "arm reaching {v:.1f} torso-lengths from the shoulder",
    "m_hi_w_reach": "arm reaching {v:.1f} torso-lengths from the shoulder (3D)",
    "m_hi_elbow_angle": "elbow opened to {v:.0f} degrees",
    "m_lo_elbow_angle": "elbows bent to {v:.0f} degrees",
    "m_hi_wr_to_opp_el": "wrist {v:.2f} torso-lengths from the opposite elbow",
    "m_lo_wr_to_opp_el": "other wrist {v:.2f} torso-lengths from the opposite elbow",
    "m_hi_wr_to_hip": "wrist {v:.2f} torso-lengths from the hip",
    "m_lo_wr_to_hip": "other wrist {v:.2f} torso-lengths from the hip",
    "m_hi_el_from_mid": "elbow {v:.1f} torso-lengths out from the body midline",
    "m_vis_wrists_max": "wrists seen with visibility {v:.2f} at best",
    "m_hi_w_wr_fwd": "wrists {a} torso-lengths {fwd} the torso",
    "m_lo_w_wr_fwd": "lower wrist {a} torso-lengths {fwd} the torso",
    "m_blade_angle": "shoulders turned {v:.0f} degrees from square to the other person",
    "m_feet_along_other": "feet staggered {v:.1f} torso-lengths toward the other person",
    "m_w_lean": "upper body leaning {v:.0f} degrees forward",
    "m_torso_tilt": "torso tilted {v:.0f} degrees in the image",
    "m_reversals": "{v:.0f} direction reversals within the pacing window",
    "m_mean_speed_long": "walking at {v:.1f} m/s on average",
    "m_wrists_apart": "wrists {v:.1f} torso-lengths apart",
    "m_hi_hand_spread": "fingers spread {v:.2f} torso-lengths",
    "m_wrists_height": "wrists {v:.1f} torso-lengths above the hips",
}
EVIDENCE_FEATURES: dict[str, tuple[str, ...]] = {
    "pointing": ("m_hi_reach", "m_hi_w_reach", "m_hi_elbow_angle", "m_hi_wr_above_sh"),
    "arms_crossed": ("m_hi_wr_to_opp_el", "m_lo_wr_to_opp_el", "m_wrists_apart"),
    "hands_on_hips": ("m_hi_wr_to_hip", "m_lo_wr_to_hip", "m_hi_el_from_mid"),
    "hands_raised": ("m_hi_wr_above_sh", "m_lo_wr_above_sh"),
    "fists_up": ("m_lo_wr_above_sh", "m_lo_elbow_angle", "m_wrists_apart"),
    "hands_hidden": ("m_vis_wrists_max", "m_hi_w_wr_fwd", "m_wrists_height"),
    "bladed_stance": ("m_blade_angle", "m_feet_along_other"),
    "leaning_in": ("m_w_lean", "m_torso_tilt"),
    "pacing": ("m_reversals", "m_mean_speed_long"),
    "open_hands": ("m_lo_w_wr_fwd", "m_wrists_apart", "m_hi_hand_spread", "m_lo_wr_above_sh"),
}


def _phrase(name: str, v: float) -> str:
    tpl = _PHRASES[name]
    return tpl.format(
        v=v, a=f"{abs(v):.1f}", dir="above" if v >= 0 else "below", fwd="in front of" if v >= 0 else "behind"
    )


def evidence_for(cue: str, feats: pd.DataFrame, inside: np.ndarray, duration: float, n_top: int = 2) -> str:
    """Words with numbers for the features that set this span apart from the rest of the person's frames."""
    scored = []
    for name in EVIDENCE_FEATURES.get(cue, ()):
        if name not in feats.columns:
            continue
        col = feats[name].to_numpy(dtype=float)
        v_in = col[inside]
        if not np.isfinite(v_in).any():
            continue
        v = float(np.nanmedian(v_in))
        out = col[~inside]
        out = out[np.isfinite(out)]
        z = abs(v - np.median(out)) / (np.std(out) + 1e-6) if len(out) > 3 else 0.0
        scored.append((z, _phrase(name, v)))
    scored.sort(key=lambda s: -s[0])
    words = [s[1] for s in scored[:n_top]] or ["pose matched the cue"]
    return f"{', '.join(words)} for {duration:.1f} s"


def person_events(
    feats: pd.DataFrame,
    probs: pd.DataFrame,
    settings: CueSettings,
    cues: tuple[str, ...] = CLASSIFIER_CUES,
    thresholds: dict[str, float] | None = None,
) -> list[CueEvent]:
    """Events of one person from per-frame probabilities (rows aligned with `feats`, sorted by time).

    `thresholds`: per-cue switch-on probabilities (a calibrated model's); the switch-off level keeps the
    settings' hysteresis gap below it. Cues without one use `settings.on_threshold`.
    """
    thresholds = thresholds or {}
    gap = settings.on_threshold - settings.off_threshold
    t = feats["t"].to_numpy(dtype=float)
    person = feats["person"].iloc[0] if len(feats) else 0
    if len(t) < 2:
        return []
    fps = 1.0 / max(np.median(np.diff(t)), 1e-3)
    # An even k is half a frame off centre: round(0.3 s * 15 fps) = 4 (2 for the 6 fps studio renders),
    # and pandas' centred window of 4 at frame i is frames i-2..i+1, so the smoothed curve and the
    # events' edges come half a frame (33 ms at 15 fps) late. Measured, not changed (session 11): an
    # odd window (k-1 or k+1) or a centred one (k+1 frames, half weight at both ends) changes 9-19% of
    # the real dev set's events and half or more of the style dev split's, and lowers the real dev
    # set's model F1 0.78 -> 0.73 / 0.77 / 0.73 (39 -> 35 / 38 / 35 found of 52, still 9 false alarms:
    # `studio_aerobics.mp4`'s 0.5 s raised-hand repetitions) and the style dev split's 12-cue macro
    # 0.382 -> 0.361 / 0.360 / 0.359.
    k = round(settings.prob_smooth_s * fps)
    out = []
    for cue in cues:
        if cue not in probs.columns:
            continue
        p = _smooth(probs[cue].to_numpy(dtype=float), k)
        for a, b in hysteresis_spans(
            p,
            t,
            thresholds.get(cue, settings.on_threshold),
            thresholds.get(cue, settings.on_threshold) - gap,
            settings.min_duration(cue),
            settings.merge_gap(cue),
            settings.merge_gap_max(cue),
        ):
            inside = np.zeros(len(t), bool)
            inside[a : b + 1] = True
            dur = float(t[b] - t[a])
            out.append(
                CueEvent(
                    cue,
                    _py(person),
                    None,
                    float(t[a]),
                    float(t[b]),
                    float(np.nanmean(p[a : b + 1])),
                    evidence_for(cue, feats, inside, dur),
                )
            )
    return out


def _py(v):  # numpy scalar -> python
    return v.item() if hasattr(v, "item") else v
