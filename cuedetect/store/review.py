"""Derive the current state of a session from its append-only review log (pure functions).

The log is the truth; this module replays it. Rules, applied in log order (the order rows were
appended), later actions winning:

- `confirm`: the event happened as shown -> status `confirmed`.
- `reject`: it did not happen -> status `rejected` (it stays in the history and in exports that ask).
- `adjust` (payload `start`, `end`): it happened, with these bounds -> new bounds, status `confirmed`.
- `add` (payload `cue`, `person`, `other`, `start`, `end`): a reviewer saw an event the model missed ->
  a new event of origin `reviewer`, status `confirmed`.
- `comment` with an event key: a comment on that event; without one (payload `t`, `text`): a comment on
  a moment. `bookmark` (payload `t`, `note`): a marked moment.
- `role_change` (payload `person`, `role`): overrides the analysis' role guess.

Events of the current analysis are always shown. Events of earlier analyses that the newer model did not
find again stay visible, with origin `earlier_analysis`, if anybody reviewed or commented on them: a
reviewer's work is never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from cuedetect.store.models import CurrentEvent, Event, Note, ReviewAction, SessionState

EVENT_ACTIONS = {"confirm", "reject", "adjust", "comment"}


def _from_event(ev: Event, origin: str) -> CurrentEvent:
    return CurrentEvent(
        key=ev.key,
        cue=ev.cue,
        person=ev.person,
        other=ev.other,
        start=ev.start,
        end=ev.end,
        confidence=ev.confidence,
        evidence=ev.evidence,
        status="unreviewed",
        origin=origin,  # type: ignore[arg-type]
        model_start=ev.start,
        model_end=ev.end,
    )


def derive_state(
    current: Iterable[Event],
    earlier: Mapping[str, Event],
    log: Iterable[ReviewAction],
    base_roles: Mapping[int, str],
    reviewer: str | None = None,
) -> SessionState:
    """Replay `log` (optionally only one reviewer's actions) over the model's events.

    Args:
        current: events of the session's current (latest) analysis.
        earlier: events of earlier analyses, by key, whose key the current analysis does not have.
        log: the session's review actions in append order.
        base_roles: person -> role as the analysis guessed them.
        reviewer: if given, only this reviewer's actions count (for agreement between reviewers).
    """
    events: dict[str, CurrentEvent] = {ev.key: _from_event(ev, "model") for ev in current}
    state = SessionState(roles=dict(base_roles))
    touched_earlier: set[str] = set()
    for act in log:
        if reviewer is not None and act.reviewer != reviewer:
            continue
        p = act.payload
        key = act.event_key
        if act.action == "role_change":
            state.roles[int(p["person"])] = str(p["role"])
            continue
        if act.action == "bookmark" or (act.action == "comment" and key is None):
            text = str(p.get("note", p.get("text", "")))
            state.notes.append(Note(act.action, act.reviewer, act.at, float(p["t"]), text))  # type: ignore[arg-type]
            continue
        if act.action == "add":
            events[key] = CurrentEvent(
                key=key,
                cue=str(p["cue"]),
                person=int(p["person"]),
                other=None if p.get("other") is None else int(p["other"]),
                start=float(p["start"]),
                end=float(p["end"]),
                confidence=None,
                evidence=p.get("source"),
                status="confirmed",
                origin="reviewer",
                reviewed_by=(act.reviewer,),
            )
            continue
        if act.action not in EVENT_ACTIONS or key is None:
            continue
        if key not in events:
            if key not in earlier:
                continue  # a key nobody knows (e.g. a reviewer's event seen through another filter)
            events[key] = _from_event(earlier[key], "earlier_analysis")
            touched_earlier.add(key)
        ev = events[key]
        by = ev.reviewed_by if act.reviewer in ev.reviewed_by else (*ev.reviewed_by, act.reviewer)
        if act.action == "confirm":
            ev = replace(ev, status="confirmed", reviewed_by=by)
        elif act.action == "reject":
            ev = replace(ev, status="rejected", reviewed_by=by)
        elif act.action == "adjust":
            ev = replace(ev, start=float(p["start"]), end=float(p["end"]), status="confirmed", reviewed_by=by)
        else:  # comment on an event
            ev = replace(ev, comments=(*ev.comments, (act.reviewer, act.at, str(p.get("text", "")))))
        events[key] = ev
    state.events = sorted(events.values(), key=lambda e: (e.start, e.person, e.cue, e.key))
    state.notes.sort(key=lambda n: n.t)
    return state


def present_events(state: SessionState) -> list[CurrentEvent]:
    """Events as they stand for summaries: everything not rejected."""
    return [e for e in state.events if e.status != "rejected"]


def affirmed_events(state: SessionState) -> list[CurrentEvent]:
    """Events a reviewer affirmed: confirmed, adjusted or added (their annotation, for agreement)."""
    return [e for e in state.events if e.status == "confirmed"]
