"""The studio speaks: `say` lines spoken by espeak-ng or Flite, mixed in numpy, muxed into the rendered video.

A scenario person's timeline may hold `say` actions:

    - {at: 9.5, say: "This is ridiculous!", level: 10, pitch: 70, rate: 190}
    - {at: 14.0, say: "Calm down!", cues: [command]}

`level` is dB relative to that person's normal speaking level (default 0), `voice` an espeak-ng voice
("en+m3") or a Flite voice ("flite:slt", "flite:rms", "flite:awb", "flite:kal16"; default by body and the
scenario's engine), `pitch` in that engine's scale (espeak-ng's 0-99, default per voice 40 or 55; Flite's
mean F0 in Hz, default per voice), `rate` words per minute (default 150; see `cuedetect.studio.voices`). A
top-level `audio: {channels: mix | per_person, crosstalk_db: -16, noise_db: -62, engine: espeak-ng | flite}`
chooses one room microphone or one lapel microphone per person (each also hears the others `crosstalk_db`
lower) and whose voices the bodies speak with by default (espeak-ng unless said).

Ground truth (`speech_ground_truth`): the speech segments, and voice events by the catalogue's
definitions applied to the script: a line 6 dB or more above the speaker's normal voice is
`raised_voice`; a line of 2 s or more at 1.4x the clip's median articulation rate or faster than 6.5
syllables/s is `rapid_speech`; a trainee line at their usual level and pace while, or up to 6 s after,
the client's voice is raised is `calm_voice`. Pace and the trainee's loudness are in the units the voice
stage measures: syllables per second of phonation (`line_rate`: espeak-ng's own syllables of the text over
the clean line's phonation time), not the words/min the line was asked for, since lines differ in
syllables per word; loudness relative to the trainee's median line (`line_loudness`), not the script's
`level`, since lines placed by peak differ in loudness by text.
`verbal_events`: each line's `cues` over the line's time, and `interruption` for a line that starts while
another person's line still has `INTERRUPT_OVERLAP_S` or more to run.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.errors import InputError
from cuedetect.studio.voices import RATE, default_voice, synthesise
from cuedetect.voice.settings import VoiceSettings

NORMAL_DBFS = -20.0  # a normal line's peak level on its own microphone
RAISED_DB = 6.0  # a line this much above the speaker's normal voice is a raised voice
INTERRUPT_OVERLAP_S = 0.4  # a line started this long or longer before another's end interrupts it


@dataclass(frozen=True)
class SayLine:
    person: str
    start: float
    text: str
    level_db: float = 0.0
    pitch: int | None = None
    rate_wpm: int = 150
    voice: str | None = None
    cues: tuple[str, ...] = ()  # the verbal cues the line carries (its words), e.g. ("command",)


def lines_from_scenario(resolved: dict) -> list[SayLine]:
    """Every `say` action of a (resolved) scenario mapping, in time order."""
    out = []
    for p in resolved.get("persons", []):
        for a in p.get("timeline", []):
            if "say" in a:
                out.append(SayLine(str(p["id"]), float(a.get("at", 0.0)), str(a["say"]),
                                   float(a.get("level", 0)), a.get("pitch"), int(a.get("rate", 150)),
                                   a.get("voice"), tuple(a.get("cues", ()))))  # fmt: skip
    return sorted(out, key=lambda x: x.start)


@dataclass(frozen=True)
class Spoken:
    """One line as placed in the mix."""

    line: SayLine
    end: float
    samples: np.ndarray


def speak(lines: Sequence[SayLine], voices: dict[str, tuple[str, int]],
          gains_db: dict[str, float] | None = None) -> list[Spoken]:  # fmt: skip
    """Speak each line; `gains_db` per person is how much louder that person is at the microphone."""
    out = []
    for ln in lines:
        voice, base = voices.get(ln.person, ("en", 50))
        x = synthesise(ln.text, ln.voice or voice, base if ln.pitch is None else ln.pitch, ln.rate_wpm)
        gain = NORMAL_DBFS + ln.level_db + (gains_db or {}).get(ln.person, 0.0)
        x = x / max(float(np.abs(x).max()), 1e-6) * 10 ** (gain / 20)
        out.append(Spoken(ln, ln.start + len(x) / RATE, x))
    return out


def mix(spoken: Sequence[Spoken], persons: Sequence[str], duration: float, channels: str = "mix",
        crosstalk_db: float = -16.0, noise_db: float = -62.0, seed: int = 0) -> np.ndarray:  # fmt: skip
    """(channels, n) float32: one room channel, or one lapel channel per person (`per_person`)."""
    n = round(duration * RATE)
    per = channels == "per_person"
    out = np.zeros((len(persons) if per else 1, n), np.float32)
    leak = 10 ** (crosstalk_db / 20)
    for s in spoken:
        i = round(s.line.start * RATE)
        y = s.samples[: max(0, n - i)]
        if per:
            own = persons.index(s.line.person)
            for c in range(len(persons)):
                out[c, i : i + len(y)] += y if c == own else leak * y
        else:
            out[0, i : i + len(y)] += y
    out += np.random.default_rng(seed).normal(0, 10 ** (noise_db / 20), out.shape).astype(np.float32)
    return np.clip(out, -1, 1)


_VOWELS = "aeiouæɑɒɔəɛɜɪʊʌʏøœɐɘɵɤɯyɨʉɚɝ"


@functools.cache
def true_syllables(text: str) -> int:
    """Syllables of `text` as espeak-ng says it: the vowel groups of its own IPA transcription."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise InputError("the studio speaks with espeak-ng: install it (python3 dev.py studio-setup)")
    ipa = subprocess.run([exe, "-q", "--ipa", text], capture_output=True, text=True, check=True).stdout
    return len(re.findall(f"[{_VOWELS}]+", ipa.replace("ː", "")))


def line_rate(s: Spoken, settings: VoiceSettings | None = None) -> tuple[float, float]:
    """(articulation rate in syllables/s, phonation time in s) of one line as spoken: its true syllables
    over its phonation time, measured on the clean line (no room, no other voice) by the rule the voice
    stage applies (`cuedetect.voice.analysis.phonation`)."""
    from cuedetect.voice.analysis import phonation
    from cuedetect.voice.signal import HOP_S, level_db

    phon_s = float(phonation(level_db(s.samples, RATE), settings or VoiceSettings()).sum() * HOP_S)
    return (true_syllables(s.line.text) / phon_s if phon_s > 0 else 0.0), phon_s


def line_loudness(s: Spoken, settings: VoiceSettings | None = None) -> float:
    """A line's loudness as the voice stage reads an utterance's: the median BS.1770 momentary loudness
    (LUFS) over its phonation frames, measured on the clean line. Lines are placed by peak, so their
    loudness differs by text and voice (about 1 dB sd, 3.5 dB range for one voice): `calm_voice`'s
    2 dB is judged on this, not on the script's `level`."""
    from cuedetect.voice.analysis import phonation
    from cuedetect.voice.signal import level_db, loudness_lufs

    phon = phonation(level_db(s.samples, RATE), settings or VoiceSettings())
    loud = loudness_lufs(s.samples, RATE)
    return float(np.median(loud[phon])) if phon.any() else float("nan")


def _weighted_median(values: Sequence[tuple[float, float]]) -> float:
    order = sorted(values)
    if not order:
        return float("nan")
    cum = np.cumsum([w for _, w in order])
    return float(order[int(np.searchsorted(cum, cum[-1] / 2))][0])


def speech_ground_truth(spoken: Sequence[Spoken], roles: dict[str, str],
                        settings: VoiceSettings | None = None) -> dict[str, Any]:  # fmt: skip
    """gt.json's `speech` segments and `voice_events`, from the script by the catalogue's definitions
    (the thresholds of `settings`, default `VoiceSettings()`: the catalogue's)."""
    v = settings or VoiceSettings()
    rates = {id(s): line_rate(s, v) for s in spoken}
    segs = [{"person": s.line.person, "start": round(s.line.start, 3), "end": round(s.end, 3),
             "text": s.line.text, "level_db": s.line.level_db, "rate_wpm": s.line.rate_wpm,
             "rate_sps": round(rates[id(s)][0], 2), "pitch": s.line.pitch} for s in spoken]  # fmt: skip
    events: list[dict[str, Any]] = []
    median_sps = _weighted_median(list(rates.values()))
    rapid_limit = min(v.rapid_ratio * median_sps, v.rapid_sps) if np.isfinite(median_sps) else v.rapid_sps
    by_person: dict[str, list[Spoken]] = {}
    for s in spoken:
        by_person.setdefault(s.line.person, []).append(s)
    raised: list[Spoken] = []
    for s in spoken:  # `level` is relative to the speaker's normal voice
        if s.line.level_db >= RAISED_DB:
            raised.append(s)
            events.append(
                {"cue": "raised_voice", "person": s.line.person, "start": s.line.start, "end": s.end}
            )
    for s in spoken:
        if s.end - s.line.start >= v.rapid_min_s and rates[id(s)][0] >= rapid_limit:
            events.append({"cue": "rapid_speech", "person": s.line.person, "start": s.line.start,
                           "end": s.end})  # fmt: skip
    hot = [s for s in raised if roles.get(s.line.person) == "client"]
    for who, mine in by_person.items():
        if roles.get(who) != "trainee":
            continue
        ref_sps = _weighted_median([rates[id(s)] for s in mine])
        loud = {id(s): line_loudness(s, v) for s in mine}
        ref_loud = float(np.nanmedian(list(loud.values())))
        for s in mine:
            sps = rates[id(s)][0]
            steady = sps <= v.calm_max_ratio * ref_sps and sps < v.rapid_sps
            calm = loud[id(s)] - ref_loud <= v.calm_max_db and steady
            near = any(s.line.start < h.end + v.calm_window_s and s.end > h.line.start for h in hot)
            if calm and near and rates[id(s)][1] >= v.calm_min_s:
                events.append({"cue": "calm_voice", "person": who, "start": s.line.start, "end": s.end})
    for e in events:
        e["start"], e["end"] = round(e["start"], 3), round(e["end"], 3)
    return {
        "speech": segs,
        "voice_events": sorted(events, key=lambda e: (e["start"], e["cue"])),
        "verbal_events": verbal_ground_truth(spoken),
    }


def verbal_ground_truth(spoken: Sequence[Spoken]) -> list[dict[str, Any]]:
    """Each line's labelled verbal cues over the line, and the interruptions the timing makes."""
    out: list[dict[str, Any]] = []
    for s in spoken:
        for cue in s.line.cues:
            out.append({"cue": cue, "person": s.line.person, "start": round(s.line.start, 3),
                        "end": round(s.end, 3), "text": s.line.text})  # fmt: skip
        cut = [o for o in spoken if o.line.person != s.line.person and o.line.start < s.line.start
               and min(o.end, s.end) - s.line.start >= INTERRUPT_OVERLAP_S]  # fmt: skip
        if cut:
            out.append({"cue": "interruption", "person": s.line.person, "start": round(s.line.start, 3),
                        "end": round(min(cut[0].end, s.end), 3), "text": s.line.text})  # fmt: skip
    return sorted(out, key=lambda e: (e["start"], e["cue"]))


def _voices(resolved: dict, persons: Sequence[Any]) -> dict[str, tuple[str, int]]:
    """Each person's default voice from the scenario's `audio: {engine: espeak-ng | flite}`."""
    engine = str((resolved.get("audio", {}) or {}).get("engine", "espeak-ng"))
    return {p.id: default_voice(p.shape.sex, engine) for p in persons}


JAW_MAX_RAD = 0.3  # the jaw's opening on a line's loudest syllable (about 17 degrees)


def mouth_opening(resolved: dict, persons: Sequence[Any], times: np.ndarray) -> dict[str, np.ndarray]:
    """Per person, the jaw opening (radians) at `times` while they speak their `say` lines: it follows the
    line's amplitude envelope (RMS over 50 ms, relative to the line's loudest moment), so the mouth moves
    with the sound that `add_speech` mixes in. Only for scenarios with `audio: {lip_sync: true}`."""
    out = {p.id: np.zeros(len(times)) for p in persons}
    if not (resolved.get("audio", {}) or {}).get("lip_sync"):
        return out
    voices = _voices(resolved, persons)
    half = round(0.025 * RATE)
    for s in speak(lines_from_scenario(resolved), voices):
        c = np.concatenate([[0.0], np.cumsum(np.square(s.samples, dtype=np.float64))])
        at = np.flatnonzero((times >= s.line.start) & (times < s.end))
        k = np.round((times[at] - s.line.start) * RATE).astype(int)
        lo, hi = np.clip(k - half, 0, len(s.samples)), np.clip(k + half, 0, len(s.samples))
        rms = np.sqrt((c[hi] - c[lo]) / np.maximum(hi - lo, 1))
        grid = np.arange(0, len(s.samples), half)
        g_lo, g_hi = np.clip(grid - half, 0, None), np.clip(grid + half, 0, len(s.samples))
        peak = max(float(np.sqrt(np.max((c[g_hi] - c[g_lo]) / (g_hi - g_lo)))), 1e-9)
        out[s.line.person][at] = np.maximum(out[s.line.person][at], JAW_MAX_RAD * np.clip(rms / peak, 0, 1))
    return out


def mux_audio(video: Path, audio: np.ndarray, out: Path, rate: int = RATE, bitrate: int = 24000) -> None:
    """Write `out`: `video`'s video stream copied packet for packet (pixels unchanged) plus `audio`
    ((channels, n) float) as AAC. Any audio stream `video` had is replaced."""
    import av

    from cuedetect.io_atomic import atomic_path

    layout = {1: "mono", 2: "stereo"}.get(audio.shape[0])
    if layout is None:
        raise InputError(f"the studio writes 1 or 2 audio channels, not {audio.shape[0]}")
    with av.open(str(video)) as src, atomic_path(out) as tmp, av.open(str(tmp), "w", format="mp4") as dst:
        vin = src.streams.video[0]
        vout = dst.add_stream_from_template(vin)
        aout = dst.add_stream("aac", rate=rate, layout=layout)
        aout.bit_rate = bitrate * audio.shape[0]
        for packet in src.demux(vin):
            if packet.dts is None:
                continue
            packet.stream = vout
            dst.mux(packet)
        x = np.ascontiguousarray(audio, dtype=np.float32)
        for s in range(0, x.shape[1], 1024):
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(x[:, s : s + 1024]), format="fltp",
                                               layout=layout)  # fmt: skip
            frame.sample_rate, frame.pts = rate, s
            for p in aout.encode(frame):
                dst.mux(p)
        for p in aout.encode(None):
            dst.mux(p)


def add_speech(resolved: dict, persons: Sequence[Any], video: Path, gt: dict, duration: float,
               seed: int = 0) -> dict:  # fmt: skip
    """The studio hook: speak a scenario's `say` lines into `video` (in place) and return `gt` with the
    speech segments, voice events and audio layout added. A scenario without `say` is left alone."""
    lines = lines_from_scenario(resolved)
    if not lines:
        return gt
    ids = [p.id for p in persons]
    voices = _voices(resolved, persons)
    spoken = speak(lines, voices)
    audio_cfg = resolved.get("audio", {}) or {}
    channels = str(audio_cfg.get("channels", "mix"))
    audio = mix(spoken, ids, duration, channels, float(audio_cfg.get("crosstalk_db", -16.0)),
                float(audio_cfg.get("noise_db", -62.0)), seed)  # fmt: skip
    mux_audio(video, audio, video)
    truth = speech_ground_truth(spoken, {p.id: p.role for p in persons})
    layout = {"channels": channels, "rate": RATE, "lines": [asdict(ln) for ln in lines]}
    if channels == "per_person":
        layout["channel_persons"] = {str(i): pid for i, pid in enumerate(ids)}
    return {**gt, "audio": layout, **truth}


def respeak(sc: Any, out_dir: Path) -> Path:
    """Speak scenario `sc`'s lines into the render already in `out_dir` (pixels untouched); returns the
    video. Raises InputError when there is no such render."""
    import json

    from cuedetect.io_atomic import write_json

    video, gt_path = Path(out_dir) / f"{sc.name}.mp4", Path(out_dir) / "gt.json"
    if not video.exists() or not gt_path.exists():
        raise InputError(f"no render of {sc.name} in {out_dir}: run `cuedetect synth` first")
    gt = json.loads(gt_path.read_text())
    for key in ("audio", "speech", "voice_events"):
        gt.pop(key, None)
    write_json(gt_path, add_speech(sc.resolved, sc.persons, video, gt, sc.duration, sc.seed))
    return video
