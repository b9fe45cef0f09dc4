"""The review half of `SessionStore`: append actions to the log, replay it into the current state.

Kept apart from session_store.py only to keep modules small; `SessionStore` is the class to use.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from cuedetect.errors import InputError
from cuedetect.store import db
from cuedetect.store.importer import ROLES
from cuedetect.store.models import (
    CUES,
    REVIEW_KINDS,
    CurrentEvent,
    Event,
    ReviewAction,
    Session,
    SessionState,
)
from cuedetect.store.review import derive_state


class ReviewMixin:
    """Review API over `self._conn`; needs `session()` and `model_events()` from `SessionStore`."""

    _conn: sqlite3.Connection

    def session(self, session_id: int | str) -> Session:  # pragma: no cover - provided by SessionStore
        raise NotImplementedError

    def model_events(self, session_id: int) -> tuple[list[Event], dict[str, Event]]:  # pragma: no cover
        raise NotImplementedError

    # ----- review -----------------------------------------------------------------------------------
    def review_log(self, session_id: int, reviewer: str | None = None) -> list[ReviewAction]:
        self.session(session_id)
        sql, args = "SELECT * FROM review_log WHERE session_id = ?", [session_id]
        if reviewer is not None:
            sql, args = sql + " AND reviewer = ?", [*args, reviewer]
        return [
            ReviewAction(
                r["id"],
                r["session_id"],
                r["reviewer"],
                r["at"],
                r["action"],
                r["event_key"],
                json.loads(r["payload_json"]),
            )
            for r in self._conn.execute(sql + " ORDER BY id", args)
        ]

    def reviewers(self, session_id: int) -> list[str]:
        return sorted({a.reviewer for a in self.review_log(session_id)})

    def state(self, session_id: int, reviewer: str | None = None) -> SessionState:
        """The session as it stands: events with review status, notes, roles (derived from the log)."""
        session = self.session(session_id)
        current, earlier = self.model_events(session.id)
        return derive_state(current, earlier, self.review_log(session.id), session.roles, reviewer)

    def current_events(self, session_id: int, reviewer: str | None = None) -> list[CurrentEvent]:
        return self.state(session_id, reviewer).events

    def record(
        self, session_id: int, reviewer: str, actions: Sequence[tuple[str, str | None, dict[str, Any]]]
    ) -> list[ReviewAction]:
        """Append review actions `(action, event_key, payload)`: all checked, then all in one transaction."""
        session = self.session(session_id)
        reviewer = reviewer.strip()
        if not reviewer:
            raise InputError("a review needs the reviewer's name")
        with db.transaction(self._conn):
            known = self._known_keys(session.id)
            rows = []
            for action, key, payload in actions:
                key = self._check_action(session, known, action, key, payload)
                if action == "add":
                    known.add(key)
                at = db.now_iso()
                rid = self._conn.execute(
                    "INSERT INTO review_log (session_id, reviewer, at, action, event_key, payload_json) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (session.id, reviewer, at, action, key, json.dumps(payload)),
                ).lastrowid
                rows.append(ReviewAction(int(rid), session.id, reviewer, at, action, key, dict(payload)))
        return rows

    def _known_keys(self, sid: int) -> set[str]:
        keys = {
            r[0]
            for r in self._conn.execute(
                "SELECT e.event_key FROM events e JOIN analyses a ON a.id = e.analysis_id "
                "WHERE a.session_id = ?",
                (sid,),
            )
        }
        return keys | {
            r[0]
            for r in self._conn.execute(
                "SELECT event_key FROM review_log WHERE session_id = ? AND action = 'add'", (sid,)
            )
        }

    def _check_action(
        self, s: Session, known: set[str], action: str, key: str | None, p: dict[str, Any]
    ) -> str | None:
        if action not in REVIEW_KINDS:
            raise InputError(f"unknown review action {action!r}; expected one of {', '.join(REVIEW_KINDS)}")

        def t_ok(name: str) -> None:
            value = p.get(name)
            if not isinstance(value, int | float) or not 0 <= value <= s.duration + 1e-6:
                raise InputError(
                    f"{name} should be a time within the video (0..{s.duration:.2f} s), got {value!r}"
                )

        about_event = action in ("confirm", "reject", "adjust") or (action == "comment" and key is not None)
        if about_event and key not in known:
            raise InputError(f"event {key!r} is not in session {s.id} (see `cuedetect review events {s.id}`)")
        if action in ("adjust", "add"):
            t_ok("start")
            t_ok("end")
            if p["end"] < p["start"]:
                raise InputError(f"end ({p['end']}) is before start ({p['start']})")
        if action == "add":
            if p.get("cue") not in CUES:
                raise InputError(f"unknown cue {p.get('cue')!r}; expected one of {', '.join(CUES)}")
            if not isinstance(p.get("person"), int):
                raise InputError(f"person should be an int id, got {p.get('person')!r}")
            key = key or f"r-{uuid.uuid4().hex[:12]}"
        if action in ("bookmark",) or (action == "comment" and key is None):
            t_ok("t")
        if action == "role_change" and (p.get("role") not in ROLES or not isinstance(p.get("person"), int)):
            raise InputError(f"a role change needs an int person and a role in {', '.join(ROLES)}, got {p}")
        return key

    def confirm(self, session_id: int, event_key: str, reviewer: str) -> ReviewAction:
        return self.record(session_id, reviewer, [("confirm", event_key, {})])[0]

    def reject(
        self, session_id: int, event_key: str, reviewer: str, reason: str | None = None
    ) -> ReviewAction:
        return self.record(
            session_id, reviewer, [("reject", event_key, {"reason": reason} if reason else {})]
        )[0]

    def adjust(
        self, session_id: int, event_key: str, start: float, end: float, reviewer: str
    ) -> ReviewAction:
        return self.record(session_id, reviewer, [("adjust", event_key, {"start": start, "end": end})])[0]

    def add_event(
        self,
        session_id: int,
        cue: str,
        person: int,
        start: float,
        end: float,
        reviewer: str,
        other: int | None = None,
        source: str | None = None,
    ) -> str:
        """Add an event the model missed; returns its key."""
        payload = {"cue": cue, "person": person, "other": other, "start": start, "end": end}
        if source:
            payload["source"] = source
        return str(self.record(session_id, reviewer, [("add", None, payload)])[0].event_key)

    def comment(
        self,
        session_id: int,
        reviewer: str,
        text: str,
        *,
        event_key: str | None = None,
        t: float | None = None,
    ) -> ReviewAction:
        """Comment on an event (`event_key`) or on a moment (`t`, seconds)."""
        if (event_key is None) == (t is None):
            raise InputError("a comment is about an event or a moment: give one of event_key and t")
        payload: dict[str, Any] = {"text": text} if event_key else {"text": text, "t": t}
        return self.record(session_id, reviewer, [("comment", event_key, payload)])[0]

    def bookmark(self, session_id: int, reviewer: str, t: float, note: str = "") -> ReviewAction:
        return self.record(session_id, reviewer, [("bookmark", None, {"t": t, "note": note})])[0]

    def set_role(self, session_id: int, person: int, role: str, reviewer: str) -> ReviewAction:
        return self.record(session_id, reviewer, [("role_change", None, {"person": person, "role": role})])[0]

    def add_coding(
        self, session_id: int, reviewer: str, events: Iterable[dict[str, Any]], source: str
    ) -> list[str]:
        """A human coding (ELAN, BORIS) as one reviewer's added events, in one transaction."""
        actions = [
            ("add", None, {**{k: e[k] for k in ("cue", "person", "other", "start", "end")}, "source": source})
            for e in events
        ]
        return [str(a.event_key) for a in self.record(session_id, reviewer, actions)]
