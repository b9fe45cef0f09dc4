"""The one entry point after pose analysis: poses (+ pairs) -> cue events, roles and a summary."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from cuedetect.cues import hand_gate
from cuedetect.cues.baseline import baseline_scores
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.events import CueEvent, person_events
from cuedetect.cues.features import build_features
from cuedetect.cues.fusion import combine
from cuedetect.cues.hand_words import describe_hands
from cuedetect.cues.roles import guess_roles
from cuedetect.cues.rules import pair_rule_events
from cuedetect.cues.settings import CueSettings
from cuedetect.cues.summary import session_summary
from cuedetect.cues.tracks import PersonTrack, tracks_from_poses
from cuedetect.io_atomic import write_json
from cuedetect.paths import models_dir

HAND_CUES = tuple(hand_gate.CUE_SHAPES)


def event_order(e: CueEvent) -> tuple:
    """The order of events.json: by start, then cue, then person."""
    return (e.start, e.cue, str(e.person))


@dataclass
class EventsResult:
    """What `detect_cues` found. `to_json` gives the `events.json` layout."""

    duration: float
    persons: list[dict]
    events: list[CueEvent]
    summary: dict
    detector: str
    features: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def add(self, found: Sequence[CueEvent]) -> None:
        """Add events found later (voice, verbal) in order, each counted (count and seconds) in the summary
        under its person; one of nobody in the summary (an unattributed voice) is listed, not counted."""
        self.events = sorted([*self.events, *found], key=event_order)
        per_person = self.summary.setdefault("persons", {})
        for e in found:
            if str(e.person) not in per_person:
                continue
            c = per_person[str(e.person)]["cues"].setdefault(e.cue, {"count": 0, "seconds": 0.0})
            c["count"] += 1
            c["seconds"] = round(c["seconds"] + e.end - e.start, 2)

    def to_json(self, video: str) -> dict:
        return {
            "video": video,
            "duration": round(self.duration, 3),
            "persons": self.persons,
            "events": [e.to_dict() for e in self.events],
            "summary": self.summary,
            "detector": self.detector,
        }


def model_folder() -> Path:
    return models_dir() / "cues"


def load_model(folder: Path | None = None) -> CueClassifier:
    return CueClassifier.load(folder or model_folder())


def resolve_model(
    model: CueClassifier | Literal["auto", "baseline"] = "auto",
) -> CueClassifier | Literal["baseline"]:
    """What "auto" means: the repository's trained model, or the geometric baseline if there is none
    or $CUEDETECT_CUE_DETECTOR=baseline. Loading the model takes about 2 s (skops checks every array),
    so `analyze` starts it in the background while the pose workers run."""
    if model != "auto":
        return model
    if (
        os.environ.get("CUEDETECT_CUE_DETECTOR") == "baseline"
        or not (model_folder() / "cue_classifier.skops").exists()
    ):
        return "baseline"
    return load_model()


def _probabilities(feats: pd.DataFrame, clf: CueClassifier | None) -> pd.DataFrame:
    """The classifier's probabilities with the definition rules ORed in (`fusion`), or the baseline's."""
    if clf is None:
        return baseline_scores(feats)
    return combine(clf.predict_proba(feats), feats)


def find_events(
    tracks: list[PersonTrack],
    pairs: pd.DataFrame | None,
    feats: pd.DataFrame,
    clf: CueClassifier | None,
    settings: CueSettings,
    aspect: float = 16 / 9,
    hands: pd.DataFrame | None = None,
) -> list[CueEvent]:
    """Events from a feature table: the classifier (or the baseline when `clf` is None) + pair rules.

    With `hands` (the hands.parquet table), hand cues are vetoed where the read hand shapes contradict
    them, and their evidence says what the hands did: shape, palm and height (`hand_words`).
    """
    events: list[CueEvent] = []
    if len(feats):
        probs = hand_gate.gate(_probabilities(feats, clf), feats, hands)
        for _, idx in feats.groupby("person", sort=True).groups.items():
            events += person_events(feats.loc[idx], probs.loc[idx], settings,
                                    thresholds=clf.thresholds if clf is not None else None)  # fmt: skip
        track_of = {t.person: t for t in tracks}
        for e in events:
            if e.cue not in HAND_CUES:
                continue
            words = describe_hands(hands, e.person, e.start, e.end, track_of.get(e.person), e.cue)
            if words:
                e.evidence = f"{e.evidence}; {words}" if e.evidence else words
    events += pair_rule_events(tracks, pairs, settings, aspect)
    events.sort(key=event_order)
    return events


def detect_cues(
    poses: pd.DataFrame,
    pairs: pd.DataFrame | None = None,
    settings: CueSettings | None = None,
    *,
    aspect: float = 16 / 9,
    model: CueClassifier | Literal["auto", "baseline"] = "auto",
    roles: Mapping | None = None,
    duration: float | None = None,
    hands: pd.DataFrame | None = None,
) -> EventsResult:
    """Find cue events in a `poses.parquet` table (a results folder written earlier).

    Args:
        poses: the `poses.parquet` table.
        pairs: the `pairs.parquet` table (None: distances from the floor positions in `poses`).
        settings: thresholds; defaults from `CueSettings()`.
        aspect: the video's width / height (normalized coordinates are scaled by it).
        model: a loaded classifier, "auto" (the repository's trained model, or the geometric baseline if
            there is none or $CUEDETECT_CUE_DETECTOR=baseline), or "baseline".
        roles: person id -> "trainee" / "client" overrides.
        duration: video duration in seconds (default: the last pose time).
        hands: the `hands.parquet` table (None: hand cues from the body alone).
    """
    if duration is None:
        duration = float(np.nanmax(poses["t"])) if len(poses) else 0.0
    return detect_cues_in_tracks(tracks_from_poses(poses), pairs, settings, aspect=aspect, model=model,
                                 roles=roles, duration=duration, hands=hands)  # fmt: skip


def detect_cues_in_tracks(
    tracks: list[PersonTrack],
    pairs: pd.DataFrame | None = None,
    settings: CueSettings | None = None,
    *,
    aspect: float = 16 / 9,
    model: CueClassifier | Literal["auto", "baseline"] = "auto",
    roles: Mapping | None = None,
    duration: float | None = None,
    hands: pd.DataFrame | None = None,
) -> EventsResult:
    """Find cue events in per-person tracks (what the analysis holds in memory); as `detect_cues`."""
    settings = settings or CueSettings()
    model = resolve_model(model)
    clf = None if model == "baseline" else model
    feats = build_features(tracks, pairs, aspect, settings)
    events = find_events(tracks, pairs, feats, clf, settings, aspect, hands)
    persons = [tr.person for tr in tracks]
    role_of = guess_roles(persons, events, feats, roles)
    if duration is None:
        duration = max((float(np.nanmax(tr.t)) for tr in tracks if len(tr)), default=0.0)
    detector = "baseline" if clf is None else f"classifier {clf.info.get('version', '?')}"
    return EventsResult(
        duration=float(duration),
        persons=[{"id": p, "role": r} for p, r in role_of.items()],
        events=events,
        summary=session_summary(events, role_of, feats, duration, settings),
        detector=detector,
        features=feats,
    )


def write_events_json(path: str | os.PathLike[str], result: EventsResult, video: str) -> None:
    """Write `events.json` atomically."""
    write_json(path, result.to_json(video))


def aspect_from_analysis(analysis: Mapping) -> float:
    """Width / height of the analysed picture, from `analysis.json` (16:9 if it does not say)."""
    size = analysis.get("working_size") or analysis.get("source_size")
    if not size:
        return 16 / 9
    w, h = size
    if int(analysis.get("rotation", 0)) % 180 == 90 and analysis.get("working_size") is None:
        w, h = h, w
    return float(w) / float(h)


def detect_from_folder(
    folder: Path,
    settings: CueSettings | None = None,
    *,
    roles: Mapping | None = None,
    model: CueClassifier | Literal["auto", "baseline"] = "auto",
) -> EventsResult:
    """Run `detect_cues` on an analysis folder and write `events.json` beside its inputs."""
    import json

    from cuedetect.errors import InputError

    poses_path = Path(folder) / "poses.parquet"
    if not poses_path.exists():
        raise InputError(f"{poses_path} not found; run `cuedetect analyze VIDEO --out {folder}` first")
    meta_path = Path(folder) / "analysis.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    pairs_path = Path(folder) / "pairs.parquet"
    poses = pd.read_parquet(poses_path)
    pairs = pd.read_parquet(pairs_path) if pairs_path.exists() else None
    hands_path = Path(folder) / "hands.parquet"
    hands = pd.read_parquet(hands_path) if hands_path.exists() else None
    result = detect_cues(
        poses,
        pairs,
        settings,
        aspect=aspect_from_analysis(meta),
        model=model,
        roles=roles,
        duration=meta.get("duration_s"),
        hands=hands,
    )
    video = Path(meta.get("source", "video")).name
    write_events_json(Path(folder) / "events.json", result, video)
    return result
