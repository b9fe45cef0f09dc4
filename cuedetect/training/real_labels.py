"""Scoring found events against by-eye labels of real clips (the `labels.json` format of ../shared/clips).

The format (its own `about` field says it): per clip, `events` are cues clearly present (`who` in words,
`start_s`/`end_s` +-0.5 s), `absent` are cues clearly not shown anywhere in the clip, so a detection of
one is a false alarm; a cue in neither list is uncertain there and not scored. Persons are described in
words, so found events are matched to labelled ones by cue and time: one-to-one, temporal IoU >=
`IOU_MIN_REAL` (0.2, as the labels suggest for +-0.5 s times), best overlaps first. A found event of a
cue the clip labels (present or absent) that matches nothing is a false alarm; found events of
unscored cues are listed but not counted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cuedetect.cues.catalogue import CUE_IDS
from cuedetect.cues.evaluate import Counts, iou
from cuedetect.errors import InputError

IOU_MIN_REAL = 0.2


@dataclass(frozen=True)
class LabelledEvent:
    cue: str
    who: str
    start: float
    end: float


@dataclass
class RealClip:
    """One clip of a `labels.json`: the video's path, its labelled events and absent cues."""

    video: Path
    persons: int
    description: str
    events: list[LabelledEvent]
    absent: frozenset[str]

    @property
    def name(self) -> str:
        return self.video.name

    @property
    def scored_cues(self) -> set[str]:
        """Cues whose found events count here: those labelled present or absent."""
        return {e.cue for e in self.events} | set(self.absent)


def load_real_labels(path: Path) -> list[RealClip]:
    """Clips of a `labels.json` (a file, or a folder holding one); videos are resolved beside it.

    Raises:
        InputError: not that format, an unknown cue, or a missing video.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "labels.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        raw = doc["clips"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a real-clip labels.json ({exc})") from exc
    out = []
    for c in raw:
        video = path.parent / c["file"]
        if not video.exists():
            raise InputError(f"{path}: clip {c['file']} not found beside it")
        events = [LabelledEvent(e["cue"], str(e.get("who", "")), float(e["start_s"]), float(e["end_s"]))
                  for e in c.get("events", [])]  # fmt: skip
        unknown = ({e.cue for e in events} | set(c.get("absent", []))) - set(CUE_IDS)
        if unknown:
            raise InputError(f"{path}: {c['file']} names unknown cues {sorted(unknown)}")
        out.append(RealClip(video, int(c.get("persons", 0)), str(c.get("description", "")), events,
                            frozenset(c.get("absent", []))))  # fmt: skip
    return out


def is_real_labels(path: Path) -> bool:
    """True for a `labels.json` file, or a folder with one and no studio `gt.json` below it."""
    path = Path(path)
    if path.is_file():
        return path.name.endswith(".json") and '"clips"' in path.read_text(encoding="utf-8")[:20000]
    return (path / "labels.json").is_file() and not any(path.rglob("gt.json"))


@dataclass
class ClipResult:
    """What matched in one clip: (found, labelled) pairs, false alarms, misses and unscored finds."""

    clip: str
    matched: list[tuple[Mapping, LabelledEvent]] = field(default_factory=list)
    false_alarms: list[Mapping] = field(default_factory=list)
    misses: list[LabelledEvent] = field(default_factory=list)
    unscored: list[Mapping] = field(default_factory=list)


def match_clip(found: Iterable[Mapping], clip: RealClip, iou_min: float = IOU_MIN_REAL) -> ClipResult:
    """Match one clip's found events (`cue`, `start`, `end`, ...) to its labels, cue by cue."""
    res = ClipResult(clip.name)
    found = list(found)
    for cue in sorted(clip.scored_cues):
        p = [e for e in found if e["cue"] == cue]
        g = [e for e in clip.events if e.cue == cue]
        cand = sorted(
            ((iou((a["start"], a["end"]), (b.start, b.end)), i, j) for i, a in enumerate(p)
             for j, b in enumerate(g)),
            key=lambda c: (-c[0], c[1], c[2]),
        )  # fmt: skip
        used_p: set[int] = set()
        used_g: set[int] = set()
        for v, i, j in cand:
            if v >= iou_min and i not in used_p and j not in used_g:
                used_p.add(i)
                used_g.add(j)
                res.matched.append((p[i], g[j]))
        res.false_alarms += [a for i, a in enumerate(p) if i not in used_p]
        res.misses += [b for j, b in enumerate(g) if j not in used_g]
    res.unscored = [e for e in found if e["cue"] not in clip.scored_cues]
    return res


@dataclass
class RealScores:
    """Per-cue event counts over real clips, and what went wrong in each clip."""

    events: dict[str, Counts] = field(default_factory=dict)
    clips: list[ClipResult] = field(default_factory=list)

    def add(self, res: ClipResult) -> None:
        self.clips.append(res)
        for a, _ in res.matched:
            self.events.setdefault(a["cue"], Counts()).tp += 1
        for a in res.false_alarms:
            self.events.setdefault(a["cue"], Counts()).fp += 1
        for b in res.misses:
            self.events.setdefault(b.cue, Counts()).fn += 1

    def total(self, cues: Iterable[str] | None = None) -> Counts:
        """Counts summed over cues (all by default): the overall event precision and recall."""
        out = Counts()
        for c, n in self.events.items():
            if cues is None or c in cues:
                out.add(n)
        return out

    def cues(self) -> list[str]:
        return [c for c in CUE_IDS if c in self.events]

    def to_json(self) -> dict:
        tot = self.total()
        return {
            "clips": len(self.clips),
            "iou_min": IOU_MIN_REAL,
            "precision": round(tot.precision, 4),
            "recall": round(tot.recall, 4),
            "f1": round(tot.f1, 4),
            "tp": tot.tp,
            "fp": tot.fp,
            "fn": tot.fn,
            "per_cue": {c: _counts_json(self.events[c]) for c in self.cues()},
            "false_alarms": [
                {
                    "clip": r.clip,
                    "cue": a["cue"],
                    "person": a.get("person"),
                    "start": a["start"],
                    "end": a["end"],
                }
                for r in self.clips
                for a in r.false_alarms
            ],
            "misses": [
                {"clip": r.clip, "cue": b.cue, "who": b.who, "start": b.start, "end": b.end}
                for r in self.clips
                for b in r.misses
            ],
        }


def _counts_json(n: Counts) -> dict:
    return {"precision": round(n.precision, 4), "recall": round(n.recall, 4), "f1": round(n.f1, 4),
            "tp": n.tp, "fp": n.fp, "fn": n.fn}  # fmt: skip


def side_by_side(model: RealScores, baseline: RealScores) -> str:
    """A Markdown table: per cue, the model's event P/R/F1 and TP/FP/FN beside the baseline's."""
    lines = [
        "| cue | labelled | model P | model R | model F1 | model TP/FP/FN | baseline P | baseline R "
        "| baseline F1 | baseline TP/FP/FN |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    cues = [c for c in CUE_IDS if c in model.events or c in baseline.events]

    def cells(n: Counts) -> str:
        return f"{n.precision:.2f} | {n.recall:.2f} | {n.f1:.2f} | {n.tp}/{n.fp}/{n.fn}"

    for c in cues:
        m, b = model.events.get(c, Counts()), baseline.events.get(c, Counts())
        lines.append(f"| `{c}` | {m.tp + m.fn} | {cells(m)} | {cells(b)} |")
    m, b = model.total(), baseline.total()
    lines.append(f"| **all events** | {m.tp + m.fn} | {cells(m)} | {cells(b)} |")
    return "\n".join(lines)


def mistakes_list(scores: RealScores) -> str:
    """Every false alarm and miss, one line each, clip by clip (Markdown bullets)."""
    lines = []
    for r in scores.clips:
        for a in r.false_alarms:
            lines.append(f"- `{r.clip}`: false alarm `{a['cue']}` person {a.get('person')} "
                         f"{a['start']:.1f}-{a['end']:.1f} s")  # fmt: skip
        for b in r.misses:
            lines.append(f"- `{r.clip}`: missed `{b.cue}` ({b.who}) {b.start:.1f}-{b.end:.1f} s")
    return "\n".join(lines) if lines else "- none"
