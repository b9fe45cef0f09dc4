"""What `cuedetect analyze` prints at the end: who was found, the cue events as a table, the files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cuedetect.cue_ids import UNATTRIBUTED, cue_label


def clock(seconds: float) -> str:
    """75.25 -> '1:15.2' (minutes:seconds, as a video player shows time)."""
    minutes, secs = divmod(max(float(seconds), 0.0), 60.0)
    return f"{int(minutes)}:{secs:04.1f}"


def who(person: int | None, roles: dict[int, str]) -> str:
    """'trainee (0)', 'client (1)' or 'person 2' when the role is not known ('unattributed voice' for -1)."""
    if person is None:
        return ""
    if int(person) == UNATTRIBUTED:
        return "unattributed voice"
    role = roles.get(int(person), "unknown")
    return f"{role} ({person})" if role in ("trainee", "client") else f"person {person}"


def event_rows(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """events.json's events as (time, who, cue, confidence) rows, in time order, in plain words."""
    roles = {int(p["id"]): p.get("role", "unknown") for p in doc.get("persons", [])}
    rows = []
    for e in sorted(doc.get("events", []), key=lambda e: (e["start"], e["person"])):
        person = who(e["person"], roles)
        if e.get("other") is not None:
            person += f" and {who(e['other'], roles)}"
        rows.append((f"{clock(e['start'])}-{clock(e['end'])}", person, cue_label(e["cue"]),
                     f"{e['confidence']:.2f}"))  # fmt: skip
    return rows


def print_analysis(result: dict[str, Any], out: Path, events: bool = True) -> None:
    """The summary of one analysis (analysis.json's content) and, with `events`, its cue events."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    persons = result["persons"]
    total = result["timings_s"]["total_s"]
    frames, fps = result["analysed_frames"], result["analysed_fps"]
    speed = f"{result['duration_s']:.1f} s of video in {total:.1f} s"
    speed += f", {result['realtime_factor']:.2f}x real time"
    console.print(f"{len(persons)} person(s) in {frames} frames at {fps:.1f} fps ({speed})", soft_wrap=True)
    if events and (out / "events.json").is_file():
        doc = json.loads((out / "events.json").read_text())
        rows = event_rows(doc)
        table = Table(title=f"{len(rows)} cue events", title_justify="left", title_style="bold")
        for name, justify in (("time", "left"), ("who", "left"), ("cue", "left"), ("confidence", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for note in (result.get("audio") or {}).get("notes", []):
        console.print(f"audio: {note}", soft_wrap=True)
    names = ("poses.parquet", "pairs.parquet", "voice.parquet", "events.json", "analysis.json",
             "annotated.mp4")  # fmt: skip
    files = [name for name in names if (out / name).is_file()]
    console.print(f"results in {out}/: {', '.join(files)}", soft_wrap=True)
