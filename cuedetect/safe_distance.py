"""What "safe distance" means, once, for every page, the report, the summaries and the overlay.

The threshold is `CueSettings.safe_distance_m` (the dashboard's Settings page edits it): a pair whose
floor distance (hip midpoint to hip midpoint) is at or beyond it is at a safe distance; below
`too_close_m` it is too close. Time at a safe distance is a share of the time the distance was measured
(the closest pair counts when there are more than two people), never of the whole video.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_SAFE_M = 1.2  # Hall's social distance; `CueSettings.safe_distance_m` defaults to it
SAFE, CLOSER_THAN_SAFE, TOO_CLOSE = "safe", "closer than safe", "too close"


def distance_zone(distance_m: float, safe_m: float, too_close_m: float) -> str | None:
    """The zone of one floor distance: `too close` below `too_close_m`, `closer than safe` below `safe_m`,
    `safe` at or beyond it; None when the distance was not measured (NaN)."""
    if distance_m is None or not np.isfinite(distance_m):
        return None
    if distance_m < too_close_m:
        return TOO_CLOSE
    return CLOSER_THAN_SAFE if distance_m < safe_m else SAFE


def safe_distance_rule(safe_m: float) -> str:
    """How the screens state the definition: the threshold is always said where the number is shown."""
    return f"safe distance = {safe_m:g} m or more between the two people (floor distance, hip to hip)"


@dataclass(frozen=True)
class SafeDistanceTime:
    """Time at a safe distance: of the time the distance was measured, how much the closest pair spent at
    or beyond `threshold_m`."""

    threshold_m: float
    safe_s: float
    measured_s: float

    @property
    def pct(self) -> float | None:
        return None if self.measured_s <= 0 else round(100.0 * self.safe_s / self.measured_s, 1)

    def describe(self) -> str:
        if self.pct is None:
            return "distance not measured"
        return f"{self.pct:.0f} % of the measured time at {self.threshold_m:g} m or more"


def safe_distance_time(
    t: Sequence[float] | np.ndarray, distance_m: Sequence[float] | np.ndarray, safe_m: float
) -> SafeDistanceTime:
    """THE definition of time at a safe distance (every page, the report and the summaries use it).

    `t` and `distance_m` are samples of pair distances (several pairs may share a time); at each time the
    closest pair counts, NaN means not measured. Each measured sample stands for the median sampling step.
    """
    t = np.asarray(t, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    if t.size == 0 or t.shape != d.shape:
        return SafeDistanceTime(safe_m, 0.0, 0.0)
    order = np.argsort(t, kind="stable")
    t, d = t[order], d[order]
    times, first = np.unique(t, return_index=True)
    with np.errstate(all="ignore"):
        closest = np.array(
            [np.nanmin(part) if np.isfinite(part).any() else np.nan for part in np.split(d, first[1:])]
        )
    step = float(np.median(np.diff(times))) if times.size > 1 else 0.0
    measured = np.isfinite(closest)
    return SafeDistanceTime(
        float(safe_m),
        round(step * int(np.sum(closest[measured] >= safe_m)), 3),
        round(step * int(np.sum(measured)), 3),
    )
