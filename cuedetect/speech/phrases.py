"""The phrase list (data: `phrases.toml`, or a user's file of the same layout) and phrase matching.

A phrase is a short sequence of lower-case words with the verbal cue it signals and a keyword-search
threshold. The recogniser spots phrases in the audio; `match_in_words` also finds them in the transcript,
so a recogniser without a keyword search (faster-whisper) gets the same cues.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cuedetect.cue_ids import VERBAL_CUES
from cuedetect.errors import InputError
from cuedetect.speech.recognisers import Hit, Word

ROLES = ("trainee", "client", "anyone")
_WORD = re.compile(r"^[a-z][a-z']*$")


@dataclass(frozen=True)
class Phrase:
    text: str
    cue: str
    threshold: float
    by: str  # "trainee", "client" or "anyone"
    spot: bool = True  # searched for in the audio; False: only found in the transcript
    heard_as: tuple[str, ...] = ()  # what the recogniser's transcript holds when the phrase is said

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.split())

    def forms(self) -> tuple[tuple[str, ...], ...]:
        """The phrase's words and each `heard_as` variant's, as looked for in a transcript."""
        return (self.words, *(tuple(v.split()) for v in self.heard_as))


@dataclass(frozen=True)
class PhraseList:
    phrases: tuple[Phrase, ...]
    source: str

    def by_text(self) -> dict[str, Phrase]:
        return {p.text: p for p in self.phrases}

    def keyphrases(self) -> tuple[tuple[str, float], ...]:
        return tuple((p.text, p.threshold) for p in self.phrases if p.spot)


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def parse_phrases(data: dict, source: str) -> PhraseList:
    """A `PhraseList` from the TOML's content; InputError naming what is wrong and where."""
    cues = data.get("cues")
    if not isinstance(cues, dict) or not cues:
        raise InputError(f"{source}: no [cues.<cue id>] tables")
    out: list[Phrase] = []
    seen: dict[str, str] = {}
    for cue, table in cues.items():
        if cue not in VERBAL_CUES:
            known = ", ".join(sorted(VERBAL_CUES))
            raise InputError(f"{source}: unknown verbal cue {cue!r} (one of {known})")
        by = table.get("by", "anyone")
        if by not in ROLES:
            raise InputError(f"{source}: [cues.{cue}] by = {by!r}: one of {', '.join(ROLES)}")
        default = table.get("threshold", 1e-20)
        for item in table.get("phrases", []):
            item = {"text": item} if isinstance(item, str) else item
            text, threshold, spot = item.get("text"), item.get("threshold", default), item.get("spot", True)
            if not isinstance(text, str) or not text.strip():
                raise InputError(f"{source}: [cues.{cue}] has a phrase without text: {item!r}")
            text = _normalise(text)
            bad = [w for w in text.split() if not _WORD.match(w)]
            if bad:
                raise InputError(f"{source}: phrase {text!r}: words are lower-case letters ({bad[0]!r})")
            if not isinstance(threshold, int | float) or not 0 < float(threshold) < 1:
                raise InputError(f"{source}: phrase {text!r}: threshold {threshold!r} is not between 0 and 1")
            if text in seen:
                raise InputError(f"{source}: phrase {text!r} is listed under {seen[text]} and {cue}")
            seen[text] = cue
            if not isinstance(spot, bool):
                raise InputError(f"{source}: phrase {text!r}: spot = {spot!r} is not true or false")
            heard = item.get("heard_as", [])
            if not isinstance(heard, list) or not all(isinstance(v, str) and v.strip() for v in heard):
                raise InputError(f"{source}: phrase {text!r}: heard_as is not a list of texts")
            variants = tuple(dict.fromkeys(_normalise(v) for v in heard))
            bad = [w for v in variants for w in v.split() if not _WORD.match(w)]
            if bad:
                raise InputError(f"{source}: phrase {text!r}: heard_as words are lower case ({bad[0]!r})")
            out.append(Phrase(text, cue, float(threshold), by, spot, variants))
    if not out:
        raise InputError(f"{source}: the phrase list is empty")
    return PhraseList(tuple(out), source)


def load_phrases(path: Path | None = None) -> PhraseList:
    """The user's phrase list at `path`, or the shipped one; InputError when it cannot be used."""
    if path is None:
        source = "phrases.toml"
        text = resources.files("cuedetect.speech").joinpath(source).read_text(encoding="utf-8")
    else:
        try:
            text, source = Path(path).read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the phrase list {path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source} is not valid TOML: {exc}") from None
    return parse_phrases(data, source)


def match_in_words(words: Sequence[Word], phrases: PhraseList) -> list[Hit]:
    """Every phrase whose words, or one of its `heard_as` variants, occur in a row in `words` (one stretch
    of speech, in order). A variant's hit is the phrase's, and is as confident as its words."""
    seq = [w.word for w in words]
    hits = []
    for p in phrases.phrases:
        taken: set[int] = set()
        for form in p.forms():
            n = len(form)
            for i in range(len(seq) - n + 1):
                if tuple(seq[i : i + n]) == form and not taken & set(range(i, i + n)):
                    taken.update(range(i, i + n))
                    conf = sum(w.confidence for w in words[i : i + n]) / n
                    hits.append(Hit(words[i].start, words[i + n - 1].end, p.text, conf))
    return sorted(hits, key=lambda h: (h.start, h.phrase))
