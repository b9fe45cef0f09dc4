"""Checks of recordings added through the page, and where they are stored.

Every file the page writes goes to `data_dir/recordings/` under a name made here: the uploaded name is
reduced to its last component and safe characters, so `../../etc/passwd` or `C:\\x\\y.mp4` can never
point outside the data directory. Writes are atomic (temp file + rename) so a cut upload leaves nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cuedetect.dashboard.settings import MAX_UPLOAD_MB
from cuedetect.errors import InputError
from cuedetect.io_atomic import atomic_open

VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm")
RECORDINGS = "recordings"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
MB = 1024 * 1024
CHUNK = 4 * MB  # bytes read and written at a time: an upload is never held twice in memory


@dataclass(frozen=True)
class Checked:
    """An accepted recording: its safe file name and size."""

    name: str
    size: int


def safe_name(name: str) -> str:
    """A file name with no path in it: last component only, safe characters, a video suffix kept.

    >>> safe_name("../../etc/clip 1.mp4")
    'clip_1.mp4'
    """
    ascii_name = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    base = re.split(r"[\\/]", ascii_name)[-1]
    base = _SAFE.sub("_", base).strip("._")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.strip("._")[:80] or "recording"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def sniff_video(head: bytes) -> str | None:
    """The container a file starts like (mp4/mov, mkv/webm, avi), or None."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


def check_upload(name: str, size: int, head: bytes, max_mb: int) -> Checked:
    """Accept or refuse an upload before anything is written.

    Raises:
        InputError: empty, too big (with the limit), no video suffix, or contents not a video container.
    """
    clean = safe_name(name)
    if size <= 0:
        raise InputError(f"{clean} is empty (0 bytes): nothing to analyse")
    if size > max_mb * MB:
        raise InputError(
            f"{clean} is {size / MB / 1024:.1f} GB; the upload limit is {max_mb} MB. "
            "Add a big recording by its path on this computer instead."
            if size >= 1024 * MB
            else f"{clean} is {size / MB:.0f} MB; the upload limit is {max_mb} MB. "
            "Add a big recording by its path on this computer instead."
        )
    if not clean.lower().endswith(VIDEO_SUFFIXES):
        raise InputError(f"{clean} is not a video file: expected one of {', '.join(VIDEO_SUFFIXES)}")
    if sniff_video(head) is None:
        raise InputError(f"{clean} does not look like a video (its contents are not mp4, mov, mkv or avi)")
    return Checked(clean, size)


def inside(root: Path, path: Path) -> bool:
    """Whether `path` (resolved, symlinks followed) lies inside `root`."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except ValueError:
        return False
    return True


def destination(data_dir: Path, name: str, digest: str) -> Path:
    """Where an upload is stored: `recordings/<digest12>-<safe name>` inside the data directory."""
    root = Path(data_dir) / RECORDINGS
    path = root / f"{digest[:12]}-{safe_name(name)}"
    if not inside(root, path):  # cannot happen with safe_name; kept as the last line of defence
        raise InputError(f"refusing to write {name!r} outside {root}")
    return path


def iter_chunks(fileobj: BinaryIO, size: int = CHUNK) -> Iterator[bytes]:
    """Read an open binary file (e.g. Streamlit's UploadedFile) from its start in `size` pieces."""
    fileobj.seek(0)
    while chunk := fileobj.read(size):
        yield chunk


def read_head(fileobj: BinaryIO, n: int = 16) -> bytes:
    """The first `n` bytes of an open file, leaving it at its start (no copy of the whole file)."""
    fileobj.seek(0)
    head = fileobj.read(n)
    fileobj.seek(0)
    return head


def save_upload(data_dir: Path, name: str, chunks: Iterable[bytes], max_mb: int) -> Path:
    """Stream an upload into the data directory atomically; the same content is stored once.

    The size limit is enforced while writing, so a stream longer than it said is cut off and dropped; a
    full disk or an unwritable folder is one `InputError` naming the path, and leaves no partial file.
    """
    root = Path(data_dir) / RECORDINGS
    digest = hashlib.sha256()
    tmp_target = root / f".incoming-{os.getpid()}-{safe_name(name)}"
    written = 0
    try:
        root.mkdir(parents=True, exist_ok=True)
        with atomic_open(tmp_target, "wb") as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > max_mb * MB:
                    raise InputError(f"{safe_name(name)} is larger than the upload limit of {max_mb} MB")
                digest.update(chunk)
                fh.write(chunk)
        final = destination(data_dir, name, digest.hexdigest())
        if final.exists():
            tmp_target.unlink()
        else:
            tmp_target.replace(final)
    except OSError as exc:
        tmp_target.unlink(missing_ok=True)
        where = exc.filename or root
        raise InputError(f"cannot store the upload in {where}: {exc.strerror or exc}") from None
    return final


def store_upload(data_dir: Path, file: BinaryIO, name: str, size: int, max_mb: int) -> Path:
    """Check an uploaded file (name, size, first bytes) and stream it into the data directory.

    `file` is read from its start in `CHUNK` pieces: never copied whole (`getvalue()` would copy it).
    """
    checked = check_upload(name, size, read_head(file), max_mb)
    return save_upload(data_dir, checked.name, iter_chunks(file), max_mb)


def server_upload_limit(max_mb: int = MAX_UPLOAD_MB) -> int:
    """Make Streamlit's own upload limit `max_mb` and return it, however the app was started.

    `streamlit run dashboard.py` from another folder does not read the checkout's .streamlit/config.toml
    and would cut uploads at Streamlit's default 200 MB; the server reads this option on every upload,
    so setting it from the app is enough. The page passes the same number to its file_uploader.
    """
    from streamlit import config

    if config.get_option("server.maxUploadSize") != max_mb:
        config.set_option("server.maxUploadSize", max_mb)
    return max_mb


def check_local_path(text: str) -> Path:
    """A recording given by its path on this computer (read where it is, never copied).

    Raises:
        InputError: empty, missing, a folder, unreadable or not a video.
    """
    text = (text or "").strip().strip('"').strip("'")
    if not text:
        raise InputError("give the path of a video file on this computer")
    path = Path(text).expanduser()
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}") from None
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty (0 bytes): nothing to analyse")
    if not path.name.lower().endswith(VIDEO_SUFFIXES) or sniff_video(head) is None:
        raise InputError(f"{path.name} is not a video (expected mp4, mov, mkv, webm or avi)")
    return path.resolve()
