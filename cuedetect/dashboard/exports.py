"""Every export format of `cuedetect export` as bytes for the page's download buttons.

The export module writes files atomically; here it writes into a private temporary folder inside the
data directory (never elsewhere), and the bytes are read back and the folder removed.
"""

from __future__ import annotations

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


def mime(fmt: str) -> str:
    """The download's MIME type, from the format's file suffix (any new format still downloads)."""
    suffix = "." + formats().get(fmt, "").rsplit(".", 1)[-1]
    return MIME_BY_SUFFIX.get(suffix, "application/octet-stream")


def formats() -> dict[str, str]:
    """Format -> file suffix, as the export command knows them."""
    from cuedetect.export import FORMATS

    return dict(FORMATS)


def file_name(session_id: int, fmt: str) -> str:
    from cuedetect.export import default_path

    return default_path(session_id, fmt).name


def export_bytes(store: Any, session_id: int, fmt: str, data_dir: Path) -> bytes:
    """One export's content."""
    from cuedetect.export import export_session

    tmp_root = Path(data_dir) / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as tmp:
        path = export_session(store, session_id, fmt, Path(tmp) / file_name(session_id, fmt))
        return Path(path).read_bytes()
