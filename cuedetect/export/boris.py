"""BORIS: events to paste into a BORIS observation, BORIS's tabular layout, and import of BORIS codings.

BORIS (8.x) has no import of tabular files; coders paste events into an observation's events table.
`write_boris` writes exactly what that paste takes (see its docstring). `write_boris_table` writes the
layout of BORIS's own "tabular events" export: one row per START and per STOP of each state event, with
the observation's media file, its duration and FPS, `Subject` = `P<person>`, `Behavior` = the cue,
`Behavioral category` = escalation / de-escalation / context, `Modifier #1` = the other person of a
pair cue.

Reading accepts both, older BORIS exports (metadata lines above the header, `Status`,
`Media file path`, `Total length`), aggregated events (`Start (s)`, `Stop (s)`), tab- or
comma-separated. It refuses a file made for another video: a media file name that is not the session's
recording, or a media duration that differs from the session's.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from cuedetect.cue_ids import cue_kind
from cuedetect.errors import InputError
from cuedetect.export.eaf import _check_media
from cuedetect.export.rows import (
    REJECTED_SUFFIX,
    SessionExport,
    comment_text,
    person_label,
    spreadsheet_row,
)
from cuedetect.io_atomic import atomic_open
from cuedetect.store.models import CUES, PAIR_CUES, Session

HEADER = (
    "Observation id",
    "Observation date",
    "Description",
    "Observation duration",
    "Observation type",
    "Source",
    "Time offset (s)",
    "Media duration (s)",
    "FPS",
    "Subject",
    "Behavior",
    "Behavioral category",
    "Modifier #1",
    "Behavior type",
    "Time",
    "Media file name",
    "Image index",
    "Image file path",
    "Comment",
)
NA = "NA"


def video_fps(path: Path) -> float | None:
    try:
        import av

        with av.open(str(path)) as container:
            rate = container.streams.video[0].average_rate
            return float(rate) if rate else None
    except Exception:
        return None


def behaviour(e: Any) -> str:
    """The BORIS behaviour of an event: its cue, or `<cue> (rejected)` for one a reviewer rejected (its own
    behaviour, so the review's decision travels with the file but is never read back as a coding)."""
    return e.cue + (REJECTED_SUFFIX if e.status == "rejected" else "")


def event_comment(e: Any) -> str:
    """The START row's comment: review status, the event's key, and its comments."""
    text = f"{e.status}; key {e.key}"
    return text + (f"; {comment_text(e.comments)}" if e.comments else "")


def state_rows(data: SessionExport) -> list[tuple[float, str, Any]]:
    """(time, START/STOP, event) rows in BORIS order, overlapping events of one behaviour merged;
    rejected events under their own behaviour (`behaviour`).

    BORIS pairs a state event's START and STOP by counting (odd: START, even: STOP) per subject,
    behaviour and modifier, so two overlapping events of the same kind would scramble it: they are
    exported as one. At equal times a STOP comes before the next START.
    """
    groups: dict[tuple, list] = defaultdict(list)
    for e in sorted(data.state.events, key=lambda e: (e.start, e.end)):
        spans = groups[(e.person, behaviour(e), e.other)]
        if spans and e.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], e.end), spans[-1][2])
        else:
            spans.append((e.start, e.end, e))
    rows = [
        (t, kind, e)
        for spans in groups.values()
        for s, end, e in spans
        for t, kind in ((s, "START"), (end, "STOP"))
    ]
    rows.sort(key=lambda r: (r[0], r[1] == "START"))
    return rows


def write_boris(data: SessionExport, path: Path) -> Path:
    """Events to paste into a BORIS media observation (events table, right click > Paste events).

    BORIS 8 takes exactly 6 tab-separated columns per line and no header: time, subject, behaviour,
    modifier, comment, frame index (`paste_clipboard_to_events`, `MEDIA_PJ_EVENTS_FIELDS`). The
    behaviours (cue ids, state events) and subjects (`P0`, `P1`, ...) must exist in the BORIS project;
    the modifier holds the other person of a pair cue. No newline at the end: BORIS would read the
    empty last line as a malformed event.
    """
    fps = video_fps(Path(data.session.recording_path))
    lines = []
    for t, kind, e in state_rows(data):
        frame = str(round(t * fps)) if fps else NA
        comment = event_comment(e) if kind == "START" else ""
        lines.append(
            "\t".join(
                (f"{t:.3f}", person_label(e.person), behaviour(e), person_label(e.other), comment, frame)
            )
        )
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\n".join(lines))
    return path


def write_boris_table(data: SessionExport, path: Path) -> Path:
    """The layout of BORIS's own "tabular events" export (header, one row per START and STOP)."""
    s = data.session
    video = Path(s.recording_path)
    fps = video_fps(video)
    base = {
        "Observation id": f"cuedetect session {s.id}",
        "Observation date": f"{s.date} 00:00:00",
        "Description": f"{s.scenario or ''} trainee {s.trainee_name or '?'} (cuedetect)".strip(),
        "Observation duration": f"{s.duration:.3f}",
        "Observation type": "Media file(s)",
        "Source": f"player #1:{video}",
        "Time offset (s)": "0.000",
        "Media duration (s)": f"{s.duration:.3f}",
        "FPS": f"{fps:.3f}" if fps else NA,
        "Media file name": str(video),
        "Image file path": NA,
    }
    rows = [
        {
            **base,
            "Subject": person_label(e.person),
            "Behavior": behaviour(e),
            "Behavioral category": cue_kind(e.cue),
            "Modifier #1": person_label(e.other),
            "Behavior type": kind,
            "Time": f"{t:.3f}",
            "Image index": str(round(t * fps)) if fps else NA,
            "Comment": event_comment(e) if kind == "START" else "",
        }
        for t, kind, e in state_rows(data)
    ]
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(spreadsheet_row(r) for r in rows)
    return path


def _pasted_rows(lines: list[str]) -> list[dict[str, str]] | None:
    """Rows of a BORIS paste file (no header, 5 or 6 tab-separated columns), START/STOP by counting."""
    cells = [line.split("\t") for line in lines if line.strip()]
    if not cells or any(len(c) not in (5, 6) for c in cells):
        return None
    try:
        [float(c[0]) for c in cells]
    except ValueError:
        return None
    seen: dict[tuple, int] = defaultdict(int)
    rows = []
    for c in sorted(cells, key=lambda c: float(c[0])):
        key = (c[1], c[2], c[3])
        seen[key] += 1
        rows.append(
            {
                "Time": c[0],
                "Subject": c[1],
                "Behavior": c[2],
                "Modifier #1": c[3],
                "Comment": c[4],
                "Behavior type": "START" if seen[key] % 2 else "STOP",
            }
        )
    return rows


def _rows(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = [
            c.strip().strip('"') for c in (line.split("\t") if "\t" in line else next(csv.reader([line])))
        ]
        if "Behavior" in cells and ("Time" in cells or "Start (s)" in cells):
            delimiter = "\t" if "\t" in line else ","
            reader = csv.DictReader(io.StringIO("\n".join(lines[i:])), delimiter=delimiter)
            return [{k.strip(): (v or "").strip() for k, v in r.items() if k} for r in reader]
    pasted = _pasted_rows(lines)
    if pasted is not None:
        return pasted
    raise InputError(
        "neither a BORIS export (no header row with 'Behavior' and 'Time' or 'Start (s)') nor BORIS paste "
        "rows (time, subject, behaviour, modifier, comment, frame)"
    )


def _person(subject: str, session: Session, where: str) -> int:
    text = subject.strip()
    by_role = [p for p, r in session.roles.items() if r == text.lower()]
    if len(by_role) == 1:
        return by_role[0]
    try:
        return int(text.removeprefix("P").removeprefix("p").split()[0])
    except (ValueError, IndexError):
        raise InputError(
            f"{where}: subject {subject!r} is neither P<id>, an id, nor trainee/client"
        ) from None


def _float(value: str, where: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a number of seconds") from None


def read_boris(path: Path, session: Session, tolerance_s: float = 0.5) -> list[dict[str, Any]]:
    """Events of a BORIS tabular (or aggregated) export as dicts, checked against `session`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} cannot be read as a BORIS text export: {exc}") from None
    try:
        rows = _rows(text)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from None
    media = []
    for r in rows:
        for col in ("Media file name", "Media file path", "Media file", "Source"):
            for part in r.get(col, "").split("|"):
                name = part.split(":", 1)[1] if part.startswith("player #") else part
                if name and name not in (NA, "Not found"):
                    media.append(name)
    _check_media(media, session, f"BORIS file {path.name}")
    for r in rows:
        for col in ("Media duration (s)", "Total length"):
            value = r.get(col, "").split(";")[0].split("|")[0]
            if value and value != NA:
                d = _float(value, path.name)
                if abs(d - session.duration) > max(tolerance_s, 0.02 * session.duration):
                    raise InputError(
                        f"BORIS file {path.name} is for a {d:.2f} s recording, but session {session.id} is "
                        f"{session.duration:.2f} s long; nothing was imported"
                    )
    out: list[dict[str, Any]] = []
    open_: dict[tuple, list[float]] = defaultdict(list)
    for n, r in enumerate(rows, start=2):
        where = f"{path.name} row {n}"
        cue = r.get("Behavior", "").strip().lower().replace(" ", "_")
        if cue not in CUES:
            continue
        person = _person(r.get("Subject", ""), session, where)
        mod = r.get("Modifier #1", r.get("Modifiers", "")).strip()
        other = _person(mod, session, where) if mod and cue in PAIR_CUES else None
        if "Start (s)" in r and "Stop (s)" in r and r.get("Start (s)"):
            spans = [(_float(r["Start (s)"], where), _float(r["Stop (s)"], where))]
        else:
            kind = (r.get("Behavior type") or r.get("Status") or "POINT").upper()
            t = _float(r.get("Time", ""), where)
            key = (cue, person, other)
            if kind == "START":
                open_[key].append(t)
                continue
            if kind == "STOP":
                if not open_[key]:
                    raise InputError(f"{where}: STOP of {cue} for {r.get('Subject')} without a START")
                spans = [(open_[key].pop(0), t)]
            else:
                spans = [(t, t)]
        for start, end in spans:
            if end > session.duration + tolerance_s:
                raise InputError(
                    f"{where}: {cue} ends at {end:.2f} s, after the video's end ({session.duration:.2f} s)"
                )
            out.append(
                {
                    "cue": cue,
                    "person": person,
                    "other": other,
                    "start": start,
                    "end": min(end, session.duration),
                }
            )
    unclosed = [k for k, v in open_.items() if v]
    if unclosed:
        raise InputError(f"{path.name}: {len(unclosed)} START without STOP (e.g. {unclosed[0][0]})")
    if not out:
        raise InputError(f"{path.name} holds no event of a cuedetect cue ({', '.join(CUES)})")
    return out
