"""Voice cues from the audio stage's result: `raised_voice`, `rapid_speech` and the trainee's `calm_voice`.

Every threshold is a `VoiceSettings` field. Loudness is compared with each speaker's own median speech
loudness (a speaker who is simply close to the microphone is not "raised"); with one mixed channel whose
speech cannot be attributed, with the recording's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.cues.events import CueEvent
from cuedetect.voice import signal
from cuedetect.voice.analysis import HOP_S, Utterance, VoiceResult
from cuedetect.voice.settings import VoiceSettings


def pitch_groups(df: pd.DataFrame, min_gap_semitones: float) -> np.ndarray:
    """Per frame of one channel: 0 or 1, the voice its utterance belongs to by median pitch (two groups
    when the utterances' pitches split with a gap of at least `min_gap_semitones`, else all 0)."""
    utt = df["utterance"].to_numpy()
    f0 = df["f0_hz"].to_numpy(dtype=float)
    ids = [u for u in np.unique(utt) if u >= 0]
    pitch = {u: np.nanmedian(f0[utt == u]) if np.isfinite(f0[utt == u]).any() else np.nan for u in ids}
    known = sorted((12 * np.log2(p), u) for u, p in pitch.items() if np.isfinite(p))
    out = np.zeros(len(df), int)
    if len(known) < 2:
        return out
    gaps = np.diff([k for k, _ in known])
    i = int(np.argmax(gaps))
    if gaps[i] < min_gap_semitones:
        return out
    for _, u in known[i + 1 :]:
        out[utt == u] = 1
    return out


def _speaker_groups(frames: pd.DataFrame, s: VoiceSettings) -> list[tuple[int, pd.DataFrame]]:
    """(person, frames) per speaker: a mapped person; an unattributed channel per voice (pitch group)."""
    out = []
    for (_, person), df in frames.groupby(["channel", "person"], sort=True):
        df = df.sort_values("t")
        if person != UNATTRIBUTED:
            out.append((int(person), df))
            continue
        groups = pitch_groups(df, s.voice_group_semitones)
        for g in np.unique(groups):
            out.append((UNATTRIBUTED, df.assign(speech=df["speech"].to_numpy() & (groups == g))))
    return out


def _semitones(f: float, ref: float) -> float:
    return float(12 * np.log2(f / ref)) if np.isfinite(f) and np.isfinite(ref) and ref > 0 else float("nan")


def _reference_loudness(df: pd.DataFrame, speech: np.ndarray) -> float:
    """A speaker's usual speech loudness: the median over their utterances of each one's median loudness
    (a frame-level median sits below what a listener hears as the voice's level: it counts word edges)."""
    utt, loud = df["utterance"].to_numpy(), df["loudness_lufs"].to_numpy(dtype=float)
    ids = np.unique(utt[speech & (utt >= 0)])
    if not len(ids):
        return float(np.median(loud[speech]))
    return float(np.median([np.median(loud[speech & (utt == u)]) for u in ids]))


def raised_voice_events(result: VoiceResult, s: VoiceSettings) -> list[CueEvent]:
    """Speech at least `raised_db` above the speaker's median speech loudness for `raised_min_s` or more."""
    events = []
    for person, df in _speaker_groups(result.frames, s):
        speech = df["speech"].to_numpy()
        if speech.sum() < 50:  # under half a second of speech: no reference level
            continue
        loud = df["loudness_lufs"].to_numpy(dtype=float)
        f0 = df["f0_hz"].to_numpy(dtype=float)
        t = df["t"].to_numpy(dtype=float)
        ref = _reference_loudness(df, speech)
        ref_f0 = float(np.nanmedian(f0[speech])) if np.isfinite(f0[speech]).any() else float("nan")
        raised = speech & (loud >= ref + s.raised_db)
        raised = signal.close_gaps(raised, round(s.raised_merge_s / HOP_S), round(s.raised_min_s / HOP_S))
        for a, b in signal.runs_of(raised):
            sp = speech[a:b]
            above = float(np.median(loud[a:b][sp]) - ref)
            semis = _semitones(float(np.nanmedian(f0[a:b][sp])) if np.isfinite(f0[a:b][sp]).any() else np.nan,
                               ref_f0)  # fmt: skip
            if person == UNATTRIBUTED and not semis >= s.unattributed_min_semitones:
                continue
            pitch = f", pitch {semis:+.1f} semitones" if np.isfinite(semis) else ""
            whose = "this speaker" if person != UNATTRIBUTED else "the recording"
            evidence = f"voice {above:.1f} dB above {whose}'s median ({ref:.1f} LUFS){pitch}"
            confidence = float(
                np.clip(0.5 + (above - s.raised_db) / 12 + (0.1 if semis > 1 else 0), 0.5, 0.99)
            )
            events.append(CueEvent("raised_voice", person, None, float(t[a]), float(t[b - 1] + HOP_S),
                                   confidence, evidence))  # fmt: skip
    return events


def median_rate(utterances: list[Utterance]) -> float:
    """The recording's median articulation rate, each utterance weighted by its speaking time."""
    u = [x for x in utterances if x.speech_s > 0 and x.syllables > 0]
    if not u:
        return float("nan")
    rates = np.array([x.rate_sps for x in u])
    w = np.array([x.speech_s for x in u])
    order = np.argsort(rates)
    cum = np.cumsum(w[order])
    return float(rates[order][np.searchsorted(cum, cum[-1] / 2)])


def rapid_speech_events(result: VoiceResult, s: VoiceSettings) -> list[CueEvent]:
    """Utterances of `rapid_min_s` or more at `rapid_ratio` x the recording's median rate or `rapid_sps`."""
    med = median_rate(result.utterances)
    limit = min(s.rapid_ratio * med, s.rapid_sps) if np.isfinite(med) else s.rapid_sps
    events = []
    for u in result.utterances:
        if u.end - u.start < s.rapid_min_s or u.rate_sps < limit:
            continue
        evidence = f"{u.rate_sps:.1f} syllables/s ({u.rate_sps / med:.1f}x the recording's median {med:.1f})"
        confidence = float(np.clip(0.5 + (u.rate_sps / limit - 1) * 2, 0.5, 0.99))
        events.append(CueEvent("rapid_speech", u.person, None, u.start, u.end, confidence, evidence))
    return events


def calm_voice_events(result: VoiceResult, raised: list[CueEvent], roles: Mapping[int, str],
                      s: VoiceSettings) -> list[CueEvent]:  # fmt: skip
    """The trainee's utterances that stay at their own usual loudness, pace and pitch while the client's
    voice is raised (or within `calm_window_s` after): the verbal de-escalation trainers teach."""
    trainee = [p for p, r in roles.items() if r == "trainee"]
    client = {p for p, r in roles.items() if r == "client"}
    if not trainee:
        return []
    me = int(trainee[0])
    mine = [u for u in result.utterances if u.person == me and u.speech_s > 0]
    hot = [e for e in raised if e.person in client]
    if not mine or not hot:
        return []
    ref_loud = float(np.median([u.loudness_lufs for u in mine]))
    ref_rate = median_rate(mine)
    f0s = [u.f0_hz for u in mine if np.isfinite(u.f0_hz)]
    ref_f0 = float(np.median(f0s)) if f0s else float("nan")
    events = []
    for u in mine:
        if u.speech_s < s.calm_min_s or not any(
            u.start < e.end + s.calm_window_s and u.end > e.start for e in hot
        ):
            continue
        loud, semis = u.loudness_lufs - ref_loud, _semitones(u.f0_hz, ref_f0)
        slow = u.rate_sps <= s.calm_max_ratio * ref_rate and u.rate_sps < s.rapid_sps
        if loud > s.calm_max_db or not slow or (np.isfinite(semis) and semis > s.calm_max_semitones):
            continue
        evidence = (f"trainee's voice {loud:+.1f} dB from their median, {u.rate_sps:.1f} syllables/s, "
                    f"pitch {semis:+.1f} semitones, while the client's voice was raised")  # fmt: skip
        confidence = float(np.clip(0.6 + (s.calm_max_db - loud) / 20, 0.5, 0.95))
        events.append(CueEvent("calm_voice", me, None, u.start, u.end, confidence, evidence))
    return events


def voice_events(result: VoiceResult, roles: Mapping[int, str] | None = None,
                 settings: VoiceSettings | None = None) -> list[CueEvent]:  # fmt: skip
    """All voice cue events, sorted by start."""
    s = settings or VoiceSettings()
    raised = raised_voice_events(result, s)
    events = raised + rapid_speech_events(result, s) + calm_voice_events(result, raised, roles or {}, s)
    return sorted(events, key=lambda e: (e.start, e.cue))
