"""KeyPoints: MediaPipe results in, flat columns and Parquet out and back, crops mapped to the frame."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from mediapipe.tasks.python.components.containers.landmark import Landmark, NormalizedLandmark
from mediapipe.tasks.python.vision import PoseLandmarkerResult

from cuedetect.pose.keypoints import CropBox, KeyPoints

coords = arrays(np.float32, st.tuples(st.integers(0, 4), st.just(33), st.just(2)),
                elements=st.one_of(st.floats(0, 1, width=32), st.just(np.nan)))  # fmt: skip


def result(n: int, seed: int = 0) -> PoseLandmarkerResult:
    rng = np.random.default_rng(seed)
    xy, v, w = rng.uniform(size=(n, 33, 2)), rng.uniform(size=(n, 33)), rng.normal(size=(n, 33, 3))
    return PoseLandmarkerResult(
        [[NormalizedLandmark(x=float(xy[i, j, 0]), y=float(xy[i, j, 1]), z=0.0, visibility=float(v[i, j]),
                             presence=0.9) for j in range(33)] for i in range(n)],
        [[Landmark(x=float(w[i, j, 0]), y=float(w[i, j, 1]), z=float(w[i, j, 2])) for j in range(33)]
         for i in range(n)],
    )  # fmt: skip


@pytest.mark.parametrize("n", [0, 1, 3])
def test_from_mediapipe_keeps_every_value(n: int) -> None:
    res = result(n)
    kp = KeyPoints.from_mediapipe(res)
    assert len(kp) == n and kp.xy.shape == (n, 33, 2) and kp.world.shape == (n, 33, 3)
    for i in range(n):
        assert kp.xy[i, 5, 0] == pytest.approx(res.pose_landmarks[i][5].x)
        assert kp.visibility[i, 7] == pytest.approx(res.pose_landmarks[i][7].visibility)
        assert kp.world[i, 9, 2] == pytest.approx(res.pose_world_landmarks[i][9].z)
    assert np.allclose(kp.confidence, 0.9)


def test_crop_coordinates_map_back_to_the_frame() -> None:
    crop = CropBox(x0=100, y0=50, width=200, height=400, frame_width=1000, frame_height=500)
    kp = KeyPoints.from_mediapipe(result(1), crop)
    raw = KeyPoints.from_mediapipe(result(1))
    assert np.allclose(kp.xy[..., 0], (100 + raw.xy[..., 0] * 200) / 1000)
    assert np.allclose(kp.xy[..., 1], (50 + raw.xy[..., 1] * 400) / 500)
    assert np.allclose(CropBox.full(640, 480).to_frame(raw.xy), raw.xy)


@settings(max_examples=40, deadline=None)
@given(coords)
def test_flat_columns_round_trip_through_parquet(xy: np.ndarray) -> None:
    import tempfile

    n = len(xy)
    vis = np.where(np.isnan(xy[..., 0]), np.nan, 0.5).astype(np.float32)
    kp = KeyPoints(xy, vis, np.zeros((n, 33, 3)))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.parquet"
        pd.DataFrame(kp.to_flat()).to_parquet(path)
        back = KeyPoints.from_flat(pd.read_parquet(path))
    assert np.array_equal(back.xy, kp.xy, equal_nan=True)
    assert np.array_equal(back.visibility, kp.visibility, equal_nan=True)
    assert np.array_equal(back.world, kp.world, equal_nan=True)
    assert list(kp.to_flat())[:3] == ["x0", "x1", "x2"]


def test_select_concatenate_and_boxes() -> None:
    kp = KeyPoints.from_mediapipe(result(3))
    both = KeyPoints.concatenate([kp[0], kp[[1, 2]], KeyPoints.empty()])
    assert np.array_equal(both.xy, kp.xy)
    boxes = kp.boxes()
    assert np.allclose(boxes[:, :2], np.nanmin(kp.xy, axis=1))
    assert np.allclose(boxes[:, 2:], np.nanmax(kp.xy, axis=1))
    missing = KeyPoints(np.full((1, 33, 2), np.nan), np.full((1, 33), np.nan))
    assert np.isnan(missing.boxes()).all()
