"""The hand stage over a whole video: re-decode the analysed frames and read every tracked person's hands.

Tracking runs first (poses are needed to place the crops); the frames are decoded again here, which is
cheap next to the models (720p H.264 decodes at 300+ frames/s). The frames are split into `jobs` time
chunks read in parallel processes (chunks are independent apart from the tracked and "held" readings,
which restart at each chunk's start).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.hands.stage import HandRow, HandStage, HandStageOptions


@dataclass
class HandVideoResult:
    rows: list[HandRow]
    size: tuple[int, int]
    timings: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    state_classifier: str = ""  # which classifier read the states, in words (`state_model.describe`)


def read_chunk(info: Any, frames: np.ndarray, person: np.ndarray, frame_of_row: np.ndarray, xy: np.ndarray,
               vis: np.ndarray, model_path: Path, max_side: int, options: HandStageOptions | None = None
               ) -> HandVideoResult:  # fmt: skip
    """Read the hands in `frames` (source frame indices, sorted) of a probed video.

    `person`, `frame_of_row`, `xy` (rows, 33, 2) and `vis` (rows, 33) are the tracked rows of those frames.
    """
    from cuedetect.hands.landmark_model import HandLandmarkModel, HandLandmarkModelOptions
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    cpu0 = time.process_time()
    timings = {"decode_s": 0.0, "hands_s": 0.0}
    rows: list[HandRow] = []
    src = VideoFileSource.create_from_options(
        VideoSourceOptions(info.path, max_side=max_side, indices=frames, info=info, decode_threads=False)
    )
    order = np.argsort(frame_of_row, kind="stable")
    starts = np.searchsorted(frame_of_row[order], frames, side="left")
    ends = np.searchsorted(frame_of_row[order], frames, side="right")
    pos = {int(f): (int(a), int(b)) for f, a, b in zip(frames, starts, ends, strict=True)}
    presence = (options or HandStageOptions()).min_presence
    model_options = HandLandmarkModelOptions(model_path, min_presence=presence)
    palm = None
    if options is not None and options.palm_search is not None:  # the palm detector as a last resort
        from cuedetect.hands.palm import PalmDetector

        palm = PalmDetector.create(model_path)
    with src, HandLandmarkModel.create_from_options(model_options) as reader:
        stage = HandStage(reader, options, palm)
        it = iter(src)
        while True:
            t0 = time.perf_counter()
            frame = next(it, None)
            t1 = time.perf_counter()
            timings["decode_s"] += t1 - t0
            if frame is None:
                break
            a, b = pos.get(frame.index, (0, 0))
            sel = order[a:b]
            persons = [(int(person[r]), xy[r], vis[r]) for r in sel]
            rows += stage.update(frame.image, frame.index, frame.t, persons)
            timings["hands_s"] += time.perf_counter() - t1
        size = src.size
        calls = {"hand_crops": stage.crops_read}
        if stage.palms is not None:
            calls["palm_searches"] = stage.palms.searches
    timings["cpu_s"] = time.process_time() - cpu0
    return HandVideoResult(rows, size, timings, calls)


def _worker(args: tuple) -> HandVideoResult:
    import os

    os.environ.setdefault("GLOG_minloglevel", "2")
    return read_chunk(*args)


def read_hands(info: Any, tracked: Any, model_path: Path, max_side: int, jobs: int = 1,
               options: HandStageOptions | None = None, raw: Any = None) -> HandVideoResult:  # fmt: skip
    """Every tracked person's hands in every analysed frame that has a person.

    Args:
        info: the probed video (`VideoInfo`).
        tracked: the cleaned `Tracks` (rows of frame, person, xy, vis).
        model_path: the verified `hand_landmarker.task`.
        max_side: the working size the poses were found at (frames are decoded at the same size).
        jobs: processes.
        raw: the `Tracks` before cleaning: arm points cleaning dropped as faint are taken from it to place
            the crops (`crops.with_faint_arms`).
    """
    frames = np.unique(tracked.frame)
    if len(frames) == 0:
        return HandVideoResult([], tracked.size)
    xy = tracked.xy
    if raw is not None:
        from cuedetect.hands.crops import with_faint_arms

        xy = with_faint_arms(tracked.frame, tracked.person, xy, raw.frame, raw.person, raw.xy)
    chunks = [c for c in np.array_split(frames, max(1, min(jobs, len(frames) // 30 or 1))) if len(c)]
    args = []
    for c in chunks:
        sel = np.isin(tracked.frame, c)
        args.append((info, c, tracked.person[sel], tracked.frame[sel], xy[sel], tracked.vis[sel],
                     model_path, max_side, options))  # fmt: skip
    if len(args) == 1:
        results = [read_chunk(*args[0])]
    else:
        from cuedetect.procs import worker_pool

        with worker_pool(len(args)) as pool:  # workers die with this process, even by SIGKILL
            results = list(pool.map(_worker, args))
    rows = [r for res in results for r in res.rows]
    timings: dict[str, float] = {}
    calls: dict[str, int] = {}
    for res in results:
        for k, v in res.timings.items():
            timings[k] = timings.get(k, 0.0) + v
        for k, v in res.calls.items():
            calls[k] = calls.get(k, 0) + v
    return HandVideoResult(rows, results[0].size, timings, calls)
