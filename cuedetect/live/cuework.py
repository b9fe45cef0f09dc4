"""Cues of the last few seconds: the offline stages run on a trailing window, in a worker process.

The cue detector works on whole tracks (centred rolling windows, hysteresis), so live mode runs the
same stage functions as `cuedetect analyze` (cleaning, floor placement, cue detection on the tracks
in memory: features, classifier or baseline, pair rules) on the last `window_s` seconds, as often as a
worker can. Running them in another process keeps them off the pose loop's core and out of its GIL.
`CueTimeline` then turns the windows' answers into one event log.
"""

from __future__ import annotations

import contextlib
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from cuedetect.pose.tracked import Tracks
from cuedetect.procs import worker_init

if TYPE_CHECKING:
    import pandas as pd

FLOOR_SAMPLES = 4  # Monte Carlo draws for the distance SD (analyze uses 64; the nominal value is the same)


@dataclass
class WindowCues:
    """What the cue stages found in one window (plain values, so it crosses processes)."""

    start_t: float
    end_t: float
    analysed_t: np.ndarray
    events: list[dict[str, Any]]
    roles: dict[int, str]
    distances: list[tuple[int, int, float, float]]  # (person, other, metres, sd) at the window's end
    detector: str = ""
    compute_s: float = 0.0
    stages_s: dict[str, float] = field(default_factory=dict)


def floor_geometry(res: Tracks, n_samples: int = FLOOR_SAMPLES) -> tuple[Tracks, list[Any], dict[str, Any]]:
    """`cuedetect.pose.placement.place_on_floor` with fewer Monte Carlo draws (it takes ~4 s with 64)."""
    from cuedetect.pose.floor import FloorOptions
    from cuedetect.pose.placement import place_on_floor

    return place_on_floor(res, FloorOptions(n_samples=n_samples))


def window_cues(res: Tracks, model: str = "auto", hands: pd.DataFrame | None = None) -> WindowCues:
    """Run cleaning, floor geometry and cue detection on one window of tracked poses (the analysis's
    own stage functions, with fewer floor draws; live mode's one call of cue detection). With `hands`
    (the window's hands.parquet rows), palms are turned toward the other person from the window's camera,
    and the hand cues are gated and worded by the hands, as in the offline analysis."""
    import warnings

    from cuedetect.cues.detect import detect_cues_in_tracks
    from cuedetect.pose.filters import clean_tracks
    from cuedetect.pose.placement import pairs_table

    t0 = time.perf_counter()
    start = float(res.analysed_t[0]) if len(res.analysed_t) else 0.0
    end = float(res.analysed_t[-1]) if len(res.analysed_t) else 0.0
    if len(np.unique(res.frame)) < 3:
        return WindowCues(start, end, np.asarray(res.analysed_t), [], {}, [], compute_s=0.0)
    stages: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cleaned, _ = clean_tracks(res)
        stages["clean_s"] = time.perf_counter() - t0
        placed, pairs, camera = floor_geometry(cleaned)
        stages["floor_s"] = time.perf_counter() - t0 - stages["clean_s"]
        if hands is not None and len(hands):
            from cuedetect.hands.toward_other import palm_to_other

            hands = palm_to_other(hands, placed, camera)
        found = detect_cues_in_tracks(
            placed.person_tracks(),
            pairs_table(pairs),
            aspect=placed.aspect,
            model=model,  # type: ignore[arg-type]
            duration=end,
            hands=hands,
        )
    last = int(res.analysed[-1])
    latest = [
        (p.person, p.other, float(p.distance_m), float(p.distance_sd_m)) for p in pairs if p.frame == last
    ]
    total = time.perf_counter() - t0
    stages["cues_s"] = total - stages["clean_s"] - stages["floor_s"]
    return WindowCues(
        start,
        end,
        np.asarray(res.analysed_t),
        [e.to_dict() for e in found.events],
        {int(p["id"]): str(p["role"]) for p in found.persons},
        latest,
        found.detector,
        total,
        stages,
    )


def _warm_up(nice: int = 0) -> None:
    """Worker start: lower its priority (the pose loop's latency comes first) and import the stages."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    worker_init(os.getppid())  # end with the live process, even on SIGKILL: no orphan holding a core
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    import cuedetect.cues.detect
    import cuedetect.pose.filters
    import cuedetect.pose.placement  # noqa: F401


class CueWorker:
    """Runs `window_cues` one window at a time: in a worker process, or inline (tests, final window)."""

    def __init__(
        self, mode: Literal["process", "inline"] = "process", model: str = "auto", nice: int = 10
    ) -> None:
        self.mode = mode
        self.model = model
        self._pool: ProcessPoolExecutor | None = None
        self._future: Future[WindowCues] | None = None
        self._inline_result: WindowCues | None = None
        self.failures = 0
        if mode == "process":
            import multiprocessing as mp

            self._pool = ProcessPoolExecutor(
                1, mp_context=mp.get_context("spawn"), initializer=_warm_up, initargs=(nice,)
            )
            self._pool.submit(_warm_up)

    @property
    def busy(self) -> bool:
        return self._future is not None and not self._future.done()

    def submit(self, res: Tracks, hands: pd.DataFrame | None = None) -> bool:
        """Start on `res` (and its `hands`) unless the previous window is still being worked on (then
        False)."""
        if self.busy:
            return False
        if self._pool is not None:
            try:
                self._future = self._pool.submit(window_cues, res, self.model, hands)
                return True
            except BrokenProcessPool:
                self._fall_back()
        self._inline_result = window_cues(res, self.model, hands)
        return True

    def poll(self) -> WindowCues | None:
        """The finished window's result, once (None while working or when nothing was submitted)."""
        if self._pool is None:
            out, self._inline_result = self._inline_result, None
            return out
        if self._future is None or not self._future.done():
            return None
        fut, self._future = self._future, None
        try:
            return fut.result()
        except BrokenProcessPool:
            self._fall_back()
            return None

    def _fall_back(self) -> None:
        """The worker process died (killed, out of memory): carry on in this process."""
        self.failures += 1
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        self.mode = "inline"

    def run(self, res: Tracks, hands: pd.DataFrame | None = None, timeout: float = 60.0) -> WindowCues:
        """Work on `res` (and its `hands`) now and wait for the answer (waits for a window still in
        progress first)."""
        if self._pool is not None:
            try:
                if self._future is not None:
                    self._future.result(timeout=timeout)
                    self._future = None
                return self._pool.submit(window_cues, res, self.model, hands).result(timeout=timeout)
            except BrokenProcessPool:
                self._fall_back()
        return window_cues(res, self.model, hands)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def window_to_json(w: WindowCues) -> dict[str, Any]:
    d = asdict(w)
    d["analysed_t"] = [round(float(x), 4) for x in w.analysed_t]
    return d
