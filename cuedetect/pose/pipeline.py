"""The pose engine end to end: frames -> multi-person pose -> ids, in one or several processes.

`track_chunk` runs in a worker: it decodes a list of frame indices, finds the people and tracks them,
and returns plain arrays (`Tracks`). `run_tracking` splits a video into `jobs` time chunks that
overlap by `overlap_s`, runs them in parallel (spawned processes; one landmarker uses one core) and
stitches the chunks' ids by matching tracks on the overlapping frames (`cuedetect.pose.stitch`).
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.landmarks import NUM_LANDMARKS
from cuedetect.pose.keypoints import KeyPoints
from cuedetect.pose.sources import Frame, VideoInfo, sample_indices
from cuedetect.pose.still_gate import StillGateOptions
from cuedetect.pose.tile_search import TileSearchOptions
from cuedetect.pose.tracked import Tracks

ProgressFn = Callable[[int, int], None]
# How far back a person found late by the periodic search is traced: the longest search interval
# (`PoseDetectorOptions.detect_every_calm`) plus a little.
BACKFILL_FRAMES = 32


@dataclass
class TrackingOptions:
    """Everything a worker needs (plain values, so it pickles)."""

    model_path: Path
    max_persons: int = 4
    max_side: int = 1280
    decode_threads: bool = True  # off when several workers already keep every core busy
    still: StillGateOptions | None = None  # reuse a still crop's last read (`cuedetect.pose.still_gate`)
    # Tried on the style dev split, off (README "Far people"): search schedules counted in seconds at
    # the analysed rate, not in frames set for 15 fps; `PoseDetectorOptions.look_around`;
    # `TileSearchOptions.second_looks`; `TrackerOptions.rejoin_in_frame`.
    schedule_per_second: bool = False
    look_around: bool = False
    second_looks: tuple[float, ...] = TileSearchOptions.second_looks
    rejoin_in_frame: int | None = None


def track_chunk(
    info: VideoInfo,
    indices: np.ndarray,
    options: TrackingOptions,
    progress: Callable[[int], None] | None = None,
) -> Tracks:
    """Find and track people in the frames `indices` of a probed video (runs in one process)."""
    from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions, search_interval
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions
    from cuedetect.pose.tracking import Tracker, TrackerOptions

    cpu0 = time.process_time()
    timings = {"decode_s": 0.0, "pose_s": 0.0, "track_s": 0.0, "backfill_s": 0.0}
    src_opts = VideoSourceOptions(
        info.path,
        max_side=options.max_side,
        indices=indices,
        info=info,
        decode_threads=options.decode_threads,
    )
    rate = analysed_rate(info.times, indices) if options.schedule_per_second else 15.0
    det_opts = PoseDetectorOptions(options.model_path, max_persons=options.max_persons, still=options.still,
                                   rate=rate, look_around=options.look_around,
                                   tiles=TileSearchOptions(second_looks=options.second_looks))  # fmt: skip
    analysed: list[int] = []
    analysed_t: list[float] = []
    rows: dict[str, list[Any]] = {k: [] for k in ("frame", "t", "person", "xy", "vis", "world")}
    appearance: dict[int, np.ndarray] = {}
    backfilled = 0

    def add(frame: Frame, pid: int, kp: KeyPoints) -> None:
        rows["frame"].append(frame.index)
        rows["t"].append(frame.t)
        rows["person"].append(pid)
        rows["xy"].append(kp.xy[0])
        rows["vis"].append(kp.visibility[0])
        rows["world"].append(kp.world[0] if kp.world is not None else np.full((NUM_LANDMARKS, 3), np.nan))

    # The last frames and who was seen in them: a person the periodic search finds late is traced back.
    longest = search_interval(det_opts, False, det_opts.calm_after)
    recent: deque[tuple[Frame, list[np.ndarray]]] = deque(maxlen=max(BACKFILL_FRAMES, longest + 2))
    with (
        VideoFileSource.create_from_options(src_opts) as source,
        MultiPersonPoseDetector.create_from_options(det_opts) as detector,
    ):
        w, h = source.size
        tracker = Tracker(TrackerOptions(aspect=w / h, rejoin_in_frame=options.rejoin_in_frame))
        frames = iter(source)
        done = 0
        cpu1 = time.process_time()
        while True:
            t0 = time.perf_counter()
            frame = next(frames, None)
            t1 = time.perf_counter()
            timings["decode_s"] += t1 - t0
            if frame is None:
                break
            detections = detector.detect(frame, tracker.predict(frame.t), lost=tracker.lost(frame.t))
            t2 = time.perf_counter()
            timings["pose_s"] += t2 - t1
            last_seen = {tr.id: tr.last_t for tr in tracker.tracks}
            seen = tracker.update(detections, frame.t)
            detector.assign(tracker.moves)
            detector.seen({tr.id for tr in seen})
            timings["track_s"] += time.perf_counter() - t2
            for tr in seen:
                det = tr.detection
                add(frame, tr.id, det.keypoints)  # type: ignore[union-attr]
                if tr.appearance is not None:
                    appearance[tr.id] = tr.appearance
                if det.source is None and recent:  # type: ignore[union-attr]
                    # Found by the search: trace them back through the frames since they were last seen.
                    since = last_seen.get(tr.id, -np.inf)
                    back = [(f, boxes) for f, boxes in reversed(recent) if f.t > since]
                    others = [b.box for b in (o.detection for o in seen if o is not tr) if b is not None]
                    t3 = time.perf_counter()
                    found = detector.backfill([f for f, _ in back], det.box,  # type: ignore[union-attr]
                                              [boxes for _, boxes in back], others)  # fmt: skip
                    for (f, boxes), kp in zip(back, found, strict=False):
                        add(f, tr.id, kp)
                        boxes.append(kp.boxes(0.3)[0])
                    backfilled += len(found)
                    timings["backfill_s"] += time.perf_counter() - t3
            recent.append((frame, [tr.detection.box for tr in seen]))  # type: ignore[union-attr]
            analysed.append(frame.index)
            analysed_t.append(frame.t)
            done += 1
            if progress is not None and done % 5 == 0:
                progress(5)
        if progress is not None and done % 5:
            progress(done % 5)
        calls = {**detector.calls, "backfilled": backfilled}
        timings["model_s"] = detector.model_s
    # CPU seconds (all threads of this process): start-up, then the frame loop (load-independent-ish).
    timings["cpu_setup_s"], timings["cpu_loop_s"] = cpu1 - cpu0, time.process_time() - cpu1
    if not rows["frame"]:
        res = Tracks.empty((w, h))
        res.analysed, res.analysed_t = np.asarray(analysed, np.int64), np.asarray(analysed_t)
        res.timings, res.calls = timings, calls
        return res
    return Tracks(
        np.asarray(analysed, np.int64),
        np.asarray(analysed_t),
        np.asarray(rows["frame"], np.int64),
        np.asarray(rows["t"]),
        np.asarray(rows["person"], np.int64),
        np.stack(rows["xy"]).astype(np.float32),
        np.stack(rows["vis"]).astype(np.float32),
        np.stack(rows["world"]).astype(np.float32),
        appearance,
        (w, h),
        timings,
        calls,
    )


def analysed_rate(times: np.ndarray, indices: np.ndarray) -> float:
    """Analysed frames per second of the frames `indices` (15 when there are too few to tell)."""
    if len(indices) < 2:
        return 15.0
    span = float(times[indices[-1]] - times[indices[0]])
    return (len(indices) - 1) / span if span > 0 else 15.0


def split_chunks(indices: np.ndarray, times: np.ndarray, jobs: int, overlap_s: float, min_chunk_s: float = 4.0
                 ) -> list[tuple[np.ndarray, int]]:  # fmt: skip
    """Split sampled frame `indices` into up to `jobs` time chunks.

    Returns (indices to analyse, first index the chunk owns) per chunk; every chunk after the first also
    analyses the `overlap_s` before the frames it owns, so ids can be matched across the boundary.
    """
    if len(indices) == 0:
        return [(indices, 0)]
    span = float(times[indices[-1]] - times[indices[0]])
    n = max(1, min(jobs, math.floor(span / min_chunk_s) if span > 0 else 1))
    bounds = np.linspace(0, len(indices), n + 1).round().astype(int)
    out = []
    for k in range(n):
        lo, hi = bounds[k], bounds[k + 1]
        own_first = int(indices[lo])
        start_t = times[own_first] - (overlap_s if k > 0 else 0)
        lo_ov = int(np.searchsorted(times[indices], start_t, side="left"))
        out.append((indices[lo_ov:hi], own_first))
    return out


_progress_queue: Any = None  # set in each worker by `_pool_init`


def _pool_init(q: Any, parent_pid: int | None = None) -> None:
    global _progress_queue
    if parent_pid is not None:
        from cuedetect.procs import worker_init

        worker_init(parent_pid)  # die with the parent, even when it is SIGKILLed
    os.environ.setdefault("GLOG_minloglevel", "2")
    _progress_queue = q


def _pool_worker(info: VideoInfo, indices: np.ndarray, options: TrackingOptions) -> Tracks:
    return track_chunk(info, indices, options, progress=_progress_queue.put)


def run_tracking(
    info: VideoInfo,
    fps: float | None,
    options: TrackingOptions,
    jobs: int = 1,
    overlap_s: float = 1.0,
    on_progress: ProgressFn | None = None,
) -> tuple[Tracks, dict[str, Any]]:
    """Track everyone in the video, in `jobs` processes; returns stitched rows with global ids.

    The second value describes the run (chunks, per-stage seconds summed over workers, model calls).
    """
    from cuedetect.pose.stitch import stitch

    indices = sample_indices(info.times, fps)
    chunks = split_chunks(indices, info.times, max(1, jobs), overlap_s)
    total = sum(len(c) for c, _ in chunks)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if on_progress is not None:
            on_progress(done, total)

    tick(0)
    if len(chunks) == 1:
        results = [track_chunk(info, chunks[0][0], options, progress=tick)]
    else:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        options = replace(options, decode_threads=False)
        q = ctx.SimpleQueue()  # progress ticks; handed over at process start (no manager process)
        from cuedetect.procs import stop_pool

        init_args = (q, os.getpid())
        with ProcessPoolExecutor(
            len(chunks), mp_context=ctx, initializer=_pool_init, initargs=init_args
        ) as pool:
            futures = [pool.submit(_pool_worker, info, idx, options) for idx, _ in chunks]
            try:
                pending = set(futures)
                while pending:
                    _, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    while not q.empty():
                        tick(q.get())
                results = [f.result() for f in futures]
                while not q.empty():
                    tick(q.get())
            except BaseException:
                stop_pool(pool)  # Ctrl-C, SIGTERM, an error: kill the workers, do not wait for them
                raise
    merged = stitch(results, [own for _, own in chunks], info)
    timings: dict[str, float] = {}
    calls: dict[str, int] = {}
    for r in results:
        for k, v in r.timings.items():
            timings[k] = timings.get(k, 0.0) + v
        for k, v in r.calls.items():
            calls[k] = calls.get(k, 0) + v
    run = {"chunks": len(chunks), "analysed_frames": len(merged.analysed), "worker_timings_s": timings,
           "model_calls": calls}  # fmt: skip
    return merged, run
