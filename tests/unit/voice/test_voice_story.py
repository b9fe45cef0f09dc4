"""The report's tone-of-voice sentences: when voices rose and who calmed it."""

from __future__ import annotations

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.voice.story import voice_story

ROLES = {0: "trainee", 1: "client"}


def ev(cue: str, person: int, start: float, end: float) -> dict:
    return {"cue": cue, "person": person, "start": start, "end": end}


def test_a_raised_client_voice_calmed_by_the_trainee() -> None:
    story = voice_story([ev("raised_voice", 1, 8.3, 11.6), ev("calm_voice", 0, 12.0, 16.2)], ROLES)
    expected = (
        "0:08.3-0:11.6: the client raised their voice; the trainee answered in a calm, low voice at 0:12.0."
    )
    assert story == [expected]


def test_a_trainee_whose_voice_rose_with_the_client() -> None:
    story = voice_story([ev("raised_voice", 1, 8, 10), ev("raised_voice", 0, 11, 13)], ROLES)
    assert story[0].endswith("the trainee's voice rose too at 0:11.0.")
    assert "a moment to discuss" in story[1]


def test_unattributed_and_unanswered() -> None:
    story = voice_story([ev("raised_voice", UNATTRIBUTED, 1, 2), ev("calm_voice", 0, 30, 33)], ROLES)
    assert story == ["0:01.0-0:02.0: a voice (speaker not known) raised their voice."]
    assert voice_story([ev("fists_up", 1, 1, 2)], ROLES) == []
