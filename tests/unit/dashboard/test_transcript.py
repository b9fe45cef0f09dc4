"""The review page's transcript panel data: seek times, cue marks in instructor words, search hits."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cuedetect.cue_ids import cue_label
from cuedetect.dashboard.demo import SYNTHETIC_SPEECH, synthetic_words
from cuedetect.dashboard.transcript import WORD_LEAD_S, seek_time, transcript_data
from cuedetect.export.transcript import utterances


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [(3.0, 12.0, 3.0 - WORD_LEAD_S), (0.1, 12.0, 0.0), (12.5, 12.0, 12.0), (6.1234, 12.0, 5.923)],
)
def test_seek_time_is_a_little_before_the_word_inside_the_video(start, duration, expected) -> None:
    assert seek_time(start, duration) == pytest.approx(expected)


def test_panel_data_words_seek_and_cues_read_as_instructor_words() -> None:
    command = SimpleNamespace(cue="command", person=1, start=9.1, end=9.8, status="confirmed")
    said = utterances(synthetic_words(), {0: "trainee", 1: "client"}, [command])
    data = transcript_data(said, 12.0)
    rows = data["utterances"]
    assert [(r["speaker"], r["kind"], r["at"]) for r in rows] == [
        ("Trainee", "trainee", "0:06.0"),
        ("Client", "client", "0:08.0"),
        ("Trainee", "trainee", "0:10.0"),
    ]
    assert [w["w"] for w in rows[1]["words"]] == SYNTHETIC_SPEECH[1][3].split()
    first = rows[1]["words"][0]
    assert (first["t"], first["s"], first["e"]) == pytest.approx((8.0 - WORD_LEAD_S, 8.0, 8.198))
    marked = [(w["w"], w["cue"]) for r in rows for w in r["words"] if w["cue"]]
    # words whose middle is in the cue's span (0.15 s tolerance): "to" ends the span's lead-in
    label = cue_label("command")  # the catalogue's instructor words ("giving orders")
    assert marked == [("to", label), ("calm", label), ("down", label)]
    assert data["first_hit"] is None and data["note"].startswith("Click a word")


@pytest.mark.parametrize(
    ("query", "n", "first", "hit_words"),
    [
        ("Calm down", 1, [1, 5], ["calm", "down"]),
        ("you", 1, [0, 2], ["you"]),
        ("right", 1, [2, 3], ["right"]),
        ("REAL", 1, [0, 5], ["really"]),
        ("nobody", 0, None, []),
    ],
)
def test_search_marks_hits_and_says_how_many(query, n, first, hit_words) -> None:
    said = utterances(synthetic_words())
    data = transcript_data(said, 12.0, query)
    hits = [w["w"] for r in data["utterances"] for w in r["words"] if w["hit"]]
    assert data["note"].startswith(f"{n} match")
    assert data["first_hit"] == first
    assert hits == hit_words and data["query"] == query.strip()


def test_no_transcript_shows_the_note() -> None:
    data = transcript_data([], 12.0, "", "No transcript: nothing was heard.")
    assert data == {
        "utterances": [],
        "note": "No transcript: nothing was heard.",
        "query": "",
        "first_hit": None,
    }


def test_a_word_the_recogniser_was_unsure_of_shows_in_parentheses() -> None:
    words = synthetic_words()
    words.loc[words["word"] == "calm", "confidence"] = 0.2
    rows = transcript_data(utterances(words), 12.0, "calm down")["utterances"]
    got = [(w["w"], w["unsure"], w["hit"]) for r in rows for w in r["words"] if w["w"] in ("(calm)", "down")]
    assert got == [("(calm)", True, True), ("down", False, True)]  # search still finds it
