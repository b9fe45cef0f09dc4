"""Review actions from the page, on a real store."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.dashboard import actions
from cuedetect.dashboard.actions import NewEvent, add_window, check_new_event, role_changes
from cuedetect.errors import InputError
from cuedetect.store import SessionStore


@given(st.floats(-10, 1000, allow_nan=False), st.floats(0, 500, allow_nan=False))
def test_add_window_inside_video_and_holds_the_moment(t, duration):
    start, end = add_window(t, duration)
    assert 0 <= start <= end <= duration + 1e-9
    clamped = min(max(t, 0), duration)
    assert start - 1e-3 <= clamped <= end + 1e-3


@pytest.mark.parametrize(
    ("t", "duration", "expected"),
    [(1.0, 10.0, (1.0, 3.0)), (9.5, 10.0, (8.0, 10.0)), (0.5, 1.0, (0.0, 1.0)), (-3, 10.0, (0.0, 2.0))],
)
def test_add_window(t, duration, expected):
    assert add_window(t, duration) == expected


@pytest.mark.parametrize(
    ("ev", "message"),
    [
        (NewEvent("yelling", 0, None, 1, 2), "choose a cue"),
        (NewEvent("pointing", 7, None, 1, 2), "P7 is not in this session"),
        (NewEvent("too_close", 0, None, 1, 2), "pair cue"),
        (NewEvent("too_close", 0, 0, 1, 2), "pair cue"),
        (NewEvent("pointing", 0, None, 3, 2), "within the video"),
        (NewEvent("pointing", 0, None, 1, 60), "within the video"),
    ],
)
def test_check_new_event_refuses(ev, message):
    with pytest.raises(InputError, match=message):
        check_new_event(ev, [0, 1], 10.0)


@pytest.mark.parametrize(
    ("current", "wanted", "changes"),
    [
        ({0: "trainee", 1: "client"}, {0: "client", 1: "trainee"}, [(0, "client"), (1, "trainee")]),
        ({0: "trainee"}, {0: "trainee"}, []),
        ({}, {2: "client"}, [(2, "client")]),
    ],
)
def test_role_changes(current, wanted, changes):
    assert role_changes(current, wanted) == changes


@pytest.mark.parametrize("wanted", [{0: "trainee", 1: "trainee"}, {0: "boss"}])
def test_role_changes_refuses(wanted):
    with pytest.raises(InputError):
        role_changes({}, wanted)


def test_actions_reach_the_store(demo_store):
    path, sid, _ = demo_store
    with SessionStore.open(path) as store:
        keys = [e.key for e in store.current_events(sid)]
        assert actions.confirm(store, sid, keys[0], "ann") == "confirmed"
        assert actions.reject(store, sid, keys[1], "ann", " wrong person ") == "rejected"
        assert "adjusted" in actions.adjust(store, sid, keys[2], 2.5, 3.5, "ann")
        with pytest.raises(InputError, match="before the start"):
            actions.adjust(store, sid, keys[2], 3.5, 2.5, "ann")
        actions.comment(store, sid, "ann", "good stance", key=keys[0])
        actions.comment(store, sid, "ann", "note this", t=4.25)
        with pytest.raises(InputError, match="write a comment"):
            actions.comment(store, sid, "ann", "   ", t=1)
        new_key = actions.add(store, sid, NewEvent("hands_raised", 1, None, 4.0, 5.0), [0, 1], 6.0, "ann")
        assert actions.set_roles(store, sid, {0: "trainee", 1: "client"}, {0: "client", 1: "trainee"}, "ann")
        state = store.state(sid)
    by = {e.key: e for e in state.events}
    assert by[keys[0]].status == "confirmed" and by[keys[0]].comments[0][2] == "good stance"
    assert by[keys[1]].status == "rejected"
    assert (by[keys[2]].start, by[keys[2]].end) == (2.5, 3.5)
    assert by[new_key].origin == "reviewer" and by[new_key].cue == "hands_raised"
    assert state.roles == {0: "client", 1: "trainee"}
    assert [n.t for n in state.notes] == [4.25]


@pytest.mark.parametrize("typed", ["", "2", " 12", "yes", "#2"])
def test_erase_needs_the_session_number(demo_store, typed):
    path, sid, _ = demo_store
    with SessionStore.open(path) as store:
        before = store.counts()
        with pytest.raises(InputError, match=f"type the session number {sid}.*nothing was deleted"):
            actions.erase_session(store, sid, typed)
        assert store.counts() == before


@pytest.mark.parametrize("typed", ["{sid}", " #{sid} "])
def test_erase_with_the_number_typed(demo_store, typed):
    path, sid, out = demo_store
    with SessionStore.open(path) as store:
        store.comment(sid, "ann", "note this", t=1.0)
        message = actions.erase_session(store, sid, typed.format(sid=sid))
        assert message.startswith(f"session {sid} (") and "1 review actions" in message
        assert store.sessions() == [] and store.counts()["review_log"] == 0
    assert out.is_dir()  # the analysis folder stays
