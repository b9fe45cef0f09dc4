"""Tuning the phrase list on the studio's TUNING dialogues (the dev bank): what `bench/tune_verbal.py` runs.

A dialogue is spoken, written as a WAV and run through the voice stage once; its speech stretches (the
samples the speech stage would hand the recogniser), utterances and truth are kept in a cache folder, so
each recogniser setting or threshold sweep afterwards costs only the recogniser's time. Nothing here reads
the held-out bank: `prepare` refuses it.

The tuning itself:
- `sweep`: every phrase's keyword-search hits at each threshold of `LEVELS` (one search per level, all
  phrases at that level);
- `choose_thresholds`: per phrase, the laxest level at which its false alarms stay at most `max_false`
  of its hits at that level and every stricter one; a phrase with too many false alarms even at the
  strictest level is transcript-only (`spot = false`). A phrase with no right hit in tuning (no tuning
  line says it, or it was never heard where said) can only err there: it keeps the list's own setting
  unless that level or a stricter one raised a false alarm on the tuning dialogues, and then gets the
  laxest level that stayed silent (transcript-only when even 1e-5 errs). A first run that lent unseen
  phrases their cue's levels gave them 1e-20..1e-40: tuning precision fell from 0.76 to 0.31, so that
  list was not shipped. Keeping their own setting whatever they did was the rule before: on the
  Flite-voiced tuning dialogues "be quiet", never said there, then made 14 of the 46 false alarms at 1e-40.
- `heard_variants`: what the recogniser's transcript holds where a labelled phrase was said (aligned word
  by word), kept as the phrase's `heard_as` when it comes up at least twice and never where the phrase was
  not said.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.speech.phrases import PhraseList
from cuedetect.speech.recognisers import Word
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stretches import Stretch, plan_stretches, stream_stretches
from cuedetect.studio.dialogue import PERSON_IDS as IDS
from cuedetect.studio.verbal import ENGINE, verbal_dialogue
from cuedetect.studio.verbal_eval import words_of, write_wav
from cuedetect.voice.analysis import Utterance
from cuedetect.voice.stage import voice_stage

LEVELS = (1e-5, 1e-10, 1e-15, 1e-20, 1e-25, 1e-30, 1e-35, 1e-40)  # strict .. lax


@dataclass
class Prepared:
    """One dialogue as the speech stage sees it: its stretches' samples, utterances and truth."""

    seed: int
    per_person: bool
    pieces: list[tuple[Stretch, np.ndarray, float]]
    utterances: list[Utterance]
    truth: list[dict]  # verbal events, person as an id (UNATTRIBUTED with one room microphone)
    ref: list[str]  # the words said, in time order
    lines: list[dict]  # each spoken line: person id, start, end, text

    @property
    def roles(self) -> dict[int, str]:
        return {0: "trainee", 1: "client"} if self.per_person else {}


def _build(seed: int, bank: str, settings: SpeechSettings, engine: str) -> Prepared:
    d = verbal_dialogue(seed, bank, engine=engine)
    mapping = {c: IDS[p] for c, p in d.channel_persons.items()}
    with tempfile.TemporaryDirectory() as tmp:
        wav = write_wav(Path(tmp) / "d.wav", d.audio)
        voice, _ = voice_stage(wav, None, mapping)
        assert voice is not None
        stretches = plan_stretches(voice.utterances, voice.frames, settings.max_segment_s)
        pieces, _ = stream_stretches(wav, stretches, voice.separate_channels, settings.margin_s)
        got = [(s, np.array(x, np.float32), t0) for s, x, t0 in pieces]
    truth = [{**e, "person": IDS[e["person"]] if mapping else UNATTRIBUTED} for e in d.truth["verbal_events"]
             if mapping or e["cue"] != "interruption"]  # fmt: skip
    speech = sorted(d.truth["speech"], key=lambda x: x["start"])
    ref = [w for seg in speech for w in words_of(seg["text"])]
    lines = [{"person": IDS[sp.line.person], "start": sp.line.start, "end": sp.end, "text": sp.line.text,
              "cues": list(sp.line.cues)} for sp in d.spoken]  # fmt: skip
    return Prepared(seed, bool(mapping), got, list(voice.utterances), truth, ref, lines)


def _save(p: Prepared, path: Path) -> None:
    arrays = {f"x{k}": x for k, (_, x, _) in enumerate(p.pieces)}
    meta = {"seed": p.seed, "per_person": p.per_person, "truth": p.truth, "ref": p.ref, "lines": p.lines,
            "pieces": [[s.channel, s.person, s.start, s.end, s.utterance, t0] for s, _, t0 in p.pieces],
            "utterances": [u.__dict__ for u in p.utterances]}  # fmt: skip
    np.savez_compressed(path.with_suffix(".npz"), **arrays)
    path.with_suffix(".json").write_text(json.dumps(meta))


def _load(path: Path) -> Prepared:
    meta = json.loads(path.with_suffix(".json").read_text())
    with np.load(path.with_suffix(".npz"), allow_pickle=False) as z:
        pieces = [(Stretch(int(c), int(pe), float(a), float(b), int(u)), z[f"x{k}"], float(t0))
                  for k, (c, pe, a, b, u, t0) in enumerate(meta["pieces"])]  # fmt: skip
    return Prepared(meta["seed"], meta["per_person"], pieces, [Utterance(**u) for u in meta["utterances"]],
                    meta["truth"], meta["ref"], meta["lines"])  # fmt: skip


def prepare(seed: int, bank: str, cache: Path | None, settings: SpeechSettings | None = None,
            engine: str = ENGINE) -> Prepared:  # fmt: skip
    """Dialogue `seed` of `bank` spoken by `engine`'s voices, ready for the recogniser, from `cache` when
    it was made before."""
    if bank != "dev":
        raise ValueError("tuning reads the dev bank only: the other banks are only scored")
    s = settings or SpeechSettings()
    if cache is None:
        return _build(seed, bank, s, engine)
    path = Path(cache) / f"{bank}-{engine}-{seed}"
    if path.with_suffix(".json").is_file():
        return _load(path)
    p = _build(seed, bank, s, engine)
    Path(cache).mkdir(parents=True, exist_ok=True)
    _save(p, path)
    return p


def said_at(p: Prepared, person: int, start: float, end: float) -> list[dict]:
    """The labelled lines overlapping [start, end) of `person` (any person with one room microphone)."""
    return [ln for ln in p.lines if ln["start"] < end and start < ln["end"]
            and (person == UNATTRIBUTED or ln["person"] == person)]  # fmt: skip


def phrase_said(phrase: str, text: str) -> bool:
    """True when `phrase` occurs in a row in `text`'s words."""
    w, n = words_of(text), len(phrase.split())
    return any(" ".join(w[i : i + n]) == phrase for i in range(len(w) - n + 1))


@dataclass(frozen=True)
class SweepHit:
    phrase: str
    level: float
    seed: int
    person: int
    start: float
    end: float
    right: bool  # a line overlapping the hit says the phrase


def choose_thresholds(hits: Iterable[SweepHit], phrases: PhraseList, max_false: float = 0.15,
                      ) -> dict[str, float | None]:  # fmt: skip
    """Each phrase's threshold (None: transcript only), by the rule in the module docstring."""
    per: dict[str, dict[float, list[bool]]] = {}
    for h in hits:
        per.setdefault(h.phrase, {}).setdefault(h.level, []).append(h.right)
    out: dict[str, float | None] = {}
    unseen = []
    for p in phrases.phrases:
        levels = per.get(p.text, {})
        if not any(any(v) for v in levels.values()):
            unseen.append(p)
            continue
        best: float | None = None
        for level in LEVELS:  # strict -> lax: stop at the first level that errs too often
            got = levels.get(level, [])
            if got and got.count(False) > max_false * len(got):
                break
            if any(got):
                best = level
        out[p.text] = best
    for p in unseen:  # no right hit in tuning: each of its hits is a false alarm
        if not p.spot:
            out[p.text] = None
            continue
        silent: float | None = None  # the laxest level silent there and at every stricter level
        for level in LEVELS:
            if per.get(p.text, {}).get(level):
                break
            silent = level
        out[p.text] = None if silent is None else max(silent, p.threshold)  # never laxer than its own
    return out


def align(ref: Sequence[str], hyp: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """A minimum-edit alignment of two word lists: (ref index or None, hyp index or None) pairs."""
    n, m = len(ref), len(hyp)
    d = np.zeros((n + 1, m + 1), int)
    d[:, 0], d[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]))
    out: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and d[i, j] == d[i - 1, j - 1] + (ref[i - 1] != hyp[j - 1]):
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and d[i, j] == d[i - 1, j] + 1:
            out.append((i - 1, None))
            i -= 1
        else:
            out.append((None, j - 1))
            j -= 1
    return out[::-1]


def heard_for(phrase: str, said: str, heard: Sequence[Word]) -> str | None:
    """What the transcript `heard` (one line's words) holds where `said` says `phrase`; None when the
    phrase is not in `said` or nothing was heard there."""
    ref, hyp = words_of(said), [w.word for w in heard]
    n = len(phrase.split())
    starts = [i for i in range(len(ref) - n + 1) if " ".join(ref[i : i + n]) == phrase]
    if not starts:
        return None
    a, b = starts[0], starts[0] + n
    pairs = [(i, j) for i, j in align(ref, hyp) if i is not None and j is not None]
    # everything heard between the words said before the phrase and those said after it
    first = max((j for i, j in pairs if i < a), default=-1) + 1
    last = min((j for i, j in pairs if i >= b), default=len(hyp))
    text = " ".join(hyp[first:last])
    return text or None


def heard_variants(found: Iterable[tuple[str, str | None]], never: Counter[str], min_count: int = 2,
                   ) -> dict[str, list[str]]:  # fmt: skip
    """Per phrase, the transcripts heard for it at least `min_count` times, other than the phrase itself,
    that `never` (a count of word sequences heard where no phrase of the cue was said) holds no time."""
    counts: dict[str, Counter[str]] = {}
    for phrase, text in found:
        if text and text != phrase:
            counts.setdefault(phrase, Counter())[text] += 1
    return {
        p: sorted(t for t, k in c.items() if k >= min_count and never[t] == 0 and len(t.split()) <= 4)
        for p, c in counts.items()
        if any(k >= min_count and never[t] == 0 for t, k in c.items())
    }


def ngrams(words: Sequence[str], most: int = 4) -> Counter[str]:
    """Every run of 1..`most` words in `words`, counted."""
    out: Counter[str] = Counter()
    for n in range(1, most + 1):
        for i in range(len(words) - n + 1):
            out[" ".join(words[i : i + n])] += 1
    return out


def jsonable(x: Any) -> Any:
    return json.loads(json.dumps(x, default=str))
