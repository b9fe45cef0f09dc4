"""The transcript of a session (pure): words.parquet -> utterances per speaker, search, cue highlights.

The speech stage writes `words.parquet` into the results folder, one row per recognised word in time order:
`start_s`, `end_s` (the video clock), `word` (lower case), `confidence`, `person_id` (-1: unattributed),
`role`, `channel` and `stretch` (the words of one stretch are one utterance). A folder without it (no
speech stage, no sound, transcripts not stored) has no transcript: `load_words` says so in one line.

    words, note = load_words(folder / "words.parquet")
    said = utterances(words, roles, events)   # cue phrases marked by the verbal events around them
    hits = search(said, "calm down")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cuedetect import cue_ids
from cuedetect.cue_ids import VERBAL_CUES

WORD_COLUMNS = ("start_s", "end_s", "word", "confidence", "person_id", "role", "channel", "stretch")
NO_TRANSCRIPT = "No transcript: nothing was heard, or this analysis kept no words (cues only)."
HIGHLIGHT_TOLERANCE_S = 0.15  # a word ending this close to a cue's span still belongs to it
UNCERTAIN_BELOW = 0.5
"""A word whose confidence is below this is shown as uncertain: "(word)", the transcribers' mark for a
best guess at what was said. pocketsphinx's confidence is the word's posterior probability in its lattice;
on the 12 studio tuning dialogues 77% of the words under 0.5 were not said in their line, 34% of the others
(`bench/tune_verbal.py` prints both rates)."""
_TOKEN = re.compile(r"[\w']+")


@dataclass(frozen=True)
class Word:
    """One recognised word; `cue` is the verbal cue whose span holds it (None: plain speech)."""

    start: float
    end: float
    text: str
    confidence: float
    cue: str | None = None

    @property
    def uncertain(self) -> bool:
        return bool(self.confidence < UNCERTAIN_BELOW)

    @property
    def marked(self) -> str:
        """The word as a transcript shows it: "(word)" when the recogniser was unsure of it."""
        return f"({self.text})" if self.uncertain else self.text


@dataclass(frozen=True)
class Utterance:
    """One speaker's words of one speech stretch, in time order."""

    speaker: str  # what a screen says: "Trainee", "Client", "P2", "Unknown speaker"
    person: int
    start: float
    end: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def marked_text(self) -> str:
        """The words with the uncertain ones in parentheses (captions, ELAN, the report)."""
        return " ".join(w.marked for w in self.words)

    @property
    def cues(self) -> tuple[str, ...]:
        """The verbal cues marked in the utterance, in order of first appearance."""
        return tuple(dict.fromkeys(w.cue for w in self.words if w.cue))


@dataclass(frozen=True)
class Hit:
    """A search match: `utterance` and its words `first`..`last` (inclusive), starting at `t`."""

    utterance: int
    first: int
    last: int
    t: float
    text: str


def load_words(path: Path | None) -> tuple[pd.DataFrame | None, str | None]:
    """words.parquet as a table sorted by time, or (None, a one-line note) when there is no usable one."""
    if path is None or not Path(path).is_file():
        return None, NO_TRANSCRIPT
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for truncated or foreign files
        return None, f"The transcript file {Path(path).name} cannot be read ({type(exc).__name__})."
    missing = [c for c in ("start_s", "end_s", "word") if c not in df.columns]
    if missing:
        return None, f"The transcript file {Path(path).name} lacks {', '.join(missing)}."
    df = df.assign(
        person_id=df.get("person_id", -1),
        role=df.get("role", "unknown"),
        stretch=df["stretch"] if "stretch" in df else range(len(df)),
        confidence=df.get("confidence", 1.0),
    )
    df = df[pd.notna(df["start_s"]) & pd.notna(df["end_s"]) & pd.notna(df["word"])]
    if df.empty:
        return None, "Nothing was said that the recogniser could write down."
    return df.sort_values(["start_s", "end_s"], kind="stable").reset_index(drop=True), None


def speaker_label(person: int, role: str | None) -> str:
    """`Trainee`, `Client`, `P2` (role not known) or `Unknown speaker` (one microphone for everyone)."""
    if role in ("trainee", "client"):
        return role.capitalize()
    return "Unknown speaker" if int(person) == cue_ids.UNATTRIBUTED else f"P{int(person)}"


def _role(person: int, stored: Any, roles: Mapping[int, str] | None) -> str:
    """The role now (the review may have changed it) when the person is known, else the stored one."""
    if roles is not None and person in roles:
        return str(roles[person])
    return str(stored) if isinstance(stored, str) else "unknown"


Span = tuple[float, float, int, str]  # start, end, person, cue


def _spans(events: Iterable[Any]) -> list[Span]:
    return sorted(
        (float(e.start), float(e.end), int(e.person), str(e.cue))
        for e in events
        if e.cue in VERBAL_CUES and getattr(e, "status", "unreviewed") != "rejected"
    )


def word_cues(
    starts: np.ndarray, ends: np.ndarray, persons: np.ndarray, spans: Sequence[Span]
) -> list[str | None]:
    """Per word, the verbal cue whose span holds it (its middle, within the tolerance) and whose speaker is
    the word's (or either is unattributed), else None. The first such span (by start) wins."""
    mid = (np.asarray(starts, float) + np.asarray(ends, float)) / 2
    persons = np.asarray(persons)
    out: list[str | None] = [None] * len(mid)
    free = np.ones(len(mid), bool)
    for s, e, p, cue in spans:
        hit = free & (mid >= s - HIGHLIGHT_TOLERANCE_S) & (mid <= e + HIGHLIGHT_TOLERANCE_S)
        if p != cue_ids.UNATTRIBUTED:
            hit &= (persons == p) | (persons == cue_ids.UNATTRIBUTED)
        for k in np.flatnonzero(hit):
            out[k] = cue
        free &= ~hit
    return out


def cue_of(start: float, end: float, person: int, spans: Sequence[Span]) -> str | None:
    """`word_cues` of one word."""
    return word_cues(np.array([start]), np.array([end]), np.array([person]), spans)[0]


def utterances(
    words: pd.DataFrame | None, roles: Mapping[int, str] | None = None, events: Iterable[Any] = ()
) -> list[Utterance]:
    """The words grouped into utterances (one per speech stretch and speaker), in time order; each word
    marked with the verbal cue event (not rejected) whose span holds it."""
    if words is None or words.empty:
        return []
    starts, ends = words["start_s"].to_numpy(float), words["end_s"].to_numpy(float)
    persons = words["person_id"].to_numpy().astype(int)
    cues = word_cues(starts, ends, persons, _spans(events))
    texts, confs = words["word"].astype(str).tolist(), words["confidence"].to_numpy(float)
    role_col = words["role"].tolist()
    out = []
    for rows in words.groupby(["stretch", "person_id"], sort=False).indices.values():
        items = tuple(
            Word(float(starts[k]), float(ends[k]), texts[k], float(confs[k]), cues[k]) for k in rows
        )
        person = int(persons[rows[0]])
        speaker = speaker_label(person, _role(person, role_col[rows[0]], roles))
        out.append(Utterance(speaker, person, items[0].start, max(w.end for w in items), items))
    return sorted(out, key=lambda u: (u.start, u.end))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(str(text).lower())


def search(said: Sequence[Utterance], query: str) -> list[Hit]:
    """Case-insensitive search: consecutive words of one utterance that contain the query's words in
    order (`calm` finds "calm" and "calmly"; `calm down` finds "calm down"). Hits in time order."""
    want = tokens(query)
    if not want:
        return []
    hits = []
    for i, u in enumerate(said):
        texts = [w.text.lower() for w in u.words]
        for j in range(len(texts) - len(want) + 1):
            if all(q in texts[j + k] for k, q in enumerate(want)):
                last = j + len(want) - 1
                hits.append(Hit(i, j, last, u.words[j].start, " ".join(texts[j : last + 1])))
    return sorted(hits, key=lambda h: h.t)


def said_between(said: Sequence[Utterance], t0: float, t1: float) -> list[Utterance]:
    """The utterances cut to the words whose middle lies in [t0, t1] (utterances with none are left out)."""
    out = []
    for u in said:
        kept = tuple(w for w in u.words if t0 <= (w.start + w.end) / 2 <= t1)
        if kept:
            out.append(Utterance(u.speaker, u.person, kept[0].start, max(w.end for w in kept), kept))
    return out


def caption_chunks(u: Utterance, max_words: int = 12, max_s: float = 6.0) -> list[Utterance]:
    """An utterance cut into pieces a viewer can read in a caption (at most `max_words` words and
    `max_s` seconds each), in order."""
    pieces: list[list[Word]] = []
    for w in u.words:
        if not pieces or len(pieces[-1]) >= max_words or w.end - pieces[-1][0].start > max_s:
            pieces.append([])
        pieces[-1].append(w)
    return [Utterance(u.speaker, u.person, p[0].start, max(x.end for x in p), tuple(p)) for p in pieces]


def speaker_tiers(said: Sequence[Utterance]) -> dict[str, list[Utterance]]:
    """Utterances per speaker label, in time order (one ELAN tier or caption voice per speaker)."""
    out: dict[str, list[Utterance]] = {}
    for u in sorted(said, key=lambda u: u.start):
        out.setdefault(u.speaker, []).append(u)
    return out
