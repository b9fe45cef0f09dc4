"""The floor stage on the track container: every row's floor position, the pair distances, the camera."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

import numpy as np

from cuedetect.pose.floor import FloorCalibration, FloorOptions, PairDistance, estimate_floor, pair_distances
from cuedetect.pose.tracked import PersonTrack, Tracks

PAIR_COLUMNS = ("frame", "t", "person", "other", "distance_m", "distance_sd_m")


def place_on_floor(
    tracks: Tracks, options: FloorOptions | None = None, calibration: FloorCalibration | None = None
) -> tuple[Tracks, list[PairDistance], dict[str, Any]]:
    """`tracks` with `floor` filled (x, y, sd per row; NaN where unknown), pair distances and the camera.

    `options` default to `FloorOptions()` (live mode asks for fewer Monte Carlo draws); `calibration`
    holds known values that replace the priors.
    """
    floor = np.full((len(tracks), 3), np.nan)
    people = []
    for p in tracks.person_ids():
        sel = tracks.person == p
        people.append(PersonTrack(p, tracks.frame[sel], tracks.t[sel], tracks.xy[sel], tracks.vis[sel],
                                  tracks.world[sel]))  # fmt: skip
    if not people:
        return replace(tracks, floor=floor), [], {}
    est = estimate_floor(people, tracks.size, calibration=calibration, options=options)
    for p, ft in est.tracks.items():
        rows = np.flatnonzero(tracks.person == p)
        pos = {int(f): k for k, f in enumerate(ft.frame)}
        for r in rows:
            k = pos.get(int(tracks.frame[r]))
            if k is not None:
                floor[r] = (*ft.xy_m[k], ft.sd_m[k])
    camera = {**asdict(est.camera), "stature_m": {str(k): float(v) for k, v in est.stature_m.items()}}
    return replace(tracks, floor=floor), pair_distances(est), camera


def pairs_table(pairs: list[PairDistance]) -> Any:
    """The `pairs.parquet` table: frame, t, person, other, distance_m, distance_sd_m."""
    import pandas as pd

    if not pairs:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("frame", "person", "other") else "float64")
                             for c in PAIR_COLUMNS})  # fmt: skip
    return pd.DataFrame([asdict(p) for p in pairs], columns=list(PAIR_COLUMNS))
