"""The feature table's bookkeeping: its index and columns, the pairs table's distance, direction reversals
(the mutation run on `cues/features.py` found these untested)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cuedetect.cues.features import _reversals, build_features, feature_columns
from cuedetect.training.skeleton import TEST_ASPECT as ASPECT
from cuedetect.training.skeleton import posed_track


def test_no_people_give_an_empty_table_with_every_column() -> None:
    empty = build_features([], None, ASPECT)
    assert len(empty) == 0
    assert list(empty.columns) == ["frame", "t", "person", *feature_columns()]


def test_rows_of_everyone_are_numbered_from_zero() -> None:
    a, b = posed_track(person=0, n=12), posed_track(pos=(1.5, 0.0), person=1, n=12)
    f = build_features([a, b], None, ASPECT)
    assert f.index.tolist() == list(range(24))
    assert f["person"].tolist() == [0] * 12 + [1] * 12


def test_the_pairs_table_distance_is_the_feature_not_the_floor_positions() -> None:
    a = posed_track(pos=(-1.5, 0.0), yaw=0.0, person=0)  # 3 m apart on the floor
    b = posed_track(pos=(1.5, 0.0), yaw=np.pi, person=1)
    pairs = pd.DataFrame({"frame": a.frame, "t": a.t, "person": 1, "other": 0, "distance_m": 0.8})
    f = build_features([a, b], pairs, ASPECT)
    assert f["distance_m"].to_numpy() == pytest.approx(np.full(len(f), 0.8))
    assert build_features([a, b], None, ASPECT)["distance_m"].to_numpy() == pytest.approx(
        np.full(len(f), 3.0), abs=0.05
    )


@pytest.mark.parametrize(
    ("v", "flips"),
    [
        ([0.5, 0.5, -0.5, -0.5, 0.5], [0, 0, 1, 0, 1]),
        ([0.5, 0.1, -0.1, -0.5, 0.0, 0.5], [0, 0, 0, 1, 0, 1]),  # slow stretches keep the last direction
        ([-0.5, -0.3, 0.3, 0.1], [0, 0, 1, 0]),
        ([0.1, -0.1, 0.15, 0.5], [0, 0, 0, 0]),  # never faster than the threshold the other way
    ],
)
def test_reversals_count_each_change_of_direction_above_the_threshold(v, flips) -> None:
    assert _reversals(np.array(v), 0.2).tolist() == flips
