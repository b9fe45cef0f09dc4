"""The studio's speech synthesisers: espeak-ng (formant synthesis) and Flite (voices from recorded people).

A voice is named by a string. An espeak-ng voice is espeak-ng's own name ("en+m3", "en-us+f4"); a Flite
voice is "flite:" and Flite's name ("flite:slt"). `synthesise(text, voice, pitch, rate_wpm)` speaks with
whichever engine the name belongs to and returns float32 samples at `RATE`, leading and trailing silence
trimmed (a line starts at its `at`): everything before the first and after the last sample within
`TRIM_DB` of the line's peak goes. Flite pads its lines with 0.15-0.26 s (slt, awb) of hiss 46-55 dB under
the peak, inaudible under any room's noise once the line is placed at -20 dBFS; trimmed only at 1e-3 of
full scale, that hiss made the studio's line starts and ends (its truth, and where a scripted cut-in
lands) about 0.2 s earlier at the start and 0.05-0.16 s later at the end than anything one can hear.
Lines are cached (`synthesise` returns read-only arrays), so a script can time its lines before they are
placed (`line_seconds`) at no second synthesis.

Why two engines: pocketsphinx, trained on people, hears espeak-ng's formant voices badly (word error rate
0.78 and 0.85 in en-us+m2 and en+f3 on the dev bank's 33 sentences, one clean line at a time) and Flite's
CMU ARCTIC voices, resynthesised from recordings of people, about as a recogniser hears clear human speech
(0.05-0.11 in each of the four; `bench/eval_verbal.py --engine` measures both on whole dialogues).
espeak-ng stays as the robotic-voice stress case.

Each engine's `pitch` is its own: espeak-ng's 0-99; Flite's target mean F0 in Hz (`int_f0_target_mean`),
except `rms`, whose pitch Flite 2.2 keeps whatever is asked; a Flite pitch outside 70-400 Hz is refused,
so a scenario written for espeak-ng (`pitch: 60`) switched to Flite says so instead of growling.
`rate_wpm` means the same for both: Flite's `duration_stretch` is set so that a Flite voice speaks as fast
as espeak-ng asked for that many words per minute (measured on the dev bank's 33 sentences: espeak-ng at
150 words/min says 191 words per minute of trimmed speech; Flite at its own pace 181-183, kal16 229).
Flite (CMU, BSD-style licence) is Debian main's `flite` package, run as a program like espeak-ng; neither
is a dependency of the analysis.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from cuedetect.errors import InputError

RATE = 22050  # espeak-ng's own rate; Flite's 16 kHz voices are resampled to it
FLITE = "flite:"
ENGINES = ("espeak-ng", "flite")
# Per Flite voice: the espeak-ng words/min its own pace matches, and its own mean F0 (Hz) as measured here.
FLITE_VOICES: dict[str, tuple[float, float]] = {
    "slt": (144.0, 167.0),  # US English, female (CMU ARCTIC slt)
    "rms": (142.0, 102.0),  # US English, male
    "awb": (144.0, 131.0),  # Scottish English, male
    "kal16": (180.0, 97.0),  # US English, male (diphone)
}
FLITE_F0_HZ = (70, 400)  # a Flite pitch outside this is refused: most likely espeak-ng's 0-99 by mistake
# The default voices of a body per engine: (female, male), each (voice, base pitch in the engine's scale).
DEFAULT_VOICES: dict[str, tuple[tuple[str, int], tuple[str, int]]] = {
    "espeak-ng": (("en+f3", 55), ("en+m3", 40)),
    "flite": (("flite:slt", 170), ("flite:awb", 130)),
}
# How far one step of espeak-ng's 0-99 pitch moves in an engine's own scale (Flite: Hz of mean F0).
PITCH_STEP = {"espeak-ng": 1.0, "flite": 2.5}


def engine_of(voice: str | None) -> str:
    """The engine a voice name belongs to: "flite" for "flite:NAME", else "espeak-ng"."""
    return "flite" if (voice or "").startswith(FLITE) else "espeak-ng"


def default_voice(sex: float, engine: str = "espeak-ng") -> tuple[str, int]:
    """A voice and base pitch for a body (`sex` 0 female .. 1 male) from `engine`."""
    if engine not in DEFAULT_VOICES:
        raise InputError(f"the studio speaks with {' or '.join(ENGINES)}, not {engine!r}")
    return DEFAULT_VOICES[engine][1 if sex >= 0.5 else 0]


TRIM_DB = 40.0  # a line is trimmed to its samples within this many dB of its peak


def _trim(x: np.ndarray) -> np.ndarray:
    peak = float(np.abs(x).max()) if len(x) else 0.0
    nz = np.flatnonzero(np.abs(x) > max(peak * 10 ** (-TRIM_DB / 20), 1e-4))
    return x[nz[0] : nz[-1] + 1] if len(nz) else x


def _read_wav(data: bytes | Path) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data) if isinstance(data, bytes) else str(data)) as w:
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
        return x, w.getframerate()


def espeak(text: str, voice: str = "en", pitch: int = 50, rate_wpm: int = 150) -> np.ndarray:
    """espeak-ng's speech of `text` as float32 at 22050 Hz (needs Debian's espeak-ng)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise InputError("the studio speaks with espeak-ng: install it (python3 dev.py studio-setup)")
    cmd = [exe, "--stdout", "-v", voice, "-p", str(int(pitch)), "-s", str(int(rate_wpm)), text]
    x, _ = _read_wav(subprocess.run(cmd, capture_output=True, check=True).stdout)
    return _trim(x)


def flite(text: str, voice: str = "slt", pitch_hz: float | None = None, rate_wpm: int = 150) -> np.ndarray:
    """Flite's speech of `text` in `voice` (slt, rms, awb, kal16) as float32 at 22050 Hz (needs Debian's
    flite). `pitch_hz` is the line's mean F0 (None: the voice's own)."""
    exe = shutil.which("flite")
    if exe is None:
        raise InputError("the studio's human-like voices are Flite's: install it (dev.py studio-setup)")
    if voice not in FLITE_VOICES:
        raise InputError(f"no Flite voice {voice!r}: the studio knows {', '.join(FLITE_VOICES)}")
    if pitch_hz is not None and not FLITE_F0_HZ[0] <= pitch_hz <= FLITE_F0_HZ[1]:
        raise InputError(f"a Flite voice's pitch is its mean F0 in Hz ({FLITE_F0_HZ[0]}-{FLITE_F0_HZ[1]}), "
                         f"not espeak-ng's 0-99: got {pitch_hz}")  # fmt: skip
    from scipy.signal import resample_poly

    own_wpm, _ = FLITE_VOICES[voice]
    cmd = [exe, "-voice", voice, "--setf", f"duration_stretch={own_wpm / max(rate_wpm, 1):.4f}"]
    if pitch_hz is not None:
        cmd += ["--setf", f"int_f0_target_mean={float(pitch_hz):.1f}"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "line.wav"
        subprocess.run([*cmd, "-t", text, "-o", str(out)], capture_output=True, check=True)
        x, rate = _read_wav(out)
    if rate != RATE:
        x = resample_poly(x, RATE, rate).astype(np.float32)
    return _trim(x)


@functools.lru_cache(maxsize=64)
def synthesise(text: str, voice: str, pitch: int | None, rate_wpm: int) -> np.ndarray:
    """`text` spoken by `voice` (espeak-ng's name or "flite:NAME") at `pitch` (the engine's own scale;
    None: the voice's own) and `rate_wpm`, float32 at `RATE`, read-only (cached: copy to change it)."""
    if engine_of(voice) == "flite":
        x = flite(text, voice[len(FLITE) :], pitch, rate_wpm)
    else:
        x = espeak(text, voice, 50 if pitch is None else pitch, rate_wpm)
    x.setflags(write=False)
    return x


def line_seconds(text: str, voice: str, pitch: int | None, rate_wpm: int) -> float:
    """How long `text` lasts as spoken (trimmed) by `voice`: what a script lays its timeline out by."""
    return len(synthesise(text, voice, pitch, rate_wpm)) / RATE
