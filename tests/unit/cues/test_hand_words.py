"""The hands in a hand cue's evidence: shape, palm and height in an instructor's words."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.hand_words import PALM_POINTS, _mean, describe_hands, height_word
from cuedetect.landmarks import INDEX
from cuedetect.pose.tracked import PersonTrack

N = 20
OPEN, OTHER, TOWARD = ["open_palm"] * N, ["other"] * N, ["other_person"] * N
# an upright body in normalized image coordinates: nose 0.20, shoulders 0.30, hips 0.60
NOSE, SHOULDER, HIP = 0.20, 0.30, 0.60


def body_track(person: int = 0, n: int = N) -> PersonTrack:
    xy = np.full((n, 33, 2), 0.5)
    xy[:, INDEX["nose"], 1] = NOSE
    for name in ("left_shoulder", "right_shoulder"):
        xy[:, INDEX[name], 1] = SHOULDER
    for name in ("left_hip", "right_hip"):
        xy[:, INDEX[name], 1] = HIP
    return PersonTrack(person, np.arange(n), np.arange(n) / 10, xy, np.ones((n, 33)), np.zeros((n, 33, 3)))


def table(**sides: tuple[list, list | None, float | None]) -> pd.DataFrame:
    """side -> (states per frame, palm_facing per frame or None, hand height y or None)."""
    rows = []
    for side, (states, palms, y) in sides.items():
        for f, s in enumerate(states):
            palm = palms[f] if palms and s else None
            row = {"frame": f, "time": f / 10, "person": 0, "side": side, "state": s,
                   "status": "read" if s else "not_found", "palm_facing": palm}  # fmt: skip
            for j in PALM_POINTS:
                row[f"hy{j}"] = y if (y is not None and s) else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("y", "word"),
    [
        (0.05, "above the head"),
        (0.13, "above the head"),  # a fist raised just over the head
        (0.18, "at head height"),
        (0.27, "at chin height"),
        (0.40, "at chest height"),
        (0.58, "at waist height"),
        (0.75, "below the waist"),
        (np.nan, None),
    ],
)
def test_height_against_the_persons_own_body(y, word):
    assert height_word(y, NOSE, SHOULDER, HIP) == word
    # the same body twice as big and lower in the picture: the same word
    assert height_word(2 * y + 0.1, 2 * NOSE + 0.1, 2 * SHOULDER + 0.1, 2 * HIP + 0.1) == word


def test_without_hips_in_view_the_torso_is_taken_from_the_neck_and_a_lying_body_has_no_height():
    assert height_word(0.40, NOSE, SHOULDER, np.nan) == "at chest height"
    assert height_word(0.40, 0.5, 0.3, 0.7) is None  # the nose below the shoulders


@pytest.mark.parametrize(
    ("sides", "cue", "words"),
    [
        (
            {"left": (["fist"] * N, None, 0.27), "right": (["fist"] * N, None, 0.26)},
            "fists_up",
            "both hands closed (fists) at chin height",
        ),
        (
            {"left": (OPEN, TOWARD, 0.40), "right": (OPEN, TOWARD, 0.42)},
            "open_hands",
            "both hands open, palms toward the other person, at chest height",
        ),
        # the hand showing the cue's shape first; the palm said for open hands only
        (
            {"left": (OTHER, ["camera"] * N, 0.58), "right": (OPEN, TOWARD, 0.40)},
            "open_hands",
            "right hand open, palm toward the other person, at chest height; "
            "left hand neither open nor closed at waist height",
        ),
        (
            {"left": (["point"] * N, ["down"] * N, 0.27), "right": (["other"] * N, None, 0.75)},
            "pointing",
            "left hand pointing a finger at chin height; right hand neither open nor closed below the waist",
        ),
        # the palm and height of the readings that showed the hand's main shape
        (
            {"right": (OPEN[:8] + ["fist"] * 6 + OTHER[:6], ["camera"] * 8 + TOWARD[:12], 0.40)},
            "open_hands",
            "right hand open, palm toward the camera, at chest height",
        ),
        (
            {"right": (["open_palm"] * N, ["away"] * N, 0.18)},
            "open_hands",
            "right hand open, back of the hand to the camera, at head height",
        ),
        ({"right": (["thumb_up"] * N, None, None)}, "fists_up", "right hand giving a thumbs-up"),
        ({"right": ([None] * N, None, None)}, "fists_up", ""),
    ],
)
def test_the_hands_of_a_span_in_words(sides, cue, words):
    assert describe_hands(table(**sides), 0, 0.0, 2.0, body_track(), cue) == words


def test_no_table_another_person_or_no_body_track():
    t = table(right=(["fist"] * N, None, 0.27))
    assert describe_hands(None, 0, 0.0, 2.0) == ""
    assert describe_hands(t, 1, 0.0, 2.0, body_track(1), "fists_up") == ""
    assert describe_hands(t, 0, 0.0, 2.0, None, "fists_up") == "right hand closed (fist)"
    old = t.drop(columns=["palm_facing", *(f"hy{j}" for j in PALM_POINTS)])  # an analysis of an older version
    assert describe_hands(old, 0, 0.0, 2.0, body_track(), "fists_up") == "right hand closed (fist)"


def test_a_hand_cue_event_s_evidence_says_what_the_hands_did(monkeypatch):
    """find_events appends the hands' words, with heights from the person's own body, to hand cues only."""
    from cuedetect.cues import detect
    from cuedetect.cues.settings import CueSettings

    feats = pd.DataFrame({"person": 0, "frame": np.arange(N), "t": np.arange(N) / 10})
    probs = pd.DataFrame({"fists_up": np.full(N, 0.95), "leaning_in": np.full(N, 0.95)})
    monkeypatch.setattr(detect, "_probabilities", lambda f, clf: probs.set_axis(f.index))
    hands = table(left=(["fist"] * N, None, 0.27), right=(["fist"] * N, None, 0.26))
    hands["size_px"] = 60.0
    events = detect.find_events([body_track()], None, feats, None, CueSettings(), hands=hands)
    by_cue = {e.cue: e.evidence for e in events}
    assert by_cue["fists_up"].endswith("; both hands closed (fists) at chin height")
    assert "hand" not in by_cue["leaning_in"]


@pytest.mark.parametrize(
    ("values", "mean"),
    [([0.2, 0.4], 0.3), ([np.nan, 0.4], 0.4), ([0.1, np.nan, 0.2, np.nan, 0.6], 0.3),
     ([np.nan, np.nan], None), ([], None)],
)  # fmt: skip
def test_the_mean_of_a_body_part_skips_missing_landmarks_and_warns_of_nothing(values, mean):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _mean(np.array(values))
    assert np.isnan(got) if mean is None else got == pytest.approx(mean)
