"""Live frame sources: a camera or stream URL (OpenCV), or a video file played at real-time pace.

Every source yields `cuedetect.pose.sources.Frame`s (RGB, `t` in seconds from the first frame) and
fails with a message a user can act on: `CameraError` when it cannot start (missing, busy, bad URL),
`SourceLostError` when it stops part-way (a camera unplugged, a stream that ended).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cuedetect.errors import CuedetectError, InputError
from cuedetect.live.clock import SYSTEM_CLOCK, Clock
from cuedetect.pose.sources import Frame, VideoFileSource, VideoSourceOptions, working_size


class CameraError(InputError):
    """The camera or stream cannot be started; the message says why and what to try."""


class SourceLostError(CuedetectError):
    """The source stopped delivering frames during the session (unplugged camera, ended stream)."""


class LiveSource(Protocol):
    """What the capture thread reads: `describe`, iteration over frames, `close`."""

    name: str
    paced_file: bool
    size: tuple[int, int]  # (width, height) of the frames it yields

    def __iter__(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...


@dataclass
class PacedVideoSource:
    """A video file yielded at the pace of its own timestamps (on `clock`), for tests and demos.

    Like a camera, it does not wait for the consumer: frames the consumer is too slow to take are
    dropped by the single-slot buffer downstream, not queued. A frame that is already late is
    yielded at once (no catching up by skipping).
    """

    path: Path
    max_side: int | None = 960
    speed: float = 1.0
    name: str = ""
    paced_file: bool = True
    clock: Clock = field(default=SYSTEM_CLOCK, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self._source = VideoFileSource(VideoSourceOptions(self.path, fps=None, max_side=self.max_side))
        self.name = self.name or f"video {self.path.name}"
        self.size = self._source.size

    def __iter__(self) -> Iterator[Frame]:
        start: float | None = None
        t0 = 0.0
        for frame in self._source:
            if start is None:
                start, t0 = self.clock.monotonic(), frame.t
            due = start + (frame.t - t0) / self.speed
            delay = due - self.clock.monotonic()
            if delay > 0:
                self.clock.sleep(delay)
            yield Frame(frame.index, frame.t - t0, frame.image)

    def close(self) -> None:
        self._source.close()


def available_cameras() -> list[int]:
    """Indices of the video devices present (/dev/videoN on Linux; empty elsewhere)."""
    nodes = Path("/dev").glob("video[0-9]*") if sys.platform.startswith("linux") else []
    return sorted(int(p.name[5:]) for p in nodes if p.name[5:].isdigit())


def camera_message(device: int | str, node_exists: bool | None, opened: bool, got_frame: bool) -> str:
    """Why a camera could not start, in words (pure, so every case is tested).

    Args:
        device: the index or URL given.
        node_exists: whether /dev/video<index> exists (None: unknown, e.g. not Linux or a URL).
        opened: whether OpenCV opened the device.
        got_frame: whether a first frame arrived.
    """
    if isinstance(device, str):
        if not opened:
            return (
                f"stream {device!r} could not be opened: check the URL, that the sender is running "
                "and that this machine can reach it"
            )
        return f"stream {device!r} opened but sent no frame: is the sender streaming?"
    if node_exists is False:
        found = available_cameras()
        others = f"cameras here: {', '.join(map(str, found))}" if found else "no camera is connected"
        return (
            f"no camera at index {device} (/dev/video{device} does not exist; {others}): is it plugged "
            "in? Or use --video FILE to practise with a recording"
        )
    if not opened:
        return (
            f"camera {device} exists but could not be opened: another program (a video call, a "
            "browser tab) is probably using it, or this user may not access it; close the other "
            "program and try again"
        )
    return (
        f"camera {device} opened but delivers no frames: it is probably busy in another program "
        "(close it) or was just unplugged"
    )


class CameraLiveSource:
    """An OpenCV camera (index) or stream (URL), its frames timed on `clock` from the first frame."""

    def __init__(
        self,
        device: int | str,
        max_side: int | None = 960,
        first_frame_timeout_s: float = 5.0,
        read_timeout_s: float = 2.0,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        import cv2

        self.clock = clock
        self.device = device
        self.max_side = max_side
        self.read_timeout_s = read_timeout_s
        self.paced_file = False
        self.name = f"camera {device}" if isinstance(device, int) else f"stream {device}"
        node = None
        if isinstance(device, int) and sys.platform.startswith("linux"):
            node = Path(f"/dev/video{device}").exists()
            if not node:
                raise CameraError(camera_message(device, False, False, False))
        self._cap: Any = cv2.VideoCapture(device)
        if not self._cap.isOpened():
            self._cap.release()
            raise CameraError(camera_message(device, node, False, False))
        deadline = clock.monotonic() + first_frame_timeout_s
        ok, bgr = self._cap.read()
        while not ok and clock.monotonic() < deadline:
            clock.sleep(0.05)
            ok, bgr = self._cap.read()
        if not ok:
            self._cap.release()
            raise CameraError(camera_message(device, node, True, False))
        self._first = bgr
        h, w = bgr.shape[:2]
        self.size = working_size(w, h, max_side)

    def __iter__(self) -> Iterator[Frame]:
        import cv2

        start = self.clock.monotonic()
        i = 0
        bgr = self._first
        while True:
            h, w = bgr.shape[:2]
            size = working_size(w, h, self.max_side)
            if size != (w, h):
                bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR)
            yield Frame(i, self.clock.monotonic() - start, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            i += 1
            ok, bgr = self._cap.read()
            if not ok:
                raise SourceLostError(
                    f"{self.name} stopped delivering frames after {self.clock.monotonic() - start:.1f} s "
                    "(unplugged, or taken by another program); the recording up to then is kept"
                )

    def close(self) -> None:
        self._cap.release()


def open_source(
    camera: int | None = None,
    url: str | None = None,
    video: Path | None = None,
    max_side: int | None = 960,
    speed: float = 1.0,
) -> LiveSource:
    """The one source the flags name (exactly one of camera, url, video)."""
    given = [x for x in (camera, url, video) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one of --camera INDEX, --url URL or --video FILE")
    if video is not None:
        return PacedVideoSource(Path(video), max_side=max_side, speed=speed)
    return CameraLiveSource(camera if camera is not None else str(url), max_side=max_side)
