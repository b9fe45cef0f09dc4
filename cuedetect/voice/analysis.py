"""The audio stage: an `AudioTrack` in, a per-frame voice table (`voice.parquet`) and utterances out.

Per channel and 10 ms frame: level, BS.1770 momentary loudness, voice activity and pitch (YIN). With one
microphone per person, the crosstalk each channel picks up from the others is estimated and removed
before a frame counts as its wearer's speech. Per utterance (speech joined across short pauses): syllable
nuclei from intensity peaks (de Jong & Wempe 2009), articulation rate and pauses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.voice import signal
from cuedetect.voice.decode import AudioTrack
from cuedetect.voice.settings import VoiceSettings

HOP_S = signal.HOP_S
COLUMNS = ("t", "channel", "person", "speech", "level_db", "loudness_lufs", "f0_hz", "nucleus", "utterance",
           "rate_sps", "pause")  # fmt: skip


@dataclass(frozen=True)
class Utterance:
    """Speech of one speaker joined across pauses shorter than `utterance_gap_s`."""

    person: int  # person id, or UNATTRIBUTED
    channel: int
    start: float
    end: float
    speech_s: float  # phonation time: the utterance less its silent pauses (`phonation`)
    syllables: int
    rate_sps: float  # articulation rate: syllables per second of speech
    loudness_lufs: float  # median momentary loudness over its speech frames
    f0_hz: float  # median pitch (NaN when unvoiced)
    pauses: int
    attribution: str = ""
    """How `person` was told: "channel" (that person's own microphone), "mouth" (their mouth moved with the
    voice, `cuedetect.voice.mouths`), or, when unattributed, why not ("" when nobody tried)."""
    attribution_score: float = float("nan")  # the mouth-voice correlation behind a mouth attribution


@dataclass
class VoiceResult:
    """What the audio stage found: the frame table, utterances, and notes for analysis.json."""

    frames: pd.DataFrame = field(repr=False)
    utterances: list[Utterance]
    channels: int
    separate_channels: bool
    notes: list[str]

    def speakers(self) -> list[int]:
        return sorted({u.person for u in self.utterances})


def _own_speech(levels: list[np.ndarray], vads: list[np.ndarray], share: float) -> list[np.ndarray]:
    """Each channel's speech frames that are its wearer's, not crosstalk from the others' microphones.

    The crosstalk gain from channel j into channel i is the low (10th percentile) power ratio P_i / P_j
    over frames where j speaks loudly; a frame of channel i is its own speech when what the others
    explain leaves at least `share` of its power.
    """
    power = [10 ** (lv / 10) for lv in levels]
    out = []
    for i, p_i in enumerate(power):
        leak = np.zeros_like(p_i)
        for j, p_j in enumerate(power):
            if i == j:
                continue
            loud = vads[j] & (levels[j] > np.percentile(levels[j][vads[j]], 50)) if vads[j].any() else vads[j]
            gain = float(np.percentile(p_i[loud] / p_j[loud], 10)) if loud.sum() >= 20 else 0.0
            leak += gain * p_j
        out.append(vads[i] & (p_i - leak >= share * p_i))
    return out


def _nuclei(level: np.ndarray, voiced: np.ndarray, frames: np.ndarray, s: VoiceSettings) -> np.ndarray:
    """Syllable nuclei (de Jong & Wempe 2009) among `frames` (one utterance): intensity peaks that are
    voiced, at most `nucleus_floor_db` below the utterance's loudest frame, and `nucleus_dip_db` above the
    dip since the previous peak."""
    lv = level[frames[0] : frames[-1] + 1]
    lo = frames[0]
    thr = max(np.percentile(lv, 99) - s.nucleus_floor_db, np.median(lv) - 6)
    peaks = (
        np.flatnonzero((lv[1:-1] > lv[:-2]) & (lv[1:-1] >= lv[2:])) + 1 if len(lv) > 2 else np.zeros(0, int)
    )
    out: list[int] = []
    for k in peaks:
        if lv[k] < thr or not voiced[lo + max(k - 2, 0) : lo + k + 3].any():
            continue
        if out:
            dip = lv[out[-1] : k + 1].min()
            if min(lv[k], lv[out[-1]]) - dip < s.nucleus_dip_db:
                if lv[k] > lv[out[-1]]:  # the same syllable: keep its higher peak
                    out[-1] = k
                continue
        out.append(k)
    return np.asarray(out, int) + lo


def phonation(level: np.ndarray, s: VoiceSettings, floor_db: float = signal.FLOOR_DB) -> np.ndarray:
    """Per frame of one utterance's `level` (dB): phonation (True) or silence, by de Jong & Wempe's rule:
    silence is more than `silence_db` below the utterance's 99th-percentile level (and, in a noisy room,
    less than `silence_above_floor_db` above the channel's noise floor `floor_db`); silences shorter than
    `pause_min_s` are phonation (the closure of a stop, a dip between syllables). Measured on the level,
    not on voice activity, because a quiet speaker's weak syllables drop out of voice activity and would
    make the articulation rate look fast."""
    if not len(level):
        return np.zeros(0, bool)
    thr = max(float(np.percentile(level, 99)) - s.silence_db, floor_db + s.silence_above_floor_db)
    return signal.close_gaps(level > thr, round(s.pause_min_s / HOP_S) - 1)


def _channel_table(x: np.ndarray, rate: int, start: float, speech: np.ndarray, level: np.ndarray,
                   loud: np.ndarray, person: int, channel: int, s: VoiceSettings,
                   ) -> tuple[pd.DataFrame, list[Utterance]]:  # fmt: skip
    from scipy.signal import resample_poly

    n = len(level)
    gap, run = round(s.speech_gap_s / HOP_S), round(s.speech_min_s / HOP_S)
    speech = signal.close_gaps(speech, gap, run)
    x8 = resample_poly(x, 1, 2) if rate == 16000 else x
    r8 = 8000 if rate == 16000 else rate
    n8 = signal.n_frames(len(x8), r8)
    at = np.flatnonzero(speech)
    f0, aper = signal.yin(x8, r8, at[at < n8], s.pitch_fmin, s.pitch_fmax, s.pitch_threshold)
    f0 = np.concatenate([f0, np.full(max(0, n - n8), np.nan)])[:n]
    f0[~speech] = np.nan
    aper = np.concatenate([aper, np.ones(max(0, n - n8))])[:n]
    voiced = speech & (aper < s.nucleus_aperiodicity)
    utter = signal.close_gaps(speech, round(s.utterance_gap_s / HOP_S))
    nucleus = np.zeros(n, bool)
    utterance_id = np.full(n, -1)
    rate_col = np.full(n, np.nan)
    pause = ~speech & signal.close_gaps(speech, round(3.0 / HOP_S))
    for a, b in signal.runs_of(pause):
        if (b - a) * HOP_S < s.pause_min_s:
            pause[a:b] = False
    utts: list[Utterance] = []
    intensity = signal.band_level_db(x, rate, s.nucleus_band_hz, s.nucleus_window_s)
    floor = float(np.percentile(level, 10)) if n else signal.FLOOR_DB
    for a, b in signal.runs_of(utter):
        frames = np.arange(a, b)
        nuc = _nuclei(intensity, voiced, frames, s)
        nuc = nuc[speech[nuc]]
        nucleus[nuc] = True
        sp = speech[a:b]
        speech_s = float(phonation(level[a:b], s, floor).sum() * HOP_S)
        rate_sps = len(nuc) / speech_s if speech_s > 0 else 0.0
        utterance_id[a:b] = len(utts)
        rate_col[a:b] = rate_sps
        f = f0[a:b][sp]
        utts.append(Utterance(person, channel, start + a * HOP_S, start + b * HOP_S, speech_s, len(nuc),
                              rate_sps,
                              float(np.median(loud[a:b][sp])),
                              float(np.nanmedian(f)) if np.isfinite(f).any() else float("nan"),
                              len(signal.runs_of(pause[a:b])),
                              "channel" if person != UNATTRIBUTED else ""))  # fmt: skip
    df = pd.DataFrame({
        "t": start + np.arange(n) * HOP_S, "channel": np.int8(channel), "person": np.int16(person),
        "speech": speech, "level_db": level.astype(np.float32), "loudness_lufs": loud.astype(np.float32),
        "f0_hz": f0.astype(np.float32), "nucleus": nucleus, "utterance": utterance_id.astype(np.int32),
        "rate_sps": rate_col.astype(np.float32), "pause": pause,
    })  # fmt: skip
    return df, utts


def analyze_voice(track: AudioTrack, settings: VoiceSettings | None = None,
                  channel_persons: dict[int, int] | None = None) -> VoiceResult:  # fmt: skip
    """Run the audio stage on a decoded track (pure: no files).

    Args:
        track: the decoded audio.
        settings: thresholds (defaults: `VoiceSettings()`).
        channel_persons: channel index -> person id, for one microphone per person. Channels not in it (and
            a single mixed channel) are `UNATTRIBUTED`: their speech is shown, not guessed to be someone's.
    """
    s = settings or VoiceSettings()
    mapping = channel_persons or {}
    notes = list(track.notes)
    x = track.samples
    levels = [signal.level_db(ch, track.rate) for ch in x]
    louds = [signal.loudness_lufs(ch, track.rate) for ch in x]
    vads = [
        signal.voice_activity(ch, track.rate, lv, s.vad_aggressiveness)
        for ch, lv in zip(x, levels, strict=True)
    ]
    if track.separate_channels and track.channels > 1:
        vads = _own_speech(levels, vads, s.own_share)
    tables, utts = [], []
    for c in range(track.channels):
        person = mapping.get(c, UNATTRIBUTED)
        df, u = _channel_table(x[c], track.rate, track.start, vads[c], levels[c], louds[c], person, c, s)
        tables.append(df)
        utts.extend(u)
    if track.channels > 1 and track.separate_channels and not mapping:
        notes.append("audio channels are not mapped to persons (--voice-channels): voices shown unattributed")
    if not any(u.speech_s for u in utts):
        notes.append("no speech found in the audio")
    frames = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(COLUMNS))
    utts.sort(key=lambda u: (u.start, u.channel))
    return VoiceResult(frames, utts, track.channels, track.separate_channels, notes)
