"""Scripted role-play dialogues for the voice evaluation: audio and ground truth, no pixels needed.

`dialogue(seed)` draws a trainee/client exchange: calm throughout (a third of the seeds), or a client who
raises their voice and talks fast while the trainee answers calmly (or, sometimes, shouts back). Voices,
base rates, levels, room noise, crosstalk and one-microphone versus lapel-per-person all vary by seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cuedetect.studio.speech import SayLine, Spoken, mix, speak, speech_ground_truth

TRAINEE_LINES = (
    "Hello, my name is Sam, I am here to help you today.",
    "I can hear that you are frustrated, and that makes sense.",
    "Let us take a moment and go through it together, step by step.",
    "Would you like to sit down while we talk about what happened?",
    "I understand. Nobody likes to wait that long for an answer.",
    "Thank you for telling me. What would help you most right now?",
    "I am listening. Take your time, there is no rush at all.",
    "Okay. Let me see what I can do about the appointment for you.",
)
CLIENT_LINES = (
    "I have been waiting here for three hours and nobody told me anything.",
    "I came in this morning because my letter said I had an appointment.",
    "My benefits were stopped last week and I do not know why.",
    "I just want someone to explain what is going on with my case.",
    "Fine. I suppose I can wait a little longer if you really help me.",
    "Alright, thank you. That is all I wanted from the start.",
)
ANGRY_LINES = (
    "This is ridiculous! Why does nobody in this place ever listen to me?",
    "Do not tell me to calm down! I have had enough of this!",
    "You people are all the same, you never do anything!",
    "I want to speak to your manager right now!",
)
FAST_LINES = (
    "You keep sending me letters and forms and then nobody answers the phone and I have to come all the way "
    "down here again and again.",
    "Every single week it is the same story, another form, another queue, another person who knows nothing "
    "about my case at all.",
)
# The scripted speakers A and B are analysed as persons 0 and 1 (the trainee and the client).
PERSON_IDS = {"A": 0, "B": 1}

VOICES = (("en+m3", 40), ("en+m1", 35), ("en+f3", 55), ("en+f2", 60), ("en-us+m2", 45), ("en-us+f4", 60))


@dataclass(frozen=True)
class Dialogue:
    seed: int
    calm: bool
    channels: str  # "mix" or "per_person"
    roles: dict[str, str]
    spoken: list[Spoken]
    audio: np.ndarray  # (channels, n) at speech.RATE
    truth: dict

    @property
    def channel_persons(self) -> dict[int, str]:
        return {0: "A", 1: "B"} if self.channels == "per_person" else {}


def script(seed: int) -> tuple[list[SayLine], bool, str, dict[str, tuple[str, int]], float]:
    """The lines of dialogue `seed`, whether it stays calm, its microphone layout and voices."""
    rng = np.random.default_rng(seed)
    calm = seed % 3 == 0
    channels = "per_person" if rng.random() < 0.5 else "mix"
    va, vb = rng.choice(len(VOICES), 2, replace=False)
    voices = {"A": VOICES[va], "B": VOICES[vb]}
    base = {"A": int(rng.integers(125, 150)), "B": int(rng.integers(130, 155))}
    t = float(rng.uniform(0.5, 1.5))
    lines: list[SayLine] = []
    n_turns = int(rng.integers(8, 12))
    hot_turns = (
        set() if calm else set(rng.choice(np.arange(2, n_turns - 1), int(rng.integers(1, 3)), replace=False))
    )
    fast_turn = (
        None if calm else int(rng.choice([i for i in range(3, n_turns) if i not in hot_turns] or [n_turns]))
    )
    shout_back = not calm and rng.random() < 0.25
    for k in range(n_turns):
        who = "B" if k % 2 else "A"
        jitter_db = float(rng.uniform(-1.5, 1.5))
        wpm = int(base[who] * rng.uniform(0.93, 1.07))
        pitch = voices[who][1] + int(rng.integers(-4, 5))
        if who == "B" and k in hot_turns:
            text, level, pitch, wpm = str(rng.choice(ANGRY_LINES)), float(rng.uniform(9, 14)), pitch + 20, wpm
        elif who == "B" and k == fast_turn:
            text, level, wpm = str(rng.choice(FAST_LINES)), jitter_db, int(base[who] * rng.uniform(1.6, 1.8))
        elif who == "A" and shout_back and k - 1 in hot_turns:
            text, level, pitch = str(rng.choice(ANGRY_LINES)), float(rng.uniform(9, 12)), pitch + 15
        else:
            text, level = str(rng.choice(TRAINEE_LINES if who == "A" else CLIENT_LINES)), jitter_db
        lines.append(SayLine(who, round(t, 2), text, round(level, 1), pitch, wpm))
        words = len(text.split())
        t += words / wpm * 60 * 1.05 + float(rng.uniform(0.4, 1.6))
    return lines, calm, channels, voices, t + 1.0


def dialogue(seed: int) -> Dialogue:
    """Synthesise dialogue `seed`: audio at speech.RATE plus gt (`speech`, `voice_events`)."""
    lines, calm, channels, voices, duration = script(seed)
    return voice_dialogue(seed, lines, voices, channels, duration, calm=calm, crosstalk_db=(-20, -12))


def voice_dialogue(
    seed: int,
    lines: list[SayLine],
    voices: dict[str, tuple[str, int]],
    channels: str,
    duration: float,
    *,
    calm: bool,
    crosstalk_db: tuple[float, float],
    quieter_db: float = 0.0,
) -> Dialogue:
    """Speak `lines` (A the trainee, B the client) at seeded levels and mix them into `channels` with
    seeded crosstalk (dB range `crosstalk_db`) and room noise (-66..-55 dBFS, `quieter_db` lower)."""
    gains = np.random.default_rng(seed + 2)
    spoken = speak(lines, voices, {"A": float(gains.uniform(-3, 0)), "B": float(gains.uniform(-3, 3))})
    duration = max(duration, max(s.end for s in spoken) + 1.0)
    rng = np.random.default_rng(seed + 1)
    crosstalk, noise_db = float(rng.uniform(*crosstalk_db)), float(rng.uniform(-66, -55)) - quieter_db
    audio = mix(spoken, ["A", "B"], duration, channels, crosstalk, noise_db, seed)
    roles = {"A": "trainee", "B": "client"}
    return Dialogue(seed, calm, channels, roles, spoken, audio, speech_ground_truth(spoken, roles))
