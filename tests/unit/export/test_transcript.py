"""The transcript (words.parquet): loading, utterances per speaker, search, cue highlights, time windows."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.export.transcript import (
    HIGHLIGHT_TOLERANCE_S,
    NO_TRANSCRIPT,
    caption_chunks,
    cue_of,
    load_words,
    said_between,
    search,
    speaker_label,
    speaker_tiers,
    utterances,
    word_cues,
)

COLS = ["start_s", "end_s", "word", "confidence", "person_id", "role", "channel", "stretch"]
ROWS = [  # two speakers, three stretches; the client's stretch overlaps the trainee's second one
    (0.50, 0.70, "i", 0.9, 0, "trainee", 0, 0),
    (0.70, 0.95, "hear", 0.8, 0, "trainee", 0, 0),
    (0.95, 1.20, "you", 0.9, 0, "trainee", 0, 0),
    (2.00, 2.30, "calm", 0.6, 0, "trainee", 0, 1),
    (2.30, 2.60, "down", 0.7, 0, "trainee", 0, 1),
    (2.10, 2.40, "you", 0.9, 1, "client", 1, 2),
    (2.40, 2.80, "calmly", 0.9, 1, "client", 1, 2),
    (2.80, 3.20, "useless", 0.5, 1, "client", 1, 2),
]


def words_df(rows: list[tuple] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLS).astype(
        {"confidence": "float32", "person_id": "int16", "channel": "int8", "stretch": "int32"}
    )


def ev(cue: str, person: int, start: float, end: float, status: str = "unreviewed") -> SimpleNamespace:
    return SimpleNamespace(cue=cue, person=person, start=start, end=end, status=status)


def test_load_words_missing_corrupt_and_unsorted(tmp_path: Path) -> None:
    assert load_words(None) == (None, NO_TRANSCRIPT)
    assert load_words(tmp_path / "words.parquet") == (None, NO_TRANSCRIPT)
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1 not really")
    words, note = load_words(bad)
    assert words is None and note.startswith("The transcript file bad.parquet cannot be read")
    shuffled = words_df().sample(frac=1.0, random_state=3)
    shuffled.to_parquet(tmp_path / "w.parquet", index=False)
    words, note = load_words(tmp_path / "w.parquet")
    assert note is None and list(words["start_s"]) == sorted(r[0] for r in ROWS)
    words_df([]).to_parquet(tmp_path / "empty.parquet", index=False)
    assert load_words(tmp_path / "empty.parquet")[0] is None


@pytest.mark.parametrize(
    ("person", "role", "label"),
    [
        (0, "trainee", "Trainee"),
        (1, "client", "Client"),
        (2, "unknown", "P2"),
        (-1, "unknown", "Unknown speaker"),
    ],
)
def test_speaker_label(person: int, role: str, label: str) -> None:
    assert speaker_label(person, role) == label


def test_utterances_group_by_stretch_and_speaker_in_time_order() -> None:
    said = utterances(words_df())
    assert [(u.speaker, u.text) for u in said] == [
        ("Trainee", "i hear you"),
        ("Trainee", "calm down"),
        ("Client", "you calmly useless"),
    ]
    assert (said[0].start, said[0].end) == (0.5, 1.2)
    assert utterances(None) == [] and utterances(words_df([])) == []


def test_the_reviews_roles_name_the_speakers() -> None:
    """Roles swapped in the review: the transcript follows them, not the roles stored at analysis time."""
    said = utterances(words_df(), roles={0: "client", 1: "trainee"})
    assert [u.speaker for u in said] == ["Client", "Client", "Trainee"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("calm", [(1, 0, 0, 2.0), (2, 1, 1, 2.4)]),  # "calmly" holds "calm"
        ("CALM DOWN", [(1, 0, 1, 2.0)]),
        ("you", [(0, 2, 2, 0.95), (2, 0, 0, 2.1)]),
        ("hear you", [(0, 1, 2, 0.7)]),
        ("down you", []),  # words of two utterances are not one phrase
        ("  ", []),
        ("shout", []),
    ],
)
def test_search(query: str, expected: list[tuple]) -> None:
    hits = search(utterances(words_df()), query)
    assert [(h.utterance, h.first, h.last, h.t) for h in hits] == expected


@pytest.mark.parametrize(
    ("events", "marked"),
    [
        ([ev("command", 0, 2.0, 2.6)], {"calm": "command", "down": "command"}),
        ([ev("command", 0, 2.0, 2.6, status="rejected")], {}),  # a rejected cue marks nothing
        ([ev("pointing", 0, 0.0, 4.0)], {}),  # body cues mark no words
        ([ev("insult", 1, 2.85, 3.2)], {"useless": "insult"}),
        ([ev("insult", -1, 2.85, 3.2)], {"useless": "insult"}),  # one microphone: anyone's words
        ([ev("validating", 1, 0.5, 1.2)], {}),  # the client did not say "i hear you"
        ([ev("validating", 0, 0.6, 0.9)], {"i": "validating", "hear": "validating"}),
    ],
)
def test_verbal_cue_words_are_marked(events: list, marked: dict[str, str]) -> None:
    said = utterances(words_df(), events=events)
    got = {w.text: w.cue for u in said for w in u.words if w.cue}
    assert got == marked


def test_cue_of_tolerance() -> None:
    spans = [(1.0, 2.0, 0, "threat")]
    assert cue_of(2.0, 2.3, 0, spans) == "threat"  # middle 2.15: within 0.15 s of the end
    assert cue_of(2.1, 2.5, 0, spans) is None
    assert cue_of(0.5, 0.8, 0, spans) is None


def test_said_between_cuts_to_the_window_and_tiers_per_speaker() -> None:
    said = utterances(words_df())
    cut = said_between(said, 0.9, 2.5)
    assert [(u.speaker, u.text) for u in cut] == [
        ("Trainee", "you"),
        ("Trainee", "calm down"),
        ("Client", "you"),
    ]
    assert cut[0].start == 0.95
    assert said_between(said, 5.0, 6.0) == []
    tiers = speaker_tiers(said)
    assert {k: [u.text for u in v] for k, v in tiers.items()} == {
        "Trainee": ["i hear you", "calm down"],
        "Client": ["you calmly useless"],
    }


@pytest.mark.parametrize(
    ("n_words", "step", "max_words", "max_s", "sizes"),
    [
        (5, 0.3, 12, 6.0, [5]),
        (30, 0.3, 12, 6.0, [12, 12, 6]),
        (10, 1.0, 12, 4.0, [4, 4, 2]),  # slow speech: cut by time (a word ending past 4 s starts anew)
        (1, 0.3, 12, 6.0, [1]),
    ],
)
def test_caption_chunks_are_readable_pieces_in_order(n_words, step, max_words, max_s, sizes) -> None:
    rows = [(k * step, k * step + 0.8 * step, f"w{k}", 0.9, 0, "trainee", 0, 0) for k in range(n_words)]
    (u,) = utterances(words_df(rows))
    pieces = caption_chunks(u, max_words, max_s)
    assert [len(p.words) for p in pieces] == sizes
    assert [w for p in pieces for w in p.words] == list(u.words)  # every word once, in order
    assert all(p.speaker == "Trainee" and p.end - p.start <= max_s for p in pieces)


def _reference_cue(mid: float, person: int, spans: list) -> str | None:
    """The rule, word by word: the first span (by start) holding the middle, same speaker or either -1."""
    for s, e, p, cue in sorted(spans):
        if (
            p == person or -1 in (p, person)
        ) and s - HIGHLIGHT_TOLERANCE_S <= mid <= e + HIGHLIGHT_TOLERANCE_S:
            return cue
    return None


times = st.floats(0, 20, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(st.tuples(times, st.floats(0.05, 1.0), st.sampled_from([-1, 0, 1])), max_size=30),
    spans=st.lists(
        st.tuples(times, st.floats(0, 3), st.sampled_from([-1, 0, 1]), st.sampled_from(["threat", "insult"])),
        max_size=6,
    ),
)
def test_word_cues_follow_the_rule_and_utterances_keep_every_word(words, spans) -> None:
    spans = sorted((s, s + d, p, c) for s, d, p, c in spans)
    starts = np.array([w[0] for w in words])
    ends = starts + np.array([w[1] for w in words])
    persons = np.array([w[2] for w in words])
    got = word_cues(starts, ends, persons, spans)
    assert got == [
        _reference_cue((a + b) / 2, p, spans) for a, b, p in zip(starts, ends, persons, strict=True)
    ]
    rows = [
        (a, b, f"w{k}", 0.9, p, "unknown", 0, k // 4)
        for k, (a, b, p) in enumerate(zip(starts, ends, persons, strict=True))
    ]
    said = utterances(words_df(sorted(rows)) if rows else None)
    assert sorted(w.text for u in said for w in u.words) == sorted(r[2] for r in rows)
    assert all(list(u.words) == sorted(u.words, key=lambda w: (w.start, w.end)) for u in said)
