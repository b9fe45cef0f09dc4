"""Replaying the review log into the current state (pure; no database)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.store.models import Event, ReviewAction
from cuedetect.store.review import affirmed_events, derive_state

E1 = Event("k1", "pointing", 1, None, 1.0, 2.0, 0.9, {"why": "wrist"})
E2 = Event("k2", "open_hands", 0, None, 3.0, 5.0, 0.8, None)
OLD = Event("k-old", "fists_up", 1, None, 6.0, 7.0, 0.7, None)


def act(
    i: int, action: str, key: str | None = None, reviewer: str = "ann", **payload: object
) -> ReviewAction:
    return ReviewAction(i, 1, reviewer, f"2026-01-01T00:00:{i:02d}", action, key, dict(payload))


@pytest.mark.parametrize(
    ("actions", "status", "bounds"),
    [
        ([], "unreviewed", (1.0, 2.0)),
        ([act(1, "confirm", "k1")], "confirmed", (1.0, 2.0)),
        ([act(1, "reject", "k1")], "rejected", (1.0, 2.0)),
        ([act(1, "confirm", "k1"), act(2, "reject", "k1", reviewer="bob")], "rejected", (1.0, 2.0)),
        ([act(1, "reject", "k1"), act(2, "confirm", "k1")], "confirmed", (1.0, 2.0)),
        ([act(1, "adjust", "k1", start=0.5, end=2.5)], "confirmed", (0.5, 2.5)),
        (
            [act(1, "adjust", "k1", start=0.5, end=2.5), act(2, "adjust", "k1", start=1.1, end=1.9)],
            "confirmed",
            (1.1, 1.9),
        ),
        ([act(1, "comment", "k1", text="hm")], "unreviewed", (1.0, 2.0)),
    ],
)
def test_actions_in_order_give_the_state(actions: list[ReviewAction], status: str, bounds: tuple) -> None:
    state = derive_state([E1, E2], {}, actions, {0: "trainee", 1: "client"})
    e1 = next(e for e in state.events if e.key == "k1")
    assert (e1.status, (e1.start, e1.end)) == (status, bounds)
    assert (e1.model_start, e1.model_end) == (1.0, 2.0)  # the model's version is kept beside it
    assert e1.adjusted == (bounds != (1.0, 2.0))


def test_added_events_notes_roles_and_comments() -> None:
    log = [
        act(1, "add", "r-1", cue="pacing", person=1, other=None, start=2.0, end=4.0),
        act(2, "comment", None, t=1.5, text="calm voice here"),
        act(3, "bookmark", None, t=4.5, note="show this"),
        act(4, "role_change", None, person=0, role="client"),
        act(5, "comment", "k2", text="late"),
    ]
    state = derive_state([E1, E2], {}, log, {0: "trainee", 1: "client"})
    added = next(e for e in state.events if e.key == "r-1")
    assert (added.origin, added.status, added.cue) == ("reviewer", "confirmed", "pacing")
    assert [(n.kind, n.t, n.text) for n in state.notes] == [
        ("comment", 1.5, "calm voice here"),
        ("bookmark", 4.5, "show this"),
    ]
    assert state.roles[0] == "client"
    assert next(e for e in state.events if e.key == "k2").comments == (("ann", log[4].at, "late"),)


def test_reviewer_filter_sees_only_their_actions() -> None:
    log = [
        act(1, "confirm", "k1", reviewer="ann"),
        act(2, "reject", "k1", reviewer="bob"),
        act(3, "confirm", "k2", reviewer="bob"),
    ]
    ann = derive_state([E1, E2], {}, log, {}, reviewer="ann")
    bob = derive_state([E1, E2], {}, log, {}, reviewer="bob")
    assert [e.key for e in affirmed_events(ann)] == ["k1"]
    assert [e.key for e in affirmed_events(bob)] == ["k2"]


def test_earlier_analysis_events_stay_only_if_reviewed() -> None:
    untouched = derive_state([E1], {"k-old": OLD}, [], {})
    assert [e.key for e in untouched.events] == ["k1"]
    reviewed = derive_state([E1], {"k-old": OLD}, [act(1, "confirm", "k-old")], {})
    old = next(e for e in reviewed.events if e.key == "k-old")
    assert (old.origin, old.status) == ("earlier_analysis", "confirmed")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["confirm", "reject", "comment"]), max_size=12))
def test_last_verdict_wins_and_comments_accumulate(kinds: list[str]) -> None:
    log = [act(i, k, "k1", text=str(i)) for i, k in enumerate(kinds)]
    e1 = next(e for e in derive_state([E1], {}, log, {}).events if e.key == "k1")
    verdicts = [k for k in kinds if k != "comment"]
    expected = {"confirm": "confirmed", "reject": "rejected"}[verdicts[-1]] if verdicts else "unreviewed"
    assert e1.status == expected
    assert len(e1.comments) == kinds.count("comment")
