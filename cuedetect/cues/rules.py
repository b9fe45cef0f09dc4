"""Pair cues by rule: `too_close` from measured distance, `rapid_approach` from closing speed.

These are definitions, not judgements: a threshold on a measured distance or speed is exact, so
learning would only add noise. The thresholds are settings (`CueSettings.too_close_m`,
`closing_speed_mps`).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from cuedetect.cues.events import CueEvent, _py, hysteresis_spans
from cuedetect.cues.features import _fps, _frames, _slope, pair_distances
from cuedetect.cues.geometry import rolling_median
from cuedetect.cues.settings import CueSettings
from cuedetect.cues.tracks import PersonTrack


def _floor_at(tr: PersonTrack, frames: np.ndarray) -> np.ndarray:
    return pd.DataFrame(tr.floor, index=tr.frame).groupby(level=0).mean().reindex(frames).to_numpy()


def pair_series(a: PersonTrack, b: PersonTrack, dists: dict[tuple, pd.Series]) -> pd.DataFrame:
    """Per shared frame: t, distance (pairs table if given, else floor positions), both floor positions."""
    frames = np.intersect1d(a.frame, b.frame)
    t = pd.Series(a.t, index=a.frame).groupby(level=0).first().reindex(frames).to_numpy()
    key = (min(a.person, b.person), max(a.person, b.person))
    fa, fb = _floor_at(a, frames), _floor_at(b, frames)
    d = dists[key].reindex(frames).to_numpy(dtype=float) if key in dists else np.linalg.norm(fa - fb, axis=1)
    return pd.DataFrame(
        {"frame": frames, "t": t, "d": d, "ax": fa[:, 0], "az": fa[:, 1], "bx": fb[:, 0], "bz": fb[:, 1]}
    )


def _approacher(s: pd.DataFrame, i0: int, i1: int) -> tuple[int, int] | None:
    """Which of the two (0 = a, 1 = b) moved more toward the other between rows i0 and i1."""
    a0, a1 = s[["ax", "az"]].to_numpy()[[i0, i1]]
    b0, b1 = s[["bx", "bz"]].to_numpy()[[i0, i1]]
    if not np.isfinite([*a0, *a1, *b0, *b1]).all():
        return None
    u = (b0 - a0) / (np.linalg.norm(b0 - a0) + 1e-9)
    move_a, move_b = float((a1 - a0) @ u), float(-(b1 - b0) @ u)
    return (0, 1) if move_a >= move_b else (1, 0)


def pair_rule_events(
    tracks: list[PersonTrack], pairs: pd.DataFrame | None, settings: CueSettings
) -> list[CueEvent]:
    dists = pair_distances(pairs)
    out: list[CueEvent] = []
    for a, b in itertools.combinations(sorted(tracks, key=lambda tr: str(tr.person)), 2):
        s = pair_series(a, b, dists)
        if len(s) < 3 or not np.isfinite(s["d"]).any():
            continue
        t = s["t"].to_numpy()
        fps = _fps(t)
        d = rolling_median(s["d"].to_numpy(dtype=float), _frames(settings.distance_smooth_s, fps))
        closing = -_slope(d, t, _frames(settings.closing_window_s, fps))
        ids = (_py(a.person), _py(b.person))
        close = np.nan_to_num(settings.too_close_m - d, nan=-1.0)
        for i0, i1 in hysteresis_spans(
            close, t, 0.0, -0.05, settings.min_duration("too_close"), settings.merge_gap_s
        ):
            dmin = float(np.nanmin(d[i0 : i1 + 1]))
            back = int(np.searchsorted(t, t[i0] - 3.0))
            who = _approacher(s, back, i0) or (0, 1)
            dur = float(t[i1] - t[i0])
            out.append(
                CueEvent(
                    "too_close",
                    ids[who[0]],
                    ids[who[1]],
                    float(t[i0]),
                    float(t[i1]),
                    float(
                        np.clip(0.5 + (settings.too_close_m - np.nanmedian(d[i0 : i1 + 1])) / 0.4, 0.5, 1.0)
                    ),
                    f"distance {dmin:.2f} m at closest (below {settings.too_close_m:.1f} m) for {dur:.1f} s",
                )
            )
        fast = np.nan_to_num(closing - settings.closing_speed_mps, nan=-1.0)
        for i0, i1 in hysteresis_spans(
            fast, t, 0.0, -0.1, settings.min_duration("rapid_approach"), settings.merge_gap_s
        ):
            vmax = float(np.nanmax(closing[i0 : i1 + 1]))
            who = _approacher(s, i0, i1) or (0, 1)
            dur = float(t[i1] - t[i0])
            out.append(
                CueEvent(
                    "rapid_approach",
                    ids[who[0]],
                    ids[who[1]],
                    float(t[i0]),
                    float(t[i1]),
                    float(np.clip(0.5 + (vmax - settings.closing_speed_mps) / 1.0, 0.5, 1.0)),
                    f"closing at up to {vmax:.1f} m/s (above {settings.closing_speed_mps:.1f} m/s) from "
                    f"{d[i0]:.1f} m to {d[i1]:.1f} m in {dur:.1f} s",
                )
            )
    return out
