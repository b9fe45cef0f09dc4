"""The recordings of a batch: folders, globs, list files and URLs in; sources, output names, hashes out.

- a folder: every video under it (recursively), in name order;
- a glob (`archive/2026-*/**/*.mp4`);
- a list file (`.txt`, `.lst`, `.list`): one path or URL a line, `#` starts a comment line, paths
  relative to the list file's folder;
- a video file or a URL (`s3://...`, `https://...`: read through fsspec, which must be installed).

Each recording's results go to `OUT/<name>/`, `name` being the file's stem, or `<folder>-<stem>` where
two recordings share a stem.
"""

from __future__ import annotations

import glob
import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from cuedetect.errors import InputError

LIST_SUFFIXES = (".txt", ".lst", ".list")
_GLOB_CHARS = set("*?[")


def is_url(source: str) -> bool:
    return "://" in source and not source.startswith("file://")


def _video_suffixes() -> tuple[str, ...]:
    from cuedetect.pose.sources import VIDEO_SUFFIXES

    return VIDEO_SUFFIXES


def _fsspec():
    try:
        import fsspec
    except ImportError:
        raise InputError("recordings given by URL need fsspec: pip install 'cuedetect[ray]'") from None
    return fsspec


def _expand(item: str, videos: tuple[str, ...]) -> list[str]:
    if is_url(item):
        if _GLOB_CHARS & set(item):
            fs, _, paths = _fsspec().get_fs_token_paths(item)
            return [fs.unstrip_protocol(p) for p in sorted(paths)]
        return [item]
    path = Path(item.removeprefix("file://")).expanduser()
    if path.is_dir():
        return [str(p) for p in sorted(path.rglob("*")) if p.suffix.lower() in videos and p.is_file()]
    if path.is_file():
        if path.suffix.lower() in LIST_SUFFIXES:
            return read_list_file(path)
        return [str(path)]
    if _GLOB_CHARS & set(item):
        found = sorted(glob.glob(str(path), recursive=True))
        return [p for p in found if Path(p).is_file() and Path(p).suffix.lower() in videos]
    raise InputError(f"{item}: no such file, folder or pattern")


def read_list_file(path: Path) -> list[str]:
    """The recordings a list file names (one a line, `#` comment lines, relative to the file's folder)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if is_url(entry):
            out.append(entry)
        else:
            p = Path(entry).expanduser()
            out.append(str(p if p.is_absolute() else path.parent / p))
    return out


def find_recordings(inputs: Iterable[str]) -> list[str]:
    """Every recording the inputs name, each once (local paths resolved), in the order given.

    Raises:
        InputError: an input that names nothing (no such file, a pattern or folder without videos).
    """
    videos = _video_suffixes()
    seen: set[str] = set()
    out: list[str] = []
    for item in inputs:
        found = _expand(str(item), videos)
        if not found:
            raise InputError(f"{item}: no recordings there ({', '.join(videos)})")
        for source in found:
            key = source if is_url(source) else str(Path(source).resolve())
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def output_names(sources: list[str]) -> dict[str, str]:
    """A results folder name per recording: its stem, `<parent>-<stem>` where stems clash, and a short
    hash of the whole path where even those clash."""

    def parts(source: str) -> PurePosixPath:
        return PurePosixPath(source.split("://", 1)[-1]) if is_url(source) else PurePosixPath(source)

    stems = Counter(parts(s).stem for s in sources)
    names = {s: (parts(s).stem if stems[parts(s).stem] == 1 else f"{parts(s).parent.name}-{parts(s).stem}")
             for s in sources}  # fmt: skip
    clash = Counter(names.values())
    for s, name in names.items():
        if clash[name] > 1:
            names[s] = f"{name}-{hashlib.sha256(s.encode()).hexdigest()[:8]}"
    return names


def source_sha256(source: str) -> str:
    """The content hash of a recording (streamed: recordings can be gigabytes)."""
    if not is_url(source):
        from cuedetect.hashing import file_sha256

        return file_sha256(source)
    digest = hashlib.sha256()
    with _fsspec().open(source, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def header_duration(source: str) -> float:
    """The duration a container's header states (seconds; 0 when unreadable or a URL): progress only."""
    if is_url(source):
        return 0.0
    try:
        import av

        with av.open(source) as container:
            return float(container.duration or 0) / 1_000_000
    except Exception:  # a broken file: the analysis will say what is wrong with it
        return 0.0
