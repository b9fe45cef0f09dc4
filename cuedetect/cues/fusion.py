"""Definition rules beside the classifier: where a cue is a plain geometric definition, the rule's finding
is added to the classifier's probability (an OR).

`hands_raised` is "one or both hands above shoulder height". The classifier reads 1 s window averages
and was trained on raises held for seconds; a real 0.5 s jumping jack or overhead throw averages out
below the shoulder in that window (probabilities of 0.03-0.26 where the wrists were well above the
shoulders). The rule reads the higher wrist over a short window (`settings.brief_window_s`): above its
shoulder and either level with the nose or higher, or out to the side (`raised_wide`) and clearly up
(`raised_wide_above_shoulder`), so that a hand at the head (scratching it, adjusting hair, a phone to
the ear) does not count, nor an arm held straight out level with the shoulder (aiming, pointing).

Its confidence `RULE_CONFIDENCE` was set on the real dev set (../shared/clips, where this rule took
`hands_raised` from 6 to 18 of 18 labelled raises, 3 false alarms). On the studio's validation clips
its frame precision is lower (model card): the studio labels waving and stretching as everyday
negatives, while the real labels count hands thrown over the head in waving and exercise as raised.

The other way round, a cue's definition can rule it out (`ruled_out`, an AND): where a necessary part
of the definition plainly fails, the classifier's probability is set to 0.
- `arms_crossed` ("both forearms folded across the chest") is a still posture: a person moving faster
  than `crossed_arms_max_speed_mps` (1 s mean hip speed) swings the arms across the body (a runner) or
  guards while circling (a fighter); they are not folded.
- `leaning_in` ("upper body leaning forward toward the other person") leans face first: where the nose
  has dropped to within `lean_head_min` torso lengths of the shoulder line (1 s mean), the person is
  looking down, bending to pick something up or watching their feet, not leaning toward anybody.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cuedetect.cues.features import column
from cuedetect.cues.settings import CueSettings

# Probability each definition rule adds when it holds: above every switch-on threshold (set on the real
# dev set; its studio validation precision is in the model card).
RULE_CONFIDENCE: dict[str, float] = {"hands_raised": 0.9}


def _short_mean(feats: pd.DataFrame, col: str, seconds: float) -> np.ndarray:
    """Centred mean of a per-frame column over `seconds`, per person (NaN where the column is absent)."""
    if col not in feats.columns or len(feats) == 0:
        return np.full(len(feats), np.nan)
    t = feats["t"].to_numpy(dtype=float)
    d = np.diff(t)
    d = d[d > 0]
    k = max(1, round(seconds * (1.0 / np.median(d) if len(d) else 15.0)))
    return (
        feats.groupby("person", sort=False)[col]
        .transform(lambda s: s.rolling(k, center=True, min_periods=1).mean())
        .to_numpy(dtype=float)
    )


def definition_rules(feats: pd.DataFrame, settings: CueSettings | None = None) -> pd.DataFrame:
    """Per frame, 1.0 where a definition rule holds (columns: the cues in `RULE_CONFIDENCE`)."""
    settings = settings or CueSettings()
    w = settings.brief_window_s
    img = _short_mean(feats, "hi_wr_above_sh", w)
    world = _short_mean(feats, "hi_w_wr_up", w)
    above = np.where(np.isnan(img), world, img)
    # Over the head, not just above the shoulder: a hand at the head (scratching it, adjusting hair, a
    # phone to the ear) is above the shoulder too, and those are everyday actions, not raised hands.
    head = _short_mean(feats, "nose_above_sh", w) + settings.raised_above_head
    # Out to the side, the arm has to be up too: an arm held straight out at shoulder height (aiming,
    # pointing, a punch) is level with the shoulder, not raised.
    wide = (_short_mean(feats, "hi_wr_from_mid", w) > settings.raised_wide) & (
        above > settings.raised_wide_above_shoulder
    )
    # A comparison with NaN (a measurement missing) is False: no rule holds there.
    raised = (above > settings.raised_above_shoulder) & ((above > head) | wide)
    return pd.DataFrame({"hands_raised": raised.astype(float)}, index=feats.index)


def ruled_out(feats: pd.DataFrame, settings: CueSettings | None = None) -> pd.DataFrame:
    """Per frame, True where a necessary part of a cue's definition fails (columns: the cues it
    can rule out, `arms_crossed` and `leaning_in`). Missing measurements rule nothing out."""
    settings = settings or CueSettings()
    with np.errstate(invalid="ignore"):
        moving = column(feats, "m_hip_speed") > settings.crossed_arms_max_speed_mps
        head_down = column(feats, "m_nose_above_sh") < settings.lean_head_min
    return pd.DataFrame({"arms_crossed": moving, "leaning_in": head_down}, index=feats.index)


def combine(probs: pd.DataFrame, feats: pd.DataFrame, settings: CueSettings | None = None) -> pd.DataFrame:
    """The classifier's probabilities with each definition rule ORed in at its `RULE_CONFIDENCE`, and set
    to 0 where the cue's definition rules it out (`ruled_out`)."""
    out = probs.copy()
    rules = definition_rules(feats, settings)
    for cue, conf in RULE_CONFIDENCE.items():
        if cue in out.columns:
            out[cue] = np.fmax(out[cue].to_numpy(dtype=float), rules[cue].to_numpy() * conf)
    vetoes = ruled_out(feats, settings)
    for cue in vetoes.columns:
        if cue in out.columns:
            out[cue] = np.where(vetoes[cue].to_numpy(), 0.0, out[cue].to_numpy(dtype=float))
    return out
