"""`analyze`: one video in, a results folder (and a session) out. Every entry point calls this.

    probe -> poses -> clean -> floor -> hands (+ palms) -> cues -> voice -> speech -> outputs -> register

(`palms`: does each read palm face the other person; `outputs` are written atomically.)

Each stage is a plain function in `stages` (or `outputs`) from typed data to typed data; this module
only runs them in order, times them, reports progress and keeps the results folder atomic. The stages
hand their data on in memory (`Analysis`): nothing is read back from the files the same run wrote.
docs/ARCHITECTURE.md says how to add a stage.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cuedetect.analysis import stages
from cuedetect.analysis.outputs import commit, partial_dir, prepare_out_dir, write_outputs
from cuedetect.analysis.types import Analysis, AnalyzeOptions, Progress


def cpu_seconds() -> float:
    """CPU seconds of this process and of its child processes that have ended (a stage's worker pools end
    within the stage, so a stage's difference counts its workers, their start-up included)."""
    own = time.process_time()
    try:
        import resource
    except ImportError:  # not on POSIX: this process only
        return own
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + kids.ru_utime + kids.ru_stime


def _silent(stage: str, done: int, total: int) -> None:
    pass


def _timed(analysis: Analysis, name: str, fn: Callable[..., Any], *args: Any) -> Any:
    t = time.perf_counter()
    try:
        return fn(*args)
    finally:
        analysis.timings[f"{name}_s"] = time.perf_counter() - t


@contextlib.contextmanager
def _stage(analysis: Analysis, name: str, progress: Progress) -> Iterator[Callable[[int, int], None]]:
    """Time stage `name` into `analysis.timings` (wall) and `analysis.cpu` (CPU, see `cpu_seconds`) and
    report its start, its steps and its end."""
    seen = {"total": 1}

    def step(done: int, total: int) -> None:
        seen["total"] = max(int(total), 1)
        progress(name, int(done), seen["total"])

    t, cpu = time.perf_counter(), cpu_seconds()
    progress(name, 0, 1)
    yield step
    analysis.timings[f"{name}_s"] = time.perf_counter() - t
    analysis.cpu[name] = cpu_seconds() - cpu
    progress(name, seen["total"], seen["total"])


def analyze(
    video: str | Path,
    options: AnalyzeOptions,
    *,
    store: Any = None,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse one video into `options.out` and, given a `SessionStore`, register it as a session.

    Args:
        video: the video file.
        options: what to do (`AnalyzeOptions`).
        store: an open `cuedetect.store.SessionStore` to register the result in (None: do not register).
        progress: `progress(stage, done, total)`, see `cuedetect.analysis.types.Progress`.

    Raises:
        InputError: a bad video, nobody in it, or a non-empty output folder without `overwrite`
            (nothing is written).
        ModelUnavailableError: the pose model can be neither downloaded nor built.
    """
    report = progress or _silent
    analysis = Analysis(video=Path(video), out=Path(options.out))
    started = time.perf_counter()
    with _stage(analysis, "probe", report):
        prepare_out_dir(analysis.out, options.overwrite)  # first: an unwritable folder costs no decoding
        analysis.info = stages.probe(analysis.video)
    # The cue model loads in this thread, when the cue stage needs it: loaded in a second thread, its
    # imports (sklearn, scipy) raced the main thread's, and a Ctrl-C then could hang the analysis for
    # good (the main thread waited on a thread stuck on an import lock, and never saw the signal).
    with partial_dir(analysis.out) as tmp:
        with _stage(analysis, "poses", report) as step:
            found = stages.poses(analysis.info, options, step)
            analysis.pose_model, analysis.tracks, analysis.tracking = found
        raw_tracks = analysis.tracks  # the hand stage places crops from faint wrists cleaning drops
        with _stage(analysis, "clean", report):
            analysis.tracks, analysis.cleaning_log = stages.clean(analysis.tracks)
        with _stage(analysis, "floor", report):
            placed = stages.floor(analysis.tracks, options.calibration)
            analysis.tracks, analysis.pairs, analysis.camera = placed
        if options.hands:
            with _stage(analysis, "hands", report):
                analysis.hands, hand_run = stages.hands(analysis.info, analysis.tracks, options, raw_tracks)
                analysis.hands = stages.palms(analysis.hands, analysis.tracks, analysis.camera)
                analysis.hand_states = hand_run.state_classifier
                hand_timings = {f"hands_{k}": v for k, v in hand_run.timings.items()}
                analysis.tracking["worker_timings_s"].update(hand_timings)
                analysis.tracking["model_calls"].update(hand_run.calls)
        if options.cues:
            with _stage(analysis, "cues", report):
                cue_model = _timed(analysis, "cue_model_load", stages.load_cue_model, options)
                analysis.events = stages.cues(
                    analysis.tracks, analysis.pairs, aspect=analysis.aspect, duration=analysis.duration,
                    options=options, model=cue_model, hands=analysis.hands,
                )  # fmt: skip
        if options.voice:
            with _stage(analysis, "voice", report):
                analysis.voice, analysis.audio = stages.voice(
                    analysis.info, options, analysis.events, analysis.tracks
                )
        else:
            analysis.audio = {"present": None, "notes": ["voice analysis not run (--no-voice)"]}
        if options.voice and options.speech:
            with _stage(analysis, "speech", report) as step:
                analysis.speech, analysis.speech_section = stages.speech(
                    analysis.info, options, analysis.voice, analysis.events, step
                )
        else:
            analysis.speech_section = {"present": None, "notes": ["speech not transcribed (--no-speech)"]}
        with _stage(analysis, "outputs", report):
            write_outputs(analysis, tmp, options, started=started)
            commit(tmp, analysis.out)
    if store is not None and analysis.events is not None:
        with _stage(analysis, "register", report):
            analysis.session_id = stages.register(analysis.out, store, options)
    return analysis
