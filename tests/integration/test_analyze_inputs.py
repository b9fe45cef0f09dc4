"""`cuedetect analyze` on bad and awkward inputs: one-line errors, non-zero exits, nothing left behind;
a 4K portrait video is analysed; an interrupted run keeps the earlier result."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import numpy as np
import pandas as pd
import pytest

CLI = [str(Path(sys.executable).with_name("cuedetect"))]


def run(args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "analyze", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def write_video(path: Path, frames: list[np.ndarray], fps: int) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
        s.height, s.width = frames[0].shape[:2]
        s.pix_fmt = "yuv420p"
        for img in frames:
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def empty_room(path: Path) -> Path:
    """Two seconds of a softly lit empty wall: a colour gradient, slowly brightening."""
    x = np.linspace(0, 1, 640)[None, :, None]
    y = np.linspace(0, 1, 360)[:, None, None]
    base = 60 + 120 * x * np.array([1.0, 0.8, 0.6]) + 50 * y
    return write_video(path, [np.clip(base + i, 0, 255).astype(np.uint8) for i in range(30)], 15)


def truncated(clips: Path, path: Path) -> Path:
    data = (clips / "one_person_gestures.mp4").read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


BAD_INPUTS = [
    ("missing", lambda clips, p: p, "does not exist"),
    (
        "text_renamed",
        lambda clips, p: (p.write_text("not a video, just text\n"), p)[1],
        "not a readable video",
    ),
    ("zero_length", lambda clips, p: (p.write_bytes(b""), p)[1], "empty"),
    ("truncated", truncated, "truncated"),
    ("no_person", lambda clips, p: empty_room(p), "no person found"),
]


@pytest.mark.parametrize("name, make, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gives_one_line_error_and_no_output(
    clips_dir: Path, tmp_path: Path, name: str, make, message: str
) -> None:
    video = make(clips_dir, tmp_path / f"{name}.mp4")
    out = tmp_path / "out"
    proc = run([str(video), "--out", str(out), "--jobs", "1", "--fps", "5"])
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert not out.exists()


BAD_PHRASE_LISTS = [
    ("missing", None, "cannot read the phrase list"),
    (
        "unheard_word",
        'version = 1\n[cues.insult]\nby = "client"\nphrases = ["zzxqv"]\n',
        "dictionary lacks zzxqv",
    ),
]


@pytest.mark.parametrize("name, text, message", BAD_PHRASE_LISTS, ids=[b[0] for b in BAD_PHRASE_LISTS])
def test_a_bad_phrase_list_is_refused_before_the_analysis(tmp_path: Path, name: str, text: str | None,
                                                          message: str) -> None:  # fmt: skip
    """The list is checked first: the empty room would otherwise fail later with "no person found"."""
    phrases = tmp_path / f"{name}.toml"
    if text is not None:
        phrases.write_text(text)
    out = tmp_path / "out"
    proc = run([str(empty_room(tmp_path / "room.mp4")), "--out", str(out), "--phrases", str(phrases)])
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode != 0 and len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and message in lines[0]
    assert not out.exists()


def test_4k_portrait_video_is_analysed(clips_dir: Path, tmp_path: Path) -> None:
    """The portrait clip scaled to 2160x3840 gives the same people at the same normalized places."""
    import cv2

    with av.open(str(clips_dir / "two_people_outdoors.mp4")) as c:
        small = [f.to_ndarray(format="rgb24") for _, f in zip(range(12), c.decode(video=0), strict=False)]
    big = [cv2.resize(f, (2160, 3840), interpolation=cv2.INTER_CUBIC) for f in small]
    video = write_video(tmp_path / "portrait_4k.mp4", big, 12)
    out = tmp_path / "out"
    proc = run([str(video), "--out", str(out), "--jobs", "1", "--fps", "6"])
    assert proc.returncode == 0, proc.stderr
    analysis = json.loads((out / "analysis.json").read_text())
    assert analysis["source_size"] == [2160, 3840]
    assert analysis["working_size"] == [720, 1280]
    poses = pd.read_parquet(out / "poses.parquet")
    assert sorted(poses["person"].unique()) == [0, 1]
    # People stand on the left and the right, full height: hips well inside the frame.
    hips_x = poses.groupby("person")[["x23", "x24"]].mean().mean(axis=1)
    assert hips_x.min() < 0.4 and hips_x.max() > 0.6
    assert poses[["y23", "y24"]].stack().between(0.3, 0.8).all()


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_out_dir_refused_unless_overwrite_and_interrupted_run_keeps_earlier_result(
    clips_dir: Path, tmp_path: Path
) -> None:
    clip = clips_dir / "two_people_outdoors.mp4"
    out = tmp_path / "out"
    first = run([str(clip), "--out", str(out), "--jobs", "1", "--fps", "4"])
    assert first.returncode == 0, first.stderr
    before = _digest(out)
    assert set(before) == {"poses.parquet", "pairs.parquet", "hands.parquet", "events.json", "analysis.json"}

    refused = run([str(clip), "--out", str(out), "--jobs", "1", "--fps", "4"])
    assert refused.returncode != 0 and "--overwrite" in refused.stderr
    assert _digest(out) == before

    # A second run is interrupted (Ctrl-C) while it tracks: the first result stays as it was.
    proc = subprocess.Popen(
        [
            *CLI,
            "analyze",
            str(clip),
            "--out",
            str(out),
            "--overwrite",
            "--fps",
            "12",
            "--jobs",
            "1",
            "--annotate",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not any(out.glob(".partial-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0, err
    assert _digest(out) == before
    assert not list(out.glob(".partial-*"))

    again = run([str(clip), "--out", str(out), "--jobs", "1", "--fps", "4", "--overwrite"])
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "analysis.json").read_text())["analysed_frames"] > 0
    assert os.access(out / "poses.parquet", os.R_OK)
