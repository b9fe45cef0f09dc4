"""What the hands say about the hand cues: a veto where the read hand shape contradicts the cue.

`fists_up`, `open_hands` and `pointing` are defined by the shape of the hand, which the body landmarks
alone cannot see (a thumbs-up looks like a raised fist, a hand holding a cup like an open hand). Where the
hand stage read a person's hands (`hands.parquet`) and, over a short window, neither hand shows the
cue's shape, the cue's probability is set to 0. Where no hand was read (too small, out of view, not
found), or a hand read in the window is under `MIN_GATE_PX` long, nothing changes: the classifier decides
alone. One reading overrules the body at any size the hand stage reads (18 px and up): a hand read closed
(`fist`) in most of its readings, while neither hand reads open, is not an open palm (`CLOSED_SHARE`).
Small hands misread, but a closed reading is no evidence for an open palm: hands clasped in front of the
belly read `fist` at 36 px, the real one-palm gesture at 35 px read `other` and `point`, never `fist`, and
the small pointing hand that read `fist` (standoff, 29 px) is not vetoed for pointing by this. The hands in
an event's evidence are `hand_words`'.
`hand_features` exposes the per-frame hand shape as plain columns (NaN where no hand was read) for the
classifier's features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cuedetect.hands.shape import FINGER_NAMES, HAND_STATES
from cuedetect.landmarks import SIDES

# the hand states that make each hand cue possible
CUE_SHAPES: dict[str, tuple[str, ...]] = {
    "fists_up": ("fist",),
    "open_hands": ("open_palm",),
    "pointing": ("point",),
}
WINDOW_S = 0.6  # the hand states are read over this centred window
# a cue stays possible where one hand shows its shape in at least this share of that hand's readings in
# the window (set on the real dev clips: a thumbs-up reads `fist` in under a fifth of its frames, a hand
# taking a cup reads `open_palm` in about half)
MIN_SHARE = {"fists_up": 0.4, "open_hands": 0.6, "pointing": 0.5}
# a hand shorter than this is read too unreliably to overrule the body (the hand issue's accuracy target
# starts at 40 px; on the standoff sample a 29 px pointing hand read `fist` in most frames): where one
# was read in the window, there is no veto
MIN_GATE_PX = 40.0
# `open_hands` is vetoed at any read size where one hand reads `fist` in at least this share of its readings
# in the window and neither hand reads `open_palm` in `MIN_SHARE["open_hands"]` of its own
CLOSED_SHARE = 0.6


def _per_frame(feats: pd.DataFrame, hands: pd.DataFrame) -> pd.DataFrame:
    """The hands rows aligned to the feature rows: columns `<side>_<col>` per (person, frame)."""
    h = hands[hands["status"].isin(["read", "held"])]
    wide = None
    for side in SIDES:
        part = h[h["side"] == side].drop(columns=["side", "time"], errors="ignore")
        part = part.set_index(["person", "frame"]).add_prefix(f"{side}_")
        wide = part if wide is None else wide.join(part, how="outer")
    key = pd.MultiIndex.from_arrays([feats["person"].to_numpy(), feats["frame"].to_numpy()])
    assert wide is not None
    return wide.reindex(key).set_axis(feats.index)


def shape_share(feats: pd.DataFrame, hands: pd.DataFrame | None, states: tuple[str, ...],
                window_s: float = WINDOW_S) -> np.ndarray:  # fmt: skip
    """Per feature row: the largest share, over the two hands, of a hand's read observations in a centred
    window that show one of `states` (NaN where neither hand was read in the window)."""
    n = len(feats)
    if hands is None or len(hands) == 0 or n == 0:
        return np.full(n, np.nan)
    wide = _per_frame(feats, hands)
    t = feats["t"].to_numpy(dtype=float)
    d = np.diff(t)
    d = d[d > 0]
    k = max(1, round(window_s / (np.median(d) if len(d) else 1 / 15)))
    best = np.full(n, np.nan)
    for side in SIDES:
        st = wide.get(f"{side}_state")
        if st is None:
            continue
        frame = pd.DataFrame(
            {"person": feats["person"].to_numpy(), "hit": st.isin(states).to_numpy(float),
             "seen": st.notna().to_numpy(float)},
            index=feats.index,
        )  # fmt: skip
        roll = frame.groupby("person", sort=False)[["hit", "seen"]].transform(
            lambda s: s.rolling(k, center=True, min_periods=1).sum()
        )
        seen = roll["seen"].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(seen > 0, roll["hit"].to_numpy() / seen, np.nan)
        best = np.fmax(best, share)
    return best


def gate(probs: pd.DataFrame, feats: pd.DataFrame, hands: pd.DataFrame | None) -> pd.DataFrame:
    """`probs` with each hand cue vetoed where the read hands contradict it."""
    if hands is None or len(hands) == 0:
        return probs
    small = np.zeros(len(feats), bool)
    if "size_px" in hands.columns:
        tiny = hands[hands["size_px"] < MIN_GATE_PX]
        small = np.isfinite(shape_share(feats, tiny, HAND_STATES)) if len(tiny) else small
    out = probs.copy()
    for cue, states in CUE_SHAPES.items():
        if cue not in out.columns:
            continue
        share = shape_share(feats, hands, states)
        veto = np.isfinite(share) & (share < MIN_SHARE[cue]) & ~small
        out.loc[veto, cue] = 0.0
    if "open_hands" in out.columns:
        closed = shape_share(feats, hands, ("fist",))
        opened = shape_share(feats, hands, CUE_SHAPES["open_hands"])
        with np.errstate(invalid="ignore"):
            shut = (closed >= CLOSED_SHARE) & ~(opened >= MIN_SHARE["open_hands"])
        out.loc[shut, "open_hands"] = 0.0
    return out


def hand_features(feats: pd.DataFrame, hands: pd.DataFrame | None) -> pd.DataFrame:
    """Hand-shape features per feature row: `hand_<side>_visible` (1/0), `hand_<side>_curl_<finger>`,
    `hand_<side>_palm_n{x,y,z}`, `hand_<side>_is_<state>`; NaN where no hand was read (visible 0)."""
    cols = {}
    wide = _per_frame(feats, hands) if hands is not None and len(hands) else None
    for side in SIDES:

        def col(name: str, wide=wide, side=side) -> np.ndarray:
            if wide is None or f"{side}_{name}" not in wide.columns:
                return np.full(len(feats), np.nan)
            return wide[f"{side}_{name}"].to_numpy()

        state = col("state")
        read = pd.notna(state)
        cols[f"hand_{side}_visible"] = read.astype(float)
        for f in FINGER_NAMES:
            cols[f"hand_{side}_curl_{f}"] = col(f"curl_{f}").astype(float)
        for a in "xyz":
            cols[f"hand_{side}_palm_n{a}"] = col(f"palm_n{a}").astype(float)
        for s in ("fist", "open_palm", "point", "thumb_up", "other"):
            cols[f"hand_{side}_is_{s}"] = np.where(read, (state == s).astype(float), np.nan)
    return pd.DataFrame(cols, index=feats.index)
