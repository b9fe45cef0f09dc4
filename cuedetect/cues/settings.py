"""Thresholds that come from practice, in one dataclass with documented defaults (no magic numbers)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CueSettings:
    """Every tunable number of cue detection.

    Distances are metres on the floor between hip midpoints; speeds metres per second; times seconds.
    """

    too_close_m: float = 1.0
    """Pair closer than this is `too_close` (the studio's definition; inside Hall's 1.2 m social zone)."""
    safe_distance_m: float = 1.2  # = cuedetect.safe_distance.DEFAULT_SAFE_M
    """A pair at or beyond this is at a safe distance (Hall's social distance): see `safe_distance_time`,
    the one definition every page, the report and the overlay use."""
    closing_speed_mps: float = 0.8
    """`rapid_approach`: the distance shrinks faster than this."""
    floor_sd_trust_m: float = 0.25
    """The floor distance is trusted where its uncertainty (`distance_sd_m`) is at most this; elsewhere
    (steep or distorted views, close-ups, no camera fit) the pair rules use the image-space distance."""
    torso_m: float = 0.5
    """Image-space distance: one torso length (shoulder to hip midpoint) taken as this many metres
    (about 0.3 of a 1.70 m stature), so the gap between two people in torso lengths reads as metres."""
    image_scale_ratio_max: float = 1.3
    """Image-space distance only between people of similar size in the picture (similar depth): if one
    torso looks this many times longer than the other, they stand at different depths and it says nothing."""
    image_level_offset_max: float = 0.75
    """... and only between people whose hip midpoints (shoulder midpoints in a close-up) are level in the
    picture to within this many torso lengths: from a raised camera the one farther away stands higher in
    the picture, and a gap in depth shows shrunk by the camera's unknown tilt, so the picture's gap
    under-reads it. Statures of 1.5 and 1.9 m put the hips about 0.4 torso lengths apart at one depth."""
    lost_min_duration_s: float = 0.25
    """`too_close` spans that end because one of the two is lost (before the clip ends) are kept from
    this long instead of the cue's minimum duration: losing a person within arm's length of another is
    what overlapping bodies do (grappling people merge into one pose), not the two moving apart; the
    floor still drops short spans as noise: durations run from a span's first frame to its last, so at
    15 fps it drops spans of up to 4 frames (0.2 s; 5 frames last 0.27 s), at 10 fps up to 3."""
    closing_window_s: float = 0.5
    """Closing speed is the slope of distance over a centred window this long."""
    distance_smooth_s: float = 0.3
    """Distance is median-smoothed over this window before the too_close rule."""
    window_s: float = 1.0
    """Sliding window for per-person features (mean and spread of each frame feature)."""
    baseline_window_s: float = 20.0
    """A person's usual posture is the running median of each feature over this long window."""
    pacing_window_s: float = 4.0
    """Window over which walking back and forth is measured for `pacing`."""
    brief_window_s: float = 0.2
    """Definition rules (`fusion.py`) read the wrists over this short window, so brief raises count."""
    raised_above_shoulder: float = 0.0
    """`hands_raised` rule: the higher wrist this many torso lengths above its shoulder (0 = level) ..."""
    raised_above_head: float = 0.0
    """... and this many torso lengths above the nose (up by the head or over it) ..."""
    raised_wide: float = 0.4
    """... or this many torso lengths out from the body's midline (out to the side, not at the head) ..."""
    raised_wide_above_shoulder: float = 0.35
    """... and then this many torso lengths above its shoulder: an arm at least about 20 degrees above
    the horizontal (a straight arm is about one torso length), not one held level with the shoulder."""
    crossed_arms_max_speed_mps: float = 0.6
    """`arms_crossed` is ruled out where the person moves faster than this (1 s mean hip speed, m/s): arms
    across the body while running or circling in a fight swing or guard, they are not folded (`fusion`).
    95% of the studio's labelled crossed-arms frames are under 0.53 m/s."""
    lean_head_min: float = 0.1
    """`leaning_in` is ruled out where the nose is less than this many torso lengths above the shoulder
    line (1 s mean): the head dropped, looking down (bending to pick something up), not leaning toward
    someone face first (`fusion`). Every studio frame labelled as a lean has 0.24 or more."""
    on_threshold: float = 0.6
    """Hysteresis: a cue switches on when its smoothed probability rises above this ..."""
    off_threshold: float = 0.4
    """... and off when it falls below this."""
    prob_smooth_s: float = 0.3
    """Probabilities are averaged over this window before the hysteresis."""
    merge_gap_s: float = 0.4
    """Two events of the same cue and person separated by less than this become one ..."""
    held_merge_gap_s: float = 2.0
    """... except for postures held for seconds (`HELD_POSTURES`), where a gap this short is a flicker
    of the pose (a boxer's jab out of the guard, a hand lost for a moment), not two events ..."""
    held_merge_gap_max_s: float = 4.0
    """... and a longer gap too if it is shorter than the posture held before it, up to this: a break
    shorter than the hold is an interruption of one held posture (hands taken off the hips for 2.4 s
    in a 9 s hold), not a second event."""
    min_duration_s: dict[str, float] = field(
        default_factory=lambda: {
            "pointing": 0.5,
            "arms_crossed": 0.8,
            "hands_on_hips": 0.8,
            "hands_raised": 0.4,
            "fists_up": 0.4,
            "hands_hidden": 0.8,
            "bladed_stance": 0.8,
            "leaning_in": 0.6,
            "pacing": 2.0,
            "open_hands": 0.6,
            "rapid_approach": 0.3,
            "too_close": 0.5,
        }
    )
    """Events shorter than this (per cue) are dropped: the time from an event's first frame to its last,
    so a cue must show for about this plus one frame period (`hands_raised`: 4 frames at 6 fps, 7 at
    15 fps). Counting the frames' own time (one period more) was measured and not adopted (cues
    README, "How long an event lasts")."""

    def min_duration(self, cue: str) -> float:
        return self.min_duration_s.get(cue, 0.5)

    def merge_gap(self, cue: str) -> float:
        return self.held_merge_gap_s if cue in HELD_POSTURES else self.merge_gap_s

    def merge_gap_max(self, cue: str) -> float | None:
        """The longest gap a held posture's earlier hold can bridge (None: the gap does not grow)."""
        return max(self.held_merge_gap_max_s, self.held_merge_gap_s) if cue in HELD_POSTURES else None


HELD_POSTURES = ("arms_crossed", "hands_on_hips", "fists_up", "hands_hidden", "bladed_stance")
"""Cues that are postures held for seconds (brief cues such as a raise or a point keep the short gap)."""

# The one definition of "safe distance" lives in cuedetect.safe_distance (numpy only, so the store, the
# exports and the overlay use it without loading the cue detector); re-exported here beside the setting.
from cuedetect.safe_distance import (  # noqa: E402
    SafeDistanceTime,
    distance_zone,
    safe_distance_rule,
    safe_distance_time,
)

__all__ = [
    "HELD_POSTURES",
    "CueSettings",
    "SafeDistanceTime",
    "distance_zone",
    "safe_distance_rule",
    "safe_distance_time",
]
