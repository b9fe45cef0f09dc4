"""One event log from many overlapping windows, and the cues active right now.

Each window's answer near its end is provisional (the features are centred, so the next seconds can
still change it). `CueTimeline.absorb` therefore commits, per analysed frame, the cues that covered it
only once the frame is `settle_s` behind the newest one; events are the runs of committed frames, merged
over gaps by the offline detector's own rule (`cues.events.joins`: 0.4 s, held postures longer) and
dropped when shorter than the cue's minimum duration, as offline.
What the view shows as active is the newest window's answer at its end, also logged (`shown_events`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cuedetect.cues.catalogue import BY_ID, PAIR_CUES
from cuedetect.cues.events import joins
from cuedetect.cues.settings import CueSettings
from cuedetect.live.cuework import WindowCues

Key = tuple[str, int, int | None]  # cue, person, other


def event_key(e: Mapping[str, Any]) -> Key:
    other = e.get("other")
    return (str(e["cue"]), int(e["person"]), None if other is None else int(other))


@dataclass
class _Run:
    start: float
    end: float
    confidence: list[float] = field(default_factory=list)
    evidence: str = ""


def _joins(run: _Run, t: float, cue: str, settings: CueSettings) -> bool:
    """Whether the cue active again at `t` continues `run` (the offline events' merge rule)."""
    return joins(t - run.end, run.end - run.start, settings.merge_gap(cue), settings.merge_gap_max(cue))


def runs_to_events(
    samples: Iterable[tuple[float, Mapping[Key, tuple[float, str]]]],
    settings: CueSettings,
    min_duration: Mapping[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Events from time-ordered samples (t, {key: (confidence, evidence)} active at t).

    A key's run goes on over consecutive samples where it is active and ends at the last of them; a later
    run joins it by the offline events' merge rule (`cues.events.joins` with the cue's
    `settings.merge_gap` and `merge_gap_max`: a held posture bridges longer gaps than a brief cue).
    Runs shorter than `min_duration[cue]` are dropped.
    """
    open_runs: dict[Key, _Run] = {}
    done: list[tuple[Key, _Run]] = []
    previous: Mapping[Key, tuple[float, str]] = {}
    for t, active in samples:
        for key, (conf, evidence) in active.items():
            run = open_runs.get(key)
            if run is not None and (key in previous or _joins(run, t, key[0], settings)):
                run.end = t
            else:
                if run is not None:
                    done.append((key, run))
                run = open_runs[key] = _Run(t, t)
            run.confidence.append(conf)
            run.evidence = evidence or run.evidence
        previous = active
    done += list(open_runs.items())
    out = []
    for (cue, person, other), run in done:
        if min_duration is not None and run.end - run.start < min_duration.get(cue, 0.0):
            continue
        conf = [c for c in run.confidence if math.isfinite(c)]
        out.append(
            {
                "cue": cue,
                "person": person,
                "other": other,
                "start": round(run.start, 3),
                "end": round(run.end, 3),
                "confidence": round(sum(conf) / len(conf), 3) if conf else None,
                "evidence": run.evidence,
            }
        )
    out.sort(key=lambda e: (e["start"], e["cue"], e["person"]))
    return out


def held_events(
    samples: Sequence[tuple[float, Mapping[Key, tuple[float, str]]]], end_t: float
) -> list[dict[str, Any]]:
    """Events from states held between samples: a key active at samples k..m lasts from t_k until the
    next sample t_(m+1) (or `end_t` after the last sample)."""
    out: list[dict[str, Any]] = []
    open_: dict[Key, tuple[float, list[float], str]] = {}

    def close(key: Key, t: float) -> None:
        start, conf, evidence = open_.pop(key)
        c = [x for x in conf if math.isfinite(x)]
        cue, person, other = key
        out.append(
            {
                "cue": cue,
                "person": person,
                "other": other,
                "start": round(start, 3),
                "end": round(max(t, start), 3),
                "confidence": round(sum(c) / len(c), 3) if c else None,
                "evidence": evidence,
            }
        )

    for t, active in samples:
        for key in [k for k in open_ if k not in active]:
            close(key, t)
        for key, (conf, evidence) in active.items():
            if key in open_:
                open_[key][1].append(conf)
            else:
                open_[key] = (t, [conf], evidence)
    for key in list(open_):
        close(key, end_t)
    out.sort(key=lambda e: (e["start"], e["cue"], e["person"]))
    return out


def active_at(
    events: Iterable[Mapping[str, Any]], t: float, tol: float = 0.002
) -> dict[Key, tuple[float, str]]:
    """The keys of the events covering time `t` (event times are rounded to ms: `tol`), with their
    confidence and evidence."""
    out: dict[Key, tuple[float, str]] = {}
    for e in events:
        if e["start"] - tol <= t <= e["end"] + tol:
            conf = e.get("confidence")
            out[event_key(e)] = (float(conf) if conf is not None else math.nan, str(e.get("evidence") or ""))
    return out


class CueTimeline:
    """Accumulates window answers: `absorb(w)`, then `events()`, `active()`, `shown_events()`."""

    def __init__(self, settings: CueSettings | None = None, settle_s: float = 1.0) -> None:
        self.settings = settings or CueSettings()
        self.settle_s = settle_s
        self.committed_until = -math.inf
        self._committed: list[tuple[float, dict[Key, tuple[float, str]]]] = []
        self._shown: list[tuple[float, dict[Key, tuple[float, str]]]] = []
        self.latest: WindowCues | None = None
        self.roles: dict[int, str] = {}
        self.windows = 0
        self.answers: list[dict[str, Any]] = []  # every window's answer, for live/windows.json
        self._events: list[dict[str, Any]] | None = None
        self._strip: list[dict[str, Any]] | None = None

    def absorb(self, w: WindowCues, final: bool = False) -> None:
        """Take one window's answer; `final` commits everything up to its end (no more data comes)."""
        self.windows += 1
        self.latest = w
        self.answers.append(
            {
                "start_t": round(w.start_t, 3),
                "end_t": round(w.end_t, 3),
                "final": final,
                "events": w.events,
                "compute_s": round(w.compute_s, 3),
            }
        )
        self._events = None
        self._strip = None
        for p, r in w.roles.items():
            if r != "unknown" or p not in self.roles:
                self.roles[p] = r
        limit = w.end_t if final else w.end_t - self.settle_s
        for t in w.analysed_t:
            t = float(t)
            if self.committed_until < t <= limit:
                self._committed.append((t, active_at(w.events, t)))
        self.committed_until = max(self.committed_until, limit)
        self._shown.append((w.end_t, active_at(w.events, w.end_t)))

    def events(self) -> list[dict[str, Any]]:
        """The committed event log (what is stored for the session); recomputed only after `absorb`."""
        if self._events is None:
            s = self.settings
            mins = {c: s.min_duration(c) for c in BY_ID}
            self._events = runs_to_events(self._committed, s, mins)
        return list(self._events)

    def shown_events(self) -> list[dict[str, Any]]:
        """Events as the view showed them: each window's answer at its end is held until the next."""
        end = self.latest.end_t if self.latest is not None else 0.0
        return held_events(self._shown, end)

    def active(self) -> dict[int, list[str]]:
        """Person -> cues active at the newest window's end (pair cues listed for both people)."""
        out: dict[int, list[str]] = {}
        if not self._shown:
            return out
        for cue, person, other in sorted(self._shown[-1][1]):
            out.setdefault(person, []).append(cue)
            if other is not None and cue in PAIR_CUES:
                out.setdefault(other, []).append(cue)
        return out

    def strip_events(self) -> list[dict[str, Any]]:
        """Committed events plus the newest window's provisional ones after the committed part."""
        if self._strip is not None:
            return self._strip
        out = self.events()
        if self.latest is not None:
            for e in self.latest.events:
                if e["end"] > self.committed_until:
                    out.append({**e, "start": max(e["start"], self.committed_until), "provisional": True})
        self._strip = out
        return out
