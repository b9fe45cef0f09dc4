"""The phrase list: the shipped one loads and fits the recogniser; a user's file replaces it; bad files
fail with one line naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuedetect.cue_ids import VERBAL_CUES
from cuedetect.errors import InputError
from cuedetect.speech.phrases import load_phrases, match_in_words
from cuedetect.speech.recognisers import Word


def test_shipped_list_covers_the_phrase_cues_and_every_word_is_in_the_dictionary(recogniser) -> None:
    phrases = load_phrases()
    assert {p.cue for p in phrases.phrases} == VERBAL_CUES - {"interruption"}
    assert all(recogniser.known(w) for p in phrases.phrases for w in p.words)
    assert {p.by for p in phrases.phrases if p.cue in ("insult", "threat", "demand")} == {"client"}
    assert phrases.by_text()["calm down"].cue == "command"
    # transcript-only phrases are not handed to the keyword search
    spotted = {t for t, _ in phrases.keyphrases()}
    assert "calm down" in spotted and not all(p.spot for p in phrases.phrases)
    assert spotted == {p.text for p in phrases.phrases if p.spot}


def test_a_users_file_replaces_the_shipped_list(tmp_path: Path) -> None:
    path = tmp_path / "ours.toml"
    path.write_text('[cues.command]\nby = "trainee"\nthreshold = 1e-10\n'
                    'phrases = ["Settle Down", { text = "go away", threshold = 1e-30 }, '
                    '{ text = "move", spot = false }]\n')  # fmt: skip
    phrases = load_phrases(path)
    got = {p.text: (p.cue, p.threshold, p.by, p.spot) for p in phrases.phrases}
    assert got == {"settle down": ("command", 1e-10, "trainee", True),
                   "go away": ("command", 1e-30, "trainee", True),
                   "move": ("command", 1e-10, "trainee", False)}  # fmt: skip
    assert phrases.keyphrases() == (("settle down", 1e-10), ("go away", 1e-30))
    assert phrases.source == str(path)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[cues.shouting]\nphrases = ['hey']", "unknown verbal cue 'shouting'"),
        ("[cues.command]\nby = 'boss'\nphrases = ['hey']", "by = 'boss'"),
        ("[cues.command]\nphrases = [{ text = 'hey', threshold = 2 }]", "not between 0 and 1"),
        ("[cues.command]\nphrases = ['calm down']\n[cues.insult]\nphrases = ['calm down']", "listed under"),
        ("[cues.command]\nphrases = ['calm-down!']", "lower-case letters"),
        ("[cues.command]\nphrases = [{ threshold = 1e-5 }]", "without text"),
        ("[cues.command]\nphrases = [{ text = 'hey', spot = 'yes' }]", "not true or false"),
        ("[cues.command]\nphrases = []", "empty"),
        ("[cues.command]\nphrases = [{ text = 'hey', heard_as = 'hay' }]", "not a list of texts"),
        ("[cues.command]\nphrases = [{ text = 'hey', heard_as = ['h.a.y'] }]", "are lower case"),
        ("version = 1", "no [cues."),
        ("[cues.command\nphrases = ['hey']", "not valid TOML"),
    ],
)
def test_bad_phrase_lists_fail_with_one_line(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=r"bad\.toml") as err:
        load_phrases(path)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the phrase list"):
        load_phrases(tmp_path / "nope.toml")


def test_a_word_the_recogniser_cannot_hear_is_refused() -> None:
    from cuedetect.speech.recognisers import PocketsphinxOptions, PocketsphinxRecogniser

    with pytest.raises(InputError, match="lacks zzyzxq"):
        PocketsphinxRecogniser.create_from_options(PocketsphinxOptions((("calm zzyzxq", 1e-10),)))


def test_phrases_are_found_in_a_row_in_the_transcript() -> None:
    said = [("please", 1.0), ("calm", 0.8), ("down", 0.6), ("calm", 1.0), ("now", 1.0)]
    words = [Word(i, i + 0.5, w, c) for i, (w, c) in enumerate(said)]
    phrases = load_phrases()
    hits = [h for h in match_in_words(words, phrases) if h.phrase == "calm down"]
    assert [(h.start, h.end, round(h.confidence, 2)) for h in hits] == [(1, 2.5, 0.7)]
    apart = [words[1], words[4], words[2]]  # "calm now down": not in a row
    assert not [h for h in match_in_words(apart, phrases) if h.phrase == "calm down"]


def test_a_phrase_heard_as_its_variant_is_that_phrase_once() -> None:
    from cuedetect.speech.phrases import parse_phrases

    phrases = parse_phrases({"cues": {"command": {"phrases": [
        {"text": "calm down", "heard_as": ["Come On", "calm on"]}]}}}, "ours")  # fmt: skip
    assert phrases.phrases[0].heard_as == ("come on", "calm on")
    said = ["well", "come", "on", "please", "calm", "down", "calm", "on"]
    words = [Word(i, i + 0.5, w, 0.5 + i / 20) for i, w in enumerate(said)]
    hits = match_in_words(words, phrases)
    assert [(h.phrase, h.start, h.end) for h in hits] == [("calm down", 1, 2.5), ("calm down", 4, 5.5),
                                                          ("calm down", 6, 7.5)]  # fmt: skip
    assert hits[0].confidence == pytest.approx((0.55 + 0.6) / 2)
    # one word run is one hit, even when two forms of the phrase cover it
    overlapping = parse_phrases({"cues": {"command": {"phrases": [
        {"text": "stop it", "heard_as": ["stop it now", "it now"]}]}}}, "ours")  # fmt: skip
    got = match_in_words([Word(i, i + 0.5, w, 1.0) for i, w in enumerate(["stop", "it", "now"])], overlapping)
    assert [(h.start, h.end) for h in got] == [(0, 1.5)]
