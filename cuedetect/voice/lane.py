"""The loudness and pitch lane under the cue timeline: voice.parquet thinned to what a chart needs (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from cuedetect.cue_ids import UNATTRIBUTED

LANE_COLUMNS = ("start", "person", "who", "loudness_lufs", "f0_hz")


def speaker_name(person: int, roles: Mapping[int, str], channel: int | None = None) -> str:
    """'client (P1)', 'P0', or 'unattributed voice' (with its channel when there are several)."""
    if person == UNATTRIBUTED:
        return "unattributed voice" + (f" (channel {channel + 1})" if channel else "")
    role = roles.get(person, "unknown")
    return f"P{person}" if role == "unknown" else f"{role} (P{person})"


def voice_lane(voice_path: Path | None, roles: Mapping[int, str], step_s: float = 0.1) -> pd.DataFrame:
    """Per speaker and `step_s`: median loudness (LUFS) and pitch (Hz) of the speech in that step; NaN in
    silence so the lines break between utterances. Empty when there is no voice.parquet."""
    if voice_path is None or not Path(voice_path).is_file():
        return pd.DataFrame(columns=list(LANE_COLUMNS))
    df = pd.read_parquet(voice_path, columns=["t", "channel", "person", "speech", "loudness_lufs", "f0_hz"])
    if not len(df):
        return pd.DataFrame(columns=list(LANE_COLUMNS))
    df = df.assign(step=np.floor(df["t"] / step_s).astype(int))
    speech = df[df["speech"]]
    agg = speech.groupby(["channel", "person", "step"])[["loudness_lufs", "f0_hz"]].median()
    out = []
    for (channel, person), part in agg.groupby(level=[0, 1]):
        full = np.arange(df["step"].min(), df["step"].max() + 1)
        vals = part.reset_index(level=[0, 1], drop=True).reindex(full)
        out.append(pd.DataFrame({
            "start": np.round(full * step_s, 3),
            "person": int(person),
            "who": speaker_name(int(person), roles, int(channel)),
            "loudness_lufs": vals["loudness_lufs"].round(1).to_numpy(),
            "f0_hz": vals["f0_hz"].round(0).to_numpy(),
        }))  # fmt: skip
    if not out:
        return pd.DataFrame(columns=list(LANE_COLUMNS))
    lane = pd.concat(out, ignore_index=True)
    # keep one NaN row between utterances (a gap in the line), drop the long runs of silence
    gap = lane["loudness_lufs"].isna()
    keep = ~gap | ~gap.shift(1, fill_value=False) | (lane["who"] != lane["who"].shift(1))
    return lane[keep].reset_index(drop=True)
