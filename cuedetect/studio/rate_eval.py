"""How well the voice stage counts syllables, by speaking rate: espeak-ng sentences of known syllable count.

The syllable-nucleus settings (`VoiceSettings.nucleus_*`) were chosen on `TUNING_SENTENCES` only (6 voices x
130-280 words/min). `python -m cuedetect.studio.rate_eval` scores the dialogue lines of
`cuedetect.studio.dialogue` instead, which the choice never saw (`--tuning` scores the tuning sentences).
True syllables are the vowel groups of espeak-ng's own IPA transcription (`speech.true_syllables`).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable

import numpy as np

from cuedetect.studio.dialogue import ANGRY_LINES, CLIENT_LINES, FAST_LINES, TRAINEE_LINES
from cuedetect.studio.speech import RATE, true_syllables
from cuedetect.studio.voices import espeak
from cuedetect.voice.analysis import analyze_voice
from cuedetect.voice.decode import track_from_array
from cuedetect.voice.settings import VoiceSettings

TUNING_SENTENCES = (
    "The bus was late again this morning, so I walked the whole way in the rain.",
    "Could you tell me where the office for housing support is, please?",
    "My daughter starts at a new school next month and we still have no uniform.",
    "I filled in every form they gave me and I sent them back on time.",
    "We can look at the options together and you decide what suits you best.",
    "Nobody called me back after I left three messages on the answering machine.",
    "If the payment does not arrive by Friday, I cannot pay the rent.",
    "It sounds like the last few weeks have been really difficult for you.",
)
VOICES = (("en+m3", 40), ("en+f3", 55), ("en-us+m2", 45), ("en-us+f4", 60), ("en+m1", 35), ("en+f2", 60))
RATES_WPM = (130, 150, 200, 250, 280)
# the counter before the nucleus settings were tuned: whole-band 40 ms intensity, strict voicing
PREVIOUS = VoiceSettings(nucleus_band_hz=None, nucleus_window_s=0.04, nucleus_aperiodicity=0.3)


@functools.cache
def _spoken(text: str, voice: str, pitch: int, wpm: int) -> np.ndarray:
    return espeak(text, voice, pitch, wpm)


def count_ratios(sentences: Iterable[str], settings: VoiceSettings | None = None,
                 rates: Iterable[int] = RATES_WPM) -> dict[int, np.ndarray]:  # fmt: skip
    """Words/min -> (counted / true syllables) per sentence and voice, each spoken alone in light noise."""
    out: dict[int, list[float]] = {}
    noise = np.random.default_rng(1)
    for text in sentences:
        for voice, pitch in VOICES:
            for wpm in rates:
                x = _spoken(text, voice, pitch, wpm)
                x = x / max(float(np.abs(x).max()), 1e-6) * 0.1
                pad = np.zeros(RATE // 2, np.float32)
                y = np.concatenate([pad, x, pad])
                y = y + noise.normal(0, 1e-3, len(y)).astype(np.float32)
                res = analyze_voice(track_from_array(y[None], RATE), settings)
                counted = sum(u.syllables for u in res.utterances)
                out.setdefault(wpm, []).append(counted / true_syllables(text))
    return {w: np.asarray(v) for w, v in out.items()}


def report(ratios: dict[int, np.ndarray], previous: dict[int, np.ndarray]) -> str:
    lines = ["words/min  counted/true syllables, mean (sd): now | previous counter"]
    for wpm, r in sorted(ratios.items()):
        p = previous[wpm]
        now, before = f"{r.mean():.3f} ({r.std():.3f})", f"{p.mean():.3f} ({p.std():.3f})"
        lines.append(f"  {wpm:4d}      {now} | {before}  n={len(r)}")
    return "\n".join(lines)


if __name__ == "__main__":
    held_out = TRAINEE_LINES + CLIENT_LINES + ANGRY_LINES + FAST_LINES
    texts = TUNING_SENTENCES if "--tuning" in sys.argv else held_out
    print(report(count_ratios(texts), count_ratios(texts, PREVIOUS)))
