from __future__ import annotations

import numpy as np
import pytest

from cuedetect.cues.evaluate import Scores, frame_counts, iou, match_events, relabel, scoring_times


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


def test_scores_of_two_sets_of_clips_add_up_to_the_scores_of_all() -> None:
    t = {"A": np.arange(0, 10, 0.5)}
    clips = [([ev("fists_up", "A", 0, 4)], [ev("fists_up", "A", 1, 5)]),
             ([ev("pointing", "A", 0, 2)], [ev("fists_up", "A", 6, 9)]),
             ([], [ev("pointing", "A", 3, 5)])]  # fmt: skip
    whole, first, rest = Scores(), Scores(), Scores()
    for k, (pred, gt) in enumerate(clips):
        whole.add_clip(pred, gt, t)
        (first if k == 0 else rest).add_clip(pred, gt, t)
    first.add(rest)
    assert first.to_json() == whole.to_json() and first.clips == 3
    assert rest.clips == 2  # the added scores are left as they were


def test_relabel_drops_unmatched_persons() -> None:
    out = relabel(
        [ev("pointing", 0, 0, 1), ev("pointing", 7, 0, 1), ev("too_close", 0, 0, 1, 1)], {0: "A", 1: "B"}
    )
    assert [(e["person"], e["other"]) for e in out] == [("A", None), ("A", "B")]


def test_relabel_can_keep_unmatched_persons_as_nobodys() -> None:
    out = relabel([ev("pointing", 7, 0, 1), ev("too_close", 0, 0, 1, 7)], {0: "A"}, keep_unmatched=True)
    assert [(e["person"], e["other"]) for e in out] == [("unmatched:7", None), ("A", "unmatched:7")]


T = np.arange(0, 10, 0.5)  # 20 frames


# One clip: ground truth A and B (both in view all along), the analysis found tracks 0 and 1.
# (case; mapping found -> gt; found events (analysis ids); gt events; event tp/fp/fn; frame tp/fp/fn)
SCORING_CASES = [
    ("both found, both right", {0: "A", 1: "B"}, [ev("fists_up", 0, 1, 4), ev("fists_up", 1, 5, 8)],
     [ev("fists_up", "A", 1, 4), ev("fists_up", "B", 5, 8)], (2, 0, 0), (14, 0, 0)),
    ("B never found: B's event is a miss and B's frames too", {0: "A"}, [ev("fists_up", 0, 1, 4)],
     [ev("fists_up", "A", 1, 4), ev("fists_up", "B", 5, 8)], (1, 0, 1), (7, 0, 7)),
    ("nobody matched: every event missed", {}, [],
     [ev("fists_up", "A", 1, 4), ev("fists_up", "B", 5, 8)], (0, 0, 2), (0, 0, 14)),
    ("track 1 matched nobody: its event is a false alarm", {0: "A"},
     [ev("fists_up", 0, 1, 4), ev("fists_up", 1, 5, 8)], [ev("fists_up", "A", 1, 4)], (1, 1, 0), (7, 7, 0)),
    ("a ghost track on a person's cue: a false alarm and the miss", {0: "A"},
     [ev("fists_up", 1, 5, 8)], [ev("fists_up", "B", 5, 8)], (0, 1, 1), (0, 7, 7)),
    ("A found as two tracks, one piece each", {0: "A", 1: "A"},
     [ev("fists_up", 0, 1, 2), ev("fists_up", 1, 6, 8)],
     [ev("fists_up", "A", 1, 2), ev("fists_up", "A", 6, 8)], (2, 0, 0), (8, 0, 0)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "mapping", "found", "gt", "events", "frames"), SCORING_CASES, ids=[c[0] for c in SCORING_CASES]
)
def test_unmatched_persons_count_as_misses_and_false_alarms(case, mapping, found, gt, events, frames) -> None:
    analysed = {k: T for k in {e["person"] for e in found} | set(mapping)}
    s = Scores()
    s.add_clip(
        relabel(found, mapping, keep_unmatched=True), gt, scoring_times(analysed, mapping, {"A": T, "B": T})
    )
    e, f = s.events["fists_up"], s.frames["fists_up"]
    assert (e.tp, e.fp, e.fn) == events
    assert (f.tp, f.fp, f.fn) == frames


def test_scoring_times_are_the_union_of_view_and_tracks() -> None:
    out = scoring_times(
        {0: [1.0, 2.0], 3: [5.0]}, {0: "A"}, {"A": np.array([2.0, 3.0]), "B": np.array([4.0])}
    )
    assert {k: v.tolist() for k, v in out.items()} == {"A": [1.0, 2.0, 3.0], "B": [4.0], "unmatched:3": [5.0]}
