"""Options of `cuedetect.pose.detector.MultiPersonPoseDetector` and its search schedule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cuedetect.pose.hidden_search import HiddenSearchOptions
from cuedetect.pose.still_gate import StillGateOptions
from cuedetect.pose.tile_search import TileSearchOptions

__all__ = ["PoseDetectorOptions", "least_height", "search_interval"]


@dataclass
class PoseDetectorOptions:
    """Options of `MultiPersonPoseDetector`.

    Attributes:
        model_path: a PoseLandmarker `.task` bundle.
        max_persons: most people looked for at once.
        detect_every: analysed frames between full-frame searches for new people while all are tracked.
        detect_every_lost: the same while a recently seen person is lost.
        detect_every_calm: the same once `calm_after` searches in a row found nobody new while nobody
            was lost (a role-play's two people, tracked throughout). The pipeline traces a person found
            late back over this many frames, so a late find loses nothing.
        min_detection_confidence: person-detector threshold for the full-frame search (low finds more).
        min_presence: a pose whose body landmarks have a lower mean presence is dropped.
        min_search_presence: the same for a new person proposed by the search, which has no track
            behind it yet. People found there score 0.97-1.0 on the samples, the corpus and the real
            clips; the model's phantoms (a body imagined above a close-up face, a figure in a dark
            background) 0.55-0.85.
        margin: how far around a person's predicted box (in box widths/heights) their landmarker sees.
        max_misses: after this many frames in a row without its person, a landmarker tries only every
            third frame (until `seen` reports the track found again, or the track ends).
        min_height: poses whose landmarks span less of the frame's height are dropped (far-away
            passers-by and the detector's small phantoms; a role-play's people fill much more).
        min_height_small: the same for people found in a tile (who must also pass its checks) and for
            tracks of people that small: a far camera's people stand 10-13% of the frame tall.
    """

    model_path: Path
    max_persons: int = 4
    detect_every: int = 15
    detect_every_lost: int = 6
    detect_every_calm: int = 30
    calm_after: int = 3
    max_misses: int = 2
    min_height: float = 0.12
    min_height_small: float = 0.07
    min_detection_confidence: float = 0.3
    min_presence: float = 0.5
    min_search_presence: float = 0.9
    margin: float = 0.35
    tiles: TileSearchOptions | None = None  # small people: see `cuedetect.pose.tile_search`
    hidden: HiddenSearchOptions | None = None  # people behind others: `cuedetect.pose.hidden_search`
    still: StillGateOptions | None = None  # reuse a still crop's last read: `cuedetect.pose.still_gate`


def search_interval(options: PoseDetectorOptions, someone_missing: bool, fruitless: int) -> int:
    """Analysed frames between searches: often while someone is missing (or nobody is tracked yet),
    normally once a second, and half as often after `calm_after` searches in a row found nobody new."""
    if someone_missing:
        return options.detect_every_lost
    return options.detect_every_calm if fruitless >= options.calm_after else options.detect_every


def least_height(options: PoseDetectorOptions, box: np.ndarray) -> float:
    """The smallest pose kept for a track whose person is expected in `box`: `min_height`, lower (down
    to `min_height_small`) for a person already that small."""
    return max(options.min_height_small, min(options.min_height, 0.7 * float(box[3] - box[1])))
