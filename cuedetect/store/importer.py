"""Read an analysis folder (`cuedetect analyze VIDEO --out DIR`) into typed data, tolerantly.

Only the fields the store needs are read; anything else in `analysis.json` / `events.json` is ignored,
so the pose engine and the cue detector can add fields without breaking imports. Reading changes
nothing anywhere: every problem is an `InputError` before the store is touched.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cuedetect.errors import InputError
from cuedetect.hashing import file_sha256

HASH_KEYS = ("content_sha256", "sha256", "content_hash", "video_sha256", "source_sha256", "recording_sha256")
ROLES = ("trainee", "client", "unknown")


@dataclass(frozen=True)
class RawEvent:
    cue: str
    person: int
    other: int | None
    start: float
    end: float
    confidence: float | None
    evidence: Any


@dataclass(frozen=True)
class AnalysisBundle:
    """What the store takes from one analysis folder."""

    out_dir: Path
    video_path: str
    recording_sha256: str
    duration: float
    model_version: str
    roles: dict[int, str]
    events: list[RawEvent]
    summary: dict[str, Any] = field(default_factory=dict)
    created: str | None = None

    @property
    def digest(self) -> str:
        """Same events from the same model give the same digest, wherever the folder is."""
        body = {
            "model": self.model_version,
            "events": sorted(
                [
                    e.cue,
                    e.person,
                    e.other,
                    round(e.start, 4),
                    round(e.end, 4),
                    None if e.confidence is None else round(e.confidence, 4),
                ]
                for e in self.events
            ),
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


sha256_file = file_sha256


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} cannot be read as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path} should hold a JSON object, found {type(data).__name__}")
    return data


def _find_hash(meta: dict[str, Any]) -> str | None:
    for where in (
        meta,
        meta.get("source") if isinstance(meta.get("source"), dict) else {},
        meta.get("video") if isinstance(meta.get("video"), dict) else {},
    ):
        for key in HASH_KEYS:
            value = where.get(key)
            if isinstance(value, str) and value:
                value = value.removeprefix("sha256:").lower()
                if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
                    return value
    return None


def _find_video(meta: dict[str, Any], events: dict[str, Any], out_dir: Path) -> str:
    candidates: list[Any] = []
    for doc in (meta, events):
        for key in ("source", "video", "recording", "video_path", "source_path"):
            value = doc.get(key)
            if isinstance(value, dict):
                value = value.get("path") or value.get("file") or value.get("name")
            candidates.append(value)
    names = [str(c) for c in candidates if isinstance(c, str) and c]
    for name in names:
        for path in (Path(name), out_dir / name):
            if path.is_file():
                return str(path.resolve())
    return names[0] if names else ""


def _model_version(meta: dict[str, Any], events: dict[str, Any]) -> str:
    parts = []
    for label, doc in (("pose", meta), ("cues", events)):
        for key in ("model_version", "model", "classifier", "detector"):
            value = doc.get(key)
            if isinstance(value, dict):
                value = (
                    value.get("version")
                    or value.get("name")
                    or value.get("variant")
                    or json.dumps(value, sort_keys=True)
                )
            if value:
                parts.append(f"{label}={value}")
                break
    return "; ".join(parts) or "unknown"


def _num(value: Any, what: str, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {what} should be a number, found {value!r}") from None
    if not math.isfinite(out):
        raise InputError(f"{where}: {what} is not finite ({value!r})")
    return out


def _person(value: Any, where: str) -> int:
    try:
        return int(str(value).removeprefix("P").removeprefix("p"))
    except (TypeError, ValueError):
        raise InputError(f"{where}: person should be an int id, found {value!r}") from None


def parse_events(doc: dict[str, Any], where: str) -> list[RawEvent]:
    raw = doc.get("events", [])
    if not isinstance(raw, list):
        raise InputError(f"{where}: 'events' should be a list")
    out = []
    for i, ev in enumerate(raw):
        at = f"{where} event {i}"
        if not isinstance(ev, dict) or "cue" not in ev or "person" not in ev:
            raise InputError(f"{at}: needs at least cue, person, start, end")
        start, end = _num(ev.get("start"), "start", at), _num(ev.get("end"), "end", at)
        if end < start:
            raise InputError(f"{at}: ends ({end}) before it starts ({start})")
        other = ev.get("other")
        conf = ev.get("confidence")
        out.append(
            RawEvent(
                cue=str(ev["cue"]),
                person=_person(ev["person"], at),
                other=None if other is None else _person(other, at),
                start=start,
                end=end,
                confidence=None if conf is None else _num(conf, "confidence", at),
                evidence=ev.get("evidence"),
            )
        )
    return out


def read_analysis(out_dir: str | Path) -> AnalysisBundle:
    """Read `analysis.json` and `events.json` from an analysis folder.

    Raises:
        InputError: the folder is not a (complete) analysis, or a file in it is malformed.
    """
    out_dir = Path(out_dir)
    meta_path, events_path = out_dir / "analysis.json", out_dir / "events.json"
    if not out_dir.is_dir():
        raise InputError(f"{out_dir} is not a folder; give the --out folder of `cuedetect analyze`")
    if not meta_path.exists() and not events_path.exists():
        raise InputError(
            f"{out_dir} holds no analysis.json or events.json: is it a `cuedetect analyze` output?"
        )
    meta = _load_json(meta_path) if meta_path.exists() else {}
    events_doc = _load_json(events_path) if events_path.exists() else {}
    video = _find_video(meta, events_doc, out_dir)
    sha = _find_hash(meta) or _find_hash(events_doc)
    if sha is None:
        if not video or not Path(video).is_file():
            raise InputError(
                f"{out_dir}: no content hash in analysis.json and the video {video or '(none named)'} "
                "is not there to hash"
            )
        sha = sha256_file(Path(video))
    duration_raw = events_doc.get("duration", meta.get("duration", meta.get("duration_s")))
    duration = _num(duration_raw, "duration", str(out_dir))
    if duration <= 0:
        raise InputError(f"{out_dir}: duration should be positive, found {duration}")
    roles: dict[int, str] = {}
    persons = events_doc.get("persons", meta.get("persons", []))
    if isinstance(persons, list):
        for p in persons:
            if isinstance(p, dict) and "id" in p:
                role = str(p.get("role", "unknown"))
                roles[_person(p["id"], str(out_dir))] = role if role in ROLES else "unknown"
            elif isinstance(p, int | str) and not isinstance(p, bool):
                roles[_person(p, str(out_dir))] = "unknown"
    events = parse_events(events_doc, str(events_path))
    for ev in events:
        roles.setdefault(ev.person, "unknown")
        if ev.other is not None:
            roles.setdefault(ev.other, "unknown")
    summary = events_doc.get("summary") if isinstance(events_doc.get("summary"), dict) else {}
    created = meta.get("created") or meta.get("created_at") or meta.get("date")
    return AnalysisBundle(
        out_dir=out_dir.resolve(),
        video_path=video,
        recording_sha256=sha,
        duration=duration,
        model_version=_model_version(meta, events_doc),
        roles=roles,
        events=events,
        summary=summary,
        created=str(created) if created else None,
    )
