"""The hand stage inside `cuedetect analyze`, on real pixels: hands.parquet, its columns and statuses."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pandas as pd
import pytest

from cuedetect.hands.shape import NUM_HAND_LANDMARKS

REQUIRED = ["frame", "time", "person", "side", "status", "state", "state_confidence", "size_px"]


def _cut(src: Path, dst: Path, seconds: float, rows: float) -> Path:
    """The first `seconds` of `src`, keeping only the top `rows` share of each frame (heads, shoulders)."""
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        stream_in = inp.streams.video[0]
        stream = out.add_stream("libx264", rate=round(float(stream_in.average_rate)))
        stream.pix_fmt = "yuv420p"
        for frame in inp.decode(video=0):
            if frame.time > seconds:
                break
            img = frame.to_ndarray(format="rgb24")
            keep = int(img.shape[0] * rows) // 2 * 2
            img = np.ascontiguousarray(img[:keep])
            if not stream.codec_context.is_open:
                stream.width, stream.height = img.shape[1], img.shape[0]
            out.mux(stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        out.mux(stream.encode())
    return dst


@pytest.fixture(scope="module")
def no_hands(standoff_video, tmp_path_factory, analyze_cli):
    """Two people cut off below the shoulders, arms down (before the client crosses them at 1.6 s)."""
    folder = tmp_path_factory.mktemp("nohands")
    video = _cut(standoff_video, folder / "heads.mp4", 1.4, 0.42)
    analysis = analyze_cli(video, folder / "out", "--no-register", "--no-voice", "--quiet")
    return analysis, pd.read_parquet(folder / "out" / "hands.parquet")


def test_a_clip_with_no_hands_in_view_reads_no_hand_and_says_why(no_hands):
    analysis, hands = no_hands
    assert analysis["persons"], "the people (heads and shoulders) are still tracked"
    assert len(hands) == 2 * sum(p["frames_detected"] + p["frames_interpolated"] for p in analysis["persons"])
    assert set(hands["status"]) <= {"out_of_view", "too_small", "not_found"}
    assert hands["state"].isna().all() and hands["state_confidence"].isna().all()
    assert np.isnan(hands[[f"hx{j}" for j in range(NUM_HAND_LANDMARKS)]].to_numpy()).all()
    assert analysis["model_calls"]["hand_crops"] <= 0.1 * len(hands)  # the hand model hardly ran
    assert "hands.parquet" in analysis["files"]
    from cuedetect.hands import DEFAULT_HAND_STATES

    said = analysis["hands"]["state_classifier"]  # which classifier read the states, in the record
    assert said.startswith("learned model" if DEFAULT_HAND_STATES == "learned" else "hand-written rules")


def test_hands_parquet_has_the_issue_columns(no_hands):
    _, hands = no_hands
    cols = set(hands.columns)
    assert set(REQUIRED) <= cols
    for axis in "xyz":
        assert {f"h{axis}{j}" for j in range(NUM_HAND_LANDMARKS)} <= cols
    assert set(hands["side"]) == {"left", "right"}
    assert hands.groupby(["frame", "person"]).size().eq(2).all()  # one row per person, side and frame


@pytest.mark.slow
def test_a_thumbs_up_reads_thumb_up_and_is_no_guard(dev_set_analysis):
    """one_person_gestures.mp4: a fist above her head (1.2-2.0 s), then a thumbs-up (3.0-7.0 s).

    The analysis at the defaults (15 fps, full model) that `test_analyze_clips.py` reads too (one pose
    worker: the same poses as two)."""
    out, _ = dev_set_analysis("one_person_gestures.mp4")
    hands = pd.read_parquet(out / "hands.parquet")
    right = hands[hands["side"] == "right"]
    fist = right[right["time"].between(1.2, 2.0) & right["state"].notna()]
    assert len(fist) >= 4 and (fist["state"] == "fist").all()
    thumbs = right[right["time"].between(3.0, 7.0)]
    assert (thumbs["state"] == "thumb_up").mean() > 0.5
    assert (thumbs["state"] == "fist").mean() < 0.2
    events = json.loads((out / "events.json").read_text())["events"]
    assert not [e for e in events if e["cue"] == "fists_up" and e["end"] > 3.0 and e["start"] < 7.0], events


@pytest.fixture(scope="module")
def outdoors(analyze_cli, clips_dir, tmp_path_factory) -> Path:
    """two_people_outdoors.mp4 analysed at the defaults: a man (left) hands a woman (right) a cup."""
    out = tmp_path_factory.mktemp("outdoors") / "out"
    analyze_cli(clips_dir / "two_people_outdoors.mp4", out, "--no-register", "--no-voice", "--quiet")
    return out


@pytest.mark.slow
def test_handing_over_a_cup_is_neither_pointing_nor_open_hands(outdoors):
    events = json.loads((outdoors / "events.json").read_text())["events"]
    assert not [e for e in events if e["cue"] in ("pointing", "open_hands")], events


@pytest.mark.slow
def test_the_hand_holding_the_cup_out_faces_the_other_person(outdoors):
    """From 1.7 s the man holds the cup out to the woman, his hand around it: his palm toward her. Her
    left hand hangs at her side, its palm to her thigh: never toward him."""
    poses = pd.read_parquet(outdoors / "poses.parquet")
    hands = pd.read_parquet(outdoors / "hands.parquet")
    hip_x = poses.groupby("person")[["x23", "x24"]].median().mean(axis=1)
    man, woman = int(hip_x.idxmin()), int(hip_x.idxmax())
    read = hands[hands["status"].isin(["read", "held"])]
    cup = read[(read["person"] == man) & (read["side"] == "right") & (read["time"] >= 1.7)]
    assert len(cup) >= 10
    assert cup["palm_to_other_deg"].notna().all() and (cup["palm_other"] == woman).all()
    assert (cup["palm_facing"] == "other_person").mean() >= 0.8
    hanging = read[(read["person"] == woman) & (read["side"] == "left")]
    assert len(hanging) >= 10 and (hanging["palm_facing"] != "other_person").all()
    assert (hanging["palm_to_other_deg"] > 90).all()
