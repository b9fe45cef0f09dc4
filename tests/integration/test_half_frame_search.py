"""The periodic search looks at half of the frame when the whole frame gives nobody new, so a person the
person detector misses at full-frame scale (side-on, two metres from a partner) is still found.

`tests/data/side_on_pair.png` is a studio render (see tests/data/README.md): person A stands at
x = 0.35, person B at x = 0.66.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
import pytest
from mediapipe.tasks.python import BaseOptions, vision

from cuedetect.models.provision import ensure_model
from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions
from cuedetect.pose.sources import Frame
from cuedetect.pose.tracking import Tracker, TrackerOptions

IMAGE = Path(__file__).resolve().parent.parent / "data" / "side_on_pair.png"
CENTRES = (0.35, 0.66)


@pytest.fixture(scope="module")
def frame_rgb() -> np.ndarray:
    return np.ascontiguousarray(cv2.cvtColor(cv2.imread(str(IMAGE)), cv2.COLOR_BGR2RGB))


def _centre_x(xy: np.ndarray) -> float:
    return float(np.nanmedian(xy[:, 0]))


def test_the_whole_frame_alone_finds_only_one_of_the_two(frame_rgb):
    """Why the half-frame search exists: the same detector settings, whole frame only."""
    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(ensure_model("full"))),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=4,
        min_pose_detection_confidence=PoseDetectorOptions(Path()).min_detection_confidence,
    )
    with vision.PoseLandmarker.create_from_options(opts) as lm:
        res = lm.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame_rgb))
    xs = [float(np.median([p.x for p in pose])) for pose in res.pose_landmarks]
    assert len(xs) == 1 and abs(xs[0] - CENTRES[0]) < 0.05


def test_both_people_are_tracked_within_a_second(frame_rgb):
    """The still frame as a 15 fps video: the detector and tracker as the pipeline runs them."""
    h, w = frame_rgb.shape[:2]
    tracker = Tracker(TrackerOptions(aspect=w / h))
    options = PoseDetectorOptions(ensure_model("full"))
    seen_at: dict[int, int] = {}
    with MultiPersonPoseDetector.create_from_options(options) as detector:
        for k in range(16):
            t = k / 15
            dets = detector.detect(Frame(k, t, frame_rgb), tracker.predict(t), lost=tracker.lost(t))
            tracked = tracker.update(dets, t)
            detector.assign(tracker.moves)
            detector.seen({tr.id for tr in tracked})
            for tr in tracked:
                seen_at.setdefault(tr.id, k)
            xs = sorted(_centre_x(tr.detection.keypoints.xy[0]) for tr in tracked)
        calls = dict(detector.calls)
    assert len(seen_at) == 2, seen_at
    assert np.allclose(xs, CENTRES, atol=0.05), xs
    assert calls.get("search_half", 0) >= 1  # the second person came from a half-frame search
