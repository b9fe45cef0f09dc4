"""The studio's `say` action: script -> espeak-ng speech -> mix -> muxed video and gt.json truth."""

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


def _spoken(person: str, start: float, end: float, level: float = 0.0, wpm: int = 150) -> Spoken:
    return Spoken(SayLine(person, start, "x", level, None, wpm), end, np.zeros(1, np.float32))


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
        _spoken("A", 0, 3), _spoken("B", 3.5, 6), _spoken("B", 6.5, 9, level=10),  # raised
        _spoken("A", 9.5, 12),  # calm answer within 6 s of the raised voice
        _spoken("B", 13, 16, wpm=240),  # rapid: 1.6x the median 150
        _spoken("A", 16.5, 17.2, wpm=150), _spoken("A", 30, 33, level=8),  # too short; the trainee shouts
    ]  # fmt: skip
    truth = speech_ground_truth(spoken, {"A": "trainee", "B": "client"})
    got = [(e["cue"], e["person"], e["start"]) for e in truth["voice_events"]]
    assert got == [("raised_voice", "B", 6.5), ("calm_voice", "A", 9.5), ("rapid_speech", "B", 13),
                   ("raised_voice", "A", 30)]  # fmt: skip
    assert len(truth["speech"]) == len(spoken)


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
