"""Short espeak-ng and Flite clips made once per test session, and one recogniser loaded once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from cuedetect.speech.phrases import load_phrases
from cuedetect.speech.recognisers import PocketsphinxOptions, PocketsphinxRecogniser
from cuedetect.studio.speech import RATE, SayLine, mix, speak
from cuedetect.studio.verbal_eval import write_wav

# (person, start s, text, cues): a trainee (A) and a client (B), one lapel microphone each.
LINES = (
    ("A", 0.5, "Calm down, you need to stop shouting.", ("command",)),
    ("B", 3.6, "You people are completely useless!", ("insult",)),
    ("A", 6.6, "I hear you, that sounds really hard.", ("validating",)),
    ("B", 9.6, "I want my money back right now!", ("demand",)),
)
VOICES = {"A": ("en-us+m2", 45), "B": ("en-us+f4", 60)}  # espeak-ng: formant voices
FLITE_VOICES = {"A": ("flite:awb", 130), "B": ("flite:slt", 170)}  # Flite: voices from recorded people


def _spoken(lines: tuple, language: str | None = None, voices: dict | None = None) -> list:
    say = [SayLine(p, t, text, 0.0, None, 150, language, cues) for p, t, text, cues in lines]
    return speak(say, voices or VOICES)


def _dialogue(folder: Path, voices: dict, noise_db: float) -> tuple[Path, list]:
    spoken = _spoken(LINES, voices=voices)
    audio = mix(spoken, ["A", "B"], 13.0, "per_person", crosstalk_db=-20.0, noise_db=noise_db, seed=1)
    return write_wav(folder / "dialogue.wav", audio, RATE), spoken


@pytest.fixture(scope="session")
def dialogue_wav(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """Two channels (trainee, client), 13 s, espeak-ng voices, and the spoken lines (their real times)."""
    return _dialogue(tmp_path_factory.mktemp("speech"), VOICES, -62.0)


@pytest.fixture(scope="session")
def flite_dialogue_wav(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    """The same lines at the same times in two Flite voices (awb the trainee, slt the client), on quiet
    lapel microphones: white noise 52 dB under the lines' peaks (pocketsphinx loses Flite's words fast in
    white noise: 0.08 word errors per word on these lines with noise 60 dB under, 0.42 at 42 dB under)."""
    return _dialogue(tmp_path_factory.mktemp("speech-flite"), FLITE_VOICES, -72.0)


@pytest.fixture(scope="session")
def foreign_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same kind of exchange in French and Polish, one room microphone. (German, Dutch and Spanish
    espeak-ng speech sits near the language check's threshold: 0.69-0.76 edits per phone.)"""
    lines = (
        ("A", 0.5, "Je comprends que c'est très difficile pour vous, madame.", "fr"),
        ("B", 4.5, "J'attends ici depuis trois heures et personne ne m'a rien dit.", "fr"),
        ("A", 8.5, "Rozumiem, że to jest dla pana bardzo trudne.", "pl"),
        ("B", 12.0, "Chcę rozmawiać z kierownikiem natychmiast.", "pl"),
    )
    say = [SayLine(p, t, text, 0.0, None, 150, lang) for p, t, text, lang in lines]
    audio = mix(speak(say, VOICES), ["A", "B"], 16.0, "mix", noise_db=-62.0, seed=2)
    return write_wav(tmp_path_factory.mktemp("speech") / "foreign.wav", audio, RATE)


@pytest.fixture(scope="session")
def recogniser() -> Iterator[PocketsphinxRecogniser]:
    with PocketsphinxRecogniser.create_from_options(PocketsphinxOptions(load_phrases().keyphrases())) as r:
        yield r


def music(seconds: float, rate: int = RATE) -> np.ndarray:
    """Piano-like chords (harmonics with decays), no words."""
    t = np.arange(round(seconds * rate)) / rate
    out = np.zeros_like(t)
    for k, root in enumerate([220.0, 246.9, 196.0, 261.6] * int(seconds // 2 + 1)):
        a = round(k * 0.5 * rate)
        if a >= len(t):
            break
        tt = t[: len(t) - a]
        for f in (root, root * 1.26, root * 1.5):
            for h in (1, 2, 3):
                out[a:] += np.sin(2 * np.pi * f * h * tt) * np.exp(-3 * tt) / h
    return (0.2 * out / np.abs(out).max()).astype(np.float32)
