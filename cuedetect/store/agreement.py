"""Agreement between two codings of the same session on a time grid (pure functions).

The session is cut into bins of `bin_s` seconds: bin i covers [i * bin_s, (i + 1) * bin_s). For each cue
and each person, a bin is "present" when the bin's centre lies inside an event's [start, end]; an event
shorter than a bin still marks the bin holding its midpoint. The two codings' bins, over all persons,
give Cohen's kappa and percent agreement per cue; `overall` pools every cue.

Kappa is undefined when both codings are constant and equal (expected agreement 1): it is then reported
as NaN, like scikit-learn's `cohen_kappa_score`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

BIN_S = 0.5


class Interval(Protocol):
    cue: str
    person: int
    start: float
    end: float


@dataclass(frozen=True)
class Agreement:
    cue: str
    kappa: float
    percent: float
    bins: int
    positive_a: int
    positive_b: int

    def as_dict(self) -> dict[str, float | int | str | None]:
        return {
            "cue": self.cue,
            "kappa": None if math.isnan(self.kappa) else round(self.kappa, 4),
            "percent": round(self.percent, 2),
            "bins": self.bins,
            "positive_a": self.positive_a,
            "positive_b": self.positive_b,
        }


def n_bins(duration: float, bin_s: float = BIN_S) -> int:
    return max(1, math.ceil(duration / bin_s - 1e-9))


def presence(
    events: Iterable[Interval], cue: str, person: int, duration: float, bin_s: float = BIN_S
) -> np.ndarray:
    """Boolean presence of `cue` for `person` per bin."""
    n = n_bins(duration, bin_s)
    out = np.zeros(n, dtype=bool)
    centres = (np.arange(n) + 0.5) * bin_s
    for ev in events:
        if ev.cue != cue or ev.person != person:
            continue
        hit = (centres >= ev.start) & (centres <= ev.end)
        if not hit.any():
            mid = int(min(max((ev.start + ev.end) / 2 / bin_s, 0), n - 1))
            hit[mid] = True
        out |= hit
    return out


def cohen_kappa(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> float:
    """Cohen's kappa of two equally long label sequences: (p_o - p_e) / (1 - p_e)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("kappa needs two non-empty sequences of the same length")
    labels = np.union1d(a, b)
    p_o = float(np.mean(a == b))
    p_e = float(sum(np.mean(a == lab) * np.mean(b == lab) for lab in labels))
    if math.isclose(p_e, 1.0):
        return math.nan
    return (p_o - p_e) / (1 - p_e)


def agreement(
    coding_a: Sequence[Interval],
    coding_b: Sequence[Interval],
    duration: float,
    persons: Iterable[int],
    cues: Iterable[str],
    bin_s: float = BIN_S,
) -> dict[str, Agreement]:
    """Per-cue agreement (plus key `overall`) of two codings over the same persons and duration."""
    persons = sorted(set(persons))
    result: dict[str, Agreement] = {}
    all_a, all_b = [], []
    for cue in sorted(set(cues)):
        va = np.concatenate(
            [presence(coding_a, cue, p, duration, bin_s) for p in persons] or [np.zeros(0, bool)]
        )
        vb = np.concatenate(
            [presence(coding_b, cue, p, duration, bin_s) for p in persons] or [np.zeros(0, bool)]
        )
        all_a.append(va)
        all_b.append(vb)
        if va.size:
            result[cue] = _score(cue, va, vb)
    if result:
        result["overall"] = _score("overall", np.concatenate(all_a), np.concatenate(all_b))
    return result


def _score(cue: str, va: np.ndarray, vb: np.ndarray) -> Agreement:
    return Agreement(
        cue=cue,
        kappa=cohen_kappa(va.astype(int), vb.astype(int)),
        percent=100.0 * float(np.mean(va == vb)),
        bins=int(va.size),
        positive_a=int(va.sum()),
        positive_b=int(vb.sum()),
    )
