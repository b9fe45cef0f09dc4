"""Matching analysed persons to ground-truth persons through the joints (`labels.match_persons`)."""

from __future__ import annotations

import pandas as pd
import pytest

from cuedetect.landmarks import LANDMARK_NAMES
from cuedetect.training.dataset import _to_analysis_ids
from cuedetect.training.labels import _MATCH_JOINTS, match_persons

FRAMES = range(10)
# Ground truth: A at x 0.3, B at x 0.7; hips at y 0.6 (or 1.4, below the picture, in a close-up).


def _joints(x: float, hip_y: float) -> dict[str, list[float]]:
    out = {}
    for i in _MATCH_JOINTS:
        name = LANDMARK_NAMES[i]
        out[name] = [x, hip_y if "hip" in name else (hip_y + 0.3 if "knee" in name else 0.3)]
    return out


def _gt(hip_y: float = 0.6) -> dict:
    persons = {"A": {"joints": _joints(0.3, hip_y)}, "B": {"joints": _joints(0.7, hip_y)}}
    return {"frames": [{"frame": f, "persons": persons} for f in FRAMES]}


def _poses(tracks: dict[int, tuple[float, range, float]]) -> pd.DataFrame:
    rows = []
    for pid, (x, frames, hip_y) in tracks.items():
        for f in frames:
            row = {"person": pid, "frame": f}
            for name, (jx, jy) in _joints(x, hip_y).items():
                i = LANDMARK_NAMES.index(name)
                row[f"x{i}"], row[f"y{i}"] = jx, jy
            rows.append(row)
    return pd.DataFrame(rows)


# (case; tracks: id -> (x, frames, hip y); ground truth's hip y; expected mapping)
CASES = [
    ("one track each", {0: (0.31, FRAMES, 0.6), 1: (0.69, FRAMES, 0.6)}, 0.6, {0: "A", 1: "B"}),
    ("a track nowhere near anyone", {0: (0.31, FRAMES, 0.6), 1: (0.5, FRAMES, 0.6)}, 0.6, {0: "A"}),
    ("A lost and found again: two tracks", {0: (0.31, range(5), 0.6), 2: (0.3, range(5, 10), 0.6)}, 0.6,
     {0: "A", 2: "A"}),
    ("two tracks on A at once: one is a duplicate", {0: (0.3, FRAMES, 0.6), 1: (0.33, FRAMES, 0.6)}, 0.6,
     {0: "A"}),
    ("close-up: ground-truth hips below the picture are not compared", {0: (0.3, FRAMES, 0.99)}, 1.4,
     {0: "A"}),
]  # fmt: skip


@pytest.mark.parametrize(("case", "tracks", "hip_y", "expected"), CASES, ids=[c[0] for c in CASES])
def test_match_persons(case, tracks, hip_y, expected) -> None:
    assert match_persons(_poses(tracks), _gt(hip_y)) == expected


def test_events_go_to_every_track_of_their_person() -> None:
    events = [{"cue": "fists_up", "person": "A", "start": 0, "end": 1},
              {"cue": "too_close", "person": "B", "other": "A", "start": 0, "end": 1}]  # fmt: skip
    out = _to_analysis_ids(events, {0: "A", 2: "A", 1: "B"})
    assert [(e["person"], e.get("other")) for e in out] == [(0, None), (2, None), (1, 0)]
