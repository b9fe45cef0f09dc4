"""The speech stage on real synthetic speech (espeak-ng or Flite -> pocketsphinx): known phrases are spotted
and attributed to the right speaker; silence, music and long recordings behave."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cuedetect.speech.cues import talk_share, verbal_events
from cuedetect.speech.phrases import load_phrases
from cuedetect.speech.recognisers import edit_distance
from cuedetect.speech.settings import SpeechSettings
from cuedetect.speech.stage import NO_SPEECH_NOTE, WORD_COLUMNS, speech_stage
from cuedetect.studio.speech import RATE, mix
from cuedetect.studio.verbal_eval import words_of, write_wav
from cuedetect.voice.stage import voice_stage

from .conftest import LINES, _spoken, music

ROLES = {0: "trainee", 1: "client"}


def _heard(wav_and_spoken):
    wav, spoken = wav_and_spoken
    voice, _ = voice_stage(wav, None, {0: 0, 1: 1})
    result, section = speech_stage(wav, voice, ROLES)
    return voice, result, section, spoken


@pytest.fixture(scope="module")
def heard(dialogue_wav):
    return _heard(dialogue_wav)


@pytest.fixture(scope="module")
def heard_flite(flite_dialogue_wav):
    return _heard(flite_dialogue_wav)


@pytest.mark.parametrize("voices", ["heard", "heard_flite"])
def test_known_phrases_are_spotted_on_the_right_speaker_at_the_right_time(voices: str, request) -> None:
    voice, result, _, spoken = request.getfixturevalue(voices)
    events = verbal_events(result, voice.utterances, load_phrases())
    for (who, _, _, cues), s in zip(LINES, spoken, strict=True):
        person = 0 if who == "A" else 1
        for cue in cues:
            mine = [e for e in events if e.cue == cue and e.start < s.end and e.end > s.line.start]
            assert mine, (cue, s.line.text, events)
            assert {e.person for e in mine} == {person}
            assert all(e.evidence.startswith("said ") and 0.5 <= e.confidence <= 0.99 for e in mine)
    # nothing of the client's is the trainee's, and no phrase cue lands in the wrong role
    trainee_cues = {"validating", "open_question", "offering_choice", "command", "dismissing"}
    assert all((e.person == 0) == (e.cue in trainee_cues) for e in events if e.cue != "interruption")


def test_words_have_times_speakers_roles_and_confidences(heard) -> None:
    _, result, section, spoken = heard
    w = result.words
    assert tuple(w.columns) == WORD_COLUMNS and len(w) >= 15
    assert (w["end_s"] > w["start_s"]).all() and w["confidence"].between(0, 1).all()
    assert w["start_s"].is_monotonic_increasing
    for s in spoken:  # each line's words carry its speaker, within the line's time
        inside = w[(w["start_s"] >= s.line.start - 0.3) & (w["end_s"] <= s.end + 0.3)]
        person = 0 if s.line.person == "A" else 1
        assert len(inside) >= 3 and set(inside["person_id"]) == {person}
        assert set(inside["role"]) == {ROLES[person]}
    assert {"useless", "want"} <= set(w["word"])
    assert section["stretches"] == 4 and section["words"] == len(w) and not section["notes"]


def test_voices_made_from_people_are_transcribed_nearly_word_for_word(heard_flite) -> None:
    """Flite's voices are heard about as clear human speech is: few word errors, unlike espeak-ng's."""
    _, result, _, spoken = heard_flite
    ref = [w for s in spoken for w in words_of(s.line.text)]
    hyp = list(result.words.sort_values("start_s")["word"])
    assert edit_distance(ref, hyp) / len(ref) <= 0.25, (ref, hyp)


def test_talk_share_adds_up_per_speaker(heard) -> None:
    voice, *_ = heard
    share = talk_share(voice.utterances)
    assert set(share) == {0, 1} and abs(sum(share.values()) - 1) < 0.01
    assert 0.3 < share[0] < 0.7


def test_one_room_microphone_leaves_the_speaker_unknown(tmp_path: Path) -> None:
    spoken = _spoken((("B", 0.5, *LINES[1][2:]),))
    wav = write_wav(tmp_path / "room.wav", mix(spoken, ["A", "B"], 3.5, "mix", seed=3), RATE)
    voice, _ = voice_stage(wav, None, {})
    result, _ = speech_stage(wav, voice, ROLES)
    assert set(result.words["person_id"]) == {-1} and set(result.words["role"]) == {"unknown"}
    events = verbal_events(result, voice.utterances, load_phrases())
    assert {e.cue for e in events} == {"insult"} and {e.person for e in events} == {-1}


@pytest.mark.parametrize("kind", ["silence", "music"])
def test_no_speech_gives_a_note_and_no_cues(tmp_path: Path, kind: str) -> None:
    rng = np.random.default_rng(0)
    audio = music(8.0) if kind == "music" else rng.normal(0, 1e-4, 8 * RATE).astype(np.float32)
    wav = write_wav(tmp_path / f"{kind}.wav", audio, RATE)
    voice, _ = voice_stage(wav, None, {})
    result, section = speech_stage(wav, voice, {})
    assert result is not None and not len(result.words) and not result.phrases
    assert section["notes"] == [NO_SPEECH_NOTE]
    assert not verbal_events(result, voice.utterances, load_phrases())


def test_another_language_is_a_note_and_no_phrase_cues(foreign_wav: Path, heard) -> None:
    voice, _ = voice_stage(foreign_wav, None, {})
    result, section = speech_stage(foreign_wav, voice, {})
    assert result.foreign and section["foreign"] and "does not sound like English" in section["notes"][0]
    assert len(result.words) and not result.phrases  # the words stay (reviewable), no cues from them
    assert not [e for e in verbal_events(result, voice.utterances, load_phrases()) if e.cue != "interruption"]
    # the English dialogue passed the same check
    _, english, english_section, _ = heard
    # the English dialogue passed the first test (sure of its words), so no phone loop ran for it
    assert not english.foreign and english_section["phone_mismatch"] is None
    cut = SpeechSettings().foreign_confidence
    assert section["checked_confidence"] < cut <= english_section["checked_confidence"]


def test_no_sound_at_all_is_a_note() -> None:
    result, section = speech_stage(Path("unused.mp4"), None, {})
    assert result is None and section["present"] is False and section["notes"]


def test_a_long_recording_is_streamed_in_bounded_pieces(tmp_path: Path) -> None:
    """Three minutes with speech at its start, middle and end, and one stretch of speech longer than the
    piece limit: every line is heard, and the stage never holds more than a piece of audio."""
    a, b = _spoken(LINES[0:1]), _spoken(LINES[1:2])
    n = 180 * RATE
    x = np.random.default_rng(1).normal(0, 10 ** (-62 / 20), n).astype(np.float32)
    for at in (1.0, 90.0, 170.0):
        i = round(at * RATE)
        x[i : i + len(a[0].samples)] += a[0].samples
    long_talk = np.concatenate([b[0].samples] * 4)  # about 8 s without a pause
    i = round(60.0 * RATE)
    x[i : i + len(long_talk)] += long_talk
    wav = write_wav(tmp_path / "long.wav", x, RATE)
    voice, _ = voice_stage(wav, None, {})
    settings = SpeechSettings(max_segment_s=3.0)
    result, section = speech_stage(wav, voice, {}, settings)
    events = verbal_events(result, voice.utterances, load_phrases(), settings)
    commands = sorted(round(e.start) for e in events if e.cue == "command")
    assert [t // 10 for t in commands] == [0, 9, 17], commands
    assert sum(1 for p in result.phrases if p.cue == "insult" and 60 < p.start < 70) >= 3
    assert section["stretches"] >= 6 and section["max_held_audio_s"] <= 3.0 + 0.2 + 0.5
