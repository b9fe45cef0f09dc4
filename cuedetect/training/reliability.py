"""Reliability of calibrated probabilities: Brier scores and reliability curves, per cue.

Shared by calibration (on the validation frames) and scoring (on held-out clips), without either
importing the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def reliability(p: np.ndarray, y: np.ndarray, bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean predicted, observed frequency, rows) per probability bin that has rows."""
    idx = np.clip((p * bins).astype(int), 0, bins - 1)
    return [(float(p[idx == b].mean()), float(y[idx == b].mean()), int((idx == b).sum()))
            for b in range(bins) if (idx == b).any()]  # fmt: skip


def brier(p: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((p - y) ** 2)) if len(p) else float("nan")


@dataclass
class HeldoutCalibration:
    """How well the probabilities hold on clips the maps never saw: per cue, the frames' Brier score,
    that of always saying the cue's base rate on them (the score to beat), and the reliability curve."""

    clips: int = 0
    frames: int = 0
    positives: dict[str, int] = field(default_factory=dict)
    brier: dict[str, float] = field(default_factory=dict)
    base_rate_brier: dict[str, float] = field(default_factory=dict)
    curves: dict[str, list[tuple[float, float, int]]] = field(default_factory=dict)

    def markdown(self) -> str:
        """The model card's subsection (under the held-out scores)."""
        lines = [
            "### Calibration on these clips",
            "",
            f"The classifier's calibrated probability on the {self.frames} frames of found persons matched",
            f"to a ground-truth person ({self.clips} clips), against their labels. Its maps and thresholds",
            "come from the validation clips (Calibration, above), never from these. Base-rate Brier:",
            "always saying the cue's share of these frames, the score to beat. Reliability in bins of 0.1",
            "that hold frames.",
            "",
            "| cue | positives | Brier | base-rate Brier | reliability (predicted -> observed, frames) |",
            "| --- | ---: | ---: | ---: | --- |",
        ]
        for c, b in self.brier.items():
            curve = "; ".join(f"{a:.2f}->{o:.2f} ({n})" for a, o, n in self.curves[c])
            rate = self.base_rate_brier[c]
            lines.append(f"| `{c}` | {self.positives[c]} | {b:.4f} | {rate:.4f} | {curve} |")
        return "\n".join(lines)


def calibration_table(p: pd.DataFrame, y: pd.DataFrame, clips: int = 0, bins: int = 10) -> HeldoutCalibration:
    """Brier score and reliability bins (`bins` equal widths) per cue of probabilities `p` against 0/1
    labels `y`, one row per frame and one column per cue (those of `p`, in its order)."""
    out = HeldoutCalibration(clips=clips, frames=len(p))
    for cue in p.columns:
        pc, yc = p[cue].to_numpy(float), y[cue].to_numpy(float)
        rate = float(yc.mean()) if len(yc) else float("nan")
        out.positives[cue] = int(yc.sum())
        out.brier[cue] = brier(pc, yc)
        out.base_rate_brier[cue] = rate * (1.0 - rate)  # the mean of (rate - y)^2
        out.curves[cue] = reliability(pc, yc, bins)
    return out
