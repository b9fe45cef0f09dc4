"""Typed records of the session store: what the dashboard, exports and CLI see.

Times are seconds from the start of the video; person ids are the analysis' ints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cuedetect import cue_ids

ReviewKind = Literal["confirm", "reject", "adjust", "add", "comment", "bookmark", "role_change"]
REVIEW_KINDS: tuple[str, ...] = ("confirm", "reject", "adjust", "add", "comment", "bookmark", "role_change")

Status = Literal["unreviewed", "confirmed", "rejected"]
# Where an event in the current state comes from.
Origin = Literal["model", "earlier_analysis", "reviewer"]


@dataclass(frozen=True)
class StoreOptions:
    """Where the store lives. `path=None` means `cuedetect.paths.data_dir() / "cuedetect.sqlite"`."""

    path: Path | None = None
    busy_timeout_s: float = 30.0


@dataclass(frozen=True)
class Trainee:
    id: int
    name: str
    created_at: str


@dataclass(frozen=True)
class Session:
    """One recording of one role-play. `roles` are the analysis' guesses (see `current_roles`)."""

    id: int
    recording_path: str
    recording_sha256: str
    duration: float
    date: str
    scenario: str | None
    trainee_id: int | None
    trainee_name: str | None
    instructor: str | None
    roles: dict[int, str]
    created_at: str


@dataclass(frozen=True)
class Analysis:
    id: int
    session_id: int
    model_version: str
    output_dir: str
    digest: str
    imported_at: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class Event:
    """An event as the model (or a reviewer) put it. `key` is stable across re-analyses."""

    key: str
    cue: str
    person: int
    other: int | None
    start: float
    end: float
    confidence: float | None = None
    evidence: dict[str, Any] | list[Any] | str | None = None


@dataclass(frozen=True)
class ReviewAction:
    """One entry of the append-only review history."""

    id: int
    session_id: int
    reviewer: str
    at: str
    action: str
    event_key: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class CurrentEvent:
    """An event as it stands after all review actions (derived, never stored)."""

    key: str
    cue: str
    person: int
    other: int | None
    start: float
    end: float
    confidence: float | None
    evidence: Any
    status: Status
    origin: Origin
    model_start: float | None = None
    model_end: float | None = None
    reviewed_by: tuple[str, ...] = ()
    comments: tuple[tuple[str, str, str], ...] = ()  # (reviewer, at, text)

    @property
    def adjusted(self) -> bool:
        return self.model_start is not None and (self.start, self.end) != (self.model_start, self.model_end)


@dataclass(frozen=True)
class Note:
    """A comment on a moment or a bookmark (with its note)."""

    kind: Literal["comment", "bookmark"]
    reviewer: str
    at: str
    t: float
    text: str


@dataclass
class SessionState:
    """Everything derived from the log for one session."""

    events: list[CurrentEvent] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    roles: dict[int, str] = field(default_factory=dict)


# The cue ids (cuedetect.cue_ids; the cue detector's catalogue is the authority on their meaning).
CUES, PAIR_CUES = cue_ids.CUES, cue_ids.PAIR_CUES
