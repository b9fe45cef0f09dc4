"""Scripted dialogues with labelled verbal cues, for tuning and scoring the speech stage (audio only).

`verbal_script(seed, bank)` draws a trainee/client exchange from a bank of labelled lines
(`verbal_lines.DEV` or `HELD_OUT`): voices, pace, levels, room noise, one room microphone or one lapel per
person vary by seed, and now and then a speaker cuts in 0.8-1.4 s before the other has finished (an
`interruption`), timed by the lines' real spoken lengths. `verbal_dialogue` speaks it and returns the
audio with its ground truth. Two voice engines (`ENGINE_VOICES`): "flite" (the default), a mix of
Flite's four voices made from recorded people, which pocketsphinx hears about as it hears clear human
speech; "espeak-ng", six formant voices it hears badly, kept as the robotic-voice stress case. One seed
draws the same lines, pace, levels and planned cut-ins for both engines; the voices differ, and so the
times (and a cut-in is left out where a line is too short for it).
Seeds and banks: `DEV_SEEDS` tuned the phrase thresholds; `HELD_OUT_SEEDS` on the held-out bank and
`REWORDED_SEEDS` on the reworded bank (the same intents in wording the phrase list mostly lacks) are only
scored.
"""

from __future__ import annotations

import numpy as np

from cuedetect.studio.dialogue import VOICES, Dialogue, voice_dialogue
from cuedetect.studio.speech import SayLine
from cuedetect.studio.verbal_lines import DEV, HELD_OUT, REWORDED, Bank
from cuedetect.studio.voices import PITCH_STEP, line_seconds

DEV_SEEDS = range(0, 12)
HELD_OUT_SEEDS = range(5000, 5008)
REWORDED_SEEDS = range(6000, 6008)
BANKS: dict[str, Bank] = {"dev": DEV, "held_out": HELD_OUT, "reworded": REWORDED}
BANK_SEEDS: dict[str, range] = {"dev": DEV_SEEDS, "held_out": HELD_OUT_SEEDS, "reworded": REWORDED_SEEDS}
# Each engine's voices, (voice, base pitch in the engine's own scale); a dialogue draws two of them.
FLITE_VOICES = (("flite:slt", 170), ("flite:rms", 100), ("flite:awb", 130), ("flite:kal16", 100))
ENGINE_VOICES: dict[str, tuple[tuple[str, int], ...]] = {"flite": FLITE_VOICES, "espeak-ng": VOICES}
ENGINE = "flite"
CUT_INS = (0.3, 0.8, 1.4)  # share of turns that try to cut in; the overlap's range (s) of sound


def verbal_script(seed: int, bank: Bank, n_turns: int | None = None, engine: str = ENGINE,
                  cut_ins: tuple[float, float, float] = CUT_INS,
                  ) -> tuple[list[SayLine], str, dict[str, tuple[str, int]], float]:  # fmt: skip
    """The lines of dialogue `seed` drawn from `bank`, its microphone layout, voices and duration.

    The timeline is laid out by each line's real length as `engine` speaks it (`line_seconds`), so a
    cut-in planned to start X s before the other line ends overlaps it by X s of sound. `cut_ins` is
    (share of turns that try to cut in, shortest and longest overlap in s); a turn cuts in only when both
    lines are long enough for the overlap and 0.6 s more of their own, and not before the speaker's own
    last line has ended (0.5 s or more). The draws do not depend on the
    lines' lengths, so one seed gives both engines the same lines, levels, pitches, pace and cut-ins; only
    the times differ, as the voices' lengths do.
    """
    share, lo, hi = cut_ins
    rng = np.random.default_rng(seed)
    channels = "per_person" if rng.random() < 0.5 else "mix"
    va, vb = rng.choice(len(VOICES), 2, replace=False)  # drawn for every engine: the same script for each
    cast = ENGINE_VOICES[engine]
    if cast is not VOICES:
        va, vb = np.random.default_rng([seed, 7]).choice(len(cast), 2, replace=False)
    voices = {"A": cast[va], "B": cast[vb]}
    step = PITCH_STEP[engine]
    base = {"A": int(rng.integers(130, 155)), "B": int(rng.integers(135, 160))}
    pools = {"A": list(bank["trainee"]), "B": list(bank["client"])}
    for pool in pools.values():
        rng.shuffle(pool)  # type: ignore[arg-type]
    overlaps = np.random.default_rng([seed, 11])  # apart from `rng`: its draws stay the lines' own
    t = float(rng.uniform(0.5, 1.2))
    prev_start = prev_end = 0.0
    own_end = {"A": 0.0, "B": 0.0}  # where each speaker's last line ended
    lines: list[SayLine] = []
    for k in range(n_turns or int(rng.integers(10, 14))):
        who = "B" if k % 2 else "A"
        text, cues = pools[who][(k // 2) % len(pools[who])]
        hot = who == "B" and any(c in ("insult", "threat", "demand") for c in cues) and rng.random() < 0.6
        level = float(rng.uniform(6, 10)) if hot else float(rng.uniform(-1.5, 1.5))
        pitch = voices[who][1] + round(step * (int(rng.integers(-4, 5)) + (12 if hot else 0)))
        wpm = int(base[who] * rng.uniform(0.93, 1.07))
        seconds = line_seconds(text, voices[who][0], pitch, wpm)
        start = t
        cut_in = rng.random() < share
        overlap = round(float(overlaps.uniform(lo, hi)), 2)
        fits = min(prev_end - prev_start, seconds) >= overlap + 0.6
        fits = fits and prev_end - overlap >= own_end[who] + 0.5
        if k and cut_in and fits:
            start = prev_end - overlap  # cut in `overlap` s before the other has finished
        lines.append(SayLine(who, round(start, 2), text, round(level, 1), pitch, wpm, None, tuple(cues)))
        prev_start, prev_end = round(start, 2), round(start, 2) + seconds
        own_end[who] = prev_end
        t = max(own_end.values()) + float(rng.uniform(0.5, 1.4))
    return lines, channels, voices, t + 1.0


def verbal_dialogue(seed: int, bank: str = "dev", n_turns: int | None = None, engine: str = ENGINE,
                    quieter_db: float = 0.0) -> Dialogue:  # fmt: skip
    """Synthesise dialogue `seed` from bank "dev", "held_out" or "reworded" with `engine`'s voices ("flite"
    or "espeak-ng"), in a room `quieter_db` quieter than the studio's (white noise -66..-55 dBFS under
    lines peaking near -20): audio at speech.RATE plus its truth (`speech`, `voice_events`,
    `verbal_events`)."""
    lines, channels, voices, duration = verbal_script(seed, BANKS[bank], n_turns, engine)
    return voice_dialogue(seed, lines, voices, channels, duration, calm=False, crosstalk_db=(-22, -14),
                          quieter_db=quieter_db)  # fmt: skip
