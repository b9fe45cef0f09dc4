"""Score the speech stage on scripted studio dialogues: verbal cue event precision/recall and the WER.

Each dialogue is spoken (espeak-ng), written as a WAV file and run through the analysis's own voice and
speech stages, exactly as `cuedetect analyze` runs them. A found event matches a labelled line of the
same cue when it overlaps the line in time and names the same speaker (with one room microphone the
speaker is unknown, so time alone). `interruption` needs one microphone per person: it is scored on
those dialogues only.
"""

from __future__ import annotations

import re
import tempfile
import time
import wave
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cuedetect.cue_ids import UNATTRIBUTED, VERBAL_CUES
from cuedetect.cues.evaluate import Counts
from cuedetect.speech.cues import verbal_events
from cuedetect.speech.phrases import load_phrases
from cuedetect.speech.recognisers import edit_distance
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stage import speech_stage
from cuedetect.studio.dialogue import PERSON_IDS, Dialogue
from cuedetect.studio.speech import RATE
from cuedetect.voice.stage import voice_stage

ROLES = {0: "trainee", 1: "client"}


@dataclass
class VerbalScore:
    counts: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in sorted(VERBAL_CUES)})
    word_errors: int = 0
    ref_words: int = 0
    speech_s: float = 0.0
    cpu_s: float = 0.0
    clips: int = 0

    @property
    def wer(self) -> float:
        return self.word_errors / self.ref_words if self.ref_words else float("nan")

    def total(self, cues: Iterable[str] | None = None) -> Counts:
        out = Counts()
        for c in cues or self.counts:
            out.add(self.counts[c])
        return out


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


def match_overlap(found: Sequence[dict], truth: Sequence[dict], cue: str) -> Counts:
    """One-to-one matching of one cue's events: same person, overlapping in time, largest overlap first."""
    p = [e for e in found if e["cue"] == cue]
    g = [e for e in truth if e["cue"] == cue]
    cand = sorted(((min(a["end"], b["end"]) - max(a["start"], b["start"]), i, j)
                   for i, a in enumerate(p) for j, b in enumerate(g)
                   if a["person"] == b["person"] and a["start"] < b["end"] and b["start"] < a["end"]),
                  reverse=True)  # fmt: skip
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in cand:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return Counts(len(used_p), len(p) - len(used_p), len(g) - len(used_g))


def write_wav(path: Path, audio: np.ndarray, rate: int = RATE) -> Path:
    x = (np.clip(np.atleast_2d(audio), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(x.shape[0])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.ascontiguousarray(x.T).tobytes())
    return path


def score_dialogue(d: Dialogue, score: VerbalScore, settings: SpeechSettings | None = None,
                   folder: Path | None = None) -> list[dict]:  # fmt: skip
    """Run the voice and speech stages on dialogue `d` and add its counts to `score`; the events found."""
    s = settings or SpeechSettings()
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        wav = write_wav(Path(tmp) / f"dialogue-{d.seed}.wav", d.audio)
        mapping = {c: PERSON_IDS[p] for c, p in d.channel_persons.items()}
        voice, _ = voice_stage(wav, None, mapping)
        c0 = time.process_time()
        result, _ = speech_stage(wav, voice, ROLES if mapping else {}, s)
        score.cpu_s += time.process_time() - c0
    assert result is not None and voice is not None
    score.speech_s += result.speech_s
    found = [e.to_dict() for e in verbal_events(result, voice.utterances, load_phrases(s.phrases_path), s)]
    truth = [{**e, "person": PERSON_IDS[e["person"]]} for e in d.truth["verbal_events"]]
    if not mapping:  # one room microphone: the speaker is unknown, so match on time alone
        truth = [{**e, "person": UNATTRIBUTED} for e in truth if e["cue"] != "interruption"]
    for cue in score.counts:
        if cue == "interruption" and not mapping:
            continue
        score.counts[cue].add(match_overlap(found, truth, cue))
    ref = [w for seg in sorted(d.truth["speech"], key=lambda x: x["start"]) for w in words_of(seg["text"])]
    hyp = list(result.words.sort_values("start_s")["word"])
    score.word_errors += edit_distance(ref, hyp)
    score.ref_words += len(ref)
    score.clips += 1
    return found


def report(score: VerbalScore) -> str:
    lines = [f"{'cue':<16} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"]
    for cue, c in score.counts.items():
        lines.append(f"{cue:<16} {c.tp:>4} {c.fp:>4} {c.fn:>4} {c.precision:>9.2f} {c.recall:>7.2f}")
    t = score.total()
    lines.append(f"{'all verbal cues':<16} {t.tp:>4} {t.fp:>4} {t.fn:>4} {t.precision:>9.2f} "
                 f"{t.recall:>7.2f}")  # fmt: skip
    lines.append(f"word error rate of the recogniser: {score.wer:.3f} ({score.ref_words} words, "
                 f"{score.clips} dialogues); speech stage {score.cpu_s / max(score.speech_s, 1e-9):.3f}x "
                 f"real time of speech (CPU)")  # fmt: skip
    return "\n".join(lines)
