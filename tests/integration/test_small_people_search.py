"""Small (far) people are found by the tile search, and only by it.

The frame: `tests/data/side_on_pair.png` (a studio render, two people about 2 m apart, see
tests/data/README.md) shrunk to a third and pasted into a blurred 640x360 copy of itself, so the two
stand about 14% of the frame's height tall, as in a far camera set-up. MediaPipe's person detector sees
nobody in the whole frame or its halves; in tiles it finds both (each found twice, in two different
tiles, before they count: the model's phantoms in textures are found in one).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from cuedetect.models.provision import ensure_model
from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions
from cuedetect.pose.sources import Frame
from cuedetect.pose.tile_search import TileSearchOptions
from cuedetect.pose.tracking import Tracker, TrackerOptions

IMAGE = Path(__file__).resolve().parent.parent / "data" / "side_on_pair.png"
SCALE, AT = 0.33, (0.4, 0.45)  # the pair's size and where it sits (share of the free space)
CENTRES = (0.35, 0.66)  # the two people's x in the original frame


@pytest.fixture(scope="module")
def far_pair() -> tuple[np.ndarray, list[float]]:
    src = np.ascontiguousarray(cv2.cvtColor(cv2.imread(str(IMAGE)), cv2.COLOR_BGR2RGB))
    H, W = src.shape[:2]
    small = cv2.resize(src, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_AREA)
    h, w = small.shape[:2]
    canvas = cv2.resize(cv2.GaussianBlur(src, (0, 0), 25), (W, H))
    x0, y0 = int(AT[0] * (W - w)), int(AT[1] * (H - h))
    canvas[y0 : y0 + h, x0 : x0 + w] = small
    return np.ascontiguousarray(canvas), [(x0 + c * w) / W for c in CENTRES]


def _run(frame: np.ndarray, tiles: TileSearchOptions, frames: int = 8) -> tuple[list, dict]:
    """The still frame as a 15 fps video through the detector and tracker, as the pipeline runs them."""
    h, w = frame.shape[:2]
    tracker = Tracker(TrackerOptions(aspect=w / h))
    per_frame = []
    options = PoseDetectorOptions(ensure_model("full"), tiles=tiles)
    with MultiPersonPoseDetector.create_from_options(options) as detector:
        for k in range(frames):
            t = k / 15
            dets = detector.detect(Frame(k, t, frame), tracker.predict(t), lost=tracker.lost(t))
            tracked = tracker.update(dets, t)
            detector.assign(tracker.moves)
            detector.seen({tr.id for tr in tracked})
            per_frame.append(sorted((float(np.nanmedian(tr.detection.keypoints.xy[0][:, 0])), tr.id)
                                    for tr in tracked))  # fmt: skip
        return per_frame, dict(detector.calls)


def test_without_tiles_nobody_is_found(far_pair):
    frame, _ = far_pair
    per_frame, calls = _run(frame, TileSearchOptions(expected=0))
    assert all(not seen for seen in per_frame)
    assert calls["search"] >= 1 and calls.get("search_half", 0) >= 1 and "search_tile" not in calls


def test_tiles_find_both_and_their_landmarkers_keep_them(far_pair):
    frame, centres = far_pair
    per_frame, calls = _run(frame, TileSearchOptions(), frames=15)
    assert len(per_frame[0]) >= 1  # the first frame's tiles find someone at once
    first = per_frame[0][0][1]
    assert all(first in [i for _, i in seen] for seen in per_frame)  # and keep them under one id
    # The side-on one is found (twice, as a new person must be) within one sweep of the tiles, then
    # tracked by their own landmarker.
    for seen in per_frame[-4:]:
        assert [i for _, i in seen] == [i for _, i in per_frame[-1]] and len(seen) == 2, per_frame
        assert np.allclose([x for x, _ in seen], centres, atol=0.02), (seen, centres)
    # Once both are tracked the sweep stops: about one sweep of tiles (28 here) and the second looks.
    assert 1 <= calls["search_tile"] <= 40, calls
