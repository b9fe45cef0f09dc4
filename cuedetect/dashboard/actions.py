"""Review actions from the page, checked before they reach the store's append-only log.

Each function takes an open `SessionStore` and returns a short message for the page's toast; problems
are `InputError`s with a message the page shows as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cuedetect.errors import InputError
from cuedetect.store.importer import ROLES
from cuedetect.store.models import CUES, PAIR_CUES

DEFAULT_ADD_S = 2.0


@dataclass(frozen=True)
class NewEvent:
    cue: str
    person: int
    other: int | None
    start: float
    end: float


def add_window(t: float, duration: float, length: float = DEFAULT_ADD_S) -> tuple[float, float]:
    """Bounds for an event added "at the current moment": [t, t + length] kept inside the video."""
    duration = max(float(duration), 0.0)
    t = min(max(float(t), 0.0), duration)
    end = min(t + length, duration)
    start = t if end - t >= length else max(end - length, 0.0)
    end = min(round(end, 3), duration)  # rounding must not push the end past the video (the store refuses)
    return min(round(start, 3), end), end


def check_new_event(ev: NewEvent, persons: list[int], duration: float) -> NewEvent:
    """Refuse an event the store would refuse, with the page's words."""
    if ev.cue not in CUES:
        raise InputError(f"choose a cue (one of {', '.join(CUES)})")
    if ev.person not in persons:
        raise InputError(f"person P{ev.person} is not in this session")
    if ev.cue in PAIR_CUES and (ev.other is None or ev.other == ev.person or ev.other not in persons):
        raise InputError(f"{ev.cue} is a pair cue: choose the other person too")
    if not 0 <= ev.start <= ev.end <= duration + 1e-6:
        raise InputError(f"the event must lie within the video (0-{duration:.1f} s) and end after it starts")
    return ev


def confirm(store: Any, sid: int, key: str, reviewer: str) -> str:
    store.confirm(sid, key, reviewer)
    return "confirmed"


def reject(store: Any, sid: int, key: str, reviewer: str, reason: str = "") -> str:
    store.reject(sid, key, reviewer, reason.strip() or None)
    return "rejected"


def adjust(store: Any, sid: int, key: str, start: float, end: float, reviewer: str) -> str:
    if end < start:
        raise InputError(f"the end ({end:.2f} s) is before the start ({start:.2f} s)")
    store.adjust(sid, key, round(float(start), 3), round(float(end), 3), reviewer)
    return f"adjusted to {start:.2f}-{end:.2f} s"


def comment(
    store: Any, sid: int, reviewer: str, text: str, key: str | None = None, t: float | None = None
) -> str:
    text = text.strip()
    if not text:
        raise InputError("write a comment first")
    store.comment(sid, reviewer, text, event_key=key, t=None if key else round(float(t or 0.0), 3))
    return "comment saved"


def add(store: Any, sid: int, ev: NewEvent, persons: list[int], duration: float, reviewer: str) -> str:
    ev = check_new_event(ev, persons, duration)
    return store.add_event(
        sid, ev.cue, ev.person, ev.start, ev.end, reviewer, other=ev.other if ev.cue in PAIR_CUES else None
    )


def role_changes(current: dict[int, str], wanted: dict[int, str]) -> list[tuple[int, str]]:
    """The (person, role) changes that turn `current` into `wanted` (only real changes)."""
    out = []
    for person, role in sorted(wanted.items()):
        if role not in ROLES:
            raise InputError(f"role {role!r}: use one of {', '.join(ROLES)}")
        if current.get(person, "unknown") != role:
            out.append((person, role))
    trainees = [p for p, r in wanted.items() if r == "trainee"]
    if len(trainees) > 1:
        raise InputError("only one person can be the trainee")
    return out


def set_roles(store: Any, sid: int, current: dict[int, str], wanted: dict[int, str], reviewer: str) -> str:
    changes = role_changes(current, wanted)
    if not changes:
        return "roles unchanged"
    store.record(sid, reviewer, [("role_change", None, {"person": p, "role": r}) for p, r in changes])
    return "roles saved: " + ", ".join(f"P{p} {r}" for p, r in changes)


def erase_session(store: Any, sid: int, typed: str) -> str:
    """Erase session `sid` once the instructor typed its number (the page's confirmation).

    Its analyses, events, reviews and comments go (`SessionStore.erase_session`); the analysis folder on
    disk and the recording stay, and earlier backups still hold the session.
    """
    if typed.strip().lstrip("#") != str(sid):
        raise InputError(f"type the session number {sid} to confirm: nothing was deleted")
    return store.erase_session(sid).summary() + " (its analysis folder stays on disk)"
