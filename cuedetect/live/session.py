"""A live session from start to stop: capture thread, recording, processing loop, window, and storing.

    with LiveSession(source, LiveOptions(record_dir=Path("rec"))) as session:
        result = session.run()

Stops when the source ends or fails (a camera unplugged), after `duration_s`, on `q`/Esc in the window,
on Ctrl-C, or when `stop()` is called. Every stop path closes the recording and stores what was seen.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cuedetect.errors import CuedetectError, InputError
from cuedetect.live.buffer import LatestSlot
from cuedetect.live.engine import EngineOptions, FrameReport, LiveEngine
from cuedetect.live.recorder import FragmentedRecorder
from cuedetect.live.sources import LiveSource
from cuedetect.pose.sources import Frame

WINDOW_TITLE = "cuedetect live (q to stop)"


@dataclass
class LiveOptions:
    """Options of a live session (the flags of `cuedetect live`).

    Attributes:
        record_dir: sessions are recorded into `record_dir/live-<date>-<time>/` (default data_dir()/live).
        duration_s: stop after this many seconds of source time (None: until stopped).
        window: show an OpenCV window.
        store: store the session in the session store (`store_path`, default data_dir()/cuedetect.sqlite).
        full_analysis: start the full-quality analysis in the background after the session.
        source_fps: nominal rate written into the recording (the real capture times are kept).
    """

    engine: EngineOptions = field(default_factory=EngineOptions)
    record_dir: Path | None = None
    duration_s: float | None = None
    window: bool = False
    store: bool = True
    store_path: Path | None = None
    full_analysis: bool = True
    full_model: str = "full"
    trainee: str | None = None
    scenario: str | None = None
    source_fps: float = 30.0
    on_frame: Callable[[FrameReport], None] | None = None


@dataclass
class LiveResult:
    """What a session left behind."""

    folder: Path
    recording: Path
    live_dir: Path
    frames_recorded: int
    duration_s: float
    events: list[dict[str, Any]]
    shown_events: list[dict[str, Any]]
    stats: dict[str, Any]
    stop_reason: str
    fault: str | None = None
    session_id: int | None = None
    full_analysis_pid: int | None = None


@dataclass
class _Captured:
    frame: Frame
    at: float


class LiveSession:
    """One live session over one source (see the module docstring)."""

    def __init__(self, source: LiveSource, options: LiveOptions) -> None:
        from cuedetect.paths import data_dir

        self.source = source
        self.options = options
        root = Path(options.record_dir) if options.record_dir else data_dir() / "live"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = root / f"live-{stamp}"
        n = 1
        while folder.exists():
            n += 1
            folder = root / f"live-{stamp}-{n}"
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise InputError(f"cannot record into {root}: {exc.strerror or exc}") from None
        self.folder = folder
        self.recording = folder / "recording.mp4"
        self.slot: LatestSlot[_Captured] = LatestSlot()
        self._stop = threading.Event()
        self.fault: str | None = None
        self.frames_recorded = 0
        self.skipped = 0  # frames left out on purpose (the engine's fps limit)
        self.capture_cpu_s = 0.0
        self.last_t = 0.0
        self.first_size: tuple[int, int] | None = None
        self._ready = threading.Event()
        self.started = threading.Event()  # set once the engine is loaded and capture runs
        self._thread = threading.Thread(target=self._capture, name="live-capture", daemon=True)

    def __enter__(self) -> LiveSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._thread.join(timeout=10)
        self.source.close()

    def stop(self) -> None:
        """Ask the session to end (thread- and signal-safe); `run` then stores what it has."""
        self._stop.set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    # ----- capture thread: source -> slot (newest only) and recording (every frame) -------------------
    def _capture(self) -> None:
        recorder: FragmentedRecorder | None = None
        try:
            for frame in self.source:
                at = time.monotonic()
                if self._stop.is_set():
                    break
                if recorder is None:
                    self.first_size = frame.size
                    recorder = FragmentedRecorder(self.recording, frame.size, self.options.source_fps)
                    recorder.open()
                    self._ready.set()
                self.slot.put(_Captured(frame, at))
                recorder.write(frame.image, frame.t)
                self.frames_recorded += 1
                self.last_t = frame.t
        except CuedetectError as exc:
            self.fault = str(exc)
        except Exception as exc:  # a source or disk failing in any other way still ends the session cleanly
            self.fault = f"{self.source.name} failed: {type(exc).__name__}: {exc}"
        finally:
            self.capture_cpu_s = time.thread_time()  # decoding/reading + recording, for the benchmark
            if recorder is not None:
                try:
                    recorder.close()
                except Exception as exc:
                    self.fault = self.fault or f"closing the recording failed: {exc}"
            self._ready.set()
            self.slot.close()

    # ----- processing loop ------------------------------------------------------------------------------
    def run(self) -> LiveResult:
        """Run until a stop condition, then store the session; returns what was left behind."""
        try:
            return self._run()
        finally:
            with contextlib.suppress(OSError):
                self.folder.rmdir()  # only if nothing was recorded (the engine or source failed at once)

    def _run(self) -> LiveResult:
        stop_reason = "end of source"
        # The engine (model, landmarkers, cue worker) starts before the capture, so the first frames do
        # not wait for it.
        with LiveEngine(self.options.engine, tuple(self.source.size)) as engine:  # type: ignore[arg-type]
            self._thread.start()
            self.started.set()
            self._ready.wait()
            if self.first_size is None:
                raise CuedetectError(self.fault or f"{self.source.name} gave no frames; nothing was recorded")
            show = _Window() if self.options.window else None
            try:
                stop_reason = self._loop(engine, show)
            except KeyboardInterrupt:
                stop_reason = "interrupted"
            finally:
                self.stop()
                self._thread.join(timeout=10)
                if show is not None:
                    show.close()
            if self.fault:
                stop_reason = "source fault"
            engine.dropped = self.slot.dropped
            if engine.history.frames:
                engine.finish()
            return store_live_session(self, engine, stop_reason)

    def _loop(self, engine: LiveEngine, show: _Window | None) -> str:
        limit = self.options.duration_s
        while True:
            item = self.slot.get(timeout=0.2)
            if show is not None and show.stop_requested():
                return "stopped from the window"
            if item is None:
                if self._stop.is_set():
                    return "stopped"
                if self.slot.closed:
                    return "source fault" if self.fault else "end of source"
                continue
            if not engine.wants(item.frame.t):
                self.skipped += 1
                continue
            engine.dropped = self.slot.dropped + self.skipped
            engine.message = self.fault or ""
            report = engine.process(item.frame, item.at)
            if show is not None:
                show.show(report.view)
            if self.options.on_frame is not None:
                self.options.on_frame(report)
            if limit is not None and item.frame.t >= limit:
                return f"duration {limit:g} s reached"
            if self._stop.is_set():
                return "stopped"


class _Window:
    """An OpenCV highgui window; `q` or Esc (or closing it) asks to stop."""

    def __init__(self) -> None:
        import cv2

        self.cv2 = cv2
        cv2.namedWindow(WINDOW_TITLE, cv2.WINDOW_NORMAL)
        self._stop = False
        self._shown = False

    def show(self, bgr: Any) -> None:
        self.cv2.imshow(WINDOW_TITLE, bgr)
        self._shown = True
        self._poll()

    def _poll(self) -> None:
        key = self.cv2.waitKey(1) & 0xFF
        if key in (ord("q"), 27):
            self._stop = True
        with contextlib.suppress(self.cv2.error):
            if self._shown and self.cv2.getWindowProperty(WINDOW_TITLE, self.cv2.WND_PROP_VISIBLE) < 1:
                self._stop = True

    def stop_requested(self) -> bool:
        return self._stop

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.cv2.destroyWindow(WINDOW_TITLE)
            self.cv2.waitKey(1)


def store_live_session(session: LiveSession, engine: LiveEngine, stop_reason: str) -> LiveResult:
    """Close out a session: live analysis, store, background full analysis. Never loses the recording."""
    from cuedetect.live.finish import start_full_analysis, write_live_analysis

    opts = session.options
    duration = session.last_t + 1.0 / max(opts.source_fps, 1.0)
    live_dir = session.folder / "live"
    extra = {
        "stop_reason": stop_reason,
        "fault": session.fault,
        "frames_recorded": session.frames_recorded,
        "frames_dropped": session.slot.dropped,
        "frames_skipped_by_rate_limit": session.skipped,
        "source": session.source.name,
    }
    events = write_live_analysis(live_dir, session.recording, engine, duration, extra)
    result = LiveResult(
        session.folder,
        session.recording,
        live_dir,
        session.frames_recorded,
        duration,
        events,
        engine.timeline.shown_events(),
        {**engine.summary(), **extra},
        stop_reason,
        session.fault,
    )
    if opts.store:
        from cuedetect.store import import_analysis

        result.session_id = import_analysis(
            live_dir, store_path=opts.store_path, trainee=opts.trainee, scenario=opts.scenario
        )
    if opts.full_analysis:
        result.full_analysis_pid = start_full_analysis(
            session.folder,
            opts.store_path if opts.store else None,
            opts.full_model,
            store=opts.store,
            hand_states=opts.engine.hand_states,
        )
    return result
