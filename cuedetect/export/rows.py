"""What every export shows: a session's events as they stand after review, as plain rows."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cuedetect.cue_ids import UNATTRIBUTED, cue_kind
from cuedetect.store.models import CurrentEvent, Session, SessionState

COLUMNS = (
    "key",
    "cue",
    "category",
    "person",
    "person_role",
    "other",
    "start",
    "end",
    "duration",
    "status",
    "origin",
    "confidence",
    "model_start",
    "model_end",
    "reviewed_by",
    "comments",
    "evidence",
)


def person_label(person: int | None) -> str:
    if person is None:
        return ""
    return "unattributed voice" if person == UNATTRIBUTED else f"P{person}"


@dataclass(frozen=True)
class SessionExport:
    """A session and its derived state: the input of every exporter."""

    session: Session
    state: SessionState
    summary: dict[str, Any]
    words: Any = None  # words.parquet as `cuedetect.export.transcript.load_words` reads it, or None
    transcript_note: str | None = None  # why there is no transcript

    def said(self) -> list[Any]:
        """The transcript's utterances (`cuedetect.export.transcript.Utterance`), cue phrases marked."""
        from cuedetect.export.transcript import utterances

        return utterances(self.words, self.state.roles, self.state.events)

    @property
    def video_name(self) -> str:
        return Path(self.session.recording_path).name

    def present(self) -> list[CurrentEvent]:
        """Events a debrief shows: everything not rejected."""
        return [e for e in self.state.events if e.status != "rejected"]

    def rejected(self) -> list[CurrentEvent]:
        """Events a reviewer rejected: coding tools get them on their own tier or behaviour, so the
        review's decisions travel with the file but never count as codings when it is read back."""
        return [e for e in self.state.events if e.status == "rejected"]


REJECTED_SUFFIX = " (rejected)"


def comment_text(comments: Any, limit: int = 500) -> str:
    """An event's comments as one line: `reviewer: text | reviewer: text` (tabs and newlines removed)."""
    parts = [f"{who}: {' '.join(str(text).split())}" for who, _at, text in comments or ()]
    out = " | ".join(parts)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def event_row(e: CurrentEvent, roles: dict[int, str]) -> dict[str, Any]:
    return {
        "key": e.key,
        "cue": e.cue,
        "category": cue_kind(e.cue),
        "person": e.person,
        "person_role": roles.get(e.person, "unknown"),
        "other": e.other,
        "start": round(e.start, 3),
        "end": round(e.end, 3),
        "duration": round(e.end - e.start, 3),
        "status": e.status,
        "origin": e.origin,
        "confidence": e.confidence,
        "model_start": e.model_start,
        "model_end": e.model_end,
        "reviewed_by": ";".join(e.reviewed_by),
        "comments": " | ".join(f"{r}: {t}" for r, _, t in e.comments),
        "evidence": e.evidence
        if isinstance(e.evidence, str) or e.evidence is None
        else json.dumps(e.evidence, sort_keys=True),
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet will show as text, never run as a formula (OWASP CSV injection rule).

    Text starting with `=`, `+`, `-`, `@`, a tab or a line break (or their full-width forms) gets a
    leading `'`; plain numbers and non-text values are left as they are.

    >>> spreadsheet_safe('=HYPERLINK("http://x","click")'), spreadsheet_safe("-1.5"), spreadsheet_safe(2)
    ('\\'=HYPERLINK("http://x","click")', '-1.5', 2)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_row(row: dict[str, Any]) -> dict[str, Any]:
    """`spreadsheet_safe` applied to every cell of a CSV/TSV row."""
    return {k: spreadsheet_safe(v) for k, v in row.items()}
