"""Fault-injection fixtures: a tiny real clip, the processes of a process group, a small full disk."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("cuedetect"))
REPO = Path(__file__).resolve().parents[2]


def cut_clip(src: Path, dst: Path, seconds: float, width: int, fps: int = 10) -> Path:
    """The first `seconds` of a sample video, scaled to `width`, at `fps` (a real, small H.264 clip)."""
    import av

    with av.open(str(src)) as ic, av.open(str(dst), "w") as oc:
        ist = ic.streams.video[0]
        ost = oc.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        height = round(ist.height * width / ist.width / 2) * 2
        ost.width, ost.height, ost.pix_fmt = width, height, "yuv420p"
        step, n = max(1, round(float(ist.average_rate) / fps)), 0
        for i, frame in enumerate(ic.decode(ist)):
            if frame.time is not None and frame.time > seconds:
                break
            if i % step:
                continue
            img = frame.reformat(width=width, height=height, format="yuv420p")
            img.pts, img.time_base = n, Fraction(1, fps)
            n += 1
            for packet in ost.encode(img):
                oc.mux(packet)
        for packet in ost.encode():
            oc.mux(packet)
    return dst


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """9 s of the standoff sample at 320 px and 10 fps: two people, long enough for two pose workers."""
    out = tmp_path_factory.mktemp("clip") / "tiny.mp4"
    return cut_clip(REPO / "sample_videos" / "standoff" / "standoff.mp4", out, 9.0, 320)


def group_processes(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            found.append(int(entry))
    return found


def wait_gone(pgid: int, seconds: float) -> tuple[float, list[int]]:
    """Seconds until the group has no live process (or `seconds`), and what is left."""
    t0 = time.monotonic()
    while (left := group_processes(pgid)) and time.monotonic() - t0 < seconds:
        time.sleep(0.05)
    return time.monotonic() - t0, left


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, 9)


@contextlib.contextmanager
def small_fs(size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` KiB mounted for the test (needs root, as on CI), unmounted afterwards."""
    mnt = Path("/tmp") / f"cuedetect-fault-{uuid.uuid4().hex[:8]}"
    mnt.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0777", "tmpfs", str(mnt)],
                       check=True, capture_output=True, text=True)  # fmt: skip
        try:
            yield mnt
        finally:
            for _ in range(20):
                if subprocess.run(["umount", str(mnt)], capture_output=True).returncode == 0:
                    break
                time.sleep(0.25)
            else:
                subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
    finally:
        with contextlib.suppress(OSError):
            mnt.rmdir()


def fill(fs: Path, leave_bytes: int) -> Path:
    """Fill the file system at `fs` so that about `leave_bytes` stay free; returns the filler file."""
    filler = fs / "filler.bin"
    st = os.statvfs(fs)
    free = st.f_bavail * st.f_frsize
    with open(filler, "ab") as fh:
        fh.write(b"\0" * max(0, free - leave_bytes))
    return filler
