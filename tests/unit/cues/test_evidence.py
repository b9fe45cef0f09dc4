"""Evidence wording: each feature's phrase, which features are named, and the event's exported form.

The phrases are what an instructor reads in the debrief, so the table pins each one exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.events import _PHRASES, EVIDENCE_FEATURES, CueEvent, _phrase, evidence_for

PHRASES = [
    ("m_hi_wr_above_sh", 0.44, "higher wrist 0.4 torso-lengths above the shoulder"),
    ("m_hi_wr_above_sh", -0.26, "higher wrist 0.3 torso-lengths below the shoulder"),
    ("m_lo_wr_above_sh", 0.0, "lower wrist 0.0 torso-lengths above the shoulder"),
    ("m_lo_wr_above_sh", -1.04, "lower wrist 1.0 torso-lengths below the shoulder"),
    ("m_hi_reach", 1.26, "arm reaching 1.3 torso-lengths from the shoulder"),
    ("m_hi_w_reach", 0.94, "arm reaching 0.9 torso-lengths from the shoulder (3D)"),
    ("m_hi_elbow_angle", 164.6, "elbow opened to 165 degrees"),
    ("m_lo_elbow_angle", 71.2, "elbows bent to 71 degrees"),
    ("m_hi_wr_to_opp_el", 0.214, "wrist 0.21 torso-lengths from the opposite elbow"),
    ("m_lo_wr_to_opp_el", 0.305, "other wrist 0.30 torso-lengths from the opposite elbow"),
    ("m_hi_wr_to_hip", 0.126, "wrist 0.13 torso-lengths from the hip"),
    ("m_lo_wr_to_hip", 0.09, "other wrist 0.09 torso-lengths from the hip"),
    ("m_hi_el_from_mid", 0.83, "elbow 0.8 torso-lengths out from the body midline"),
    ("m_vis_wrists_max", 0.125, "wrists seen with visibility 0.12 at best"),
    ("m_hi_w_wr_fwd", 0.35, "wrists 0.3 torso-lengths in front of the torso"),
    ("m_hi_w_wr_fwd", -0.2, "wrists 0.2 torso-lengths behind the torso"),
    ("m_lo_w_wr_fwd", 0.0, "lower wrist 0.0 torso-lengths in front of the torso"),
    ("m_lo_w_wr_fwd", -0.51, "lower wrist 0.5 torso-lengths behind the torso"),
    ("m_blade_angle", 38.5, "shoulders turned 38 degrees from square to the other person"),
    ("m_feet_along_other", 0.66, "feet staggered 0.7 torso-lengths toward the other person"),
    ("m_w_lean", 17.7, "upper body leaning 18 degrees forward"),
    ("m_torso_tilt", 9.2, "torso tilted 9 degrees in the image"),
    ("m_reversals", 3.0, "3 direction reversals within the pacing window"),
    ("m_mean_speed_long", 0.84, "walking at 0.8 m/s on average"),
    ("m_wrists_apart", 1.51, "wrists 1.5 torso-lengths apart"),
    ("m_hi_hand_spread", 0.078, "fingers spread 0.08 torso-lengths"),
    ("m_wrists_height", 0.42, "wrists 0.4 torso-lengths above the hips"),
]


@pytest.mark.parametrize(("name", "value", "words"), PHRASES)
def test_each_feature_has_its_phrase(name: str, value: float, words: str) -> None:
    assert _phrase(name, value) == words


def test_the_table_covers_every_phrase_and_every_evidence_feature_has_one() -> None:
    assert {name for name, _, _ in PHRASES} == set(_PHRASES)
    assert {f for names in EVIDENCE_FEATURES.values() for f in names} <= set(_PHRASES)


def _frames(**cols: list[float]) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"t": np.arange(n) / 10, "person": 0, **cols})


def test_evidence_names_the_two_features_that_set_the_span_apart_most() -> None:
    """pointing's features: the reach stands out most (z ~ 50), then the elbow (z ~ 10); the wrist height
    (no difference) and the 3D reach (absent) are not named."""
    rng = np.random.default_rng(0)
    n, inside = 40, np.zeros(40, bool)
    inside[10:20] = True
    noise = rng.normal(0, 1, n)
    reach = np.where(inside, 1.3, 0.3 + 0.02 * noise)
    elbow = np.where(inside, 160.0, 120.0 + 4 * noise)
    wrist = 0.1 + 0.05 * noise
    feats = _frames(m_hi_reach=list(reach), m_hi_elbow_angle=list(elbow), m_hi_wr_above_sh=list(wrist))
    words = evidence_for("pointing", feats, inside, 0.9)
    assert words == (
        "arm reaching 1.3 torso-lengths from the shoulder, elbow opened to 160 degrees for 0.9 s"
    )
    assert evidence_for("pointing", feats, inside, 0.9, n_top=1) == (
        "arm reaching 1.3 torso-lengths from the shoulder for 0.9 s"
    )
    # the order follows how far each stands out, not the catalogue's order
    feats["m_hi_elbow_angle"] = np.where(inside, 175.0, 120.0 + 0.1 * noise)
    assert evidence_for("pointing", feats, inside, 0.9).startswith("elbow opened to 175 degrees, arm")


def test_evidence_uses_the_median_inside_and_skips_features_never_seen_there() -> None:
    inside = np.array([True, True, True, False, False, False, False, False])
    feats = _frames(
        m_hi_wr_to_hip=[0.1, 0.2, 9.0, 1.0, 1.1, 0.9, 1.0, 1.2],  # median inside 0.2 (one wild frame)
        m_lo_wr_to_hip=[np.nan, np.nan, np.nan, 1.0, 1.0, 1.0, 1.0, 1.0],  # not seen in the span
    )
    words = evidence_for("hands_on_hips", feats, inside, 0.2)
    assert words == "wrist 0.20 torso-lengths from the hip for 0.2 s"


def test_with_three_frames_or_fewer_outside_nothing_is_ranked_and_the_order_is_the_catalogues() -> None:
    inside = np.array([True, True, False, False, False])
    feats = _frames(m_hi_wr_above_sh=[0.5, 0.5, 0.5, 0.5, 0.5], m_lo_wr_above_sh=[0.3, 0.3, -2.0, -2.0, -2.0])
    assert evidence_for("hands_raised", feats, inside, 0.1) == (
        "higher wrist 0.5 torso-lengths above the shoulder, lower wrist 0.3 torso-lengths above the shoulder "
        "for 0.1 s"
    )


def test_a_cue_without_evidence_features_says_the_pose_matched() -> None:
    feats = _frames(m_hi_reach=[1.0, 1.0])
    assert evidence_for("too_close", feats, np.array([True, False]), 2.04) == "pose matched the cue for 2.0 s"


def test_to_dict_rounds_times_and_confidence_to_milliseconds() -> None:
    e = CueEvent("pointing", 1, None, 1.23456, 2.45678, 0.876543, "arm reaching 1.3 torso-lengths")
    assert e.to_dict() == {
        "cue": "pointing", "person": 1, "other": None, "start": 1.235, "end": 2.457, "confidence": 0.877,
        "evidence": "arm reaching 1.3 torso-lengths",
    }  # fmt: skip
    assert CueEvent("too_close", 0, 1, 0.0, 0.5, 1.0, "").to_dict()["other"] == 1


def test_a_feature_unseen_in_the_span_is_skipped_and_the_next_still_named() -> None:
    inside = np.array([True, True, False, False, False, False])
    feats = _frames(
        m_hi_wr_to_hip=[np.nan, np.nan, 1.0, 1.0, 1.0, 1.0],  # the first in the catalogue: not seen
        m_lo_wr_to_hip=[0.1, 0.1, 1.0, 1.1, 0.9, 1.0],
    )
    words = evidence_for("hands_on_hips", feats, inside, 0.1)
    assert words == "other wrist 0.10 torso-lengths from the hip for 0.1 s"


def test_ranking_is_by_distance_from_the_outside_median_in_its_spread() -> None:
    """Four frames outside (enough to rank). hi: inside 0.5, outside median -0.5 with a small spread
    (z ~ 10); lo: inside 0.3 vs 0.1 outside, larger spread (z ~ 1): hi is named first, although lo
    would win on |inside + median| and the catalogue puts hi first anyway; then the other way round."""
    inside = np.array([True, True, False, False, False, False])
    hi = [0.5, 0.5, -0.6, -0.4, -0.5, -0.5]
    lo = [0.3, 0.3, 0.3, -0.1, 0.1, 0.1]
    words = evidence_for("hands_raised", _frames(m_hi_wr_above_sh=hi, m_lo_wr_above_sh=lo), inside, 0.1)
    assert words.startswith("higher wrist 0.5")
    # swap the columns' roles: now the lower wrist stands out (z ~ 10) and is named first
    words = evidence_for("hands_raised", _frames(m_hi_wr_above_sh=lo, m_lo_wr_above_sh=hi), inside, 0.1)
    assert words.startswith("lower wrist 0.5 torso-lengths above the shoulder, higher wrist 0.3")


def test_a_constant_outside_makes_a_difference_stand_out_most() -> None:
    inside = np.array([True, True, False, False, False, False])
    flat = [0.4, 0.4, -0.2, -0.2, -0.2, -0.2]  # no spread outside: any difference is decisive
    noisy = [0.9, 0.9, -1.0, 0.5, -0.5, 1.0]
    words = evidence_for("hands_raised", _frames(m_hi_wr_above_sh=noisy, m_lo_wr_above_sh=flat), inside, 0.1)
    assert words.startswith("lower wrist 0.4")


def test_a_feature_with_three_frames_outside_is_not_ranked_above_one_that_is() -> None:
    """lo has only 3 finite frames outside: z 0, below hi's small but real z (~0.7)."""
    inside = np.array([True, True, False, False, False, False, False])
    hi = [0.1, 0.1, 0.3, -0.3, 0.0, -0.2, 0.2]
    lo = [0.9, 0.9, np.nan, np.nan, -2.0, -2.0, -2.0]
    words = evidence_for("hands_raised", _frames(m_hi_wr_above_sh=hi, m_lo_wr_above_sh=lo), inside, 0.1)
    assert words.startswith("higher wrist 0.1")
    words = evidence_for("hands_raised", _frames(m_hi_wr_above_sh=lo, m_lo_wr_above_sh=hi), inside, 0.1)
    assert words.startswith("lower wrist 0.1")


def test_a_feature_missing_for_the_whole_person_is_skipped_even_as_a_column_of_none() -> None:
    """A column built from None values only is object dtype, not float: it reads as NaN (never seen in the
    span, so skipped), not as an error; the next feature is still named."""
    inside = np.array([True, True, True, False, False, False, False, False])
    feats = pd.DataFrame({"m_hi_wr_to_hip": [None] * 8, "m_lo_wr_to_hip": [0.3, 0.3, 0.3] + [1.0] * 5})
    assert feats["m_hi_wr_to_hip"].dtype == object
    words = evidence_for("hands_on_hips", feats, inside, 0.2)
    assert words == "other wrist 0.30 torso-lengths from the hip for 0.2 s"
