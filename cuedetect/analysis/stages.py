"""The stages of one analysis, each a plain function from typed data to typed data.

    probe(video)                               -> VideoInfo
    poses(info, options, step)                 -> (Provisioned, Tracks, tracking run)
    clean(tracks)                              -> (Tracks with gaps filled and smoothed, log)
    floor(tracks, calibration)                 -> (Tracks with floor positions, pairs table, camera)
    hands(info, tracks, options, raw)          -> (hands table, the hand run's timings and calls)
    palms(hands, tracks, camera)               -> hands table + whether each palm faces the other person
    cues(tracks, pairs, aspect, duration, ...) -> EventsResult
    voice(info, options, events, tracks)       -> (VoiceResult | None, audio section); adds voice events
    speech(info, options, voice, events)       -> (SpeechResult | None, speech section); adds verbal events
    write_outputs(analysis, folder, options)   -> files written into a folder (see `outputs`)
    register(folder, store, options)           -> session id

`orchestrator.analyze` runs them in this order; docs/ARCHITECTURE.md says how to add one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cuedetect.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from cuedetect.analysis.types import AnalyzeOptions
    from cuedetect.cues.classifier import CueClassifier
    from cuedetect.cues.detect import EventsResult
    from cuedetect.models.provision import Provisioned
    from cuedetect.pose.floor import FloorCalibration
    from cuedetect.pose.sources import VideoInfo
    from cuedetect.pose.tracked import Tracks


def probe(video: Path) -> VideoInfo:
    """Open the video and read its frame times; fails fast (InputError) on anything unreadable."""
    from cuedetect.pose.sources import probe_video

    return probe_video(video)


def poses(
    info: VideoInfo, options: AnalyzeOptions, step: Callable[[int, int], None] | None = None
) -> tuple[Provisioned, Tracks, dict[str, Any]]:
    """Find and track every person in the analysed frames, in `options.jobs` processes.

    `step(done, total)` is called as frames are analysed. Raises InputError when nobody is found.
    """
    from cuedetect.models.provision import provision
    from cuedetect.pose.pipeline import TrackingOptions, run_tracking
    from cuedetect.pose.still_gate import StillGateOptions

    model = provision(options.model)
    jobs = options.jobs or os.cpu_count() or 1
    still = StillGateOptions() if options.still_poses else None
    tracking = TrackingOptions(model.path, options.max_persons, options.max_side, still=still)
    tracks, run = run_tracking(info, options.fps, tracking, jobs=jobs, on_progress=step)
    if not len(tracks.person):
        raise InputError(
            f"no person found in {info.path} ({len(tracks.analysed)} frames analysed): nothing to analyse"
        )
    return model, tracks, run


def clean(tracks: Tracks) -> tuple[Tracks, dict[int, list[dict[str, Any]]]]:
    """Low-visibility points to NaN, short gaps interpolated, One Euro smoothing; each step logged."""
    from cuedetect.pose.filters import clean_tracks

    return clean_tracks(tracks)


def floor(tracks: Tracks, calibration: FloorCalibration | None = None) -> tuple[Tracks, pd.DataFrame, dict]:
    """Each person on the floor (metres, with uncertainty), the distance of every pair, the camera."""
    from cuedetect.pose.placement import pairs_table, place_on_floor

    placed, pairs, camera = place_on_floor(tracks, calibration=calibration)
    return placed, pairs_table(pairs), camera


def hands(info: VideoInfo, tracks: Tracks, options: AnalyzeOptions, raw: Tracks | None = None
          ) -> tuple[pd.DataFrame, Any]:  # fmt: skip
    """Each tracked person's hands in every analysed frame (`cuedetect.hands`): the hands.parquet table
    and the run (timings, model calls). `raw`, the tracks before cleaning, places crops where cleaning
    dropped a faint wrist. The hand states are read by `options.hand_states` (rules or the learned model;
    the run's `state_classifier` says which, in words)."""
    from cuedetect.hands.stage import HandStageOptions, hands_table
    from cuedetect.hands.state_model import describe, state_reader
    from cuedetect.hands.video import read_hands
    from cuedetect.models.hand_provision import ensure_hand_model

    jobs = options.jobs or os.cpu_count() or 1
    model = state_reader(options.hand_states)  # a missing or broken model file stops here, not silently
    stage = HandStageOptions(state_model=model)
    run = read_hands(info, tracks, ensure_hand_model(), options.max_side, jobs=jobs, options=stage, raw=raw)
    run.state_classifier = describe(model)
    return hands_table(run.rows, run.size), run


def palms(hands: pd.DataFrame, tracks: Tracks, camera: dict[str, Any]) -> pd.DataFrame:
    """The hands table with `palm_to_other_deg`, `palm_other` and `palm_facing` = `other_person` where a
    palm faces the nearest other person (`cuedetect.hands.toward_other`; from the floor stage's positions
    and camera)."""
    from cuedetect.hands.toward_other import palm_to_other

    return palm_to_other(hands, tracks, camera)


def load_cue_model(options: AnalyzeOptions) -> CueClassifier | str:
    """The cue classifier (about 2 s to load; the orchestrator loads it at the cue stage, main thread)."""
    from cuedetect.cues.detect import resolve_model

    if options.cue_model is not None:
        return options.cue_model
    return resolve_model("baseline" if options.cue_detector == "baseline" else "auto")


def cues(
    tracks: Tracks,
    pairs: pd.DataFrame,
    *,
    aspect: float,
    duration: float,
    options: AnalyzeOptions,
    model: CueClassifier | str,
    hands: pd.DataFrame | None = None,
) -> EventsResult:
    """Cue events, roles and a summary from the in-memory tracks (nothing is read back from disk)."""
    from cuedetect.cues.detect import detect_cues_in_tracks

    return detect_cues_in_tracks(
        tracks.person_tracks(), pairs, options.cue_settings, aspect=aspect, model=model,  # type: ignore[arg-type]
        roles=options.roles, duration=duration, hands=hands,
    )  # fmt: skip


def register(folder: Path, store: Any, options: AnalyzeOptions) -> int:
    """Register the committed results folder as a session in `store` (a `SessionStore`); its id."""
    result = store.import_analysis(
        folder, trainee=options.trainee, scenario=options.scenario, instructor=options.instructor,
        date=options.date,
    )  # fmt: skip
    return int(result.session_id)


def voice(
    info: VideoInfo, options: AnalyzeOptions, events: EventsResult | None, tracks: Tracks | None = None
) -> tuple[Any, dict[str, Any]]:
    """The audio stage (`cuedetect.voice`): (VoiceResult or None without sound, analysis.json's `audio`
    section). With cue `events`, the voice cues join them (channels mapped to roles by their roles); with
    `tracks`, speech on one mixed channel goes to the person whose mouth moves with it, where it can."""
    from cuedetect.voice.hook import add_voice

    span = (info.start, info.start + info.duration)
    return add_voice(info.path, events, options.voice_channels, span, tracks=tracks)


def speech(info: VideoInfo, options: AnalyzeOptions, voice: Any, events: EventsResult | None,
           step: Callable[[int, int], None] | None = None) -> tuple[Any, dict[str, Any]]:  # fmt: skip
    """The speech stage (`cuedetect.speech`) on the voice stage's speech stretches: (SpeechResult or None
    without sound, analysis.json's `speech` section). With cue `events`, the verbal cues join them."""
    from cuedetect.speech.hook import add_speech

    return add_speech(info.path, voice, events, options.speech_settings, step)
