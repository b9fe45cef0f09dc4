"""Frame sources: video files (PyAV) and cameras (OpenCV), one `Frame` at a time.

A video is probed first (`probe_video`): its packets are demuxed (cheap, no decoding) to learn every
frame's exact presentation time, so the analysis rate can pick, for each target time `t0 + k / fps`, the
frame nearest to it, and so a worker can seek into the middle of a video and still know each frame's
index. Decoding then converts only the chosen frames (yuv420p planes -> RGB with OpenCV, the fastest
route measured here) and applies rotation metadata.

A truncated or corrupt file is refused as a whole (`InputError`), rather than analysed up to the break:
a debrief built on a silently shortened recording would mislead. Repair it first (for example
`ffmpeg -i in.mp4 -c copy fixed.mp4`) to analyse the readable part.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.errors import InputError

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v")


@dataclass(frozen=True)
class Frame:
    """One frame to analyse.

    Attributes:
        index: index of the frame in the source video (presentation order), or a counter for cameras.
        t: seconds from the start of the video (PyAV's timestamp), or since the camera opened.
        image: RGB uint8 (h, w, 3) at the working size, rotation applied.
    """

    index: int
    t: float
    image: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


@dataclass(frozen=True)
class VideoInfo:
    """What a probe learned about a video file."""

    path: Path
    width: int  # as displayed (rotation applied), before any resizing
    height: int
    rotation: int  # degrees counter-clockwise to apply for display (0, 90, 180, 270)
    codec: str
    times: np.ndarray = field(repr=False)  # presentation time of every frame, sorted (seconds)
    pts: np.ndarray = field(repr=False)  # the matching pts in the stream's time base
    keyframes: np.ndarray = field(repr=False)  # indices of keyframes (where decoding can start)

    @property
    def frame_count(self) -> int:
        return len(self.times)

    @property
    def start(self) -> float:
        return float(self.times[0])

    @property
    def duration(self) -> float:
        """Seconds from the first frame to the end of the last one."""
        step = float(np.median(np.diff(self.times))) if len(self.times) > 1 else 0.0
        return float(self.times[-1] - self.times[0]) + step

    @property
    def average_fps(self) -> float:
        return self.frame_count / self.duration if self.duration > 0 else 0.0


def _open(path: Path) -> Any:
    import av

    try:
        return av.open(str(path))
    except av.error.FFmpegError as exc:
        raise InputError(f"{path} is not a readable video ({exc.strerror or exc})") from None


def probe_video(path: str | Path) -> VideoInfo:
    """Check that `path` is a complete, readable video and list its frames' timestamps.

    Raises:
        InputError: missing path, a folder, an empty file, not a video, no video stream, no frames,
            or a truncated file.
    """
    import av

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p} does not exist")
    if p.is_dir():
        raise InputError(f"{p} is a folder, not a video file")
    if p.stat().st_size == 0:
        raise InputError(f"{p} is empty (0 bytes): not a video")
    with _open(p) as container:
        if not container.streams.video:
            raise InputError(f"{p} has no video stream")
        stream = container.streams.video[0]
        pts: list[int] = []
        key_pts: list[int] = []
        try:
            for packet in container.demux(stream):
                if packet.size and packet.pts is not None:
                    pts.append(packet.pts)
                    if packet.is_keyframe:
                        key_pts.append(packet.pts)
        except av.error.FFmpegError:
            raise InputError(f"{p} is truncated or corrupt (reading stopped part-way)") from None
        expected = stream.frames
        tb = stream.time_base
        codec = stream.codec_context.name
        width, height = stream.codec_context.width, stream.codec_context.height
        rotation = 0
        try:
            container.seek(0)
            first = next(container.decode(stream))
            rotation = round(first.rotation or 0) % 360
        except (StopIteration, av.error.FFmpegError):
            raise InputError(f"{p} has no decodable video frames") from None
    if not pts:
        raise InputError(f"{p} has no video frames (zero-length video)")
    if expected and len(pts) < expected:
        raise InputError(f"{p} is truncated: {len(pts)} of {expected} frames are present")
    pts_arr = np.unique(np.asarray(pts, dtype=np.int64))
    times = pts_arr.astype(np.float64) * float(tb)
    if rotation in (90, 270):
        width, height = height, width
    keyframes = np.searchsorted(pts_arr, np.asarray(sorted(set(key_pts)) or [pts_arr[0]], np.int64))
    return VideoInfo(p, width, height, rotation, codec, times, pts_arr, keyframes)


def sample_indices(times: np.ndarray, fps: float | None) -> np.ndarray:
    """Indices of the frames nearest to the times `t0 + k / fps`, each frame at most once.

    With `fps` None or not below the video's own rate, every frame is kept.
    """
    n = len(times)
    if n == 0:
        return np.zeros(0, np.int64)
    if fps is None or fps <= 0:
        return np.arange(n)
    t0, t1 = float(times[0]), float(times[-1])
    if n < 2 or fps * (t1 - t0) >= (n - 1) * 0.999:  # asked for the video's own rate or more
        return np.arange(n)
    targets = t0 + np.arange(math.floor((t1 - t0) * fps + 1e-9) + 1) / fps
    right = np.clip(np.searchsorted(times, targets), 1, n - 1) if n > 1 else np.zeros(len(targets), int)
    left = np.maximum(right - 1, 0)
    pick = np.where(np.abs(times[left] - targets) <= np.abs(times[right] - targets), left, right)
    return np.unique(pick)


_ROTATE = {90: 2, 180: 1, 270: 0}  # cv2.ROTATE_90_COUNTERCLOCKWISE, ROTATE_180, ROTATE_90_CLOCKWISE


def working_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    """(w, h) scaled down so the longer side is at most `max_side` (never scaled up)."""
    if not max_side or max(width, height) <= max_side:
        return width, height
    s = max_side / max(width, height)
    return max(2, round(width * s)), max(2, round(height * s))


def to_rgb(frame: Any, rotation: int, size: tuple[int, int] | None) -> np.ndarray:
    """A PyAV VideoFrame as RGB uint8: yuv420p planes converted by OpenCV, rotated, resized."""
    import cv2

    if frame.format.name in ("yuv420p", "yuvj420p") and frame.width % 2 == 0 and frame.height % 2 == 0:
        img = cv2.cvtColor(frame.to_ndarray(format="yuv420p"), cv2.COLOR_YUV2RGB_I420)
    else:
        img = frame.to_ndarray(format="rgb24")
    if rotation in _ROTATE:
        img = cv2.rotate(img, _ROTATE[rotation])
    if size is not None and (img.shape[1], img.shape[0]) != size:
        img = cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(img)


@dataclass
class VideoSourceOptions:
    """Options of `VideoFileSource`.

    Attributes:
        path: the video file.
        fps: analysis rate (frames per second, sampled evenly in time); None = every frame.
        max_side: frames are scaled down so their longer side is at most this many pixels.
        indices: analyse exactly these frame indices (overrides `fps`; used by parallel workers).
        info: a probe result to reuse (skips probing again).
        decode_threads: let the decoder use threads (faster alone; when every core already runs a
            pose worker, they only add about 0.3 ms of CPU per 720p frame).
    """

    path: str | Path
    fps: float | None = 15.0
    max_side: int | None = 1280
    indices: np.ndarray | None = None
    info: VideoInfo | None = None
    decode_threads: bool = True


class VideoFileSource:
    """Decodes a video file and yields the sampled frames: `for frame in source: ...`."""

    def __init__(self, options: VideoSourceOptions) -> None:
        self.options = options
        self.info = options.info or probe_video(options.path)
        idx = options.indices if options.indices is not None else sample_indices(self.info.times, options.fps)
        self.indices = np.asarray(idx, dtype=np.int64)
        self.size = working_size(self.info.width, self.info.height, options.max_side)
        self._container: Any = None

    @classmethod
    def create_from_options(cls, options: VideoSourceOptions) -> VideoFileSource:
        return cls(options)

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def __len__(self) -> int:
        return len(self.indices)

    def __iter__(self) -> Iterator[Frame]:
        import av

        if not len(self.indices):
            return
        info = self.info
        wanted = set(self.indices.tolist())
        first, last = int(self.indices.min()), int(self.indices.max())
        # Decoders emit frames in presentation order, so the k-th frame out has the k-th smallest pts
        # (this also repairs AVI files whose B-frames carry decode-order timestamps).
        keys = info.keyframes[info.keyframes <= first]
        counter = -1
        try:
            for counter, frame in self._numbered(int(keys[-1]) if len(keys) else 0):
                if counter in wanted:
                    yield Frame(counter, float(info.times[counter]), to_rgb(frame, info.rotation, self.size))
                if counter >= last:
                    break
        except av.error.FFmpegError:
            raise InputError(
                f"{info.path} is truncated or corrupt (decoding failed at frame {counter + 1})"
            ) from None

    def _numbered(self, start: int) -> Iterator[tuple[int, Any]]:
        """(index, VideoFrame) from keyframe `start` on; falls back to decoding from the beginning."""
        self.close()
        self._container = _open(self.info.path)
        stream = self._container.streams.video[0]
        if self.options.decode_threads:
            stream.thread_type = "AUTO"
        if start > 0:
            self._container.seek(int(self.info.pts[start]), stream=stream, backward=True, any_frame=False)
        decoded = self._container.decode(stream)
        if start > 0:
            head = next(decoded, None)
            if head is None or head.pts != int(self.info.pts[start]):  # the seek missed: start over
                yield from self._numbered(0)
                return
            yield start, head
        yield from enumerate(decoded, start=start + (1 if start > 0 else 0))


@dataclass
class CameraSourceOptions:
    """Options of `CameraSource`: an OpenCV device index or stream URL."""

    device: int | str = 0
    fps: float | None = None
    max_side: int | None = 1280


class CameraSource:
    """Frames from a camera (cv2.VideoCapture), timed by a monotonic clock since opening."""

    def __init__(self, options: CameraSourceOptions) -> None:
        import cv2

        self.options = options
        self._cap = cv2.VideoCapture(options.device)
        if not self._cap.isOpened():
            raise InputError(f"camera {options.device!r} could not be opened")

    @classmethod
    def create_from_options(cls, options: CameraSourceOptions) -> CameraSource:
        return cls(options)

    def __enter__(self) -> CameraSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._cap.release()

    def __iter__(self) -> Iterator[Frame]:
        import time

        import cv2

        start = time.monotonic()
        next_t = 0.0
        i = 0
        while True:
            ok, bgr = self._cap.read()
            if not ok:
                return
            t = time.monotonic() - start
            if self.options.fps and t + 1e-3 < next_t:
                continue
            next_t = t + 1.0 / self.options.fps if self.options.fps else t
            h, w = bgr.shape[:2]
            size = working_size(w, h, self.options.max_side)
            if size != (w, h):
                bgr = cv2.resize(bgr, size, interpolation=cv2.INTER_LINEAR)
            yield Frame(i, t, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            i += 1
