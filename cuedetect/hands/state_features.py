"""Features of one hand for the learned hand-state model, from its 21 landmarks.

Plain numpy on what a `hands.parquet` row holds (landmarks in pixels), so a saved table re-classifies
exactly as the stage would. Each finger's curl, where the thumb is (how far out, how far up, how near the
fingers' middle bones, its tip's distance to each fingertip), each fingertip's distance from the wrist,
and the hand-written rules' own scores (`shape.rule_scores`). Distances are in 3D and in `hand_scale`
units, so they do not depend on the hand's size or on where it is turned in the picture; only "up" (the
thumbs-up's thumb) is the picture's.

Left out on purpose (measured, README Hands): the palm normal in the camera's frame and the hand's size in
pixels (the studio's choreography and framing, not the hand's shape: with them a real thumbs-up held
toward the camera read `fist`), the landmarks' coordinates in the hand's own frame and the share of a
length the picture shows (the studio shows too few hands seen end-on to learn them; with them the real
thumbs-up read `fist` 8-79% of the time depending on the regularisation).
"""

from __future__ import annotations

import numpy as np

from cuedetect.hands.shape import HAND_STATES, TUCK, StateRules, finger_curls, rule_scores

TIPS = (4, 8, 12, 16, 20)
FINGERS = ("thumb", "index", "middle", "ring", "pinky")
FEATURES: tuple[str, ...] = (
    *(f"curl_{f}" for f in FINGERS),
    "thumb_out", "thumb_up", "thumb_above", "thumb_tuck",
    *(f"thumb_to_{f}" for f in FINGERS[1:]),
    *(f"tip_{f}" for f in FINGERS),
    *(f"rule_{s}" for s in HAND_STATES),
)  # fmt: skip


def hand_scale(lm: np.ndarray) -> float:
    """The hand's palm length (wrist to middle knuckle), robust to foreshortening: the longer of it and the
    knuckles' width (index to pinky knuckle) over 0.8. The network's depth is shallow, so a palm aimed
    at the camera (a fist shown knuckles first) looks short in 3D too; its knuckles' width does not."""
    lm = np.asarray(lm, dtype=float)
    return max(float(np.linalg.norm(lm[9] - lm[0])), float(np.linalg.norm(lm[17] - lm[5])) / 0.8) or 1.0


def hand_features(lm: np.ndarray, rules: StateRules | None = None) -> np.ndarray:
    """One row of `FEATURES` for a hand's landmarks `lm` (21, 3) in pixels (x right, y down, z as x)."""
    lm = np.asarray(lm, dtype=float)
    scale = hand_scale(lm)
    thumb = lm[4] - lm[2]
    up = -thumb[1] / n if (n := float(np.linalg.norm(thumb))) > 1e-9 else 0.0  # image up is -y
    p = rule_scores(lm, rules)
    total = sum(p.values()) or 1.0
    row = [
        *finger_curls(lm),
        float(np.linalg.norm(lm[4] - lm[5])) / scale,
        up,
        float(lm[[5, 9, 13, 17], 1].min() - lm[4, 1]) / scale,
        float(np.linalg.norm(lm[TUCK] - lm[4], axis=1).min()) / scale,
        *(float(np.linalg.norm(lm[t] - lm[4])) / scale for t in TIPS[1:]),
        *(float(np.linalg.norm(lm[t] - lm[0])) / scale for t in TIPS),
        *(p[s] / total for s in HAND_STATES),
    ]  # fmt: skip
    return np.asarray(row, dtype=float)


def table_features(hands, size: tuple[int, int], rules: StateRules | None = None) -> np.ndarray:
    """(n, len(FEATURES)) for the rows of a hands table (`hands.parquet` columns); NaN rows where no
    hand was read. `size`: the frame's (width, height) in pixels, to undo the normalized landmarks."""
    w, h = size
    lm = np.stack([hands[[f"h{a}{j}" for j in range(21)]].to_numpy(float) for a in "xyz"], axis=-1)
    lm = lm * [w, h, w]
    out = np.full((len(hands), len(FEATURES)), np.nan)
    for k in np.flatnonzero(np.isfinite(lm).all(axis=(1, 2))):
        out[k] = hand_features(lm[k], rules)
    return out
