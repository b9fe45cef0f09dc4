"""The phrase list's tuning rules (pure): thresholds from swept hits, what the transcript heard for a phrase,
and which of those become `heard_as` variants."""

from __future__ import annotations

from collections import Counter

import pytest

from cuedetect.speech.phrases import parse_phrases
from cuedetect.speech.recognisers import Word
from cuedetect.studio.verbal_tune import (
    LEVELS,
    SweepHit,
    align,
    choose_thresholds,
    heard_for,
    heard_variants,
    phrase_said,
)

PHRASES = parse_phrases({"cues": {"command": {"phrases": ["calm down", "stop it",
                                                          {"text": "be quiet", "threshold": 1e-25}]},
                                  "insult": {"phrases": ["useless", {"text": "idiot", "threshold": 1e-35},
                                                         {"text": "stupid", "threshold": 1e-35},
                                                         {"text": "joke", "spot": False}]}}},
                        "t")  # fmt: skip


def hits(phrase: str, level: float, right: int, wrong: int) -> list[SweepHit]:
    return [SweepHit(phrase, level, 0, 0, 0.0, 1.0, k < right) for k in range(right + wrong)]


def test_each_phrase_gets_the_laxest_level_before_false_alarms_pass_the_limit() -> None:
    swept = [
        *hits("calm down", 1e-5, 2, 0), *hits("calm down", 1e-10, 4, 0), *hits("calm down", 1e-15, 6, 1),
        *hits("calm down", 1e-20, 6, 5),  # 45% false: stops here, 1e-15 (1 of 7) stands
        *hits("stop it", 1e-5, 1, 3),  # wrong too often even at the strictest level: transcript only
        *hits("stop it", 1e-10, 3, 0),  # (a laxer level that looks fine later does not count)
        *hits("useless", 1e-30, 3, 0),
        *hits("idiot", 1e-25, 0, 1), *hits("idiot", 1e-30, 0, 2),  # never said, false alarms from 1e-25 on
        *hits("stupid", 1e-5, 0, 1),  # never said, false alarms even at the strictest level
    ]  # fmt: skip
    got = choose_thresholds(swept, PHRASES)
    assert got == {"calm down": 1e-15, "stop it": None, "useless": 1e-30,
                   "be quiet": 1e-25,  # never said, never a false alarm: keeps its own setting
                   "idiot": 1e-20,  # the laxest level that stayed silent
                   "stupid": None, "joke": None}  # fmt: skip
    assert LEVELS[0] > LEVELS[-1]


def test_align_and_what_the_transcript_heard_for_a_phrase() -> None:
    assert align(["a", "b", "c"], ["a", "x", "c", "d"]) == [(0, 0), (1, 1), (2, 2), (None, 3)]
    heard = [Word(i, i + 1, w, 1.0) for i, w in enumerate(["please", "come", "on", "down", "now"])]
    assert heard_for("calm down", "Please, calm down now!", heard) == "come on down"
    assert heard_for("stop it", "Please, calm down now!", heard) is None
    assert phrase_said("calm down", "Calm down, please.") and not phrase_said("calm down", "calm, sit down")


def test_variants_come_up_twice_and_never_where_the_cue_was_not_said() -> None:
    found = [("calm down", "come on"), ("calm down", "come on"), ("calm down", "calm down"),
             ("calm down", "colombo"), ("stop it", "stop"), ("stop it", "stop")]  # fmt: skip
    assert heard_variants(found, Counter({"stop": 3})) == {"calm down": ["come on"]}
    assert heard_variants(found, Counter({"come on": 1, "stop": 1})) == {}


@pytest.mark.parametrize("min_count", [1, 2])
def test_min_count(min_count: int) -> None:
    got = heard_variants([("calm down", "colombo")], Counter(), min_count)
    assert got == ({"calm down": ["colombo"]} if min_count == 1 else {})
