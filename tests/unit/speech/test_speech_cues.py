"""Verbal cue events from spotted phrases, interruptions from the voice stage's utterances."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from cuedetect.cues.detect import EventsResult
from cuedetect.cues.events import CueEvent
from cuedetect.speech.cues import interruption_events, phrase_events, talk_share
from cuedetect.speech.phrases import load_phrases
from cuedetect.speech.stage import WORD_COLUMNS, SpeechResult, SpokenPhrase


def _result(phrases: list[SpokenPhrase], foreign: bool = False) -> SpeechResult:
    return SpeechResult(pd.DataFrame(columns=list(WORD_COLUMNS)), phrases, 1, 5.0, foreign, [])


def _p(phrase: str, cue: str, person: int, role: str, start: float, by_search: bool = True) -> SpokenPhrase:
    return SpokenPhrase(cue, phrase, person, role, start, start + 0.5, 0.6, "what was heard", by_search)


def test_phrases_of_one_cue_and_speaker_merge_and_the_wrong_role_is_dropped() -> None:
    found = [
        _p("calm down", "command", 0, "trainee", 1.0),
        _p("you need to", "command", 0, "trainee", 2.0),  # 0.5 s after: the same event
        _p("calm down", "command", 0, "trainee", 6.0),  # a new one
        _p("calm down", "command", 1, "client", 8.0),  # the client quoting: not a trainee command
        _p("useless", "insult", -1, "unknown", 9.0),  # speaker unknown: counts
        _p("useless", "insult", 1, "client", 9.6, by_search=False),
    ]
    events = phrase_events(_result(found), load_phrases())
    got = [(e.cue, e.person, e.start, e.end) for e in events]
    assert got == [("command", 0, 1.0, 2.5), ("command", 0, 6.0, 6.5), ("insult", -1, 9.0, 9.5),
                   ("insult", 1, 9.6, 10.1)]  # fmt: skip
    assert events[0].evidence == 'said "calm down", "you need to" (heard: "what was heard")'
    assert events[0].confidence == pytest.approx(0.8)  # a keyword-search hit alone


def test_heard_by_search_and_in_the_transcript_is_more_confident() -> None:
    both = [_p("calm down", "command", 0, "trainee", 1.0),
            _p("calm down", "command", 0, "trainee", 1.1, by_search=False)]  # fmt: skip
    assert phrase_events(_result(both), load_phrases())[0].confidence == pytest.approx(0.95)


def test_speech_in_another_language_gives_no_phrase_cues() -> None:
    found = [_p("calm down", "command", 0, "trainee", 1.0)]
    assert not phrase_events(_result(found, foreign=True), load_phrases())


def _u(person: int, start: float, end: float) -> SimpleNamespace:
    return SimpleNamespace(person=person, start=start, end=end, speech_s=end - start)


@pytest.mark.parametrize(
    ("utterances", "expected"),
    [
        ([_u(0, 0, 4), _u(1, 3, 6)], [(1, 3.0, 4.0)]),  # B starts 1 s before A ends
        ([_u(0, 0, 4), _u(1, 3.8, 6)], []),  # 0.2 s overlap: turn-taking, not an interruption
        ([_u(0, 0, 4), _u(1, 4.2, 6)], []),  # after A: no overlap
        ([_u(0, 0, 4), _u(0, 3, 6)], []),  # the same speaker
        ([_u(-1, 0, 4), _u(-1, 3, 6)], []),  # one microphone: unknown speakers
        ([_u(0, 0, 10), _u(1, 2, 3)], [(1, 2.0, 3.0)]),  # a short interjection inside a long turn
    ],
)
def test_interruptions(utterances: list, expected: list) -> None:
    got = [(e.person, e.start, e.end) for e in interruption_events(utterances)]
    assert got == expected
    assert all(e.cue == "interruption" and "person" in e.evidence for e in interruption_events(utterances))


def test_talk_share_and_summary() -> None:
    utts = [_u(0, 0, 3), _u(1, 3, 4), _u(0, 5, 6)]
    assert talk_share(utts) == {0: 0.8, 1: 0.2}
    assert talk_share([]) == {}
    body = CueEvent("pointing", 0, None, 0.5, 2.0, 0.9, "")
    cues = EventsResult(10.0, [], [body], {"persons": {"0": {"cues": {}}, "1": {"cues": {}}}}, "model")
    events = phrase_events(_result([_p("calm down", "command", 0, "trainee", 1.0)]), load_phrases())
    cues.add(events)
    cues.add([*events, CueEvent("raised_voice", -1, None, 0.2, 0.6, 0.8, "")])  # the same again, and nobody's
    assert cues.summary["persons"]["0"]["cues"]["command"] == {"count": 2, "seconds": 1.0}
    assert cues.summary["persons"]["1"]["cues"] == {}  # an unattributed voice is counted under no one
    assert [(e.cue, e.start) for e in cues.events] == [("raised_voice", 0.2), ("pointing", 0.5),
                                                        ("command", 1.0), ("command", 1.0)]  # fmt: skip
