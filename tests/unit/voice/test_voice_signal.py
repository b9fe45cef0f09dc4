"""Known answers: a tone of known level and pitch, speech at a known syllable rate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.voice import signal
from cuedetect.voice.analysis import analyze_voice
from cuedetect.voice.decode import track_from_array

RATE = 16000


@pytest.mark.parametrize("dbfs_peak", [0.0, -10.0, -23.0])
def test_a_1khz_sine_has_the_bs1770_reference_loudness(media, dbfs_peak: float) -> None:
    # BS.1770: a 0 dBFS-peak 1 kHz sine reads -3.01 LUFS; K-weighting is +0.06 dB there at 16 kHz
    x = media.tone(1000, 3.0, dbfs_peak).astype(np.float64)
    assert signal.integrated_loudness(x, RATE) == pytest.approx(dbfs_peak - 3.01, abs=0.1)
    momentary = signal.loudness_lufs(x, RATE)[50:-50]
    assert np.allclose(momentary, dbfs_peak - 3.01, atol=0.1)
    assert np.allclose(signal.level_db(x, RATE)[50:-50], dbfs_peak - 3.01, atol=0.05)


def test_loudness_agrees_with_pyloudnorm_on_noise() -> None:
    import pyloudnorm

    x = np.random.default_rng(1).normal(0, 0.05, RATE * 5)
    assert signal.integrated_loudness(x, RATE) == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(x),
                                                                abs=0.3)  # fmt: skip


def test_k_weighting_cuts_low_frequencies() -> None:
    low = np.sin(2 * np.pi * 30 * np.arange(RATE * 3) / RATE)
    high = np.sin(2 * np.pi * 4000 * np.arange(RATE * 3) / RATE)
    assert signal.integrated_loudness(low, RATE) < -3.01 - 1.5
    assert signal.integrated_loudness(high, RATE) > -3.01 + 2.5


@given(st.floats(70, 430))
def test_yin_finds_the_pitch_of_a_harmonic_tone(f: float) -> None:
    t = np.arange(RATE) / RATE
    x = 0.3 * np.sin(2 * np.pi * f * t) + 0.15 * np.sin(2 * np.pi * 2 * f * t + 1)
    f0, _aper = signal.yin(x, RATE)
    assert np.nanmedian(f0) == pytest.approx(f, rel=0.01)
    assert np.isfinite(f0[5:-5]).mean() > 0.95


def test_yin_finds_no_pitch_in_noise() -> None:
    f0, _ = signal.yin(np.random.default_rng(0).normal(0, 0.1, RATE), RATE)
    assert np.isfinite(f0).mean() < 0.05


def test_voice_activity_ignores_silence_and_room_noise(media) -> None:
    quiet = np.random.default_rng(0).normal(0, 1e-4, RATE * 2)
    lv = signal.level_db(quiet, RATE)
    assert not signal.voice_activity(quiet, RATE, lv).any()


@pytest.mark.parametrize("per_second", [3.0, 4.5, 6.0])
def test_syllable_nuclei_count_a_train_of_known_rate(media, per_second: float) -> None:
    x = media.syllable_train(per_second, 4.0)
    res = analyze_voice(track_from_array(np.concatenate([np.zeros(RATE // 2), x, np.zeros(RATE // 2)])))
    assert len(res.utterances) == 1
    u = res.utterances[0]
    assert u.syllables == pytest.approx(per_second * 4, abs=1)
    assert u.rate_sps == pytest.approx(per_second, rel=0.12)
    assert u.f0_hz == pytest.approx(120, rel=0.02)


def test_espeak_sentence_rate_and_pauses(media) -> None:
    # 23 syllables; espeak-ng at 140 and 230 words/min
    text = "I hear you. Let us sit down and talk about what happened this morning, there is no rush at all."
    rates = []
    for wpm in (140, 230):
        x, r = media.espeak(text, wpm)
        res = analyze_voice(track_from_array(x, r))
        syl = sum(u.syllables for u in res.utterances)
        assert syl == pytest.approx(23, abs=3)
        rates.append(syl / sum(u.speech_s for u in res.utterances))
    assert rates[1] > 1.4 * rates[0]
    x, r = media.espeak("Stop. Wait a moment. Then listen to me.", 150)
    res = analyze_voice(track_from_array(x, r))
    assert res.frames["pause"].any()  # the pauses at the full stops


@pytest.mark.parametrize("wpm", [280, 320])
def test_fast_speech_is_not_undercounted(media, wpm: int) -> None:
    # the same 23 syllables, fast: a whole-band 40 ms intensity with strict voicing counted 20 of them
    text = "I hear you. Let us sit down and talk about what happened this morning, there is no rush at all."
    x, r = media.espeak(text, wpm)
    res = analyze_voice(track_from_array(x, r))
    assert sum(u.syllables for u in res.utterances) == pytest.approx(23, abs=1)


@pytest.mark.parametrize(("runs", "gap", "min_run", "expected"), [
    ([(0, 3), (5, 9)], 2, 1, [(0, 9)]),
    ([(0, 3), (6, 9)], 2, 1, [(0, 3), (6, 9)]),
    ([(0, 1), (6, 9)], 0, 2, [(6, 9)]),
])  # fmt: skip
def test_close_gaps(runs, gap, min_run, expected) -> None:
    m = np.zeros(12, bool)
    for a, b in runs:
        m[a:b] = True
    assert signal.runs_of(signal.close_gaps(m, gap, min_run)) == expected


def _levels(*parts: tuple[float, float]) -> np.ndarray:
    """A level track (dB per 10 ms frame) from (seconds, dB) parts."""
    return np.concatenate([np.full(round(s * 100), db) for s, db in parts])


@pytest.mark.parametrize(("levels", "floor", "expected_s"), [
    (_levels((1, -30), (0.2, -60), (1, -30)), -100, 2.2),  # a 0.2 s dip is inside the phonation
    (_levels((1, -30), (0.3, -60), (1, -30)), -100, 2.0),  # a 0.3 s silence is a pause
    (_levels((1, -30), (0.3, -50), (1, -30)), -100, 2.3),  # 20 dB down is a weak syllable, not silence
    (_levels((1, -30), (0.3, -50), (1, -30)), -55, 2.0),  # ... unless it is the room's noise floor
])  # fmt: skip
def test_phonation_leaves_out_silent_pauses_only(levels, floor, expected_s) -> None:
    from cuedetect.voice.analysis import phonation
    from cuedetect.voice.settings import VoiceSettings

    assert phonation(levels, VoiceSettings(), floor).sum() * signal.HOP_S == pytest.approx(expected_s)


def test_a_quiet_speaker_in_a_noisy_room_is_not_read_as_fast(media) -> None:
    # 16 syllables at 140 words/min; this quiet in this much noise, voice activity misses the weak
    # syllables, and counting only its frames read 5.2 syllables/s instead of about 4
    x, r = media.espeak("I understand. Let us take a moment and go through it together.", 140)
    x = np.concatenate([np.zeros(r // 2), 0.07 * x / np.abs(x).max(), np.zeros(r // 2)])
    x = x + np.random.default_rng(0).normal(0, 0.0013, len(x)).astype(np.float32)
    res = analyze_voice(track_from_array(x, r))
    syl = sum(u.syllables for u in res.utterances)
    assert syl / sum(u.speech_s for u in res.utterances) == pytest.approx(4.2, abs=0.6)
