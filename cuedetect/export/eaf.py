"""ELAN `.eaf`: export one tier per person and cue, linked to the video; read human codings back.

Tier ids are `P<person> <cue>` (e.g. `P1 pointing`), each tier's participant is `P<person> (<role>)`.
An annotation's value is the cue, `with P<other>` for pair cues, and the review status in brackets:
`too_close with P1 [confirmed]`, then the event's comments (`— ann: steps back`). Events a reviewer
rejected go on their own tiers, `P<person> <cue> (rejected)`; comments on moments and bookmarks on a
`comments` tier (one second long each). What was said goes on one tier per speaker, `said by Trainee`,
one annotation per utterance (the recognised words). Reading ignores those tiers. Reading accepts the
same tier names with `:`, `_`, `-` or `|` between person and cue, or the cue first (`pointing P1`); tiers that
name no known cue are ignored.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cuedetect.errors import InputError
from cuedetect.export.rows import REJECTED_SUFFIX, SessionExport, comment_text, person_label
from cuedetect.io_atomic import atomic_path
from cuedetect.store.models import CUES, PAIR_CUES, Session

MIMETYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".mpg": "video/mpeg",
    ".wav": "audio/x-wav",
}
_CUE = "|".join(sorted(CUES, key=len, reverse=True))
TIER_RES = (
    re.compile(rf"^\s*P?(?P<person>\d+)\s*[\s:_\-|]\s*(?P<cue>{_CUE})\s*$", re.IGNORECASE),
    re.compile(rf"^\s*(?P<cue>{_CUE})\s*[\s:_\-|(]\s*P?(?P<person>\d+)\)?\s*$", re.IGNORECASE),
)
OTHER_RE = re.compile(r"with\s+P?(\d+)", re.IGNORECASE)
TOLERANCE_S = 0.5
NOTES_TIER = "comments"
SAID_TIER = "said by {speaker}"


def write_eaf(data: SessionExport, path: Path) -> Path:
    import pympi

    eaf = pympi.Elan.Eaf(author="cuedetect")
    eaf.remove_tier("default")
    video = Path(data.session.recording_path)
    eaf.add_linked_file(
        video.resolve().as_uri() if video.is_absolute() else str(video),
        relpath=video.name,
        mimetype=MIMETYPES.get(video.suffix.lower(), "video/*"),
    )
    tiers: dict[str, list[Any]] = {}
    for suffix, events in (("", data.present()), (REJECTED_SUFFIX, data.rejected())):
        for e in events:
            tiers.setdefault(f"{person_label(e.person)} {e.cue}{suffix}", []).append(e)
    for tier in sorted(tiers):
        person = tiers[tier][0].person
        role = data.state.roles.get(person, "unknown")
        eaf.add_tier(tier, part=f"{person_label(person)} ({role})")
    for tier, events in tiers.items():
        for e in events:
            value = (
                e.cue + (f" with {person_label(e.other)}" if e.other is not None else "") + f" [{e.status}]"
            )
            if e.comments:
                value += " — " + comment_text(e.comments)
            start_ms, end_ms = round(e.start * 1000), round(e.end * 1000)
            eaf.add_annotation(tier, start_ms, max(end_ms, start_ms + 1), value)
    if data.state.notes:
        eaf.add_tier(NOTES_TIER)
        notes = sorted(data.state.notes, key=lambda n: n.t)
        starts = []
        for n in notes:  # one tier: no two annotations may overlap, so equal times are a ms apart
            starts.append(max(round(n.t * 1000), starts[-1] + 1 if starts else 0))
        for i, n in enumerate(notes):
            end = min(starts[i] + 1000, starts[i + 1] if i + 1 < len(notes) else starts[i] + 1000)
            text = " ".join(str(n.text).split()) or "(no note)"
            eaf.add_annotation(NOTES_TIER, starts[i], end, f"{n.kind} by {n.reviewer}: {text}")
    _add_transcript(eaf, data)
    with atomic_path(path) as tmp:
        tmp.unlink()  # pympi would keep an existing file as a .bak beside it
        eaf.to_file(str(tmp))
    return path


def _add_transcript(eaf: Any, data: SessionExport) -> None:
    """One tier per speaker, one annotation per utterance (no two overlap on a tier: ELAN's rule)."""
    from cuedetect.export.transcript import speaker_tiers

    for speaker, said in speaker_tiers(data.said()).items():
        tier = SAID_TIER.format(speaker=speaker)
        eaf.add_tier(tier, part=speaker)
        last_end = -1
        for u in said:
            start = max(round(u.start * 1000), last_end)
            end = max(round(u.end * 1000), start + 1)
            eaf.add_annotation(tier, start, end, u.marked_text)
            last_end = end


def _parse_tier(tier_id: str) -> tuple[int, str] | None:
    for pattern in TIER_RES:
        m = pattern.match(tier_id)
        if m:
            return int(m["person"]), m["cue"].lower()
    return None


def _check_media(names: list[str], session: Session, what: str) -> None:
    if not names:
        return
    ours = Path(session.recording_path).name.lower()
    theirs = {Path(n.replace("\\", "/")).name.lower() for n in names if n}
    if theirs and ours not in theirs:
        raise InputError(
            f"{what} is for {', '.join(sorted(theirs))}, but session {session.id} is {ours}; "
            "nothing was imported"
        )


def read_eaf(path: Path, session: Session) -> list[dict[str, Any]]:
    """Events of an ELAN file as dicts (cue, person, other, start, end), checked against `session`.

    Raises:
        InputError: unreadable or corrupt file, linked to another video, annotations past the video's end,
            or no tier that names a person and a cue.
    """
    import pympi

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path} does not exist")
    try:
        eaf = pympi.Elan.Eaf(str(path))
        tiers = {t: eaf.get_annotation_data_for_tier(t) for t in eaf.get_tier_names()}
        media = [d.get("RELATIVE_MEDIA_URL") or d.get("MEDIA_URL", "") for d in eaf.get_linked_files()]
    except Exception as exc:  # pympi raises ParseError, KeyError, ValueError... for broken files
        raise InputError(f"{path} is not a readable ELAN .eaf file ({type(exc).__name__}: {exc})") from None
    _check_media([m for m in media if m], session, f"ELAN file {path.name}")
    out = []
    for tier_id, spans in tiers.items():
        parsed = _parse_tier(tier_id)
        if parsed is None:
            continue
        person, cue = parsed
        for ann in spans:
            start, end, value = ann[0] / 1000, ann[1] / 1000, str(ann[2])
            if end > session.duration + TOLERANCE_S:
                raise InputError(
                    f"{path.name}: tier {tier_id!r} has an annotation ending at {end:.2f} s, after the end "
                    f"of session {session.id}'s video ({session.duration:.2f} s): another recording?"
                )
            m = OTHER_RE.search(value)
            other = int(m.group(1)) if m else None
            if cue in PAIR_CUES and other is None:
                others = [p for p in session.roles if p != person]
                other = others[0] if len(others) == 1 else None
            out.append(
                {
                    "cue": cue,
                    "person": person,
                    "other": other if cue in PAIR_CUES else None,
                    "start": start,
                    "end": min(end, session.duration),
                }
            )
    if not out and not any(_parse_tier(t) for t in tiers):
        raise InputError(
            f"{path.name} has no tier named like 'P0 pointing' (person and cue); tiers found: "
            f"{', '.join(sorted(tiers)) or 'none'}"
        )
    return out
