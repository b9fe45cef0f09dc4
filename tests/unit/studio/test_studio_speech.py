"""The studio's `say` action: script -> espeak-ng or Flite speech -> mix -> muxed video and gt.json truth."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from cuedetect.studio.speech import (
    RATE,
    SayLine,
    Spoken,
    lines_from_scenario,
    mix,
    mux_audio,
    speak,
    speech_ground_truth,
)


def _spoken(person: str, start: float, end: float, level: float = 0.0, wpm: int = 150, syllables: int = 1,
            silent: tuple[float, float] | None = None) -> Spoken:  # fmt: skip
    """A line of `syllables` ("la la ..."), sounding (steady noise) from start to end but for `silent`."""
    x = np.random.default_rng(0).normal(0, 0.05 * 10 ** (level / 20), round((end - start) * RATE))
    x = x.astype(np.float32)
    if silent:
        x[round(silent[0] * RATE) : round(silent[1] * RATE)] = 0
    return Spoken(SayLine(person, start, " ".join(["la"] * syllables), level, None, wpm), end, x)


def test_say_actions_are_read_from_the_scenario_in_time_order() -> None:
    resolved = {"persons": [
        {"id": "A", "timeline": [{"at": 5.0, "say": "later", "level": 3}, {"at": 1.0, "cue": "open_hands"}]},
        {"id": "B", "timeline": [{"at": 2.0, "say": "first", "rate": 220, "pitch": 70}]},
    ]}  # fmt: skip
    lines = lines_from_scenario(resolved)
    assert [(x.person, x.start, x.text, x.level_db, x.rate_wpm, x.pitch) for x in lines] == [
        ("B", 2.0, "first", 0.0, 220, 70), ("A", 5.0, "later", 3.0, 150, None)]  # fmt: skip


def test_ground_truth_follows_the_catalogue_definitions() -> None:
    spoken = [
        _spoken("A", 0, 3, syllables=12), _spoken("B", 3.5, 6, syllables=10),  # 4 syllables/s: the median
        _spoken("B", 6.5, 9, level=10, syllables=10),  # raised
        _spoken("A", 9.5, 12, syllables=10),  # calm answer within 6 s of the raised voice
        _spoken("B", 13, 16, syllables=18),  # rapid: 6/s, 1.5x the median
        _spoken("A", 16.5, 17.2, syllables=3),  # too short
        _spoken("A", 30, 33, level=8, syllables=12),  # the trainee shouts
        _spoken("B", 40, 43, syllables=15, wpm=100),  # 5/s (1.25x) is not rapid, whatever words/min it asked
        _spoken("B", 50, 53, syllables=13, silent=(1.0, 2.0)),  # 13 in 2 s of phonation: rapid
    ]  # fmt: skip
    truth = speech_ground_truth(spoken, {"A": "trainee", "B": "client"})
    got = [(e["cue"], e["person"], e["start"]) for e in truth["voice_events"]]
    assert got == [("raised_voice", "B", 6.5), ("calm_voice", "A", 9.5), ("rapid_speech", "B", 13),
                   ("raised_voice", "A", 30), ("rapid_speech", "B", 50)]  # fmt: skip
    assert len(truth["speech"]) == len(spoken)
    assert [seg["rate_sps"] for seg in truth["speech"]][-2:] == pytest.approx([5.0, 6.5], rel=0.03)


def test_a_trainee_line_faster_than_their_own_pace_is_not_calm() -> None:
    spoken = [_spoken("A", 0, 3, syllables=12), _spoken("B", 3.5, 6, level=10, syllables=10),
              _spoken("A", 6.5, 9.5, syllables=16), _spoken("A", 11, 14, syllables=12)]  # fmt: skip
    cues = [(e["cue"], e["start"]) for e in speech_ground_truth(spoken, {"A": "trainee", "B": "client"})
            ["voice_events"]]  # fmt: skip
    assert cues == [("raised_voice", 3.5), ("calm_voice", 11)]  # 5.3/s is 1.33x the trainee's 4/s


@pytest.mark.parametrize(("louder_db", "calm"), [(1.0, True), (3.0, False)])
def test_calm_is_judged_on_the_lines_loudness_not_its_scripted_level(louder_db: float, calm: bool) -> None:
    answer = _spoken("A", 6.5, 9.5, syllables=12)  # scripted at the usual level, sounding louder
    answer = Spoken(answer.line, answer.end, answer.samples * np.float32(10 ** (louder_db / 20)))
    spoken = [_spoken("A", 0, 3, syllables=12), _spoken("B", 3.5, 6, level=10, syllables=10), answer,
              _spoken("A", 20, 23, syllables=12)]  # fmt: skip
    truth = speech_ground_truth(spoken, {"A": "trainee", "B": "client"})
    assert any(e["cue"] == "calm_voice" for e in truth["voice_events"]) == calm


def test_a_lines_syllable_rate_is_counted_over_its_phonation() -> None:
    from cuedetect.studio.speech import line_rate, true_syllables

    assert true_syllables("la la la la la") == 5
    assert true_syllables("I came in this morning.") == 6
    rate, phon = line_rate(_spoken("A", 0, 3, syllables=10, silent=(1.0, 1.2)))
    assert phon == pytest.approx(3.0, abs=0.05) and rate == pytest.approx(10 / 3, rel=0.02)  # 0.2 s: a dip
    rate, phon = line_rate(_spoken("A", 0, 3, syllables=10, silent=(1.0, 1.6)))
    assert phon == pytest.approx(2.4, abs=0.06) and rate == pytest.approx(10 / 2.4, rel=0.03)  # a pause


def test_lapel_mix_gives_each_person_a_channel_with_crosstalk() -> None:
    line = Spoken(SayLine("B", 0.5, "x"), 1.5, np.full(RATE, 0.5, np.float32))
    audio = mix([line], ["A", "B"], 2.0, "per_person", crosstalk_db=-20, noise_db=-120)
    assert audio.shape == (2, 2 * RATE)
    assert audio[1, RATE].round(3) == 0.5 and audio[0, RATE].round(3) == 0.05
    assert mix([line], ["A", "B"], 2.0, "mix").shape == (1, 2 * RATE)


def test_espeak_speech_is_placed_at_its_level() -> None:
    quiet, loud = speak([SayLine("A", 0, "Hello there."), SayLine("A", 2, "Hello there.", 10.0)], {})
    assert loud.samples.max() / quiet.samples.max() == pytest.approx(10**0.5, rel=0.01)
    assert quiet.end == pytest.approx(len(quiet.samples) / RATE)


def _f0(x: np.ndarray) -> float:
    """The median F0 (Hz) of the voiced 40 ms frames of `x` at RATE, by autocorrelation."""
    n, out = round(0.04 * RATE), []
    loud = 0.1 * float(np.sqrt(np.mean(np.square(x))))
    for i in range(0, len(x) - n, n // 2):
        fr = x[i : i + n] - x[i : i + n].mean()
        if np.sqrt(np.mean(np.square(fr))) < loud:
            continue
        ac = np.correlate(fr, fr, "full")[n - 1 :]
        lo, hi = RATE // 400, RATE // 60
        k = lo + int(np.argmax(ac[lo:hi]))
        if ac[k] > 0.5 * ac[0]:
            out.append(RATE / k)
    return float(np.median(out))


def test_flite_voices_speak_at_the_asked_level_pitch_and_pace() -> None:
    from cuedetect.studio.voices import synthesise

    text = "I hear you, that sounds really hard."
    quiet, loud = speak([SayLine("A", 0, text, voice="flite:slt"), SayLine("A", 3, text, 10.0)],
                        {"A": ("flite:slt", 170)})  # fmt: skip
    assert loud.samples.max() / quiet.samples.max() == pytest.approx(10**0.5, rel=0.01)
    assert quiet.end == pytest.approx(len(quiet.samples) / RATE) and 1.5 < quiet.end < 3.5  # at RATE, trimmed
    low, high = _f0(synthesise(text, "flite:slt", 150, 150)), _f0(synthesise(text, "flite:slt", 210, 150))
    assert 135 < low < 170 and 185 < high < 235  # the pitch asked, in Hz
    slow, fast = synthesise(text, "flite:awb", None, 110), synthesise(text, "flite:awb", None, 220)
    assert len(slow) / len(fast) == pytest.approx(2.0, rel=0.15)
    espeak_len = len(synthesise(text, "en-us+m2", 45, 150))
    assert len(synthesise(text, "flite:kal16", None, 150)) / espeak_len == pytest.approx(1.0, abs=0.25)


@pytest.mark.parametrize(("voice", "engine"),
                         [("flite:rms", "flite"), ("en+m3", "espeak-ng"), (None, "espeak-ng")])  # fmt: skip
def test_a_voice_name_says_its_engine(voice: str | None, engine: str) -> None:
    from cuedetect.studio.voices import engine_of

    assert engine_of(voice) == engine


def test_unknown_voices_and_engines_are_clear_errors() -> None:
    from cuedetect.errors import InputError
    from cuedetect.studio.voices import default_voice, synthesise

    with pytest.raises(InputError, match="no Flite voice 'bob'"):
        synthesise("hello", "flite:bob", None, 150)
    with pytest.raises(InputError, match="mean F0 in Hz"):  # espeak-ng's scale given to a Flite voice
        synthesise("hello", "flite:slt", 60, 150)
    with pytest.raises(InputError, match="espeak-ng or flite"):
        default_voice(0.2, "festival")
    assert default_voice(0.2, "flite") == ("flite:slt", 170) and default_voice(0.9) == ("en+m3", 40)


def test_muxing_copies_the_video_stream_unchanged(tmp_path: Path) -> None:
    import av

    src = tmp_path / "v.mp4"
    with av.open(str(src), "w") as c:
        s = c.add_stream("libx264", rate=10)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        for i in range(20):
            for p in s.encode(
                av.VideoFrame.from_ndarray(np.full((64, 64, 3), 10 * i, np.uint8), format="rgb24")
            ):
                c.mux(p)
        for p in s.encode():
            c.mux(p)

    def video_digest(path: Path) -> str:
        h = hashlib.sha256()
        with av.open(str(path)) as c:
            for p in c.demux(c.streams.video[0]):
                h.update(bytes(p))
            return h.hexdigest()

    before = video_digest(src)
    mux_audio(src, np.zeros((2, RATE * 2), np.float32), src)
    assert video_digest(src) == before
    with av.open(str(src)) as c:
        assert c.streams.audio[0].channels == 2


def _persons() -> list:
    from types import SimpleNamespace

    return [SimpleNamespace(id=p, shape=SimpleNamespace(sex=s)) for p, s in (("A", 0.2), ("B", 0.9))]


@pytest.mark.parametrize(("lip_sync", "engine"), [(True, "espeak-ng"), (True, "flite"), (False, "espeak-ng")])
def test_jaws_move_only_while_their_own_lines_sound(lip_sync: bool, engine: str) -> None:
    from cuedetect.studio.speech import JAW_MAX_RAD, mouth_opening

    resolved = {"audio": {"lip_sync": lip_sync, "engine": engine}, "persons": [
        {"id": "A", "timeline": [{"at": 0.5, "say": "Hello, how are you today?"}]},
        {"id": "B", "timeline": [{"at": 3.5, "say": "Fine, thank you."}]},
    ]}  # fmt: skip
    times = np.arange(0, 6, 0.04)
    jaw = mouth_opening(resolved, _persons(), times)
    if not lip_sync:
        assert not jaw["A"].any() and not jaw["B"].any()
        return
    a_line = (times >= 0.5) & (times < 2.5)
    assert jaw["A"][a_line].max() > 0.6 * JAW_MAX_RAD and jaw["A"].max() <= JAW_MAX_RAD + 1e-9
    assert not jaw["A"][(times < 0.5) | (times > 3.3)].any()  # shut before and after A's line
    assert not jaw["B"][times < 3.5].any() and jaw["B"][times >= 3.5].max() > 0.6 * JAW_MAX_RAD
    assert (np.diff(jaw["A"][a_line]) != 0).mean() > 0.5  # it follows the syllables, not a held-open mouth


def test_an_open_jaw_lowers_the_chin_and_leaves_the_head_where_it_was() -> None:
    from cuedetect.studio.body import BodyShape, build_body
    from cuedetect.studio.pose import PoseParams, Poser
    from cuedetect.studio.skinning import transform_points

    body = build_body(BodyShape(sex=0.5))
    poser = Poser(body)
    jaw = body.bone("jaw")
    chin = np.flatnonzero((body.weight_bones == jaw).any(axis=1) & (body.weight_values.max(axis=1) > 0))
    shut, open_ = PoseParams(), PoseParams(jaw_open=0.3)
    moved = []
    for p in (shut, open_):
        G, P = poser.pose(p)
        moved.append(transform_points(body.verts[chin], np.full(len(chin), jaw), body.heads, G, P))
    drop = moved[0][:, 2] - moved[1][:, 2]
    assert drop.max() > 0.01  # the chin drops by centimetres
    G0, _ = poser.pose(shut)
    G1, _ = poser.pose(open_)
    assert np.allclose(G0[body.bone("head")], G1[body.bone("head")])
