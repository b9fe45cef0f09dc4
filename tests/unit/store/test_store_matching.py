"""Matching a re-analysis' events to earlier ones (cue, person, other, temporal IoU)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.store.matching import match_events, model_event_key, temporal_iou
from cuedetect.store.models import Event


@pytest.mark.parametrize(
    ("a", "b", "iou"),
    [
        ((0, 2), (0, 2), 1.0),
        ((0, 2), (1, 3), 1 / 3),
        ((0, 1), (2, 3), 0.0),
        ((0, 4), (1, 2), 0.25),
        ((1, 1), (1, 1), 1.0),
        ((1, 1), (2, 2), 0.0),
    ],
)
def test_temporal_iou(a: tuple, b: tuple, iou: float) -> None:
    assert temporal_iou(*a, *b) == pytest.approx(iou)
    assert temporal_iou(*b, *a) == pytest.approx(iou)


def ev(key: str, cue: str, person: int, start: float, end: float, other: int | None = None) -> Event:
    return Event(key, cue, person, other, start, end)


def test_shifted_events_keep_their_keys_and_others_do_not_match() -> None:
    old = [
        ev("a", "pointing", 1, 1.0, 2.0),
        ev("b", "pointing", 1, 5.0, 6.0),
        ev("c", "too_close", 0, 3, 4, 1),
    ]
    new = [
        ev("", "pointing", 1, 5.2, 6.1),  # b, shifted
        ev("", "pointing", 1, 1.1, 2.2),  # a, shifted
        ev("", "pointing", 0, 1.0, 2.0),  # other person: new
        ev("", "fists_up", 1, 1.0, 2.0),  # other cue: new
        ev("", "too_close", 0, 3.0, 4.0, other=2),  # other partner: new
        ev("", "pointing", 1, 8.0, 9.0),  # no overlap: new
    ]
    assert match_events(new, old) == {0: "b", 1: "a"}


def test_one_to_one_best_overlap() -> None:
    old = [ev("a", "pacing", 0, 0.0, 4.0)]
    new = [ev("", "pacing", 0, 0.0, 2.0), ev("", "pacing", 0, 0.0, 3.9)]
    assert match_events(new, old) == {1: "a"}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["pointing", "pacing"]), st.integers(0, 2), st.floats(0, 50), st.floats(0.1, 5)
        ),
        max_size=15,
    ),
    st.floats(-0.2, 0.2),
)
def test_matching_is_one_to_one_within_groups(spec: list, shift: float) -> None:
    old = [ev(f"k{i}", c, p, s, s + d) for i, (c, p, s, d) in enumerate(spec)]
    new = [ev("", c, p, s + shift, s + d + shift) for c, p, s, d in spec]
    matched = match_events(new, old)
    assert len(set(matched.values())) == len(matched)
    by_key = {e.key: e for e in old}
    for i, key in matched.items():
        assert (new[i].cue, new[i].person) == (by_key[key].cue, by_key[key].person)
        assert temporal_iou(new[i].start, new[i].end, by_key[key].start, by_key[key].end) >= 0.3


def test_model_keys_are_deterministic() -> None:
    k = model_event_key("ab" * 32, "pointing", 1, None, 1.0, 2.0)
    assert k == model_event_key("ab" * 32, "pointing", 1, None, 1.0004, 2.0)
    assert k != model_event_key("ab" * 32, "pointing", 1, None, 1.1, 2.0)
