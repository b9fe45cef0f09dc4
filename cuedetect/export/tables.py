"""csv and json exports: every event with its review state; json adds the session, notes and summary."""

from __future__ import annotations

import csv
from pathlib import Path

from cuedetect.export.rows import COLUMNS, SessionExport, event_row, spreadsheet_row
from cuedetect.io_atomic import atomic_open, write_json


def write_csv(data: SessionExport, path: Path) -> Path:
    """One row per event; text cells that a spreadsheet would run as a formula are neutralised."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for e in data.state.events:
            writer.writerow(spreadsheet_row(event_row(e, data.state.roles)))
    return path


def write_json_export(data: SessionExport, path: Path) -> Path:
    s = data.session
    doc = {
        "format": "cuedetect-session/1",
        "session": {
            "id": s.id,
            "recording": s.recording_path,
            "recording_sha256": s.recording_sha256,
            "duration": s.duration,
            "date": s.date,
            "scenario": s.scenario,
            "trainee": s.trainee_name,
            "instructor": s.instructor,
        },
        "persons": [{"id": p, "role": r} for p, r in sorted(data.state.roles.items())],
        "events": [event_row(e, data.state.roles) for e in data.state.events],
        "notes": [
            {"kind": n.kind, "t": n.t, "text": n.text, "reviewer": n.reviewer, "at": n.at}
            for n in data.state.notes
        ],
        "summary": data.summary,
    }
    write_json(path, doc)
    return path
