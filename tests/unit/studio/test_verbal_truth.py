"""The studio's verbal ground truth: each line's labelled cues, and interruptions from the timing."""

from __future__ import annotations

import numpy as np
import pytest

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
    lines, channels, _, _ = verbal_script(5000, HELD_OUT, n_turns=4)
    assert [ln.person for ln in lines] == ["A", "B", "A", "B"] and channels in ("mix", "per_person")
    assert all(ln.text in texts["held"] for ln in lines)


def test_one_seed_is_one_script_whichever_engine_speaks_it() -> None:
    from cuedetect.studio.verbal import ENGINE_VOICES
    from cuedetect.studio.voices import engine_of

    flite, fch, fvoices, _ = verbal_script(5003, HELD_OUT, n_turns=4, engine="flite")
    espeak, ech, evoices, _ = verbal_script(5003, HELD_OUT, n_turns=4, engine="espeak-ng")
    assert fch == ech  # the times follow each engine's own lengths; everything drawn is the same
    same = [(ln.person, ln.text, ln.level_db, ln.rate_wpm, ln.cues) for ln in flite]
    assert same == [(ln.person, ln.text, ln.level_db, ln.rate_wpm, ln.cues) for ln in espeak]
    assert {engine_of(v) for v, _ in fvoices.values()} == {"flite"} and fvoices["A"] != fvoices["B"]
    assert {engine_of(v) for v, _ in evoices.values()} == {"espeak-ng"}
    drawn = {verbal_script(s, DEV, n_turns=1, engine="flite")[2]["A"] for s in range(12)}
    assert len(drawn) >= 3 and drawn <= set(ENGINE_VOICES["flite"])  # a mix of voices, not one
    for fl, es in zip(flite, espeak, strict=True):  # a raised line is pitched up in either engine's scale
        base_f, base_e = fvoices[fl.person][1], evoices[es.person][1]
        assert (fl.pitch - base_f) == round(2.5 * (es.pitch - base_e))


def test_a_quieter_room_lowers_only_the_noise() -> None:
    from cuedetect.studio.verbal import verbal_dialogue

    studio, quiet = verbal_dialogue(3, "dev", n_turns=1), verbal_dialogue(3, "dev", n_turns=1, quieter_db=15)
    first = round(studio.spoken[0].line.start * RATE)  # before the first line: the room alone
    ratio = np.std(quiet.audio[:, :first]) / np.std(studio.audio[:, :first])
    assert ratio == pytest.approx(10 ** (-15 / 20), rel=0.05)
    assert studio.truth == quiet.truth
    speech = slice(first, first + RATE)
    assert np.abs(quiet.audio[:, speech] - studio.audio[:, speech]).max() < 0.02  # the voices are the same


def _heard(x: np.ndarray) -> tuple[float, float]:
    """First and last moment (s) a channel's level is within 40 dB of its loudest: what one hears."""
    from cuedetect.voice.signal import HOP_S, level_db

    lv = level_db(x, RATE)
    on = np.flatnonzero(lv > lv.max() - 40)
    return on[0] * HOP_S, on[-1] * HOP_S


@pytest.mark.parametrize("engine", ["flite", "espeak-ng"])
def test_a_cut_in_overlaps_the_other_line_by_what_was_planned(engine: str) -> None:
    """A cut-in planned X s before the other line's end overlaps it by X s of sound, whichever voice, and
    the truth's interruption spans exactly that overlap."""
    from cuedetect.studio.speech import mix, speak, verbal_ground_truth

    planned = 0.7
    lines, _, voices, duration = verbal_script(4, DEV, n_turns=2, engine=engine,
                                               cut_ins=(1.0, planned, planned))  # fmt: skip
    spoken = speak(lines, voices)
    assert lines[1].start < spoken[0].end  # B cut in
    audio = mix(spoken, ["A", "B"], max(duration, spoken[-1].end + 0.5), "per_person", crosstalk_db=-300,
                noise_db=-300)  # fmt: skip
    (_, a_end), (b_start, b_end) = _heard(audio[0]), _heard(audio[1])
    assert a_end - b_start == pytest.approx(planned, abs=0.05)
    assert b_end > a_end + 0.5  # and B talks on
    (cut,) = [e for e in verbal_ground_truth(spoken) if e["cue"] == "interruption"]
    assert (cut["person"], cut["start"], cut["end"]) == pytest.approx(("B", b_start, a_end), abs=0.03)
