"""Frame sources: exact timestamps (also variable frame rate), even sampling in time, rotation, bad files."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.errors import InputError
from cuedetect.pose.sources import (
    VideoFileSource,
    VideoSourceOptions,
    probe_video,
    sample_indices,
    working_size,
)

W, H = 96, 64


def frame_image(i: int) -> np.ndarray:
    """A frame whose brightness encodes its number, with a white marker in the top-left corner."""
    img = np.full((H, W, 3), (i * 8) % 200 + 20, np.uint8)
    img[:8, :12] = 255
    return img


def write_video(path: Path, times: list[float], rotation: int = 0, gop: int = 12) -> Path:
    """An H.264 mp4 with frames at exactly `times` (seconds, 1/1000 time base)."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30, options={"g": str(gop), "bf": "2"})
        s.width, s.height, s.pix_fmt = W, H, "yuv420p"
        s.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            s.set_display_rotation(rotation)
        for i, t in enumerate(times):
            vf = av.VideoFrame.from_ndarray(frame_image(i), format="rgb24")
            vf.pts, vf.time_base = round(t * 1000), Fraction(1, 1000)
            for p in s.encode(vf):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


@pytest.fixture(scope="module")
def cfr(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_video(tmp_path_factory.mktemp("v") / "cfr.mp4", [i / 30 for i in range(90)])


@pytest.fixture(scope="module")
def vfr(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.choice([1 / 60, 1 / 30, 1 / 10], size=80)).round(3).tolist()
    return write_video(tmp_path_factory.mktemp("v") / "vfr.mp4", times), times


def test_timestamps_are_pyav_times_and_monotonic(vfr: tuple[Path, list[float]]) -> None:
    path, times = vfr
    with VideoFileSource(VideoSourceOptions(path, fps=None)) as src:
        frames = list(src)
    got = [f.t for f in frames]
    assert [f.index for f in frames] == list(range(len(times)))
    assert np.allclose(got, times, atol=1e-3)  # not index / fps: the gaps differ
    assert np.all(np.diff(got) > 0)
    brightness = [int(f.image[H // 2, W // 2].mean()) for f in frames]
    assert np.allclose(brightness, [(i * 8) % 200 + 20 for i in range(len(times))], atol=6)


@pytest.mark.parametrize("fps, expected_step", [(15, 2), (10, 3), (30, 1), (60, 1), (7.5, 4)])
def test_sampling_picks_evenly_spaced_frames(cfr: Path, fps: float, expected_step: int) -> None:
    with VideoFileSource(VideoSourceOptions(cfr, fps=fps)) as src:
        idx = [f.index for f in src]
    assert np.all(np.diff(idx) == expected_step)


@settings(max_examples=60, deadline=None)
@given(
    gaps=st.lists(st.floats(0.005, 0.2), min_size=2, max_size=200),
    fps=st.floats(1.0, 40.0),
)
def test_sample_indices_nearest_to_each_target(gaps: list[float], fps: float) -> None:
    times = np.concatenate([[0.0], np.cumsum(gaps)])
    idx = sample_indices(times, fps)
    assert np.all(np.diff(idx) > 0)  # each frame once, in order
    if fps * times[-1] >= (len(times) - 1) * 0.999:
        assert len(idx) == len(times)
        return
    # Every target time t0 + k / fps has a chosen frame no farther than the nearest frame to it.
    for k in range(int(times[-1] * fps) + 1):
        target = k / fps
        best = np.abs(times - target).min()
        assert np.abs(times[idx] - target).min() <= best + 1e-9
    assert len(idx) <= times[-1] * fps + 1


def test_sample_indices_even_on_variable_frame_rate(vfr: tuple[Path, list[float]]) -> None:
    _, times = vfr
    idx = sample_indices(np.asarray(times), 5)
    chosen = np.asarray(times)[idx]
    # The chosen frames track the 0.2 s grid: none is farther from its target than the biggest gap.
    targets = times[0] + np.arange(len(idx)) * 0.2
    assert np.abs(chosen[: len(targets)] - targets[: len(chosen)]).max() <= 0.1 + 1e-6


@pytest.mark.parametrize(
    "rotation, size, marker",
    [
        (0, (W, H), "top_left"),
        (90, (H, W), "bottom_left"),
        (180, (W, H), "bottom_right"),
        (270, (H, W), "top_right"),
    ],
)
def test_rotation_metadata_is_applied(tmp_path: Path, rotation: int, size: tuple, marker: str) -> None:
    path = write_video(tmp_path / f"rot{rotation}.mp4", [i / 30 for i in range(3)], rotation=rotation)
    info = probe_video(path)
    assert (info.width, info.height) == size
    with VideoFileSource(VideoSourceOptions(path, fps=None)) as src:
        img = next(iter(src)).image
    assert (img.shape[1], img.shape[0]) == size
    corners = {
        "top_left": img[:3, :3], "top_right": img[:3, -3:],
        "bottom_left": img[-3:, :3], "bottom_right": img[-3:, -3:],
    }  # fmt: skip
    assert max(corners, key=lambda k: corners[k].mean()) == marker


def test_chunk_seeking_gives_the_same_frames(cfr: Path) -> None:
    with VideoFileSource(VideoSourceOptions(cfr, fps=15)) as src:
        whole = {f.index: f for f in src}
        later = src.indices[len(src.indices) // 2 :]
    with VideoFileSource(VideoSourceOptions(cfr, indices=later)) as part:
        frames = list(part)
    assert [f.index for f in frames] == list(later)
    for f in frames:
        assert f.t == whole[f.index].t
        assert np.array_equal(f.image, whole[f.index].image)


@pytest.mark.parametrize(
    "size, max_side, expected",
    [((1280, 720), 1280, (1280, 720)), ((3840, 2160), 1280, (1280, 720)), ((2160, 3840), 1280, (720, 1280)),
     ((640, 480), 1280, (640, 480)), ((1768, 994), 1280, (1280, 720))],
)  # fmt: skip
def test_working_size(size: tuple[int, int], max_side: int, expected: tuple[int, int]) -> None:
    assert working_size(*size, max_side) == expected


def test_truncated_file_is_refused(cfr: Path, tmp_path: Path) -> None:
    data = cfr.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputError, match=r"truncated|not a readable video"):
        probe_video(cut)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_bytes(b""), "empty"),
        (lambda p: p.write_text("hello, I am not a video\n"), "not a readable video"),
        (lambda p: p.mkdir(), "folder"),
    ],
)
def test_bad_paths(tmp_path: Path, make, message: str) -> None:
    p = tmp_path / "input.mp4"
    make(p)
    with pytest.raises(InputError, match=message) as err:
        probe_video(p)
    assert "\n" not in str(err.value)


def test_audio_only_file_has_no_video_stream(tmp_path: Path) -> None:
    path = tmp_path / "audio.m4a"
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        frame.sample_rate = 8000
        for p in s.encode(frame):
            c.mux(p)
        for p in s.encode():
            c.mux(p)
    with pytest.raises(InputError, match="no video stream"):
        probe_video(path)


def test_camera_source_has_the_same_interface(cfr: Path) -> None:
    """OpenCV opens a file like a stream URL: frames come as RGB `Frame`s with rising times."""
    from cuedetect.pose.sources import CameraSource, CameraSourceOptions

    with CameraSource.create_from_options(CameraSourceOptions(str(cfr), max_side=48)) as cam:
        frames = [f for _, f in zip(range(10), cam, strict=False)]
    assert [f.index for f in frames] == list(range(10))
    assert all(f.image.shape == (32, 48, 3) and f.image.dtype == np.uint8 for f in frames)
    assert np.all(np.diff([f.t for f in frames]) >= 0)
    assert frames[0].image[:4, :6].mean() > 200  # the white marker, top-left: RGB, not upside down


def test_camera_that_cannot_open_is_an_input_error(tmp_path: Path) -> None:
    from cuedetect.pose.sources import CameraSource, CameraSourceOptions

    with pytest.raises(InputError, match="could not be opened"):
        CameraSource(CameraSourceOptions(str(tmp_path / "no-such-stream.mp4")))
