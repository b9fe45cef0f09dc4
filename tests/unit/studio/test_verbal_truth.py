"""The studio's verbal ground truth: each line's labelled cues, and interruptions from the timing."""

from __future__ import annotations

import numpy as np

from cuedetect.studio.speech import RATE, SayLine, Spoken, lines_from_scenario, verbal_ground_truth
from cuedetect.studio.verbal import verbal_script
from cuedetect.studio.verbal_lines import DEV, HELD_OUT, REWORDED


def _spoken(person: str, start: float, end: float, cues: tuple[str, ...] = ()) -> Spoken:
    return Spoken(SayLine(person, start, "words", cues=cues), end, np.zeros(round((end - start) * RATE)))


def test_labelled_lines_and_interruptions() -> None:
    spoken = [
        _spoken("A", 0.0, 3.0, ("command",)),
        _spoken("B", 2.0, 5.0, ("insult", "threat")),  # cuts in 1 s before A ends
        _spoken("A", 4.8, 6.0),  # 0.2 s overlap: turn-taking
        _spoken("B", 7.0, 8.0, ("demand",)),
    ]
    got = [(e["cue"], e["person"], e["start"], e["end"]) for e in verbal_ground_truth(spoken)]
    assert got == [("command", "A", 0.0, 3.0), ("insult", "B", 2.0, 5.0), ("interruption", "B", 2.0, 3.0),
                   ("threat", "B", 2.0, 5.0), ("demand", "B", 7.0, 8.0)]  # fmt: skip


def test_say_actions_carry_their_cue_labels() -> None:
    resolved = {"persons": [{"id": "A", "timeline": [{"at": 1.0, "say": "Calm down!", "cues": ["command"]},
                                                     {"at": 3.0, "say": "Hello."}]}]}  # fmt: skip
    assert [ln.cues for ln in lines_from_scenario(resolved)] == [("command",), ()]


def test_the_banks_do_not_share_sentences_and_scripts_alternate_speakers() -> None:
    banks = (("dev", DEV), ("held", HELD_OUT), ("reworded", REWORDED))
    texts = {b: {t for role in bank.values() for t, _ in role} for b, bank in banks}
    assert not texts["dev"] & texts["held"]
    assert not texts["reworded"] & (texts["dev"] | texts["held"])
    lines, channels, _, _ = verbal_script(5000, HELD_OUT)
    assert [ln.person for ln in lines[:4]] == ["A", "B", "A", "B"] and channels in ("mix", "per_person")
    assert all(ln.text in texts["held"] for ln in lines)
