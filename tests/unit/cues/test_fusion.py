from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.fusion import RULE_CONFIDENCE, combine, definition_rules, ruled_out
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
        (0.4, 0.5, 0.6, 1.0),  # raised out to the side, below the nose
        (0.1, 0.4, 1.0, 0.0),  # an arm held straight out at shoulder height (aiming, pointing): level
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


# Boundaries of the rule (mutation testing found them untested); defaults: above the shoulder means > 0,
# over the head > nose height + 0, out to the side > 0.4 torso-lengths from the midline and then > 0.35
# above the shoulder.
@pytest.mark.parametrize(
    ("above", "nose", "out", "expected"),
    [
        (0.0, -0.5, 0.1, 0.0),  # exactly at shoulder height: not above it
        (0.01, -0.5, 0.1, 1.0),  # just above it (and over a low head)
        (0.3, 0.3, 0.1, 0.0),  # level with the nose: not over the head
        (0.31, 0.3, 0.1, 1.0),
        (0.4, 0.5, 0.4, 0.0),  # exactly 0.4 out: not out to the side
        (0.4, 0.5, 0.41, 1.0),
        (0.35, 0.5, 0.6, 0.0),  # out to the side, exactly 0.35 above the shoulder: not raised
        (0.36, 0.5, 0.6, 1.0),
        (0.36, 0.5, 0.4, 0.0),  # that high but not out to the side (nor over the head)
    ],
)
def test_rule_boundaries(above: float, nose: float, out: float, expected: float) -> None:
    r = definition_rules(feats(np.full(6, above), nose=nose, out=out))["hands_raised"]
    assert (r == expected).all()


def test_over_the_head_is_measured_from_the_nose_plus_the_setting() -> None:
    f = feats(np.full(6, 0.5), nose=0.3, out=0.0)
    assert definition_rules(f, CueSettings(raised_above_head=0.1))["hands_raised"].all()  # 0.5 > 0.4
    assert not definition_rules(f, CueSettings(raised_above_head=0.3))["hands_raised"].any()  # 0.5 < 0.6


def test_missing_everything_is_no_raise_and_rows_keep_their_index() -> None:
    f = feats(np.full(4, np.nan)).drop(columns=["nose_above_sh"]).set_axis([10, 11, 12, 13])
    r = definition_rules(f)
    assert list(r.index) == [10, 11, 12, 13] and r["hands_raised"].dtype == float
    assert (r["hands_raised"] == 0.0).all()
    empty = definition_rules(feats(np.zeros(0)))
    assert len(empty) == 0 and list(empty.columns) == ["hands_raised"]


@pytest.mark.parametrize(
    ("t", "window_s", "expected"),
    [
        # 10 frames/s, 0.3 s -> 3 frames, centred (the ends average what they have)
        ([0.0, 0.1, 0.2, 0.3, 0.4], 0.3, [0.5, 2 / 3, 1 / 3, 2 / 3, 0.5]),
        # a repeated timestamp does not change the rate read from the others
        ([0.0, 0.1, 0.1, 0.2, 0.3], 0.3, [0.5, 2 / 3, 1 / 3, 2 / 3, 0.5]),
        # a window shorter than a frame: each frame alone
        ([0.0, 0.1, 0.2, 0.3, 0.4], 0.01, [1.0, 0.0, 1.0, 0.0, 1.0]),
        # repeated timestamps do not count as frame steps: 10 frames/s from the real steps
        ([0.0, 0.0, 0.0, 0.1, 0.2], 0.3, [0.5, 2 / 3, 1 / 3, 2 / 3, 0.5]),
        # no step at all (every timestamp the same): 15 frames/s assumed, 0.3 s -> 4-5 frames
        ([0.0, 0.0, 0.0, 0.0, 0.0], 0.3, [0.5, 2 / 3, 0.5, 0.5, 2 / 3]),
        # 2 frames/s, 1 s -> 2 frames
        ([0.0, 0.5, 1.0, 1.5, 2.0], 1.0, [1.0, 0.5, 0.5, 0.5, 0.5]),
    ],
)
def test_the_short_window_follows_the_frame_rate(t: list, window_s: float, expected: list) -> None:
    from cuedetect.cues.fusion import _short_mean

    f = pd.DataFrame({"t": t, "person": 0, "x": [1.0, 0.0, 1.0, 0.0, 1.0]})
    assert _short_mean(f, "x", window_s) == pytest.approx(expected)


def test_one_frame_uses_15_fps_and_a_missing_column_is_nan() -> None:
    from cuedetect.cues.fusion import _short_mean

    one = pd.DataFrame({"t": [0.0], "person": 0, "x": [0.7]})
    assert _short_mean(one, "x", 1.0) == pytest.approx([0.7])
    assert np.isnan(_short_mean(one, "y", 1.0)).all() and _short_mean(one, "y", 1.0).shape == (1,)


def test_combine_uses_the_settings_it_is_given() -> None:
    probs = pd.DataFrame({"hands_raised": np.zeros(6)})
    f = feats(np.full(6, 0.2), nose=0.1, out=0.0)  # 0.2 over a nose at 0.1: raised by default
    assert (combine(probs, f)["hands_raised"] == RULE_CONFIDENCE["hands_raised"]).all()
    assert (combine(probs, f, CueSettings(raised_above_shoulder=0.3))["hands_raised"] == 0.0).all()


def test_an_unknown_probability_given_as_none_takes_the_rule_or_zero() -> None:
    """None in an object-dtype probability column is read as NaN: the rule's value where it holds (0.9),
    0 where it does not; known probabilities keep the larger of the two."""
    probs = pd.DataFrame({"hands_raised": pd.Series([None, 0.2, None, 0.95, None, 0.1], dtype=object)})
    f = feats(np.full(6, 0.2), nose=0.1, out=0.0)  # the rule holds in every frame by default
    held = combine(probs, f)["hands_raised"].to_numpy()
    assert held == pytest.approx([0.9, 0.9, 0.9, 0.95, 0.9, 0.9])
    off = combine(probs, f, CueSettings(raised_above_shoulder=0.3))["hands_raised"].to_numpy()
    assert off == pytest.approx([0.0, 0.2, 0.0, 0.95, 0.0, 0.1])


def posture(speed: float, nose: float, n: int = 6) -> pd.DataFrame:
    """Frames of one person with a 1 s mean hip speed (m/s) and nose height over the shoulders."""
    return pd.DataFrame(
        {"t": np.arange(n) / 15.0, "person": 0, "m_hip_speed": speed, "m_nose_above_sh": nose}
    )


@pytest.mark.parametrize(
    ("speed", "nose", "crossed_out", "lean_out"),
    [
        (0.05, 0.40, False, False),  # standing still, head up: both cues possible
        (0.50, 0.40, False, False),  # shifting about (the studio's crossed arms reach 0.53 m/s)
        (0.60, 0.40, False, False),  # at the limit itself: not over it
        (0.61, 0.40, True, False),  # circling in a fight: arms across the body are a guard
        (1.40, 0.40, True, False),  # running: a runner's arms swing across the chest
        (0.05, 0.11, False, False),  # a deep lean with the head still up
        (0.05, 0.10, False, False),  # at the limit itself: not under it
        (0.05, 0.09, False, True),  # nose at the shoulder line: looking down, bending to pick up
        (0.05, -0.16, False, True),  # the head below the shoulders (ducking, bent double)
        (1.40, 0.02, True, True),  # a walker looking at the floor
        (np.nan, np.nan, False, False),  # nothing measured rules nothing out
        (0.60, 0.40, False, False),  # exactly at the speed limit: not faster than it
        (0.05, 0.10, False, False),  # the nose exactly at the limit: not below it
    ],
)
def test_a_cues_own_definition_rules_it_out(speed, nose, crossed_out, lean_out) -> None:
    r = ruled_out(posture(speed, nose))
    assert (r["arms_crossed"] == crossed_out).all() and (r["leaning_in"] == lean_out).all()


def test_combine_zeroes_only_the_ruled_out_cue_and_follows_the_settings() -> None:
    probs = pd.DataFrame({"arms_crossed": np.full(6, 0.9), "leaning_in": 0.8, "fists_up": 0.7})
    f = posture(1.0, 0.05).assign(hi_wr_above_sh=-0.8, nose_above_sh=0.3, hi_wr_from_mid=0.1)
    out = combine(probs, f)
    assert (
        (out["arms_crossed"] == 0).all() and (out["leaning_in"] == 0).all() and (out["fists_up"] == 0.7).all()
    )
    lax = combine(probs, f, CueSettings(crossed_arms_max_speed_mps=1.2, lean_head_min=0.0))
    assert (lax["arms_crossed"] == 0.9).all() and (lax["leaning_in"] == 0.8).all()


def test_ruled_out_keeps_the_rows_index_and_needs_no_columns() -> None:
    f = pd.DataFrame({"t": [0.0, 0.1], "person": 0}, index=[7, 9])
    r = ruled_out(f)
    assert (
        list(r.index) == [7, 9]
        and not r.to_numpy().any()
        and set(r.columns) == {"arms_crossed", "leaning_in"}
    )


def test_missing_measurements_given_as_none_rule_nothing_out_and_probabilities_stay_floats() -> None:
    """Object columns (None for a missing value, as a table built from JSON rows holds) read as NaN:
    the vetoes hold where the measurement is there, nothing is ruled out where it is not, and the
    probabilities come back as floats with NaN, not None."""
    f = pd.DataFrame({
        "t": np.arange(4) / 15.0, "person": 0,
        "m_hip_speed": pd.Series([None, 1.0, 0.2, None], dtype=object),
        "m_nose_above_sh": pd.Series([0.0, None, 0.4, None], dtype=object),
    })  # fmt: skip
    r = ruled_out(f)
    assert list(r["arms_crossed"]) == [False, True, False, False]
    assert list(r["leaning_in"]) == [True, False, False, False]
    probs = pd.DataFrame({"arms_crossed": pd.Series([0.7, 0.8, None, 0.6], dtype=object)})
    out = combine(probs, f)["arms_crossed"].to_numpy()
    assert out.dtype == float and np.isnan(out[2]) and list(out[[0, 1, 3]]) == [0.7, 0.0, 0.6]
