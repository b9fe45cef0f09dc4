"""Voice cues and attribution on dialogues built in numpy (syllable trains) with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.voice.analysis import analyze_voice
from cuedetect.voice.cues import voice_events
from cuedetect.voice.decode import track_from_array
from cuedetect.voice.settings import VoiceSettings

RATE = 16000
ROLES = {0: "trainee", 1: "client"}


def dialogue(media, lines, seconds=40.0, crosstalk=0.15, channels=2):
    """lines: (speaker, start, seconds, gain_db, syllables_per_s, f0). Two lapel mics with crosstalk."""
    x = np.zeros((2, round(seconds * RATE)), np.float32)
    for who, start, dur, db, rate, f0 in lines:
        y = media.syllable_train(rate, dur, f0) * 10 ** (db / 20)
        i = round(start * RATE)
        x[who, i : i + len(y)] += y
        x[1 - who, i : i + len(y)] += crosstalk * y
    x += np.random.default_rng(0).normal(0, 2e-4, x.shape).astype(np.float32)
    return x if channels == 2 else x.sum(axis=0)


# the client raises their voice 10 dB and 3.5 semitones (a shout lifts pitch; a man shouting can reach a
# woman's range, which would group him with her on one microphone: see cues.pitch_groups)
CALM = [(0, 1, 3, 0, 4, 200), (1, 5, 3, 0, 4, 110), (0, 9, 3, 0, 4, 200), (1, 13, 3, 0, 4, 110),
        (0, 17, 3, 0, 4, 200), (1, 21, 3, 0, 4, 110), (0, 25, 3, 0, 4, 200)]  # fmt: skip
HOT = [(0, 1, 3, 0, 4, 200), (1, 5, 3, 0, 4, 110), (1, 9, 3, 10, 4, 135),
       (0, 13, 3, 0, 4, 200), (1, 17, 3, 0, 7, 110), (0, 21, 3, 0, 4, 200),
       (1, 25, 3, 0, 4, 110), (0, 29, 3, 0, 4, 200)]  # fmt: skip


def _events(x, mapping=None):
    res = analyze_voice(track_from_array(x, RATE), channel_persons=mapping)
    return res, voice_events(res, ROLES if mapping else {})


def test_a_calm_dialogue_has_no_voice_cue(media) -> None:
    _, events = _events(dialogue(media, CALM), {0: 0, 1: 1})
    assert events == []


def test_the_clients_raised_voice_fast_speech_and_the_trainees_calm_answer(media) -> None:
    res, events = _events(dialogue(media, HOT), {0: 0, 1: 1})
    found = [(e.cue, e.person, round(e.start), round(e.end)) for e in events]
    assert ("raised_voice", 1, 9, 12) in found
    assert ("rapid_speech", 1, 17, 20) in found
    assert ("calm_voice", 0, 13, 16) in found
    assert {c for c, *_ in found} == {"raised_voice", "rapid_speech", "calm_voice"}
    raised = next(e for e in events if e.cue == "raised_voice")
    assert "dB above this speaker" in raised.evidence and "semitones" in raised.evidence
    assert all(u.person in (0, 1) for u in res.utterances)


def test_each_lapel_channel_keeps_only_its_wearers_voice(media) -> None:
    res, _ = _events(dialogue(media, HOT), {0: 0, 1: 1})
    truth = {(round(start), who) for who, start, *_ in HOT}
    got = {(round(u.start), u.person) for u in res.utterances}
    assert got == truth  # crosstalk is never a second utterance of the other person


def test_a_trainee_who_shouts_back_gets_no_calm_voice(media) -> None:
    lines = [*HOT[:3], (0, 13, 3, 9, 4, 240), *HOT[4:]]
    _, events = _events(dialogue(media, lines), {0: 0, 1: 1})
    assert not [e for e in events if e.cue == "calm_voice"]
    assert [(e.person, round(e.start)) for e in events if e.cue == "raised_voice"] == [(1, 9), (0, 13)]


def test_one_mixed_channel_is_unattributed_not_guessed(media) -> None:
    res, events = _events(dialogue(media, HOT, channels=1))
    assert {u.person for u in res.utterances} == {UNATTRIBUTED}
    assert [(e.cue, e.person, round(e.start)) for e in events] == [
        ("raised_voice", UNATTRIBUTED, 9), ("rapid_speech", UNATTRIBUTED, 17)]  # fmt: skip


@pytest.mark.parametrize(("setting", "value", "cue", "present"), [
    ("raised_db", 12.0, "raised_voice", False),
    ("raised_db", 4.0, "raised_voice", True),
    ("rapid_sps", 8.0, "rapid_speech", True),  # 1.4x the median still holds
    ("rapid_ratio", 2.0, "rapid_speech", False),
])  # fmt: skip
def test_thresholds_are_settings(media, setting: str, value: float, cue: str, present: bool) -> None:
    s = VoiceSettings(**{setting: value, **({"rapid_sps": 9.0} if setting == "rapid_ratio" else {})})
    res = analyze_voice(track_from_array(dialogue(media, HOT), RATE), s, {0: 0, 1: 1})
    assert any(e.cue == cue for e in voice_events(res, ROLES, s)) is present
