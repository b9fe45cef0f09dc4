"""The per-frame work of live mode: pose + ids on the newest frame, cue windows, the overlay.

`LiveEngine.process(frame, captured_at)` is all a frame source needs to call, whether frames come from
the capture thread (`cuedetect live`) or from a browser (the dashboard's live page).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from cuedetect.cues.settings import CueSettings
from cuedetect.hands import DEFAULT_LIVE_HAND_STATES
from cuedetect.live.buffer import RollingStats
from cuedetect.live.cuework import CueWorker, WindowCues
from cuedetect.live.hands import HandsView, LiveHands
from cuedetect.live.history import PersonPose, PoseHistory, empty_world
from cuedetect.live.timeline import CueTimeline
from cuedetect.live.view import ViewState, compose
from cuedetect.pose.sources import Frame
from cuedetect.voice.live import LiveVoiceMonitor


@dataclass
class EngineOptions:
    """Options of `LiveEngine`.

    Attributes:
        model: pose model variant for live work ("lite" keeps up with a camera on 2 cores).
        fps: most frames processed per second of source time (None: as many as the machine manages).
            15 is `cuedetect analyze`'s default rate, so live cues are computed like the offline ones.
        max_persons: most people looked for.
        cue_window_s: seconds of history each cue window covers.
        cue_interval_s: least time between two cue windows.
        settle_s: a frame's cues are final once the newest frame is this much later.
        cue_worker: "process" (another core) or "inline" (same thread; for tests).
        cue_model: "auto" (trained classifier if present, else the geometric baseline) or "baseline".
        hands: read each person's hands in every processed frame (`cuedetect.live.hands`): hand states
            in the overlay, and the cue windows gate the hand cues and word their evidence with them, as
            the offline analysis does. Off by default: on 2 cores it costs 14-23 ms of CPU per frame with
            two people; a quiet machine keeps 15 fps, a loaded one halves it (`cuedetect.live.hands`).
        hand_model_path: a verified `hand_landmarker.task` (None: provisioned as for `cuedetect analyze`).
        hand_states: what reads each hand's state, as `cuedetect analyze --hand-states`: "rules",
            "learned" or "learned-thumb" (`cuedetect.hands.state_model.state_reader`).
    """

    model: str = "lite"
    model_path: Path | None = None
    fps: float | None = 15.0
    max_persons: int = 4
    cue_window_s: float = 10.0
    cue_interval_s: float = 1.0
    settle_s: float = 1.0
    cue_worker: Literal["process", "inline"] = "process"
    cue_model: str = "auto"
    settings: CueSettings = field(default_factory=CueSettings)
    audio: Path | None = None  # a file whose sound stands in for the microphone (its video is the source)
    microphone: bool = False  # listen to the default microphone (a camera session without `audio`)
    voice_interval_s: float = 2.0  # least time between two voice-cue windows
    hands: bool = False
    hand_model_path: Path | None = None
    hand_states: str = DEFAULT_LIVE_HAND_STATES


@dataclass
class FrameReport:
    """What processing one frame produced."""

    view: np.ndarray  # BGR overlay
    state: ViewState
    latency_s: float
    pose_s: float
    hands_s: float = 0.0


class LiveEngine:
    """Pose, tracking, cue windows and overlay for one live session. Use as a context manager."""

    def __init__(self, options: EngineOptions, size: tuple[int, int]) -> None:
        from cuedetect.models.provision import ensure_model
        from cuedetect.pose.detector import MultiPersonPoseDetector, PoseDetectorOptions, quiet_native_logs
        from cuedetect.pose.tracking import Tracker, TrackerOptions

        self.options = options
        self.size = size
        path = options.model_path or ensure_model(options.model)
        hand_path, hand_options = None, None
        if options.hands:  # provisioned (or refused) before anything holds a model
            from cuedetect.hands.stage import HandStageOptions
            from cuedetect.hands.state_model import state_reader
            from cuedetect.models.hand_provision import ensure_hand_model

            hand_options = HandStageOptions(state_model=state_reader(options.hand_states))
            hand_path = options.hand_model_path or ensure_hand_model()
        with quiet_native_logs():
            # A loaded machine may process a frame a second: look for lost people on every other frame.
            det = PoseDetectorOptions(path, max_persons=options.max_persons, detect_every_lost=2)
            self.detector = MultiPersonPoseDetector(det)
        self._warm_up(min(2, options.max_persons))
        # Tracks stay active (their landmarkers keep following) across the longer gaps of a slow machine.
        self.tracker = Tracker(TrackerOptions(aspect=size[0] / size[1], coast_s=1.0))
        self.history = PoseHistory(size)
        self.timeline = CueTimeline(options.settings, options.settle_s)
        self.hands = LiveHands.create(hand_path, size, hand_options) if hand_path is not None else None
        self.worker = CueWorker(options.cue_worker, options.cue_model)
        self.stats = RollingStats()
        self.pose_times: list[float] = []
        self.hand_times: list[float] = []
        self.cue_times: list[float] = []
        self._last_submit = -1e9
        self._last_t: float | None = None
        self.dropped = 0
        self.recording = True
        self.message = ""
        self.last_distances: list[tuple[int, int, float, float]] = []
        # Last, so nothing after it can fail and leave the microphone's stream open.
        self.voice, self.sound_note = LiveVoiceMonitor.for_session(
            options.audio, options.microphone, options.voice_interval_s
        )

    def _warm_up(self, persons: int) -> None:
        """Create and run `persons` per-person landmarkers now (~0.5 s each, more on a busy machine), so
        the first people to appear do not stall the live loop while their landmarkers are made."""
        from cuedetect.pose.detector import quiet_native_logs

        w, h = self.size
        blank = Frame(0, 0.0, np.zeros((h, w, 3), np.uint8))
        boxes = {-1 - k: np.array([0.1 + 0.4 * k, 0.1, 0.4 + 0.4 * k, 0.9]) for k in range(persons)}
        with quiet_native_logs():
            self.detector.detect(blank, boxes)
            self.detector.detect(blank, {})  # the landmarkers go back to the detector's pool

    def __enter__(self) -> LiveEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        from cuedetect.pose.detector import quiet_native_logs

        try:
            if self.voice is not None:
                self.voice.close()  # the microphone's stream and its thread
        finally:
            self.worker.close()
            if self.hands is not None:
                self.hands.close()
            with quiet_native_logs():
                self.detector.close()

    def _take(self, w: WindowCues | None) -> None:
        if w is None:
            return
        self.timeline.absorb(w)
        self.cue_times.append(w.compute_s)
        self.last_distances = list(w.distances)

    def wants(self, t: float) -> bool:
        """Whether a frame at source time `t` is due under the `fps` limit (frames come in time order)."""
        if not self.options.fps or self._last_t is None:
            return True
        return t - self._last_t >= 1.0 / self.options.fps - 0.25 / self.options.fps

    def process(self, frame: Frame, captured_at: float) -> FrameReport:
        """Find and track people in `frame`, update the cues, and draw the view.

        Args:
            frame: the newest frame (RGB, `t` from the session start).
            captured_at: `time.monotonic()` when the frame was captured (for the latency).
        """
        from cuedetect.pose.detector import quiet_native_logs

        t0 = time.monotonic()
        self._last_t = frame.t
        with quiet_native_logs():
            found = self.detector.detect(
                frame, self.tracker.predict(frame.t), lost=self.tracker.lost(frame.t)
            )
        seen = self.tracker.update(found, frame.t)
        self.detector.assign(self.tracker.moves)
        pose_s = time.monotonic() - t0
        self.pose_times.append(pose_s)
        persons = []
        for tr in seen:
            kp = tr.detection.keypoints  # type: ignore[union-attr]
            world = kp.world[0] if kp.world is not None else empty_world()
            persons.append(PersonPose(tr.id, kp.xy[0], kp.visibility[0], world))
        self.history.add(frame.index, frame.t, persons)
        hands, hands_s = HandsView.empty(), 0.0
        if self.hands is not None:
            t1 = time.monotonic()
            hands = self.hands.update(frame.image, frame.index, frame.t,
                                      [(p.person, p.xy, p.vis) for p in persons])  # fmt: skip
            hands_s = time.monotonic() - t1
            self.hand_times.append(hands_s)

        self._take(self.worker.poll())
        if frame.t - self._last_submit >= self.options.cue_interval_s and not self.worker.busy:
            start = frame.t - self.options.cue_window_s
            window = self.history.window(start, frame.t)
            if self.worker.submit(window, self._hands_table(start, frame.t)):
                self._last_submit = frame.t
                self._take(self.worker.poll())  # inline mode answers at once

        mic, voice_cues = self.voice.tick(frame.t, self.timeline.roles) if self.voice else (None, ())
        ids = [p.person for p in persons]
        xy = np.stack([p.xy for p in persons]) if persons else np.zeros((0, 33, 2), np.float32)
        summary = self.stats.summary()
        state = ViewState(
            ids=ids,
            xy=xy,
            roles=self.timeline.roles,
            distances=self.last_distances,
            active=self.timeline.active(),
            strip_events=self.timeline.strip_events(),
            now=frame.t,
            fps=summary.fps,
            latency_ms=summary.latency_ms,
            dropped=self.dropped,
            recording=self.recording,
            message=self.message,
            mic_lufs=mic,
            voice_cues=voice_cues,
            sound_note=self.sound_note,
            hands=hands,
        )
        view = compose(frame.image, state)
        done = time.monotonic()
        latency = done - captured_at
        self.stats.add(done, latency)
        return FrameReport(view, state, latency, pose_s, hands_s)

    def _hands_table(self, start: float, end: float) -> Any:
        """The hands read from `start` to `end` (a hands.parquet table), None without the hand stage."""
        return self.hands.table(start, end) if self.hands is not None else None

    def finish(self) -> None:
        """Commit the cues of the whole remaining history (call once, after the last frame)."""
        last = self.history.last_t
        # A window still in progress is waited for and superseded: the final window covers everything
        # after the committed part (committed_until lags the newest frame by only settle_s).
        start = last - self.options.cue_window_s
        w = self.worker.run(self.history.window(start, last), self._hands_table(start, last))
        self.timeline.absorb(w, final=True)
        self.cue_times.append(w.compute_s)

    @property
    def sound_source(self) -> str:
        """What the session heard: "file", "microphone", "none", or why not ("no microphone: ...")."""
        if self.voice is not None:
            return "file" if self.options.audio is not None else "microphone"
        return self.sound_note or "none"

    def summary(self) -> dict[str, Any]:
        """Achieved rates and latencies over the whole session (for stats.json and the benchmark)."""
        lat = np.asarray(self.stats.latencies) * 1000
        done = np.asarray(self.stats.done_times)
        span = float(done[-1] - done[0]) if len(done) > 1 else 0.0
        pose = np.asarray(self.pose_times) * 1000
        return {
            "processed_frames": len(lat),
            "processed_fps": (len(done) - 1) / span if span > 0 else 0.0,
            "latency_ms": _pct(lat),
            "pose_ms": _pct(pose),
            "hands_ms": _pct(np.asarray(self.hand_times) * 1000) if self.hands is not None else None,
            "hand_crops_per_frame": round(self.hands.crops_per_frame, 2) if self.hands is not None else None,
            "hand_states": self.options.hand_states if self.hands is not None else None,
            "cue_windows": self.timeline.windows,
            "cue_window_ms": _pct(np.asarray(self.cue_times) * 1000),
            "model": self.options.model,
            "sound": self.sound_source,
        }


def _pct(a: np.ndarray) -> dict[str, float]:
    if not len(a):
        return {"mean": float("nan"), "p50": float("nan"), "p95": float("nan"), "max": float("nan")}
    return {
        "mean": round(float(a.mean()), 1),
        "p50": round(float(np.percentile(a, 50)), 1),
        "p95": round(float(np.percentile(a, 95)), 1),
        "max": round(float(a.max()), 1),
    }
