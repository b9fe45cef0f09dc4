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
from cuedetect.landmarks import INDEX as I


def _floor_at(tr: PersonTrack, frames: np.ndarray) -> np.ndarray:
    return pd.DataFrame(tr.floor, index=tr.frame).groupby(level=0).mean().reindex(frames).to_numpy()


def pair_distance_sds(pairs: pd.DataFrame | None) -> dict[tuple, pd.Series]:
    """Unordered pair -> the floor distance's uncertainty (`distance_sd_m`) by frame, if the table has it."""
    if pairs is None or len(pairs) == 0 or "distance_sd_m" not in pairs.columns:
        return {}
    df = pairs.assign(a=pairs[["person", "other"]].min(axis=1), b=pairs[["person", "other"]].max(axis=1))
    return {(a, b): g.groupby("frame")["distance_sd_m"].mean() for (a, b), g in df.groupby(["a", "b"])}


def _centre_and_torso(tr: PersonTrack, frames: np.ndarray, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Image hip midpoint (shoulder midpoint if the hips are out of view) and torso length, per frame."""
    p = tr.xy * np.array([aspect, 1.0])
    sh = 0.5 * (p[:, I["left_shoulder"]] + p[:, I["right_shoulder"]])
    hip = 0.5 * (p[:, I["left_hip"]] + p[:, I["right_hip"]])
    torso = np.linalg.norm(sh - hip, axis=1)
    # Close-ups without hips: the torso is about 1.4 shoulder widths (as in geometry.image_features).
    shoulders = np.linalg.norm(p[:, I["left_shoulder"]] - p[:, I["right_shoulder"]], axis=1)
    torso = np.where(np.isnan(torso), 1.4 * shoulders, torso)
    centre = np.where(np.isnan(hip), sh, hip)
    df = pd.DataFrame({"x": centre[:, 0], "y": centre[:, 1], "torso": torso}, index=tr.frame)
    df = df.groupby(level=0).mean().reindex(frames)
    return df[["x", "y"]].to_numpy(), rolling_median(df["torso"].to_numpy(), 5)


def image_distance(
    a: PersonTrack, b: PersonTrack, frames: np.ndarray, aspect: float, settings: CueSettings
) -> np.ndarray:
    """Distance between two people from the picture alone, in metres: the gap between their hip midpoints
    in torso lengths times `settings.torso_m`. NaN where they may stand at different depths, where the
    picture cannot tell how far apart they are: their sizes in the picture differ by more than
    `image_scale_ratio_max`, or their hip midpoints are not level to within `image_level_offset_max`
    torso lengths (the farther one stands higher in a raised camera's picture)."""
    ca, ta = _centre_and_torso(a, frames, aspect)
    cb, tb = _centre_and_torso(b, frames, aspect)
    with np.errstate(invalid="ignore", divide="ignore"):
        torso = 0.5 * (ta + tb)
        gap = np.linalg.norm(ca - cb, axis=1) / torso
        level = np.abs(ca[:, 1] - cb[:, 1]) / torso
        ratio = np.fmax(ta, tb) / np.fmin(ta, tb)
    same_depth = (ratio <= settings.image_scale_ratio_max) & (level <= settings.image_level_offset_max)
    return np.where(same_depth, gap * settings.torso_m, np.nan)


def pair_series(
    a: PersonTrack,
    b: PersonTrack,
    dists: dict[tuple, pd.Series],
    sds: dict[tuple, pd.Series] | None = None,
    aspect: float = 16 / 9,
    settings: CueSettings | None = None,
) -> pd.DataFrame:
    """Per shared frame: t, the distance the rules use (`d`), both floor positions and where `d` came from.

    `d` is the floor distance (pairs table if given, else floor positions) where it can be trusted
    (uncertainty at most `floor_sd_trust_m`: `floor_trusted`), else the image-space distance
    (`image_distance`); `d_floor`, `d_image` keep both and `from_image` says which one `d` is.
    """
    settings = settings or CueSettings()
    frames = np.intersect1d(a.frame, b.frame)
    t = pd.Series(a.t, index=a.frame).groupby(level=0).first().reindex(frames).to_numpy()
    key = (min(a.person, b.person), max(a.person, b.person))
    fa, fb = _floor_at(a, frames), _floor_at(b, frames)
    d = dists[key].reindex(frames).to_numpy(dtype=float) if key in dists else np.linalg.norm(fa - fb, axis=1)
    sd = (sds or {}).get(key)
    sd = sd.reindex(frames).to_numpy(dtype=float) if sd is not None else np.zeros(len(frames))
    trusted = np.isfinite(d) & (np.nan_to_num(sd, nan=np.inf) <= settings.floor_sd_trust_m)
    d_img = image_distance(a, b, frames, aspect, settings)
    return pd.DataFrame(
        {"frame": frames, "t": t, "d": np.where(trusted, d, d_img), "d_floor": d, "d_image": d_img,
         "from_image": ~trusted & np.isfinite(d_img),
         "ax": fa[:, 0], "az": fa[:, 1], "bx": fb[:, 0], "bz": fb[:, 1], "floor_trusted": trusted}
    )  # fmt: skip


def closing_speed(s: pd.DataFrame, settings: CueSettings) -> tuple[np.ndarray, np.ndarray]:
    """Per row of `pair_series`: the closing speed (m/s) and whether it is uncertain.

    The slope of the floor distance, and where the floor cannot be trusted (`floor_trusted` false) the
    faster of it and the slope of the picture's distance (`d_image`, only between people level and of
    one size in the picture): an uncertain floor fit lags or wanders when the view is steep, distorted
    or far, and the picture can see an approach the floor smooths away. Uncertain rows are flagged:
    an approach measured on them has to be borne out (`_ends_within_reach`).
    """
    t = s["t"].to_numpy()
    fps = _fps(t)
    k_smooth, k_slope = _frames(settings.distance_smooth_s, fps), _frames(settings.closing_window_s, fps)
    on_floor = -_slope(rolling_median(s["d_floor"].to_numpy(dtype=float), k_smooth), t, k_slope)
    picture = np.where(s["from_image"], s["d_image"].to_numpy(dtype=float), np.nan)
    on_picture = -_slope(rolling_median(picture, k_smooth), t, k_slope)
    uncertain = ~s["floor_trusted"].to_numpy(bool)
    return np.where(uncertain, np.fmax(on_floor, on_picture), on_floor), uncertain


def _approacher(s: pd.DataFrame, i0: int, i1: int) -> tuple[int, int] | None:
    """Which of the two (0 = a, 1 = b) moved more toward the other between rows i0 and i1."""
    a0, a1 = s[["ax", "az"]].to_numpy()[[i0, i1]]
    b0, b1 = s[["bx", "bz"]].to_numpy()[[i0, i1]]
    if not np.isfinite([*a0, *a1, *b0, *b1]).all():
        return None
    u = (b0 - a0) / (np.linalg.norm(b0 - a0) + 1e-9)
    move_a, move_b = float((a1 - a0) @ u), float(-(b1 - b0) @ u)
    return (0, 1) if move_a >= move_b else (1, 0)


PICTURE_WORDS = " (estimated from the picture: the floor distance is uncertain in this view)"
UNCERTAIN_WORDS = " (the floor distance is uncertain in this view; they ended closer than the safe distance)"


def _how(s: pd.DataFrame, i0: int, i1: int) -> str:
    """Evidence words for where the distance came from over rows i0..i1."""
    share = float(s["from_image"].to_numpy()[i0 : i1 + 1].mean())
    return PICTURE_WORDS if share >= 0.5 else ""


def _ends_within_reach(d: np.ndarray, t: np.ndarray, i1: int, settings: CueSettings) -> bool:
    """Whether the rules' distance `d` (the trusted floor, else the picture) is below the safe distance
    at some time up to `closing_window_s` after row i1. An approach measured where the floor is uncertain
    must bring the two this close: an uncertain floor fit can run metres in a second on its own (a body
    half hidden reads as farther away), and in the picture walking in depth changes the gap too (a person
    coming toward the camera grows, so the gap in torso lengths shrinks); neither ends with the two
    people within reach of each other."""
    j = int(np.searchsorted(t, t[i1] + settings.closing_window_s, side="right"))
    near = d[i1:j]
    return bool(np.isfinite(near).any() and np.nanmin(near) < settings.safe_distance_m)


def _kept_spans(
    spans: list[tuple[int, int]], t: np.ndarray, t_last: float, min_dur: float, lost_min_dur: float
) -> list[tuple[int, int]]:
    """Spans at least `min_dur` long, or `lost_min_dur` where one of the two was lost while inside it:
    the pair's last shared frame before the clip's last (`t_last`), or a frame followed by a gap of more
    than two frames. Losing a person within arm's length of another is what overlapping bodies do
    (grappling people merge into one pose), so such a span did not end by the two moving apart and the
    minimum meant to drop dips that come straight back does not apply. At the clip's end nothing is
    known, and the minimum stays."""
    if len(t) < 2:
        return []
    step = float(np.median(np.diff(t)))
    kept = []
    for i0, i1 in spans:
        lost = (t_last - t[i1] > 2.5 * step) if i1 == len(t) - 1 else (t[i1 + 1] - t[i1] > 2.5 * step)
        if t[i1] - t[i0] >= (lost_min_dur if lost else min_dur):
            kept.append((i0, i1))
    return kept


def pair_rule_events(
    tracks: list[PersonTrack], pairs: pd.DataFrame | None, settings: CueSettings, aspect: float = 16 / 9
) -> list[CueEvent]:
    """`too_close` and `rapid_approach` for every pair of people (aspect: the picture's width / height)."""
    dists, sds = pair_distances(pairs), pair_distance_sds(pairs)
    t_last = max((float(np.nanmax(tr.t)) for tr in tracks if len(tr.t)), default=0.0)
    out: list[CueEvent] = []
    for a, b in itertools.combinations(sorted(tracks, key=lambda tr: str(tr.person)), 2):
        s = pair_series(a, b, dists, sds, aspect, settings)
        if len(s) < 3 or not np.isfinite(s["d"]).any():
            continue
        t = s["t"].to_numpy()
        fps = _fps(t)
        d = rolling_median(s["d"].to_numpy(dtype=float), _frames(settings.distance_smooth_s, fps))
        closing, uncertain = closing_speed(s, settings)
        d_floor = rolling_median(s["d_floor"].to_numpy(dtype=float), _frames(settings.distance_smooth_s, fps))
        shown = np.where(np.isfinite(d), d, d_floor)  # the approach's distances in its evidence
        ids = (_py(a.person), _py(b.person))
        close = np.nan_to_num(settings.too_close_m - d, nan=-1.0)
        spans = hysteresis_spans(close, t, 0.0, -0.05, 0.0, settings.merge_gap_s)
        min_dur, lost_min_dur = settings.min_duration("too_close"), settings.lost_min_duration_s
        for i0, i1 in _kept_spans(spans, t, t_last, min_dur, lost_min_dur):
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
                    f"distance {dmin:.2f} m at closest (below {settings.too_close_m:.1f} m) for {dur:.1f} s"
                    + _how(s, i0, i1),
                )
            )
        fast = np.nan_to_num(closing - settings.closing_speed_mps, nan=-1.0)
        for i0, i1 in hysteresis_spans(
            fast, t, 0.0, -0.1, settings.min_duration("rapid_approach"), settings.merge_gap_s
        ):
            unsure = bool(uncertain[i0 : i1 + 1].any())
            if unsure and not _ends_within_reach(d, t, i1, settings):
                continue
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
                    f"{shown[i0]:.1f} m to {shown[i1]:.1f} m in {dur:.1f} s"
                    + (_how(s, i0, i1) or (UNCERTAIN_WORDS if unsure else "")),
                )
            )
    return out
