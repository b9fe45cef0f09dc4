from __future__ import annotations

import numpy as np
import pytest

from cuedetect.cues.evaluate import Scores, frame_counts, iou, match_events, relabel


@pytest.mark.parametrize(
    ("a", "b", "v"), [((0, 2), (1, 3), 1 / 3), ((0, 1), (2, 3), 0.0), ((0, 2), (0, 2), 1.0)]
)
def test_iou(a, b, v) -> None:
    assert iou(a, b) == pytest.approx(v)


def ev(cue, person, s, e, other=None):
    return {"cue": cue, "person": person, "other": other, "start": s, "end": e}


@pytest.mark.parametrize(
    ("pred", "gt", "tp_fp_fn"),
    [
        ([ev("pointing", "A", 1, 3)], [ev("pointing", "A", 1.2, 3.1)], (1, 0, 0)),
        ([ev("pointing", "B", 1, 3)], [ev("pointing", "A", 1, 3)], (0, 1, 1)),  # wrong person
        ([ev("pointing", "A", 1, 3)], [ev("pointing", "A", 2.6, 9)], (0, 1, 1)),  # IoU < 0.3
        (
            [ev("pointing", "A", 1, 3), ev("pointing", "A", 1, 3)],
            [ev("pointing", "A", 1, 3)],
            (1, 1, 0),
        ),  # one-to-one
        ([], [ev("pointing", "A", 1, 3)], (0, 0, 1)),
    ],
)
def test_match_events(pred, gt, tp_fp_fn) -> None:
    c = match_events(pred, gt, "pointing")
    assert (c.tp, c.fp, c.fn) == tp_fp_fn


def test_too_close_matches_the_unordered_pair() -> None:
    c = match_events([ev("too_close", "A", 1, 3, "B")], [ev("too_close", "B", 1, 3, "A")], "too_close")
    assert c.tp == 1


def test_frame_counts_and_scores_json() -> None:
    t = np.arange(0, 10, 0.5)
    c = frame_counts([ev("fists_up", "A", 0, 4)], [ev("fists_up", "A", 2, 6)], "fists_up", {"A": t})
    assert (c.tp, c.fp, c.fn) == (5, 4, 4)
    s = Scores()
    s.add_clip([ev("fists_up", "A", 0, 4)], [ev("fists_up", "A", 1, 5)], {"A": t})
    j = s.to_json()
    assert j["per_cue"]["fists_up"]["event"]["f1"] == 1.0 and j["macro_event_f1"] == 1.0
    assert "`fists_up`" in s.table()


def test_relabel_drops_unmatched_persons() -> None:
    out = relabel(
        [ev("pointing", 0, 0, 1), ev("pointing", 7, 0, 1), ev("too_close", 0, 0, 1, 1)], {0: "A", 1: "B"}
    )
    assert [(e["person"], e["other"]) for e in out] == [("A", None), ("A", "B")]
