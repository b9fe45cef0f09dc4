"""One microphone, real pixels and real sound: a rendered dialogue whose jaws move with their own lines
(tests/data/lipsync: corpus/lipsync/talk_a.yaml as rendered, with the rig's face landmarks per frame).

The pose landmarks are the rig's, so the test costs a decode of 220 small frames, not a pose run; the
mouth motion, the voice stage and the attribution are the analysis's own. Every stretch attributed must
be right; a stretch nobody's mouth clearly follows stays unattributed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.pose.tracked import Tracks
from cuedetect.voice.analysis import analyze_voice
from cuedetect.voice.decode import decode_audio
from cuedetect.voice.mouths import attribute_by_mouth, mouth_motion

DATA = Path(__file__).resolve().parents[1] / "data" / "lipsync"
INDEX = (0, 2, 5, 9, 10)  # nose, left eye, right eye, mouth left, mouth right
IDS = {"A": 0, "B": 1}


def _tracks(faces: dict, hide: str | None = None) -> Tracks:
    rows = [(f, p) for f in faces["frames"] for p in sorted(f["persons"])]
    xy = np.full((len(rows), 33, 2), np.nan, np.float32)
    vis = np.ones((len(rows), 33), np.float32)
    for i, (f, p) in enumerate(rows):
        xy[i, list(INDEX)] = f["persons"][p]
        if p == hide:
            vis[i] = 0.1  # a face turned away: the pose model is unsure of it
    frames = np.array([f["frame"] for f in faces["frames"]])
    times = np.array([f["t"] for f in faces["frames"]])
    return Tracks(frames, times, np.array([f["frame"] for f, _ in rows]), np.array([f["t"] for f, _ in rows]),
                  np.array([IDS[p] for _, p in rows]), xy, vis, np.zeros((len(rows), 33, 3), np.float32),
                  size=tuple(faces["size"]))  # fmt: skip


@pytest.fixture(scope="module")
def clip() -> tuple[dict, object]:
    faces = json.loads((DATA / "talk_a_faces.json").read_text())
    track = decode_audio(DATA / "talk_a.mp4")
    assert track is not None and track.channels == 1
    return faces, analyze_voice(track)


def _said_by(faces: dict, start: float, end: float) -> int:
    overlap, who = max((min(end, s["end"]) - max(start, s["start"]), s["person"]) for s in faces["speech"])
    return IDS[who] if overlap > 0 else UNATTRIBUTED


def test_speech_goes_to_the_mouth_that_moves_with_it(clip) -> None:
    faces, voice = clip
    assert all(u.person == UNATTRIBUTED for u in voice.utterances)
    motions = mouth_motion(DATA / "talk_a.mp4", _tracks(faces), [(0.0, 30.0)])
    out, summary = attribute_by_mouth(voice, motions)
    attributed = [u for u in out.utterances if u.person != UNATTRIBUTED]
    # with the rig's landmarks 2 of the 6 stretches are clear enough (MediaPipe's, in studio.mouth_eval: 4)
    assert len(attributed) >= 2, [(u.start, u.attribution) for u in out.utterances]
    assert {u.person for u in attributed} == {0, 1}  # both speakers found
    assert all(u.person == _said_by(faces, u.start, u.end) for u in attributed)
    assert summary["utterances"]["by_mouth"] == len(attributed)


def test_a_face_turned_away_is_not_guessed_from_the_other(clip) -> None:
    faces, voice = clip
    motions = mouth_motion(DATA / "talk_a.mp4", _tracks(faces, hide="B"), [(0.0, 30.0)])
    out, _ = attribute_by_mouth(voice, motions)
    # B's lines cannot go to B (no mouth) and must not go to A, whose mouth is still while B speaks
    for u in out.utterances:
        assert u.person in (UNATTRIBUTED, _said_by(faces, u.start, u.end))
        assert u.person != IDS["B"]
