"""The soft state rules' scores (`shape.rule_scores`) and two rules inside them: the fist's four fingers
and the thumb held out. Mutation testing of shape.py, session 12 (docs/mutation/shape.md)."""

from __future__ import annotations

import pytest

from cuedetect.hands.shape import StateRules, classify, rule_scores
from tests.unit.hands.test_shape import CLEAR_HANDS, hand

HALF_OPEN_INDEX = hand(0.6, 1.3, 1.3, 1.3, "in")  # a fist by the fingers' mean curl, not by every finger


@pytest.mark.parametrize(
    ("landmarks", "rules", "state"),
    [
        *((lm, None, state) for lm, state in CLEAR_HANDS),
        (HALF_OPEN_INDEX, None, "fist"),
        (HALF_OPEN_INDEX, StateRules(closed_by_mean=0.0), "other"),  # the rules given are the rules read
        (hand(1.3, 1.3, 1.3, 1.3, "camera"), StateRules(tuck_weight=0.0), "fist"),
    ],
)
def test_rule_scores_are_the_scores_classify_decides_by(landmarks, rules, state):
    """The learned model's features read `rule_scores` (hands.state_features): they must be the scores
    behind `classify`'s state and confidence (the winner's share of their sum), under the same rules."""
    scores = rule_scores(landmarks.tolist(), rules)  # any array-like of (21, 3)
    shape = classify(landmarks, "right", rules)
    assert set(scores) == {"fist", "open_palm", "point", "thumb_up", "other"}
    assert max(scores, key=lambda k: scores[k]) == shape.state == state
    assert shape.confidence == pytest.approx(scores[state] / sum(scores.values()))


NO_TUCK = StateRules(tuck_weight=0.0)  # the thumb's tuck test reads the index and middle fingers only


@pytest.mark.parametrize(
    ("bends", "rules", "state"),
    [
        ((0.7, 0.7, 0.7, 0.7), NO_TUCK, "other"),  # curls 0.59-0.60, each under `closed` (0.62): no fist
        ((1.3, 0.7, 0.7, 0.7), NO_TUCK, "fist"),  # one tight finger pulls the four fingers' mean over the
        ((0.7, 1.3, 0.7, 0.7), NO_TUCK, "fist"),  # line, whichever it is: every finger counts alike
        ((0.7, 0.7, 1.3, 0.7), NO_TUCK, "fist"),
        ((0.7, 0.7, 0.7, 1.3), NO_TUCK, "fist"),
        ((1.3, 0.7, 0.7, 0.7), None, "fist"),  # a tight index, the thumb over it: a fist by the default rules
    ],
)
def test_the_fists_mean_curl_is_over_all_four_fingers(bends, rules, state):
    assert classify(hand(*bends, "in"), "right", rules).state == state


@pytest.mark.parametrize(
    ("thumb", "state"),
    [
        ("up", "thumb_up"),  # the thumb out keeps a thumbs-up from a fist...
        ("out", "other"),  # ...and a thumb held out sideways too (neither fist nor thumbs-up)
        ("in", "fist"),
        ("camera", "fist"),  # a foreshortened thumb is not out: only the tuck test tells it (test_shape.py)
    ],
)
def test_without_the_thumbs_tuck_test_a_thumb_held_out_still_is_no_fist(thumb, state):
    """`tuck_weight` 0 turns the thumb-over-the-fingers test off (StateRules); the fist's score then rests
    on the thumb not being out alone."""
    shape = classify(hand(1.3, 1.3, 1.3, 1.3, thumb), "right", NO_TUCK)
    assert shape.state == state
