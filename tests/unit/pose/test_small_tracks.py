"""Small (far) people stay tracked: their landmarker's crop fits their size, and the height floor for
a pose is lower only for people already that small."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cuedetect.pose.detector_options import PoseDetectorOptions, least_height
from cuedetect.pose.proposals import track_window

SIZE = (640, 360)


@pytest.mark.parametrize("height, context, side", [
    (0.10, 3.0, 108),   # a far person 10% of the frame tall: three body heights
    (0.10, 2.4, 86),    # another crop size after a miss
    (0.20, 3.0, 162),   # capped at 45% of the frame's shorter side (a tile's worth)
    (0.45, 3.0, None),  # a near person: their box with its margin, as before
])  # fmt: skip
def test_a_small_persons_crop_is_a_few_body_heights(height, context, side):
    box = np.array([0.5, 0.3, 0.5 + height * 0.3 * 360 / 640, 0.3 + height])
    _, (x0, y0, x1, y1) = track_window(box, None, SIZE, 0.35, context)
    if side is None:
        assert y1 - y0 == pytest.approx(height * 1.7 * 360, abs=2)
    else:
        assert x1 - x0 == pytest.approx(side, abs=1) and y1 - y0 == pytest.approx(side, abs=1)
    cx, cy = (box[0] + box[2]) / 2 * 640, (box[1] + box[3]) / 2 * 360
    assert abs((x0 + x1) / 2 - cx) <= 1 and abs((y0 + y1) / 2 - cy) <= 1  # centred on them


@pytest.mark.parametrize("height, floor", [(0.6, 0.12), (0.15, 0.105), (0.1, 0.07), (0.05, 0.07)])
def test_the_height_floor_follows_a_small_track_down_to_the_small_floor(height, floor):
    box = np.array([0.4, 0.2, 0.45, 0.2 + height])
    assert least_height(PoseDetectorOptions(Path("unused.task")), box) == pytest.approx(floor)
