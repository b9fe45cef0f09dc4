"""Loudness and pitch as series lanes of the review stage (`stage.SeriesLane`), one line per speaker.

The stage draws series from 0 to `ymax`, so loudness is shown in dB above -70 LUFS (silence) and pitch in
Hz. The data comes from `cuedetect.voice.lane.voice_lane` (thinned voice.parquet; None in silence).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from cuedetect.colours import person_colour
from cuedetect.cue_ids import UNATTRIBUTED
from cuedetect.dashboard.stage import SeriesLane, SeriesLine

LOUDNESS_FLOOR = -70.0  # LUFS drawn at the bottom of the loudness lane
UNATTRIBUTED_COLOUR = "#6b7280"


def _points(t: np.ndarray, v: np.ndarray) -> list[list[float | None]]:
    return [
        [float(a), None if not np.isfinite(b) else round(float(b), 1), None, None]
        for a, b in zip(t, v, strict=True)
    ]


def voice_series(lane: pd.DataFrame, roles: Mapping[int, str]) -> list[SeriesLane]:
    """[loudness lane, pitch lane] (empty without voice data)."""
    if lane is None or not len(lane):
        return []
    loud_lines, pitch_lines = [], []
    for (person, who), g in lane.groupby(["person", "who"], sort=True):
        colour = (
            UNATTRIBUTED_COLOUR
            if person == UNATTRIBUTED
            else person_colour(int(person), roles.get(int(person)))
        )
        t = g["start"].to_numpy(dtype=float)
        loud = g["loudness_lufs"].to_numpy(dtype=float) - LOUDNESS_FLOOR
        loud_lines.append(SeriesLine(str(who), colour, _points(t, loud)))
        pitch_lines.append(SeriesLine(str(who), colour, _points(t, g["f0_hz"].to_numpy(dtype=float))))
    f0 = lane["f0_hz"].to_numpy(dtype=float)
    top_hz = float(np.nanmax(f0)) if np.isfinite(f0).any() else 300.0
    return [
        SeriesLane("voice loudness", f"dB over {LOUDNESS_FLOOR:g} LUFS", 60.0, loud_lines),
        SeriesLane("voice pitch", "Hz", round(max(top_hz * 1.1, 150.0), -1), pitch_lines),
    ]
