"""Options of `cuedetect.pose.detector.MultiPersonPoseDetector` and its search schedule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from cuedetect.pose.hidden_search import HiddenSearchOptions
from cuedetect.pose.still_gate import StillGateOptions
from cuedetect.pose.tile_search import TileSearchOptions

__all__ = ["PoseDetectorOptions", "least_height", "per_rate", "search_interval", "tile_options"]


@dataclass
class PoseDetectorOptions:
    """Options of `MultiPersonPoseDetector`.

    Attributes:
        model_path: a PoseLandmarker `.task` bundle.
        max_persons: most people looked for at once.
        rate: analysed frames per second. The schedule's frame counts (`detect_every*`, the tile
            search's rests) are set for 15 a second and scaled to it, so a clip analysed at 6 fps is
            searched as often per second as one at 15 (not 2.5x less often).
        detect_every: analysed frames (at 15 a second) between full-frame searches for new people
            while all are tracked.
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
        look_around: when a track's landmarker misses its person, the search landmarker looks for them
            at once in their predicted box widened by half a body height (`slots.around`; the VIDEO-mode
            landmarker, once it has lost its ROI, reruns a detector that misses people the IMAGE-mode
            search finds in a tight crop)). Only a pose overlapping the predicted box by at least
            `look_around_overlap` (IoU) counts, and as that person's: anyone else there is left to
            the searches. Off: on the real dev set it cost cue events (README "Far people").
        min_height: poses whose landmarks span less of the frame's height are dropped (far-away
            passers-by and the detector's small phantoms; a role-play's people fill much more).
        min_height_small: the same for people found in a tile (who must also pass its checks) and for
            tracks of people that small: a far camera's people stand 10-13% of the frame tall.
    """

    model_path: Path
    max_persons: int = 4
    rate: float = 15.0
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
    look_around: bool = False
    look_around_overlap: float = 0.5
    tiles: TileSearchOptions | None = None  # small people: see `cuedetect.pose.tile_search`
    hidden: HiddenSearchOptions | None = None  # people behind others: `cuedetect.pose.hidden_search`
    still: StillGateOptions | None = None  # reuse a still crop's last read: `cuedetect.pose.still_gate`


def search_interval(options: PoseDetectorOptions, someone_missing: bool, fruitless: int) -> int:
    """Analysed frames between searches: often while someone is missing (or nobody is tracked yet),
    normally once a second, and half as often after `calm_after` searches in a row found nobody new
    (counts set for 15 frames a second, scaled to `options.rate`)."""
    if someone_missing:
        frames = options.detect_every_lost
    else:
        frames = options.detect_every_calm if fruitless >= options.calm_after else options.detect_every
    return per_rate(frames, options.rate)


def per_rate(frames: int, rate: float) -> int:
    """`frames` counted at 15 a second, in frames at `rate` a second (at least 1)."""
    return max(1, round(frames * rate / 15.0))


def least_height(options: PoseDetectorOptions, box: np.ndarray) -> float:
    """The smallest pose kept for a track whose person is expected in `box`: `min_height`, lower (down
    to `min_height_small`) for a person already that small."""
    return max(options.min_height_small, min(options.min_height, 0.7 * float(box[3] - box[1])))


def tile_options(options: PoseDetectorOptions) -> TileSearchOptions:
    """The tile search's options with its rests (frames, set for 15 a second) at `options.rate`."""
    tiles = options.tiles or TileSearchOptions()
    rate = options.rate
    return replace(tiles, rest=per_rate(tiles.rest, rate), max_rest=per_rate(tiles.max_rest, rate))
