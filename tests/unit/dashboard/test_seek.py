"""Seek requests, event stepping and the shortcut keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.dashboard.seek import (
    RESERVED_BY_STREAMLIT,
    SHORTCUTS,
    Seek,
    bridge_keys,
    clamp,
    key_action,
    shortcut_for,
    step_event,
)


@given(st.floats(min_value=0, max_value=10_000, allow_nan=False))
def test_whole_seconds_floor_and_never_after_the_moment(t):
    seek = Seek(t)
    assert seek.whole_s <= t < seek.whole_s + 1
    assert isinstance(seek.whole_s, int)


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(min_value=0, max_value=1e6))
def test_clamp_stays_in_video(t, duration):
    assert 0 <= clamp(t, duration) <= duration


ORDER = [("a", 1.0), ("b", 5.0), ("c", 9.0)]


@pytest.mark.parametrize(
    ("current", "t", "direction", "expected"),
    [
        (None, None, 1, "a"),
        (None, None, -1, None),
        ("a", None, 1, "b"),
        ("c", None, 1, None),
        ("b", None, -1, "a"),
        ("a", None, -1, None),
        (None, 5.0, 1, "c"),  # from the video time: strictly later
        (None, 5.0, -1, "a"),
        (None, 0.2, 1, "a"),
        (None, 20.0, 1, None),
        ("gone", 4.0, 1, "b"),  # a selection that vanished falls back to the time
    ],
)
def test_step_event(current, t, direction, expected):
    assert step_event(ORDER, current, t, direction) == expected


def test_step_event_empty():
    assert step_event([], None, 3.0, 1) is None


@pytest.mark.parametrize(
    ("key", "action"),
    [
        ("n", "next"),
        ("N", "next"),
        ("y", "confirm"),
        ("c", None),
        ("r", None),
        ("x", "reject"),
        ("p", "previous"),
        ("q", None),
        ("", None),
    ],
)
def test_key_action(key, action):
    assert key_action(key) == action


def test_shortcuts_are_single_distinct_keys():
    assert all(len(k) == 1 and (k.islower() or k in ",.") for k in SHORTCUTS)
    assert len(set(SHORTCUTS.values())) == len(SHORTCUTS)
    assert {"next", "confirm", "reject"} <= set(SHORTCUTS.values())
    assert not set(SHORTCUTS) & set(RESERVED_BY_STREAMLIT)  # Streamlit's own C and R
    assert shortcut_for("confirm") == "Y" and set(bridge_keys().values()) == {
        "mark",
        "play_pause",
        "loop",
        "frame_back",
        "frame_forward",
    }
