"""One-microphone attribution by mouth motion: face boxes, mouth motion from pixels, and the decision
(the person whose mouth moves with the voice; unattributed when no mouth shows or nobody's clearly does)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.pose.tracked import Tracks
from cuedetect.voice.analysis import HOP_S, Utterance, VoiceResult
from cuedetect.voice.mouths import MouthMotion, attribute_by_mouth, face_boxes, motion_from_frames

SIZE = (320, 240)


def face(cx: float, cy: float, scale: float = 0.06, vis: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks (33, 2) normalised with a face centred at (cx, cy), eyes `scale` apart; visibility `vis`."""
    xy = np.full((33, 2), np.nan)
    xy[0] = [cx, cy]  # nose
    xy[2], xy[5] = [cx + scale / 2, cy - scale / 2], [cx - scale / 2, cy - scale / 2]  # eyes
    xy[9], xy[10] = [cx + scale / 3, cy + scale / 2], [cx - scale / 3, cy + scale / 2]  # mouth corners
    return xy, np.full(33, vis)


@pytest.mark.parametrize(("change", "expected"), [
    ({}, True),
    ({"vis": 0.2}, False),  # unsure landmarks: a face turned away
    ({"scale": 0.005}, False),  # too small to read a mouth
    ({"cx": 0.99}, False),  # the mouth box leaves the picture
])  # fmt: skip
def test_face_boxes_only_for_a_visible_readable_mouth(change: dict, expected: bool) -> None:
    args = {"cx": 0.5, "cy": 0.5, "scale": 0.1, "vis": 0.9, **change}
    xy, vis = face(**args)
    boxes = face_boxes(xy, vis, SIZE)
    assert (boxes is not None) == expected
    if boxes is not None:
        mouth, eyes = boxes
        assert mouth[1] > eyes[1]  # the mouth box sits below the eyes
        assert mouth[0] < 0.5 * SIZE[0] < mouth[2]


def test_face_boxes_missing_landmarks() -> None:
    xy, vis = face(0.5, 0.5, 0.1)
    xy[9] = np.nan
    assert face_boxes(xy, vis, SIZE) is None


def _tracks(n: int, faces: list[tuple[float, float]]) -> Tracks:
    rows = [(f, p) for f in range(n) for p in range(len(faces))]
    xy = np.stack([face(*faces[p], 0.1)[0] for _, p in rows]).astype(np.float32)
    vis = np.stack([face(*faces[p], 0.1)[1] for _, p in rows]).astype(np.float32)
    return Tracks(np.arange(n), np.arange(n) / 10.0, np.array([f for f, _ in rows]),
                  np.array([f / 10.0 for f, _ in rows]), np.array([p for _, p in rows]), xy, vis,
                  np.zeros((len(rows), 33, 3), np.float32), size=SIZE)  # fmt: skip


def test_mouth_motion_from_pixels_sees_the_moving_mouth_not_the_still_one() -> None:
    rng = np.random.default_rng(0)
    tracks = _tracks(12, [(0.3, 0.5), (0.7, 0.5)])
    base = rng.integers(60, 200, (SIZE[1], SIZE[0], 3)).astype(np.uint8)
    frames = []
    for k in range(12):
        img = base.copy()
        # person 0 talks: the patch under their nose changes every frame; person 1's face stays still
        y, x = int(0.56 * SIZE[1]), int(0.3 * SIZE[0])
        img[y - 6 : y + 6, x - 8 : x + 8] = rng.integers(0, 255, (12, 16, 3))
        frames.append((k, k / 10.0, img))
    motions = {m.person: m for m in motion_from_frames(frames, tracks)}
    assert np.isnan(motions[0].motion[0])  # the first frame has nothing to compare with
    assert np.nanmin(motions[0].motion) > 0.005
    assert np.nanmax(np.abs(motions[1].motion)) < 1e-6


def _mono_result(spans: list[tuple[float, float]], seconds: float = 10.0) -> VoiceResult:
    """One unattributed channel whose speech is `spans` (a voice envelope of known shape)."""
    t = np.arange(round(seconds / HOP_S)) * HOP_S
    speech = np.zeros(len(t), bool)
    utt = np.full(len(t), -1)
    for k, (a, b) in enumerate(spans):
        on = (t >= a) & (t < b)
        speech |= on
        utt[on] = k
    level = np.where(speech, -20.0 + 3 * np.sin(2 * np.pi * 4 * t), -70.0)
    frames = pd.DataFrame({"t": t, "channel": np.int8(0), "person": np.int16(UNATTRIBUTED),
                           "speech": speech, "level_db": level.astype(np.float32),
                           "utterance": utt.astype(np.int32)})  # fmt: skip
    utts = [Utterance(UNATTRIBUTED, 0, a, b, b - a, 10, 4.0, -23.0, 120.0, 0) for a, b in spans]
    return VoiceResult(frames, utts, 1, False, [])


def _motion(person: int, spans: list[tuple[float, float]], seconds: float = 10.0, seen: bool = True,
            seed: int = 0) -> MouthMotion:  # fmt: skip
    """Mouth motion at 15 fps: high while this person speaks in `spans`, small noise otherwise."""
    t = np.arange(0, seconds, 1 / 15)
    talking = np.zeros(len(t), bool)
    for a, b in spans:
        talking |= (t > a + 0.05) & (t <= b)
    m = np.random.default_rng(seed).normal(0, 0.003, len(t)) + 0.03 * talking
    return MouthMotion(person, t, m if seen else np.full(len(t), np.nan))


def test_each_utterance_goes_to_the_person_whose_mouth_moves_with_it() -> None:
    a_says, b_says = [(1.0, 3.0), (6.0, 7.5)], [(3.8, 5.4)]
    res = _mono_result(sorted(a_says + b_says))
    out, summary = attribute_by_mouth(res, [_motion(4, a_says, seed=1), _motion(7, b_says, seed=2)])
    assert [u.person for u in out.utterances] == [4, 7, 4]
    assert all(u.attribution == "mouth" and u.attribution_score > 0.5 for u in out.utterances)
    assert summary["utterances"] == {"by_mouth": 3, "no_mouth_visible": 0, "unclear": 0}
    # the frame table follows: each utterance's frames carry its speaker, silence stays unattributed
    f = out.frames
    assert set(f.loc[(f.t >= 3.8) & (f.t < 5.4), "person"]) == {7}
    assert set(f.loc[f.t < 1.0, "person"]) == {UNATTRIBUTED}
    assert all(u.person == UNATTRIBUTED for u in res.utterances)  # the input is left as it was


def test_nobody_visible_or_nobody_moving_stays_unattributed() -> None:
    spans = [(1.0, 3.0), (4.0, 6.0)]
    res = _mono_result(spans)
    out, summary = attribute_by_mouth(res, [_motion(1, spans, seen=False), _motion(2, [], seen=False)])
    assert all(u.person == UNATTRIBUTED and u.attribution == "no mouth visible" for u in out.utterances)
    assert summary["utterances"]["no_mouth_visible"] == 2
    # mouths visible but still (a poster, a listener): not a guess either
    out, summary = attribute_by_mouth(res, [_motion(1, [], seed=3), _motion(2, [], seed=4)])
    assert all(u.person == UNATTRIBUTED and u.attribution.startswith("unclear") for u in out.utterances)
    # both mouths moving all the time (chewing, overlap): no clear winner
    out, _ = attribute_by_mouth(res, [_motion(1, spans, seed=5), _motion(2, spans, seed=6)])
    assert all(u.person == UNATTRIBUTED for u in out.utterances)


def test_a_mouth_seen_for_too_little_of_the_utterance_does_not_count() -> None:
    spans = [(1.0, 4.0)]
    m = _motion(3, spans, seed=7)
    hidden = m.motion.copy()
    hidden[m.t > 1.8] = np.nan  # turned away after the first 0.8 s of a 3 s utterance
    out, summary = attribute_by_mouth(_mono_result(spans), [MouthMotion(3, m.t, hidden)])
    assert out.utterances[0].person == UNATTRIBUTED
    assert summary["utterances"]["no_mouth_visible"] == 1
