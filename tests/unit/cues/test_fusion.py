from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.fusion import RULE_CONFIDENCE, combine, definition_rules
from cuedetect.cues.settings import CueSettings


def feats(
    above: np.ndarray, world: np.ndarray | None = None, fps: float = 15.0, nose: float = 0.3, out: float = 0.1
) -> pd.DataFrame:
    n = len(above)
    return pd.DataFrame({"t": np.arange(n) / fps, "person": 0, "hi_wr_above_sh": above,
                         "hi_w_wr_up": np.full(n, np.nan) if world is None else world,
                         "nose_above_sh": nose, "hi_wr_from_mid": out})  # fmt: skip


def test_a_brief_raise_is_found_where_a_1s_average_would_wash_it_out() -> None:
    above = np.full(45, -0.8)
    above[20:27] = 0.6  # wrists well above the shoulders for 0.47 s
    r = definition_rules(feats(above))["hands_raised"].to_numpy()
    assert r[21:26].all() and not r[:17].any() and not r[30:].any()
    assert pd.Series(above).rolling(15, center=True).mean().max() < 0  # what the classifier's window sees


@pytest.mark.parametrize(
    ("img", "world", "expected"), [(np.nan, 0.4, 1.0), (np.nan, -0.4, 0.0), (-0.3, 0.4, 0.0)]
)
def test_the_image_wins_and_world_landmarks_stand_in_where_it_is_missing(img, world, expected) -> None:
    f = feats(np.full(10, img), np.full(10, world))
    assert (definition_rules(f)["hands_raised"] == expected).all()


@pytest.mark.parametrize(
    ("above", "nose", "out", "expected"),
    [
        (0.6, 0.3, 0.1, 1.0),  # over the head
        (0.2, 0.4, 0.1, 0.0),  # a hand at the head: scratching it, a phone to the ear
        (0.2, 0.4, 0.6, 1.0),  # above the shoulder, out to the side
        (-0.1, 0.3, 0.8, 0.0),  # out to the side but below the shoulder
    ],
)
def test_a_hand_at_the_head_is_not_a_raised_hand(above, nose, out, expected) -> None:
    r = definition_rules(feats(np.full(10, above), nose=nose, out=out))["hands_raised"]
    assert (r == expected).all()


def test_rules_do_not_cross_between_people() -> None:
    f = pd.concat([feats(np.full(10, 0.5)), feats(np.full(10, -0.5)).assign(person=1)], ignore_index=True)
    r = definition_rules(f, CueSettings(brief_window_s=1.0))["hands_raised"]
    assert r[f.person == 0].all() and not r[f.person == 1].any()


def test_combine_is_an_or_at_the_rule_confidence() -> None:
    above = np.array([-0.5] * 5 + [1.5] * 5)
    probs = pd.DataFrame({"hands_raised": np.linspace(0, 0.99, 10), "pointing": 0.3})
    out = combine(probs, feats(above))
    conf = RULE_CONFIDENCE["hands_raised"]
    assert (out["hands_raised"][:5] == probs["hands_raised"][:5]).all()
    assert (out["hands_raised"][5:] >= conf).all() and out["hands_raised"].iloc[-1] == pytest.approx(0.99)
    assert (out["pointing"] == 0.3).all()
