"""`analyze`: one video in, poses.parquet + pairs.parquet + analysis.json (+ annotated.mp4) out.

Stages: probe (fails fast on a bad input) -> model -> tracking in `jobs` processes (pipeline) ->
cleaning (filters) -> floor geometry (floor) -> tables -> optional annotated video -> atomic commit.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cuedetect.errors import InputError
from cuedetect.hashing import file_sha256
from cuedetect.io_atomic import write_json
from cuedetect.pose.floor import FloorCalibration
from cuedetect.pose.pipeline import ProgressFn, TrackingOptions, run_tracking
from cuedetect.pose.sources import VideoInfo, probe_video
from cuedetect.pose.tracked import ChunkResult
from cuedetect.procs import unwaited


@dataclass
class AnalyzeOptions:
    """Options of `analyze` (the flags of `cuedetect analyze`)."""

    video: Path
    out: Path
    fps: float | None = 15.0
    model: str = "full"
    jobs: int | None = None  # None: all cores
    annotate: bool = False
    overwrite: bool = False
    max_persons: int = 4
    max_side: int = 1280
    cues: bool = True  # also detect cues into events.json
    roles: dict[int, str] | None = None  # person id -> "trainee" / "client", overriding the guess
    calibration: FloorCalibration | None = None  # known camera/person facts for the floor geometry
    hands: bool = True  # read each person's hands (hands.parquet; hand states gate the hand cues)


def _calibration_json(cal: FloorCalibration | None) -> dict[str, Any] | None:
    if cal is None:
        return None
    out = asdict(cal)
    out["person_height_m"] = {str(k): v for k, v in cal.person_height_m.items()}
    return out


def _cue_model() -> Any:
    from cuedetect.cues.detect import resolve_model

    return resolve_model("auto")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("cuedetect", "mediapipe", "av", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def _persons(res: ChunkResult, filled: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for p in np.unique(res.person):
        sel = res.person == p
        out.append({
            "id": int(p),
            "frames_detected": int((sel & ~filled).sum()),
            "frames_interpolated": int((sel & filled).sum()),
            "first_t": float(res.t[sel].min()),
            "last_t": float(res.t[sel].max()),
        })  # fmt: skip
    return out


def write_annotated(path: Path, info: VideoInfo, res: ChunkResult, pairs: list[Any], fps: float,
                    max_side: int, hands: Any = None) -> None:  # fmt: skip
    """Re-decode the analysed frames and draw the debrief overlay on them: skeletons in role colours, roles
    and ids, pair distances and, from events.json beside `path`, the cues active at each moment; and the
    hands read (hands.parquet rows in `hands`)."""
    from cuedetect.annotate import AnnotatedVideoWriter
    from cuedetect.hands.annotate import HandAnnotator
    from cuedetect.overlay import DebriefOverlay, read_events
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    overlay = DebriefOverlay(*read_events(path.parent / "events.json"), color_order="rgb")  # frames are RGB
    hand, hand_rows = HandAnnotator(color_order="rgb"), _hand_rows_by_frame(hands)
    by_frame: dict[int, list[tuple[int, int, float, float]]] = {}
    for p in pairs:
        by_frame.setdefault(p.frame, []).append((p.person, p.other, p.distance_m, p.distance_sd_m))
    opts = VideoSourceOptions(info.path, max_side=max_side, indices=res.analysed, info=info)
    source = VideoFileSource.create_from_options(opts)
    with source, AnnotatedVideoWriter(path, fps=fps, size=source.size, channels="rgb24") as writer:
        for frame in source:
            sel = res.frame == frame.index
            scene = np.array(frame.image)
            overlay.annotate(scene, res.xy[sel], res.person[sel], by_frame.get(frame.index, []), frame.t)
            if frame.index in hand_rows:
                hand.annotate(scene, *hand_rows[frame.index])
            writer.write(scene)


def _hand_rows_by_frame(hands: Any) -> dict[int, tuple[np.ndarray, list[int], list[Any]]]:
    """hands.parquet rows with landmarks, grouped by frame: (landmarks (n, 21, 2), persons, states)."""
    if hands is None or len(hands) == 0:
        return {}
    h = hands[hands["status"].isin(["read", "held"])]
    cols = [f"h{a}{j}" for j in range(21) for a in "xy"]
    xy = h[cols].to_numpy(dtype=float).reshape(len(h), 21, 2)
    out: dict[int, tuple[np.ndarray, list[int], list[Any]]] = {}
    for f in np.unique(h["frame"].to_numpy()):
        sel = (h["frame"] == f).to_numpy()
        out[int(f)] = (xy[sel], h.loc[sel, "person"].astype(int).tolist(), h.loc[sel, "state"].tolist())
    return out


def _read_hands(info: VideoInfo, cleaned: ChunkResult, options: AnalyzeOptions, jobs: int) -> tuple[Any, Any]:
    """The hand stage (`cuedetect.hands`): hands.parquet rows and the run's timings."""
    from cuedetect.hands.stage import hands_table
    from cuedetect.hands.video import read_hands
    from cuedetect.models.hand_provision import ensure_hand_model

    res = read_hands(info, cleaned, ensure_hand_model(), options.max_side, jobs=jobs)
    return hands_table(res.rows, res.size), res


def analyze(options: AnalyzeOptions, on_progress: ProgressFn | None = None,
            on_stage: Callable[[str], None] | None = None) -> dict[str, Any]:  # fmt: skip
    """Analyse one video into `options.out`; returns the analysis.json content.

    Raises:
        InputError: a bad video or a non-empty output folder without `overwrite` (nothing is written).
        ModelUnavailableError: the pose model can be neither downloaded nor built.
    """
    from cuedetect.models.provision import provision
    from cuedetect.pose import outputs

    stage = on_stage or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    out = Path(options.out)
    outputs.prepare_out_dir(out, options.overwrite)  # first: an unwritable --out costs no decoding
    info = probe_video(options.video)
    timings["probe_s"] = time.perf_counter() - t0

    t = time.perf_counter()
    model = provision(options.model)
    timings["model_s"] = time.perf_counter() - t
    jobs = options.jobs or os.cpu_count() or 1
    # The cue model takes ~2 s to load; do it while the pose workers run (the main process waits then).
    background = ThreadPoolExecutor(1, thread_name_prefix="cue-model")
    cue_model = background.submit(_cue_model) if options.cues else None
    with unwaited(background), outputs.partial_dir(out) as tmp:  # a kill does not wait for the load
        t = time.perf_counter()
        stage("finding and tracking people")
        track_opts = TrackingOptions(model.path, options.max_persons, options.max_side)
        tracked, run = run_tracking(info, options.fps, track_opts, jobs=jobs, on_progress=on_progress)
        timings["tracking_s"] = time.perf_counter() - t
        if not len(tracked.person):
            raise InputError(
                f"no person found in {options.video} ({len(tracked.analysed)} frames analysed): "
                "nothing to analyse"
            )

        t = time.perf_counter()
        cleaned, filled, logs = outputs.clean(tracked)
        timings["cleaning_s"] = time.perf_counter() - t
        t = time.perf_counter()
        floor, pairs, camera = outputs.floor_geometry(cleaned, calibration=options.calibration)
        timings["floor_s"] = time.perf_counter() - t

        hands_df = None
        if options.hands:
            t = time.perf_counter()
            stage("reading hands")
            hands_df, hand_run = _read_hands(info, cleaned, options, jobs)
            hands_df.to_parquet(tmp / "hands.parquet", index=False)
            timings["hands_s"] = time.perf_counter() - t
            run["worker_timings_s"].update({f"hands_{k}": v for k, v in hand_run.timings.items()})
            run["model_calls"].update(hand_run.calls)

        t = time.perf_counter()
        outputs.poses_table(cleaned, filled, floor).to_parquet(tmp / "poses.parquet", index=False)
        outputs.pairs_table(pairs).to_parquet(tmp / "pairs.parquet", index=False)
        timings["tables_s"] = time.perf_counter() - t
        if options.cues:
            from cuedetect.cues.detect import detect_cues, write_events_json

            t = time.perf_counter()
            stage("detecting cues")
            poses_df = pd.read_parquet(tmp / "poses.parquet")
            pairs_df = pd.read_parquet(tmp / "pairs.parquet")
            w, h = tracked.size
            cues = detect_cues(poses_df, pairs_df, aspect=w / h, roles=options.roles, duration=info.duration,
                               model=cue_model.result(), hands=hands_df)  # type: ignore[union-attr]  # fmt: skip
            write_events_json(tmp / "events.json", cues, Path(options.video).name)
            timings["cues_s"] = time.perf_counter() - t
        analysed_fps = (len(tracked.analysed) - 1) / float(np.ptp(tracked.analysed_t)) if len(
            tracked.analysed) > 1 else 0.0  # fmt: skip
        if options.annotate:
            t = time.perf_counter()
            stage("drawing annotated.mp4")
            write_annotated(tmp / "annotated.mp4", info, cleaned, pairs, max(analysed_fps, 1.0),
                            options.max_side, hands_df)  # fmt: skip
            timings["annotate_s"] = time.perf_counter() - t
        timings["total_s"] = time.perf_counter() - t0
        analysis = {
            "source": str(Path(options.video).resolve()),
            "source_sha256": file_sha256(info.path),
            "duration_s": info.duration,
            "source_fps": info.average_fps,
            "source_size": [info.width, info.height],
            "rotation": info.rotation,
            "frames_in_source": info.frame_count,
            "analysed_fps": analysed_fps,
            "analysed_frames": len(tracked.analysed),
            "working_size": list(tracked.size),
            "model": {"variant": options.model, "bundle_sha256": model.sha256, "route": model.route},
            "versions": _versions(),
            "jobs": run["chunks"],
            "timings_s": timings,
            "worker_timings_s": run["worker_timings_s"],
            "model_calls": run["model_calls"],
            "realtime_factor": info.duration / timings["total_s"] if timings["total_s"] else None,
            "persons": _persons(cleaned, filled),
            "camera": camera,
            "floor_calibration": _calibration_json(options.calibration),
            "cleaning": {str(k): v for k, v in logs.items()},
            "analysed_frame_index": [int(i) for i in tracked.analysed],
            "files": [*sorted(p.name for p in tmp.iterdir()), "analysis.json"],
        }
        write_json(tmp / "analysis.json", analysis)
        outputs.commit(tmp, out)
    return analysis
