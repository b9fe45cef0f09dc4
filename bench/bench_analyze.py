"""Benchmark: `cuedetect analyze` on a 2-person 720p 30 fps recording, 15 fps analysis, full model, 2 cores.

Prints the end-to-end speed (analysed frames per second and x real time, start-up and cue detection
included) and the pose model's own inference cost measured alone on the same frames (one VIDEO-mode
PoseLandmarker with `num_poses=2`, decoding excluded), so the two can be compared: the model's cost is
the floor.

Inputs (written once into .cache/bench/, which git ignores):

* `--input roleplay` (default): the committed two-person role-play sample `standoff` (rendered studio
  pixels, 960x540, 25 fps) scaled to 1280x720, played at 30 fps forward and back to `--seconds`
  (default 180, a short role-play). Both people are in view all the time, as in a role-play.
* `--input real`: ../shared/clips/two_people_walking.mp4 (real people, 1768x994; they run, jump and
  leave the view, so people are searched for and re-found often) at 1280x720, 30 fps.
* `--video V`: any video.

    .venv/bin/python bench/bench_analyze.py [--input roleplay|real] [--seconds 180] [--jobs 2] [--fps 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CLIP = REPO.parent / "shared" / "clips" / "two_people_walking.mp4"
CACHE = REPO / ".cache" / "bench"  # ignored by git


def _write_720p30(out: Path, frames: list[np.ndarray], seconds: float) -> Path:
    """`frames` (RGB) at 1280x720, 30 fps, played forward and back to `seconds` (continuous motion)."""
    import av
    import cv2

    CACHE.mkdir(parents=True, exist_ok=True)
    frames = [
        cv2.resize(f, (1280, 720), interpolation=cv2.INTER_AREA if f.shape[1] > 1280 else cv2.INTER_CUBIC)
        for f in frames
    ]
    seq = frames + frames[-2:0:-1]
    n = int(seconds * 30)
    tmp = out.with_suffix(".tmp.mp4")
    with av.open(str(tmp), "w") as c:
        s = c.add_stream("libx264", rate=30, options={"crf": "20", "preset": "veryfast"})
        s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
        for i in range(n):
            for p in s.encode(av.VideoFrame.from_ndarray(seq[i % len(seq)], format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    tmp.replace(out)
    return out


def _frames(video: Path) -> list[np.ndarray]:
    import av

    with av.open(str(video)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def bench_video(kind: str, seconds: float) -> Path:
    """The cached 720p30 input of `kind` ("roleplay" or "real"), made on first use."""
    from cuedetect.paths import sample_videos_dir

    source = sample_videos_dir() / "standoff" / "standoff.mp4" if kind == "roleplay" else CLIP
    out = CACHE / f"{source.stem}_720p30_{int(seconds)}s.mp4"
    return out if out.exists() else _write_720p30(out, _frames(source), seconds)


def model_alone(video: Path, fps: float, model: Path, max_frames: int = 150) -> dict[str, float]:
    """ms per frame of one VIDEO-mode PoseLandmarker (num_poses=2) on the analysed frames, decode excluded."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from cuedetect.pose.detector import quiet_native_logs
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    with VideoFileSource(VideoSourceOptions(video, fps=fps)) as src:
        frames = [f for _, f in zip(range(max_frames), src, strict=False)]
    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=2,
    )
    with quiet_native_logs(), vision.PoseLandmarker.create_from_options(opts) as lm:
        found, spent, cpu = [], 0.0, 0.0
        for f in frames:
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=f.image)
            t, c = time.perf_counter(), time.process_time()
            res = lm.detect_for_video(image, round(f.t * 1000))
            spent += time.perf_counter() - t
            cpu += time.process_time() - c
            found.append(len(res.pose_landmarks))
    return {
        "ms_per_frame": 1000 * spent / len(frames),
        "cpu_ms_per_frame": 1000 * cpu / len(frames),
        "mean_persons": float(np.mean(found)),
        "frames": len(frames),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the spawned workers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def res_persons_per_frame(res: dict) -> float:
    return sum(p["frames_detected"] for p in res["persons"]) / max(res["analysed_frames"], 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", choices=("roleplay", "real"), default="roleplay")
    ap.add_argument("--video", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fps", type=float, default=15.0)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--model", default="full")
    ap.add_argument("--no-hands", action="store_true", help="Skip the hand stage (to see what it costs).")
    args = ap.parse_args()
    os.environ.setdefault("GLOG_minloglevel", "2")

    from cuedetect.analysis.orchestrator import AnalyzeOptions, analyze
    from cuedetect.models.provision import ensure_model
    from cuedetect.pose.detector import quiet_native_logs
    from cuedetect.pose.sources import probe_video

    video = args.video or bench_video(args.input, args.seconds)
    info = probe_video(video)
    model = ensure_model(args.model)
    print(f"video: {video} ({info.width}x{info.height}, {info.average_fps:.1f} fps, {info.duration:.1f} s)")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")

    out = Path(tempfile.mkdtemp(prefix="bench-analyze-")) / "out"
    try:
        cpu0 = cpu_seconds()
        t = time.perf_counter()
        with quiet_native_logs():
            res = analyze(AnalyzeOptions(video, out, fps=args.fps, model=args.model, jobs=args.jobs,
                                         hands=not args.no_hands))  # fmt: skip
        wall = time.perf_counter() - t
        cpu = cpu_seconds() - cpu0
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)
    n = res["analysed_frames"]
    w = res["worker_timings_s"]
    calls = res["model_calls"]
    print(f"\nanalyze --fps {args.fps:g} --model {args.model} --jobs {args.jobs}: {n} frames in {wall:.1f} s")
    print(
        f"  end to end: {n / wall:.1f} analysed frames/s, {info.duration / wall:.2f}x real time "
        f"(target >= 3x), persons found: {len(res['persons'])}"
    )
    print(
        f"  per frame, summed over workers: decode+convert {1000 * w['decode_s'] / n:.1f} ms, "
        f"pose {1000 * w['pose_s'] / n:.1f} ms, tracking {1000 * w['track_s'] / n:.1f} ms"
    )
    print(
        f"  model calls per frame: {calls.get('track', 0) / n:.2f} per-person crops, "
        f"{calls.get('search', 0) / n:.3f} whole-frame and {calls.get('search_half', 0) / n:.3f} half-frame "
        f"searches, {calls.get('backfill', 0) / n:.3f} backfills"
    )
    print("  stages (s): " + ", ".join(f"{k} {v:.1f}" for k, v in res["timings_s"].items()))
    if "hands_cpu_s" in w:
        print(
            f"  hand stage: {calls.get('hand_crops', 0) / n:.2f} hand crops read per frame, "
            f"{1000 * w['hands_cpu_s'] / n:.1f} ms CPU per frame, "
            f"{res['timings_s'].get('hands_s', 0.0):.1f} s wall"
        )
    loop_ms = 1000 * w["cpu_loop_s"] / n
    print(
        f"  CPU time {cpu:.1f} s over all processes = {1000 * cpu / n:.1f} ms per analysed frame "
        f"(the workers' frame loops {loop_ms:.1f} ms); {cpu / wall:.2f} of {os.cpu_count()} cores busy"
    )

    alone = model_alone(video, args.fps, model)
    ms = alone["ms_per_frame"]
    floor_x = args.jobs * 1000 / ms / args.fps
    cpu_ms = alone["cpu_ms_per_frame"]
    print(
        f"\npose model alone (VIDEO mode, num_poses=2, one core, {alone['frames']} frames): "
        f"{ms:.1f} ms/frame,"
        f" {alone['mean_persons']:.2f} persons/frame found"
    )
    print(
        f"  => on {args.jobs} cores at {args.fps:g} fps the model alone would allow {floor_x:.2f}x real time "
        f"(perfect scaling, nothing else to do); the pipeline reaches "
        f"{info.duration / wall / floor_x:.0%} of that"
    )
    per_person = cpu_ms / max(alone["mean_persons"], 1e-9)
    print(
        f"  CPU time of the model alone: {cpu_ms:.1f} ms per frame ({per_person:.1f} ms per person found); "
        f"the pipeline spends {1000 * cpu / n:.1f} ms per frame ({1000 * cpu / n / cpu_ms:.2f}x the model "
        f"alone, finding {res_persons_per_frame(res):.2f} persons/frame)"
    )


if __name__ == "__main__":
    main()
