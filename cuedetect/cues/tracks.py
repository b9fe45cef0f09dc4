"""`poses.parquet` (or a ground-truth table) as `PersonTrack`s, for cue detection on a results folder.

Within an analysis the cue stage takes the tracks in memory (`Tracks.person_tracks`); this module reads
them back from files written earlier (the `cues detect` command, training data, live mode's windows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cuedetect.errors import InputError
from cuedetect.landmarks import NUM_LANDMARKS
from cuedetect.pose.tracked import PersonTrack

# Column names that different writers may use for MediaPipe's world landmarks and the floor position.
_WORLD_PREFIXES = (("wx", "wy", "wz"), ("world_x", "world_y", "world_z"), ("X", "Y", "Z"))
_FLOOR_COLS = (
    ("floor_x_m", "floor_y_m"),
    ("floor_x", "floor_y"),
    ("floor_x", "floor_z"),
    ("floor_X", "floor_Y"),
    ("floor_X", "floor_Z"),
    ("hip_floor_x", "hip_floor_y"),
)


def _cols(df: pd.DataFrame, names: list[str]) -> np.ndarray:
    if all(n in df.columns for n in names):
        return df[names].to_numpy(dtype=float)
    return np.full((len(df), len(names)), np.nan)


def world_columns(df: pd.DataFrame) -> tuple[str, str, str] | None:
    for prefixes in _WORLD_PREFIXES:
        if all(f"{p}0" in df.columns for p in prefixes):
            return prefixes
    return None


def floor_columns(df: pd.DataFrame) -> tuple[str, str] | None:
    for pair in _FLOOR_COLS:
        if all(c in df.columns for c in pair):
            return pair
    return None


def tracks_from_poses(poses: pd.DataFrame) -> list[PersonTrack]:
    """Split a `poses.parquet` table into one track per person (sorted by person id, then time)."""
    missing = [c for c in ("frame", "t", "person", "x0", "y0") if c not in poses.columns]
    if missing:
        raise InputError(f"poses table lacks columns {missing}; is it a cuedetect poses.parquet?")
    idx = range(NUM_LANDMARKS)
    wcols = world_columns(poses)
    fcols = floor_columns(poses)
    tracks = []
    for person, df in poses.sort_values(["person", "t"]).groupby("person", sort=True):
        n = len(df)
        xy = np.stack([_cols(df, [f"x{i}" for i in idx]), _cols(df, [f"y{i}" for i in idx])], axis=-1)
        vis = _cols(df, [f"v{i}" for i in idx])
        if wcols:
            world = np.stack([_cols(df, [f"{p}{i}" for i in idx]) for p in wcols], axis=-1)
        else:
            world = np.full((n, NUM_LANDMARKS, 3), np.nan)
        floor = _cols(df, list(fcols)) if fcols else np.full((n, 2), np.nan)
        tracks.append(
            PersonTrack(
                person=person.item() if hasattr(person, "item") else person,
                frame=df["frame"].to_numpy(dtype=int),
                t=df["t"].to_numpy(dtype=float),
                xy=xy,
                vis=vis,
                world=world,
                floor=floor,
            )
        )
    return tracks


def poses_frame(tracks: list[PersonTrack]) -> pd.DataFrame:
    """The inverse of `tracks_from_poses`: one row per frame and person, in the analyze column layout."""
    parts = []
    for tr in tracks:
        cols: dict[str, np.ndarray] = {
            "frame": tr.frame,
            "t": tr.t,
            "person": np.full(len(tr), tr.person),
        }
        for i in range(NUM_LANDMARKS):
            cols[f"x{i}"] = tr.xy[:, i, 0]
        for i in range(NUM_LANDMARKS):
            cols[f"y{i}"] = tr.xy[:, i, 1]
        for i in range(NUM_LANDMARKS):
            cols[f"v{i}"] = tr.vis[:, i]
        for k, p in enumerate(("wx", "wy", "wz")):
            for i in range(NUM_LANDMARKS):
                cols[f"{p}{i}"] = tr.world[:, i, k]
        cols["floor_x"] = tr.floor[:, 0]
        cols["floor_y"] = tr.floor[:, 1]
        parts.append(pd.DataFrame(cols))
    if not parts:
        return pd.DataFrame(columns=["frame", "t", "person"])
    return pd.concat(parts, ignore_index=True)
