"""Everything the Session review page shows, prepared in one pass from the store and the analysis folder.

`load_review` is the page's whole data preparation (the benchmark times it); the page caches its result
per (session, review-log length, analysis), so a rerun that changed nothing costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cuedetect.cue_ids import cue_kind, cue_label
from cuedetect.dashboard.stage import clock, event_lanes, lane_label, pair_who, who
from cuedetect.export.transcript import Utterance, load_words, utterances
from cuedetect.safe_distance import safe_distance_rule, safe_distance_time
from cuedetect.store.models import CUES, PAIR_CUES, CurrentEvent, Note, Session
from cuedetect.store.progress import covered, session_metrics
from cuedetect.voice.lane import voice_lane

MAX_DISTANCE_POINTS = 1500
EVENT_COLUMNS = (
    "key",
    "cue",
    "kind",
    "person",
    "other",
    "lane",
    "start",
    "end",
    "duration",
    "confidence",
    "status",
    "origin",
    "comments",
)


def person_name(person: int, roles: dict[int, str]) -> str:
    """`trainee (P0)`, `client (P1)` or `P2` (role not known)."""
    return who(person, roles)


def lane_of(ev: CurrentEvent, roles: dict[int, str]) -> str:
    """`trainee (P0) · open hands`; pair cues get one lane per pair: `trainee–client · too close`."""
    return lane_label(ev.cue, ev.person, ev.other, roles)


def lane_order(events: list[CurrentEvent], roles: dict[int, str]) -> list[str]:
    """Lanes sorted by person (pairs last), then in the catalogue's cue order."""
    return [lane.label for lane in event_lanes(events, roles, CUES)]


def events_frame(events: list[CurrentEvent], roles: dict[int, str]) -> pd.DataFrame:
    """One row per event with its lane, kind and review status (the event list's data)."""
    rows = [
        {
            "key": e.key,
            "cue": e.cue,
            "kind": cue_kind(e.cue),
            "person": e.person,
            "other": e.other,
            "lane": lane_of(e, roles),
            "start": round(e.start, 3),
            "end": round(e.end, 3),
            "duration": round(e.end - e.start, 3),
            "confidence": 1.0 if e.confidence is None else round(float(e.confidence), 3),
            "status": e.status,
            "origin": e.origin,
            "comments": len(e.comments),
        }
        for e in events
    ]
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))


STATUS_MARKS = {"unreviewed": "○ not reviewed", "confirmed": "✔ confirmed", "rejected": "✖ rejected"}


def event_table(events: list[CurrentEvent], roles: dict[int, str]) -> pd.DataFrame:
    """The events list as an instructor reads it: time, cue, who, review status, confidence, comments."""
    rows = [
        {
            "time": clock(e.start),
            "cue": cue_label(e.cue),
            "who": pair_who(e.person, e.other, roles)
            if e.cue in PAIR_CUES and e.other is not None
            else who(e.person, roles),
            "status": STATUS_MARKS.get(e.status, e.status),
            "confidence": None if e.confidence is None else round(float(e.confidence), 2),
            "notes": len(e.comments),
        }
        for e in events
    ]
    return pd.DataFrame(rows, columns=["time", "cue", "who", "status", "confidence", "notes"])


def downsample(df: pd.DataFrame, max_points: int = MAX_DISTANCE_POINTS) -> pd.DataFrame:
    """About `max_points` rows, the min and max of each even stretch of time (so dips show).

    `df` has no NaN distances (see `distance_frame`).
    """
    if len(df) <= max_points:
        return df.reset_index(drop=True)
    edges = np.linspace(df["t"].min(), df["t"].max(), max_points // 2 + 1)
    bins = np.clip(np.searchsorted(edges, df["t"].to_numpy(), side="right") - 1, 0, len(edges) - 2)
    d = pd.Series(df["distance_m"].to_numpy(), index=np.arange(len(df)))
    grouped = d.groupby(bins)
    keep = np.unique(np.concatenate([grouped.idxmin().to_numpy(), grouped.idxmax().to_numpy()]))
    return df.iloc[keep].reset_index(drop=True)


def distance_frame(pairs_path: Path | None) -> pd.DataFrame:
    """Pair distances `t, pair, distance_m, lo, hi` from pairs.parquet (empty when there is none)."""
    cols = ["t", "pair", "distance_m", "lo", "hi"]
    if pairs_path is None or not Path(pairs_path).exists():
        return pd.DataFrame(columns=cols)
    raw = pd.read_parquet(pairs_path, columns=["t", "person", "other", "distance_m", "distance_sd_m"])
    raw = raw[np.isfinite(raw["distance_m"])]
    if raw.empty:
        return pd.DataFrame(columns=cols)
    raw = raw.assign(pair="P" + raw["person"].astype(str) + "–P" + raw["other"].astype(str))
    parts = [downsample(g.sort_values("t")) for _, g in raw.groupby("pair", sort=True)]
    out = pd.concat(parts, ignore_index=True)
    sd = out["distance_sd_m"].fillna(0.0)
    return pd.DataFrame(
        {
            "t": out["t"].round(3),
            "pair": out["pair"],
            "distance_m": out["distance_m"].round(3),
            "lo": (out["distance_m"] - sd).round(3),
            "hi": (out["distance_m"] + sd).round(3),
        }
    )


def distance_stats(pairs_path: Path | None, safe_m: float, too_close_m: float) -> dict[str, Any]:
    """Minimum, median, time at a safe distance (`cuedetect.safe_distance`, the one definition) and share
    of the measured time below the too-close distance (full rate)."""
    if pairs_path is None or not Path(pairs_path).exists():
        return {}
    df = pd.read_parquet(pairs_path, columns=["t", "distance_m"])
    safe = safe_distance_time(df["t"].to_numpy(), df["distance_m"].to_numpy(), safe_m)
    close = safe_distance_time(df["t"].to_numpy(), df["distance_m"].to_numpy(), too_close_m)
    d = df["distance_m"].dropna().to_numpy()
    if not len(d) or safe.pct is None:
        return {}
    closest = df.dropna().iloc[int(np.argmin(df.dropna()["distance_m"].to_numpy()))]
    return {
        "min_m": round(float(d.min()), 2),
        "min_t": round(float(closest["t"]), 2),
        "median_m": round(float(np.median(d)), 2),
        "safe_pct": safe.pct,
        "below_safe_pct": round(100.0 - safe.pct, 1),
        "below_too_close_pct": round(100.0 - (close.pct or 0.0), 1),
        "safe_distance_m": safe_m,
        "too_close_m": too_close_m,
        "rule": safe_distance_rule(safe_m),
    }


def person_summary(events: list[CurrentEvent], roles: dict[int, str], duration: float) -> pd.DataFrame:
    """Per person and cue: events (not rejected), confirmed, and seconds covered."""
    by: dict[tuple[int, str], list[CurrentEvent]] = defaultdict(list)
    for e in events:
        if e.status != "rejected":
            by[(e.person, e.cue)].append(e)
    rows = [
        {
            "person": person_name(p, roles),
            "cue": cue_label(cue),
            "kind": cue_kind(cue),
            "events": len(evs),
            "confirmed": sum(1 for e in evs if e.status == "confirmed"),
            "seconds": round(covered(((e.start, e.end) for e in evs), 0.0, duration), 1),
        }
        for (p, cue), evs in sorted(by.items())
    ]
    return pd.DataFrame(rows, columns=["person", "cue", "kind", "events", "confirmed", "seconds"])


@dataclass
class ReviewData:
    session: Session
    events: list[CurrentEvent]
    notes: list[Note]
    roles: dict[int, str]
    frame: pd.DataFrame
    lanes: list[str]
    distance: pd.DataFrame
    distance_stats: dict[str, Any]
    persons: pd.DataFrame
    metrics: dict[str, Any]
    video: Path | None
    annotated: Path | None
    analysis_dir: Path | None
    log_length: int
    agreement: dict[str, Any] = field(default_factory=dict)
    # One line when the result folder is missing or no longer this session's (then nothing is read from it)
    output_problem: str | None = None
    voice: pd.DataFrame = field(default_factory=pd.DataFrame)  # cuedetect.voice.lane.voice_lane
    words: pd.DataFrame | None = None  # words.parquet (`cuedetect.export.transcript.load_words`)
    transcript_note: str | None = None  # why there is no transcript
    _said: list[Utterance] | None = field(default=None, repr=False, compare=False)

    def said(self) -> list[Utterance]:
        """What was said, per utterance and speaker, with the verbal cues' words marked (worked out once:
        the page caches this object per review-log version)."""
        if self._said is None:
            self._said = utterances(self.words, self.roles, self.events)
        return self._said

    @property
    def by_key(self) -> dict[str, CurrentEvent]:
        return {e.key: e for e in self.events}

    @property
    def persons_ids(self) -> list[int]:
        return sorted(set(self.roles) | {e.person for e in self.events})


ENOUGH_SHARE = 0.5
ENOUGH_MIN = 3


def enough_reviewed(reviewed: int, total: int) -> bool:
    """Agreement with the model means something once every event of a cue, or at least half of them and
    no fewer than three, were reviewed; before that it is shown as "reviewed 2 of 10"."""
    if total <= 0:
        return False
    return reviewed >= total or (reviewed >= ENOUGH_MIN and reviewed >= ENOUGH_SHARE * total)


def review_counts(events: list[CurrentEvent]) -> dict[str, tuple[int, int]]:
    """Per cue: (reviewed, total) events."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for e in events:
        out[e.cue][1] += 1
        out[e.cue][0] += e.status != "unreviewed"
    return {cue: (r, n) for cue, (r, n) in out.items()}


def agreement_rows(
    agreement: dict[str, Any], counts: dict[str, tuple[int, int]] | None = None
) -> pd.DataFrame:
    """The model-vs-reviewer agreement per cue, kappa only where enough of the cue is reviewed."""
    counts = counts or {}
    rows = []
    for pair in agreement.get("pairs", []):
        for cue, a in pair["per_cue"].items():
            reviewed, total = counts.get(cue, (0, 0))
            ok = enough_reviewed(reviewed, total)
            rows.append(
                {
                    "between": f"{pair['a']} and {pair['b']}",
                    "cue": cue_label(cue),
                    "reviewed": f"{reviewed} of {total}",
                    "kappa": a["kappa"] if ok else None,
                    "agreement %": a["percent"] if ok else None,
                }
            )
    return pd.DataFrame(rows, columns=["between", "cue", "reviewed", "kappa", "agreement %"])


def _safe_time(pairs: Path | None, safe_m: float) -> Any:
    if pairs is None or not Path(pairs).is_file():
        return None
    df = pd.read_parquet(pairs, columns=["t", "distance_m"])
    return safe_distance_time(df["t"].to_numpy(), df["distance_m"].to_numpy(), safe_m)


def load_review(store: Any, session_id: int, safe_m: float = 1.2, too_close_m: float = 1.0) -> ReviewData:
    """Read one session for the review page (store state, analysis files, summary, agreement)."""
    from cuedetect.store.maintenance import output_status
    from cuedetect.store.summary import session_agreement

    session = store.session(session_id)
    state = store.state(session.id)
    log_length = len(store.review_log(session.id))
    analyses = store.analyses(session.id)
    out_dir = Path(analyses[-1].output_dir) if analyses else None
    problem = output_status(session, analyses[-1]).problem if analyses else None
    if problem is not None and "re-analysed" not in problem:
        out_dir = None  # missing, or another recording's: its distances and video are not this session's
    annotated = out_dir / "annotated.mp4" if out_dir and (out_dir / "annotated.mp4").is_file() else None
    video = Path(session.recording_path) if session.recording_path else None
    if video is not None and not video.is_file():
        video = None
    pairs = out_dir / "pairs.parquet" if out_dir else None
    reviewed = any(e.status != "unreviewed" for e in state.events)
    words, transcript_note = load_words(out_dir / "words.parquet" if out_dir else None)
    return ReviewData(
        session=session,
        events=state.events,
        notes=state.notes,
        roles=state.roles,
        frame=events_frame(state.events, state.roles),
        lanes=lane_order(state.events, state.roles),
        distance=distance_frame(pairs),
        distance_stats=distance_stats(pairs, safe_m, too_close_m),
        persons=person_summary(state.events, state.roles, session.duration),
        metrics=session_metrics(state.events, state.roles, session.duration, safe=_safe_time(pairs, safe_m)),
        video=video,
        annotated=annotated,
        analysis_dir=out_dir,
        log_length=log_length,
        agreement=session_agreement(store, session.id) if reviewed else {},
        output_problem=problem,
        voice=voice_lane(out_dir / "voice.parquet" if out_dir else None, state.roles),
        words=words,
        transcript_note=transcript_note,
    )
