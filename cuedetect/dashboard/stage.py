"""What the review stage (video, controls, timeline) is given: plain data, built by pure functions.

The timeline has two kinds of lane. *Event lanes* (one per person and cue, bars from start to end) and
*series lanes* under them (a measured quantity over time: the pair distance now; voice loudness or pitch can
be added by appending another `SeriesLane` to `StageData.series`). Every label is in plain words and every
person has their role's colour (`cuedetect.colours`), the same as in the annotated video.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cuedetect.colours import KIND_COLOURS, person_colour
from cuedetect.cue_ids import PAIR_CUES, UNATTRIBUTED, cue_kind, cue_label
from cuedetect.safe_distance import TOO_CLOSE

STATUS_WORDS = {"unreviewed": "not reviewed", "confirmed": "confirmed", "rejected": "rejected"}
DISTANCE_COLOUR = "#4b5563"  # dark grey: blue is de-escalation


def who(person: int, roles: Mapping[int, str]) -> str:
    """`trainee (P0)`, `client (P1)`, or `P2` when the role is not known (a voice nobody could be
    matched to: `unattributed voice`)."""
    if person == UNATTRIBUTED:
        return "unattributed voice"
    role = roles.get(person, "unknown")
    return f"P{person}" if role in (None, "", "unknown") else f"{role} (P{person})"


def pair_who(a: int, b: int, roles: Mapping[int, str]) -> str:
    """`trainee–client` (roles known) or `P0–P1`."""
    a, b = sorted((a, b))
    ra, rb = roles.get(a, "unknown"), roles.get(b, "unknown")
    if "unknown" in (ra, rb):
        return f"P{a}–P{b}"
    return f"{ra}–{rb}"


def clock(t: float) -> str:
    """`m:ss.s` for a time in seconds."""
    t = max(float(t), 0.0)
    m, s = divmod(t, 60.0)
    return f"{int(m)}:{s:04.1f}"


@dataclass(frozen=True)
class EventBar:
    key: str
    start: float
    end: float
    kind: str
    status: str
    confidence: float | None
    text: str  # tooltip and aria-label: plain words
    comments: int = 0


@dataclass(frozen=True)
class EventLane:
    label: str
    colour: str
    events: list[EventBar]


@dataclass(frozen=True)
class SeriesLine:
    name: str
    colour: str
    points: list[list[float | None]]  # [t, value, lo, hi]


@dataclass(frozen=True)
class SeriesLane:
    """A measured quantity over time under the event lanes (distance; voice loudness or pitch later)."""

    label: str
    unit: str
    ymax: float
    lines: list[SeriesLine]
    bands: list[dict[str, Any]] = field(default_factory=list)  # {lo, hi, colour, label}
    rules: list[dict[str, Any]] = field(default_factory=list)  # {y, label}


@dataclass
class StageData:
    duration: float
    lanes: list[EventLane]
    series: list[SeriesLane]
    markers: list[dict[str, Any]]
    selected: dict[str, Any] | None = None
    seek: dict[str, Any] | None = None
    video: dict[str, Any] | None = None
    message: str | None = None
    keys: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["kind_colours"] = dict(KIND_COLOURS)
        return out


def event_text(cue: str, person_words: str, start: float, end: float, status: str, confidence: Any) -> str:
    """A bar's tooltip and aria-label; it ends with the review status (screen readers, browser tests)."""
    conf = "added by a reviewer" if confidence is None else f"model confidence {float(confidence):.2f}"
    when = f"{clock(start)}–{clock(end)}"
    return f"{cue_label(cue)} · {person_words} · {when} · {conf} · {STATUS_WORDS.get(status, status)}"


def lane_label(cue: str, person: int, other: int | None, roles: Mapping[int, str]) -> str:
    if cue in PAIR_CUES and other is not None:
        return f"{pair_who(person, other, roles)} · {cue_label(cue)}"
    return f"{who(person, roles)} · {cue_label(cue)}"


def event_lanes(events: Sequence[Any], roles: Mapping[int, str], cue_order: Sequence[str]) -> list[EventLane]:
    """One lane per person and cue (pairs last), people in id order, cues in catalogue order."""
    rank = {c: i for i, c in enumerate(cue_order)}
    lanes: dict[str, tuple[tuple[int, int, int], str, list[EventBar]]] = {}
    for e in sorted(events, key=lambda e: e.start):
        pair = e.cue in PAIR_CUES and e.other is not None
        label = lane_label(e.cue, e.person, e.other, roles)
        order = (1 if pair else 0, min(e.person, e.other) if pair else e.person, rank.get(e.cue, 99))
        colour = "#555555" if pair else person_colour(e.person, roles.get(e.person))
        bar = EventBar(
            key=e.key,
            start=round(float(e.start), 3),
            end=round(float(e.end), 3),
            kind=cue_kind(e.cue),
            status=e.status,
            confidence=None if e.confidence is None else round(float(e.confidence), 3),
            text=event_text(
                e.cue,
                pair_who(e.person, e.other, roles) if pair else who(e.person, roles),
                e.start,
                e.end,
                e.status,
                e.confidence,
            ),
            comments=len(getattr(e, "comments", ()) or ()),
        )
        lanes.setdefault(label, (order, colour, []))[2].append(bar)
    return [
        EventLane(label, colour, bars)
        for label, (_, colour, bars) in sorted(lanes.items(), key=lambda x: x[1][0])
    ]


def distance_lane(
    distance: pd.DataFrame, roles: Mapping[int, str], safe_m: float, too_close_m: float
) -> SeriesLane | None:
    """The pair distance (m) with its uncertainty, the too-close and closer-than-safe bands, the safe line."""
    if distance is None or not len(distance):
        return None
    ymax = round(max(float(np.nanmax(distance["hi"])), safe_m * 1.5, 2.0), 1)
    lines = []
    for pair, g in distance.groupby("pair", sort=True):
        name = str(pair)
        try:
            a, b = (int(p.strip("P")) for p in name.split("–"))
            name = pair_who(a, b, roles)
        except ValueError:
            pass
        pts = [
            [float(t), float(d), float(lo), float(hi)]
            for t, d, lo, hi in zip(g["t"], g["distance_m"], g["lo"], g["hi"], strict=True)
        ]
        lines.append(SeriesLine(f"distance {name} (m)", DISTANCE_COLOUR, pts))
    bands = [
        {"lo": 0.0, "hi": too_close_m, "colour": "#d1495b", "label": f"{TOO_CLOSE}: under {too_close_m:g} m"},
        {"lo": too_close_m, "hi": safe_m, "colour": "#f2a541", "label": f"closer than the safe {safe_m:g} m"},
    ]
    return SeriesLane(
        "distance", "m", ymax, lines, bands, [{"y": safe_m, "label": f"safe distance {safe_m:g} m"}]
    )


def note_markers(notes: Sequence[Any]) -> list[dict[str, Any]]:
    """Comments on moments and bookmarks as markers on the time axis."""
    return [{"t": round(float(n.t), 3), "kind": n.kind, "text": str(n.text)} for n in notes]
