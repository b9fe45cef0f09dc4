"""Scores against gt.json: recall, recall when close, precision, id switches and floor error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.landmarks import LANDMARK_NAMES
from cuedetect.pose.evaluate import evaluate
from cuedetect.pose.keypoints import KeyPoints

_TEMPLATE = np.random.default_rng(2).uniform([-0.06, -0.3], [0.06, 0.3], size=(33, 2))
N = 50  # frames at 25 fps


def skeleton(x: float) -> np.ndarray:
    return np.asarray([x, 0.5]) + _TEMPLATE


def gt(close_from: int = 25) -> dict:
    frames = []
    for f in range(N):
        xa, xb = 0.3, 0.7 - (0.2 if f >= close_from else 0.0)
        frames.append(
            {
                "frame": f,
                "t": f / 25,
                "persons": {
                    pid: {
                        "joints": dict(zip(LANDMARK_NAMES, skeleton(x).tolist(), strict=True)),
                        "visible": True,
                    }
                    for pid, x in (("A", xa), ("B", xb))
                },
                "distance_m": 2.0 if f < close_from else 0.8,
            }
        )
    return {"frames": frames, "persons": [{"id": "A"}, {"id": "B"}]}


def poses(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    xy = np.stack([skeleton(x) for _, _, x in rows])
    cols = {"frame": [r[0] for r in rows], "t": [r[0] / 25 for r in rows], "person": [r[1] for r in rows]}
    cols.update(KeyPoints(xy, np.ones((len(rows), 33))).to_flat())
    return pd.DataFrame(cols)


def perfect(frames: range) -> list[tuple[int, int, float]]:
    g = gt()
    out = []
    for f in frames:
        out += [(f, 0, 0.3), (f, 1, g["frames"][f]["persons"]["B"]["joints"]["nose"][0] - _TEMPLATE[0, 0])]
    return out


def test_perfect_analysis_scores_perfectly() -> None:
    s = evaluate(poses(perfect(range(N))), gt(), range(N))
    assert (s.recall, s.recall_close, s.precision, s.id_switches) == (1.0, 1.0, 1.0, 0)
    assert s.mean_joint_error == pytest.approx(0.0, abs=1e-6)
    assert s.multi_person_s == pytest.approx(N / 25, rel=0.05)


def test_misses_extras_and_a_switch_are_counted() -> None:
    rows = [
        r for r in perfect(range(N)) if not (r[1] == 1 and 30 <= r[0] < 40)
    ]  # B missed in 10 close frames
    rows += [(f, 9, 0.95) for f in range(5)]  # a ghost at the frame's edge in 5 frames
    rows = [(f, 5 if (p == 0 and f >= 45) else p, x) for f, p, x in rows]  # A renamed at frame 45
    s = evaluate(poses(rows), gt(), range(N))
    assert s.recall == pytest.approx(90 / 100)
    assert s.recall_close == pytest.approx(40 / 50)
    assert s.precision == pytest.approx(90 / 95)
    assert s.id_switches == 1


def test_only_analysed_frames_count_and_floor_error() -> None:
    analysed = range(0, N, 2)
    rows = [r for r in perfect(range(N)) if r[0] % 2 == 0]
    pairs = pd.DataFrame(
        {
            "frame": list(analysed),
            "t": [f / 25 for f in analysed],
            "person": 0,
            "other": 1,
            "distance_m": [2.1 if f < 25 else 0.8 for f in analysed],
            "distance_sd_m": 0.1,
        }
    )
    s = evaluate(poses(rows), gt(), analysed, pairs)
    assert s.frames == len(analysed) and s.recall == 1.0
    assert s.floor_mae_m == pytest.approx(0.1 * 13 / 25)
