from __future__ import annotations

import json
from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.training.real_labels import (
    LabelledEvent,
    RealClip,
    RealScores,
    is_real_labels,
    load_real_labels,
    match_clip,
    mistakes_list,
    side_by_side,
)


def clip(events=(), absent=()) -> RealClip:
    return RealClip(Path("c.mp4"), 1, "", [LabelledEvent(*e) for e in events], frozenset(absent))


def found(cue, s, e, person=0):
    return {"cue": cue, "person": person, "start": s, "end": e}


@pytest.mark.parametrize(
    ("pred", "events", "absent", "tp_fp_fn_unscored"),
    [
        # matched by cue and time, whoever the person
        ([found("hands_raised", 1.0, 2.0, 3)], [("hands_raised", "the man", 1.1, 2.2)], [], (1, 0, 0, 0)),
        # IoU 0.2 is enough (times are +-0.5 s)
        ([found("hands_raised", 0.0, 1.0)], [("hands_raised", "x", 0.8, 1.8)], [], (0, 1, 1, 0)),
        ([found("hands_raised", 0.0, 1.0)], [("hands_raised", "x", 0.6, 1.4)], [], (1, 0, 0, 0)),
        # a cue marked absent is a false alarm
        ([found("pointing", 0.0, 1.0)], [], ["pointing"], (0, 1, 0, 0)),
        # a cue in neither list is unscored
        ([found("pointing", 0.0, 1.0)], [], ["fists_up"], (0, 0, 0, 1)),
        # a labelled cue's extra event is a false alarm
        (
            [found("too_close", 0, 2), found("too_close", 5, 6)],
            [("too_close", "pair", 0, 2.4)],
            [],
            (1, 1, 0, 0),
        ),
        # one-to-one: two found events for one label
        (
            [found("fists_up", 1.8, 2.3, 0), found("fists_up", 1.8, 2.3, 1)],
            [("fists_up", "a", 1.8, 2.3)],
            [],
            (1, 1, 0, 0),
        ),
        # two labelled people at once need two found events
        (
            [found("fists_up", 1.8, 2.3, 0)],
            [("fists_up", "a", 1.8, 2.3), ("fists_up", "b", 1.8, 2.3)],
            [],
            (1, 0, 1, 0),
        ),
        # a wrong cue at the right time matches nothing
        ([found("fists_up", 1, 2)], [("hands_raised", "a", 1, 2)], ["fists_up"], (0, 1, 1, 0)),
    ],
)
def test_match_clip(pred, events, absent, tp_fp_fn_unscored) -> None:
    r = match_clip(pred, clip(events, absent))
    assert (len(r.matched), len(r.false_alarms), len(r.misses), len(r.unscored)) == tp_fp_fn_unscored


def test_best_overlap_wins_the_label() -> None:
    r = match_clip([found("pacing", 0, 10), found("pacing", 2, 4)], clip([("pacing", "a", 2, 4)]))
    assert r.matched[0][0]["start"] == 2 and r.false_alarms[0]["start"] == 0


def test_scores_sum_over_clips_and_list_every_mistake() -> None:
    s = RealScores()
    s.add(match_clip([found("pointing", 0, 1)], clip([("pointing", "a", 0, 1)], ["fists_up"])))
    s.add(match_clip([found("fists_up", 0, 1)], clip([("pointing", "b", 3, 4)], ["fists_up"])))
    tot = s.total()
    assert (tot.tp, tot.fp, tot.fn) == (1, 1, 1)
    assert s.events["pointing"].recall == 0.5 and s.events["fists_up"].precision == 0.0
    j = s.to_json()
    assert j["precision"] == 0.5 and j["recall"] == 0.5
    assert [m["cue"] for m in j["false_alarms"]] == ["fists_up"]
    assert [m["cue"] for m in j["misses"]] == ["pointing"]
    text = mistakes_list(s)
    assert "false alarm `fists_up`" in text and "missed `pointing` (b) 3.0-4.0 s" in text
    table = side_by_side(s, RealScores())
    assert "| `pointing` | 2 | 1.00 | 0.50 |" in table and "**all events**" in table


def write_labels(folder: Path, clips: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for c in clips:
        (folder / c["file"]).write_bytes(b"x")
    p = folder / "labels.json"
    p.write_text(json.dumps({"about": "by-eye", "clips": clips}))
    return p


def test_load_real_labels_reads_the_format(tmp_path: Path) -> None:
    p = write_labels(
        tmp_path,
        [
            {
                "file": "a.mp4",
                "persons": 2,
                "description": "d",
                "events": [{"cue": "too_close", "who": "the pair", "start_s": 0, "end_s": 2.4}],
                "absent": ["pointing"],
            }
        ],
    )
    (c,) = load_real_labels(tmp_path)
    assert c.video == tmp_path / "a.mp4" and c.persons == 2
    assert c.events == [LabelledEvent("too_close", "the pair", 0.0, 2.4)]
    assert c.scored_cues == {"too_close", "pointing"}
    assert is_real_labels(p) and is_real_labels(tmp_path)


@pytest.mark.parametrize(
    "clips",
    [
        [{"file": "a.mp4", "events": [{"cue": "punching", "start_s": 0, "end_s": 1}], "absent": []}],
        [{"file": "a.mp4", "events": [], "absent": ["shouting"]}],
    ],
)
def test_unknown_cues_are_refused(tmp_path: Path, clips) -> None:
    write_labels(tmp_path, clips)
    with pytest.raises(InputError, match="unknown cues"):
        load_real_labels(tmp_path)


def test_missing_video_and_wrong_format_are_refused(tmp_path: Path) -> None:
    p = write_labels(tmp_path, [{"file": "a.mp4", "events": [], "absent": []}])
    (tmp_path / "a.mp4").unlink()
    with pytest.raises(InputError, match="not found"):
        load_real_labels(p)
    bad = tmp_path / "other.json"
    bad.write_text("{}")
    with pytest.raises(InputError, match="not a real-clip"):
        load_real_labels(bad)
    studio = tmp_path / "studio"
    (studio / "clip").mkdir(parents=True)
    (studio / "clip" / "gt.json").write_text("{}")
    assert not is_real_labels(studio)
