"""Scoring found events against ground truth: event-level P/R/F1 per cue at temporal IoU >= 0.3, and
frame-level F1. Persons are matched to ground-truth persons through the joints (`labels.match_persons`).

Nothing drops out of the count because the matching failed: a ground-truth person nobody found keeps
their events (misses) and their frames (`scoring_times`), and a found person matched to nobody keeps
theirs under an id no ground truth has (`relabel(..., keep_unmatched=True)`: false alarms).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from cuedetect.cues.catalogue import CUE_IDS

IOU_MIN = 0.3


def iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else float(a == b)


def _key(e: Mapping, cue: str):
    """Who an event is about: the person, or for `too_close` the unordered pair."""
    if cue == "too_close":
        return frozenset((str(e["person"]), str(e.get("other"))))
    return str(e["person"])


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if self.fn == 0 else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match_events(
    pred: Iterable[Mapping], gt: Iterable[Mapping], cue: str, iou_min: float = IOU_MIN
) -> Counts:
    """One-to-one matching of one cue's events (same person, IoU >= iou_min), best overlaps first."""
    p = [e for e in pred if e["cue"] == cue]
    g = [e for e in gt if e["cue"] == cue]
    cand = []
    for i, a in enumerate(p):
        for j, b in enumerate(g):
            if _key(a, cue) == _key(b, cue):
                v = iou((a["start"], a["end"]), (b["start"], b["end"]))
                if v >= iou_min:
                    cand.append((v, i, j))
    used_p, used_g = set(), set()
    for _, i, j in sorted(cand, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return Counts(len(used_p), len(p) - len(used_p), len(g) - len(used_g))


def frame_counts(
    pred: Iterable[Mapping], gt: Iterable[Mapping], cue: str, times: Mapping[str, np.ndarray]
) -> Counts:
    """Frame-level counts for one cue over each person's analysed times (`times`: person -> t array)."""
    out = Counts()
    for person, t in times.items():

        def mask(evs: Iterable[Mapping], t=t, person=person) -> np.ndarray:
            m = np.zeros(len(t), bool)
            for e in evs:
                if e["cue"] == cue and (
                    str(e["person"]) == person or (cue == "too_close" and str(e.get("other")) == person)
                ):
                    m |= (t >= e["start"]) & (t <= e["end"])
            return m

        mp, mg = mask(pred), mask(gt)
        out.add(Counts(int((mp & mg).sum()), int((mp & ~mg).sum()), int((~mp & mg).sum())))
    return out


@dataclass
class Scores:
    """Accumulated counts per cue (event level and frame level) over clips."""

    events: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    frames: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    clips: int = 0

    def add_clip(
        self,
        pred: list[Mapping],
        gt: list[Mapping],
        times: Mapping[str, np.ndarray],
        cues: Iterable[str] = CUE_IDS,
    ) -> None:
        self.clips += 1
        for cue in cues:
            self.events[cue].add(match_events(pred, gt, cue))
            self.frames[cue].add(frame_counts(pred, gt, cue, times))

    def add(self, other: Scores) -> None:
        """Add `other`'s counts and clips to these (scores of more clips, e.g. each fold's own)."""
        for cue in other.events:
            self.events[cue].add(other.events[cue])
        for cue in other.frames:
            self.frames[cue].add(other.frames[cue])
        self.clips += other.clips

    def cues(self) -> list[str]:
        return [c for c in CUE_IDS if c in self.events and (self.events[c].tp + self.events[c].fn) > 0]

    def macro_f1(self, cues: Iterable[str] | None = None) -> float:
        cs = list(cues) if cues is not None else self.cues()
        return float(np.mean([self.events[c].f1 for c in cs])) if cs else float("nan")

    def to_json(self) -> dict:
        cues = self.cues()
        return {
            "clips": self.clips,
            "iou_min": IOU_MIN,
            "macro_event_f1": round(self.macro_f1(cues), 4),
            "macro_frame_f1": round(float(np.mean([self.frames[c].f1 for c in cues])), 4) if cues else None,
            "per_cue": {
                c: {
                    "event": {
                        "precision": round(self.events[c].precision, 4),
                        "recall": round(self.events[c].recall, 4),
                        "f1": round(self.events[c].f1, 4),
                        "tp": self.events[c].tp,
                        "fp": self.events[c].fp,
                        "fn": self.events[c].fn,
                    },
                    "frame_f1": round(self.frames[c].f1, 4),
                }
                for c in cues
            },
        }

    def table(self, title: str = "") -> str:
        """A Markdown table of the per-cue scores."""
        lines = [
            f"**{title}**" if title else "",
            "",
            "| cue | event P | event R | event F1 | frame F1 | gt events |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for c in self.cues():
            e = self.events[c]
            lines.append(
                f"| `{c}` | {e.precision:.2f} | {e.recall:.2f} | {e.f1:.2f} | {self.frames[c].f1:.2f} "
                f"| {e.tp + e.fn} |"
            )
        lines.append(f"| **macro** | | | **{self.macro_f1():.2f}** | | {self.clips} clips |")
        return "\n".join(lines).strip("\n")


UNMATCHED = "unmatched:"  # prefix of a found person's id when no ground-truth person matched them


def relabel(events: Iterable[Mapping], mapping: Mapping, keep_unmatched: bool = False) -> list[dict]:
    """Events with analysis person ids replaced by ground-truth ids.

    Events of persons matched to nobody are dropped, or with `keep_unmatched` kept under the id
    `"unmatched:<id>"`, which no ground-truth event has: a scorer then counts them as false alarms.
    """
    out = []
    m = {str(k): v for k, v in mapping.items()}

    def gt_id(pid):
        return m.get(str(pid), f"{UNMATCHED}{pid}" if keep_unmatched else None)

    for e in events:
        p, o = gt_id(e["person"]), e.get("other")
        if p is None or (o is not None and gt_id(o) is None):
            continue
        out.append({**e, "person": p, "other": None if o is None else gt_id(o)})
    return out


def scoring_times(
    analysed: Mapping, mapping: Mapping, gt_times: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """The frame times to score, per ground-truth person (and per found person matched to nobody).

    `analysed`: analysis person id -> analysed times; `gt_times`: ground-truth person id -> the times
    they are in view. A ground-truth person is scored on their times in view and those of the tracks
    matched to them, so frames where nobody found them count as missed; a track matched to nobody is
    scored under `"unmatched:<id>"`, so its frames count as false alarms.
    """
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    m = {str(k): v for k, v in mapping.items()}
    for pid, t in analysed.items():
        gid = m.get(str(pid))
        parts[str(gid) if gid is not None else f"{UNMATCHED}{pid}"].append(np.asarray(t, float))
    for gid, t in (gt_times or {}).items():
        parts[str(gid)].append(np.asarray(t, float))
    return {k: np.unique(np.concatenate(v)) for k, v in parts.items()}
