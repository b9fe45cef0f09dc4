"""Every export format of `cuedetect export` as bytes for the page's download buttons.

The export module writes files atomically; here it writes into a private temporary folder inside the
data directory (never elsewhere), and the bytes are read back and the folder removed.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

MIME_BY_SUFFIX = {
    ".csv": "text/csv",
    ".json": "application/json",
    ".eaf": "application/xml",
    ".vtt": "text/vtt",
    ".tsv": "text/tab-separated-values",
    ".html": "text/html",
}


# What the buttons say (and their help): an instructor's words, not file-format codes.
EXPORT_LABELS: dict[str, tuple[str, str]] = {
    "html": (
        "Printable report",
        "A report to print or keep: numbers, events, comments, what was said (opens in a browser).",
    ),
    "eaf": (
        "ELAN file",
        "For ELAN: one tier per person and cue, rejected events on their own tier, comments, and "
        "what was said on a tier per speaker.",
    ),
    "boris": ("BORIS", "Events to paste into a BORIS observation (status and comments included)."),
    "boris-table": ("BORIS table", "BORIS's own tabular layout, one row per start and stop."),
    "csv": ("Spreadsheet (CSV)", "Every event with its review status and comments, for Excel or R."),
    "json": ("Data (JSON)", "Everything, for scripts."),
    "vtt": ("Subtitles (VTT)", "The cues and what was said as subtitles, for any video player."),
}
ORDER = ("html", "eaf", "boris", "boris-table", "csv", "json", "vtt")


def mime(fmt: str) -> str:
    """The download's MIME type, from the format's file suffix (any new format still downloads)."""
    suffix = "." + formats().get(fmt, "").rsplit(".", 1)[-1]
    return MIME_BY_SUFFIX.get(suffix, "application/octet-stream")


def formats() -> dict[str, str]:
    """Format -> file suffix, as the export command knows them."""
    from cuedetect.export import FORMATS

    ordered = [f for f in ORDER if f in FORMATS] + [f for f in FORMATS if f not in ORDER]
    return {f: FORMATS[f] for f in ordered}


DOWNLOAD_ENDINGS = {
    "html": "report.html",
    "eaf": "elan.eaf",
    "boris": "boris-paste.tsv",
    "boris-table": "boris-table.tsv",
    "csv": "events.csv",
    "json": "data.json",
    "vtt": "cues.vtt",
}


def download_name(session: Any, fmt: str) -> str:
    """What the downloaded file is called: who, what, when and what it is
    (`Sam-standoff-2026-11-28-session-3-report.html`), in safe characters only."""
    parts = [session.trainee_name or "", session.scenario or "", session.date or "", f"session-{session.id}"]
    words = [re.sub(r"[^A-Za-z0-9]+", "-", p).strip("-")[:40] for p in parts]
    ending = DOWNLOAD_ENDINGS.get(fmt, fmt + formats().get(fmt, ""))
    return "-".join(w for w in words if w) + "-" + ending


def file_name(session_id: int, fmt: str) -> str:
    from cuedetect.export import default_path

    return default_path(session_id, fmt).name


def export_bytes(store: Any, session_id: int, fmt: str, data_dir: Path, safe_m: float | None = None) -> bytes:
    """One export's content (`safe_m`: the Settings page's safe distance, for the report's numbers)."""
    from cuedetect.export import export_session

    tmp_root = Path(data_dir) / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        path = export_session(store, session_id, fmt, Path(tmp) / file_name(session_id, fmt), safe_m)
        return Path(path).read_bytes()
