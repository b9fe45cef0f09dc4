"""The speech stage: the voice stage's speech stretches -> timed words per speaker + spotted phrases.

`transcribe` is the pure part (a recogniser, the stretches' samples in, a `SpeechResult` out);
`speech_stage` is what the analysis runs: it streams the recording's audio, transcribes each stretch,
and returns the result with analysis.json's `speech` section. Writes nothing: the words table is
words.parquet when `SpeechSettings.store_transcript` is on (see `outputs.write_outputs`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.speech.phrases import PhraseList, load_phrases, match_in_words
from cuedetect.speech.recognisers import Hit, Recogniser, create_recogniser
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stretches import RATE, Stretch, plan_stretches, stream_stretches

WORD_COLUMNS = ("start_s", "end_s", "word", "confidence", "person_id", "role", "channel", "stretch")
NO_SPEECH_NOTE = "no speech found: no transcript, no verbal cues"
FOREIGN_NOTE = ("the speech does not sound like English ({mismatch:.2f} phone edits per phone): transcript "
                "kept, no verbal cues from phrases")  # fmt: skip


@dataclass(frozen=True)
class SpokenPhrase:
    """A phrase of the phrase list heard in one stretch."""

    cue: str
    phrase: str
    person: int
    role: str
    start: float
    end: float
    confidence: float
    heard: str  # the stretch's words as recognised (the event's evidence)
    by_search: bool  # found by the keyword search (else only in the transcript)


@dataclass
class SpeechResult:
    """What the speech stage found: the words table (words.parquet's layout), phrases, notes."""

    words: pd.DataFrame = field(repr=False)
    phrases: list[SpokenPhrase]
    stretches: int
    speech_s: float
    foreign: bool
    notes: list[str]
    max_held_s: float = 0.0
    phone_mismatch: float = float("nan")  # the language check: phone edits per phone (NaN: not checked)
    checked_confidence: float = float("nan")  # the language check: mean word confidence it listened to

    @property
    def transcript(self) -> str:
        return " ".join(self.words["word"]) if len(self.words) else ""


def _pad(x: np.ndarray, pad_s: float) -> np.ndarray:
    z = np.zeros(round(pad_s * RATE), np.float32)
    return np.concatenate([z, x.astype(np.float32, copy=False), z])


def _merge_hits(kws: list[Hit], text: list[Hit]) -> list[tuple[Hit, bool]]:
    """Keyword-search hits and transcript matches as one list; a phrase found by both (overlapping) once,
    with the higher confidence."""
    out: list[tuple[Hit, bool]] = [(h, True) for h in kws]
    for h in text:
        twin = [i for i, (k, _) in enumerate(out)
                if k.phrase == h.phrase and k.start < h.end and h.start < k.end]  # fmt: skip
        if twin:
            k, _ = out[twin[0]]
            out[twin[0]] = (k if k.confidence >= h.confidence else h, True)
        else:
            out.append((h, False))
    return out


def transcribe(pieces: Iterable[tuple[Stretch, np.ndarray, float]], recogniser: Recogniser,
               phrases: PhraseList, roles: Mapping[int, str], settings: SpeechSettings,
               step: Callable[[int], None] | None = None) -> SpeechResult:  # fmt: skip
    """Transcribe and spot phrases in each (stretch, samples, time of samples[0]).

    Words outside their stretch (the margin's edges) are dropped, so a word is never counted twice.
    """
    by_text = phrases.by_text()
    rows: list[tuple] = []
    found: list[SpokenPhrase] = []
    n = 0
    speech_s = checked_s = 0.0
    edits = phones = 0
    check: list[tuple[np.ndarray, list]] = []  # the first stretches, for the language check
    for n, (s, x, t0) in enumerate(pieces, start=1):
        speech_s += s.end - s.start
        y = _pad(x, settings.pad_s)
        offset = t0 - settings.pad_s
        words = [w for w in recogniser.transcribe(y, offset) if s.start <= (w.start + w.end) / 2 <= s.end]
        role = roles.get(s.person, "unknown") if s.person != UNATTRIBUTED else "unknown"
        for w in words:
            rows.append((w.start, w.end, w.word, w.confidence, s.person, role, s.channel, n - 1))
        if checked_s < settings.language_check_s and words:
            check.append((y, words))
            checked_s += s.end - s.start
        kws = [h for h in recogniser.spot(y, offset) if s.start <= (h.start + h.end) / 2 <= s.end]
        heard = " ".join(w.word for w in words)
        for h, by_search in _merge_hits(kws, match_in_words(words, phrases)):
            p = by_text.get(h.phrase)
            if p is None:
                continue
            found.append(SpokenPhrase(p.cue, p.text, s.person, role, h.start, h.end, h.confidence, heard,
                                      by_search))  # fmt: skip
        if step is not None:
            step(n)
    words_df = pd.DataFrame(rows, columns=list(WORD_COLUMNS)).astype(
        {"start_s": float, "end_s": float, "word": str, "confidence": "float32", "person_id": "int16",
         "role": str, "channel": "int8", "stretch": "int32"})  # fmt: skip
    notes = []
    confs = [w.confidence for _, ws in check for w in ws]
    sure = float(np.mean(confs)) if confs else float("nan")
    if sure < settings.foreign_confidence:  # unsure of its words: does it sound like English at all?
        for y, ws in check:
            got = recogniser.phone_mismatch(y, ws)
            if got is not None:
                edits, phones = edits + got[0], phones + got[1]
    mismatch = edits / phones if phones >= 30 else float("nan")  # too little speech to tell: English
    foreign = bool(mismatch > settings.foreign_mismatch)
    if n == 0 or not len(words_df):
        notes.append(NO_SPEECH_NOTE)
    elif foreign:
        notes.append(FOREIGN_NOTE.format(mismatch=mismatch))
        found = []
    return SpeechResult(words_df, sorted(found, key=lambda p: (p.start, p.cue)), n, speech_s, foreign, notes,
                        phone_mismatch=mismatch, checked_confidence=sure)  # fmt: skip


def speech_stage(video: Path, voice: Any, roles: Mapping[int, str], settings: SpeechSettings | None = None,
                 step: Callable[[int, int], None] | None = None,
                 ) -> tuple[SpeechResult | None, dict[str, Any]]:  # fmt: skip
    """Transcribe the speech the voice stage found in `video` (its `VoiceResult`, or None without sound).

    Returns:
        (the result, or None when there is no sound; analysis.json's `speech` section).
    """
    s = settings or SpeechSettings()
    if voice is None:
        return None, {"present": False, "notes": ["no audio: no transcript, no verbal cues"]}
    t0, c0 = time.perf_counter(), time.process_time()
    phrases = load_phrases(s.phrases_path)
    stretches = plan_stretches(voice.utterances, voice.frames, s.max_segment_s)
    pieces, cutter = stream_stretches(video, stretches, voice.separate_channels, s.margin_s)
    keyphrases = phrases.keyphrases() if s.recogniser == "pocketsphinx" else ()
    load_s = load_cpu = 0.0
    with create_recogniser(s.recogniser, keyphrases, s.model_path) as recogniser:  # type: ignore[attr-defined]
        load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
        total = len(stretches)
        result = transcribe(pieces, recogniser, phrases, roles, s,
                            (lambda k: step(k, total)) if step else None)  # fmt: skip
    result.max_held_s = cutter.max_held_s
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    section = {
        "present": True,
        "recogniser": s.recogniser,
        "phrase_list": phrases.source,
        "phrases": len(phrases.phrases),
        "transcript_stored": s.store_transcript,
        "stretches": result.stretches,
        "speech_s": round(result.speech_s, 2),
        "words": len(result.words),
        "spotted": len(result.phrases),
        "foreign": result.foreign,
        "phone_mismatch": None if np.isnan(result.phone_mismatch) else round(result.phone_mismatch, 3),
        "checked_confidence": None if np.isnan(sure := result.checked_confidence) else round(sure, 3),
        "max_held_audio_s": round(result.max_held_s, 2),
        "notes": result.notes,
        "timings_s": {"load_s": load_s, "total_s": wall},
        "cpu_s": cpu,
        "load_cpu_s": load_cpu,  # of `cpu_s`: loading the recogniser (once per recording)
        "realtime_factor_of_speech": cpu / result.speech_s if result.speech_s else None,
    }
    return result, section
