"""The still-crop gate in the pose detector: a person whose crop has not changed keeps their last
reading (no network run) until the reading is `max_age_s` old, and a crop that changes is read at once.

`tests/data/side_on_pair.png` is a studio render of two people standing (see tests/data/README.md),
played as a 15 fps video of one still frame.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from cuedetect.models.provision import ensure_model
from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions
from cuedetect.pose.sources import Frame
from cuedetect.pose.still_gate import StillGateOptions
from cuedetect.pose.tracking import Tracker, TrackerOptions

IMAGE = Path(__file__).resolve().parent.parent / "data" / "side_on_pair.png"
FPS = 15


@pytest.fixture(scope="module")
def frame_rgb() -> np.ndarray:
    return np.ascontiguousarray(cv2.cvtColor(cv2.imread(str(IMAGE)), cv2.COLOR_BGR2RGB))


def _run(frames: list[np.ndarray], still: StillGateOptions | None) -> tuple[dict[str, int], list[dict]]:
    """The detector and tracker as the pipeline runs them; per frame, track id -> (33, 2) landmarks."""
    h, w = frames[0].shape[:2]
    tracker = Tracker(TrackerOptions(aspect=w / h))
    out = []
    with MultiPersonPoseDetector.create_from_options(
        PoseDetectorOptions(ensure_model("full"), still=still)
    ) as det:
        for k, image in enumerate(frames):
            t = k / FPS
            dets = det.detect(Frame(k, t, image), tracker.predict(t), lost=tracker.lost(t))
            tracked = tracker.update(dets, t)
            det.assign(tracker.moves)
            det.seen({tr.id for tr in tracked})
            out.append({tr.id: tr.detection.keypoints.xy[0].copy() for tr in tracked})
        return dict(det.calls), out


def test_a_still_picture_is_read_about_every_max_age(frame_rgb):
    frames = [frame_rgb] * 18  # 1.2 s
    off, poses_off = _run(frames, None)
    on, poses_on = _run(frames, StillGateOptions(max_age_s=0.4))
    assert "track_still" not in off
    # both people tracked either way, in the same places
    assert [sorted(p) for p in poses_on[-8:]] == [sorted(p) for p in poses_off[-8:]]
    assert len(poses_on[-1]) == 2
    for tid, xy in poses_on[-1].items():
        assert np.nanmax(np.abs(xy - poses_off[-1][tid])) < 0.02
    # a crop is read, then kept for 0.4 s (6 frames at 15 fps): about one read in seven
    tracked_crops = on["track"] + on["track_still"]
    assert on["track_still"] >= 0.7 * tracked_crops, on
    assert on["track"] <= off["track"] * 0.35, (on, off)


def test_a_reused_reading_is_the_last_read_and_a_change_is_read_at_once(frame_rgb):
    frames = [frame_rgb] * 14
    changed = frame_rgb.copy()
    changed[:, : changed.shape[1] // 2] = 255 - changed[:, : changed.shape[1] // 2]  # the left half inverted
    calls_still, _ = _run(frames, StillGateOptions(max_age_s=10.0))
    calls_changed, poses = _run([*frames[:13], changed], StillGateOptions(max_age_s=10.0))
    # the same frames up to the last one; the changed last frame is read, the still one is not
    assert calls_changed["track"] >= calls_still["track"] + 1, (calls_changed, calls_still)
    assert calls_changed["track_still"] <= calls_still["track_still"] - 1
    # while the picture stays still, the readings repeat exactly (no network run in between)
    steady = [p for p in poses[8:13]]
    for tid in steady[0]:
        assert all(np.array_equal(p[tid], steady[0][tid], equal_nan=True) for p in steady)
