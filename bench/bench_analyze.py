"""Benchmark: cuedetect's analysis beside the naive baseline, on the same frames, in one run.

cuedetect: `analyze()` (the orchestrator every entry point calls) on a 2-person 720p 30 fps recording at
15 fps, full model, 2 pose workers, everything included (model provisioning check, tracking, cleaning,
floor, cue detection with the model load, writing the results).

The naive baseline: MediaPipe's PoseLandmarker alone in one process, VIDEO mode, `num_poses=2`, on the
same analysed frames (decoded the same way), created and closed inside the timing. It loses the second
person now and then and gives no ids, floor or cues: it is the cost of "just run the model".

Both run back to back in this process, under the same load (printed beside them): on a shared machine
the ratio of the two is the number to read, not either time alone. Then the breakdown of where
cuedetect's time goes: per analysed frame (model, crops, matching, decode) and per run (start-up,
cue model load, the stages after tracking).

Inputs (written once into .cache/bench/, which git ignores):

* `--input roleplay` (default): the committed two-person role-play sample `standoff` (rendered studio
  pixels, 960x540, 25 fps) scaled to 1280x720, played at 30 fps forward and back to `--seconds`
  (default 62, the length issue 12 measures). Both people are in view all the time, as in a role-play.
  Rendered people hold perfectly still, though: two thirds of its consecutive person crops are the same
  picture (under 0.1 grey levels apart; 0-5% on six real clips), so a lever that skips unchanged pixels
  (`--still-poses on`) gains far more here than on real footage (README, Speed).
* `--input real`: ../shared/clips/two_people_walking.mp4 (real people, 1768x994; they run, jump and
  leave the view, so people are searched for and re-found often) at 1280x720, 30 fps.
* `--video V`: any video.

    .venv/bin/python bench/bench_analyze.py [--input roleplay|real] [--seconds 62] [--jobs 2] [--fps 15]
        [--model full|lite] [--no-hands] [--no-speech] [--still-poses on|off]

`--still-poses off` / `on` overrides the default of `AnalyzeOptions.still_poses` (a person crop unchanged
since its last read keeps that read's landmarks; `cuedetect.pose.still_gate`), to time both.
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


def _write_720p30(
    out: Path, frames: list[np.ndarray], seconds: float, sound: np.ndarray | None = None
) -> Path:
    """`frames` (RGB) at 1280x720, 30 fps, played forward and back to `seconds` (continuous motion), with
    `sound` ((channels, n) at 16 kHz) repeated to the same length."""
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
        a = None
        if sound is not None:
            a = c.add_stream("aac", rate=16000, layout="stereo" if sound.shape[0] == 2 else "mono")
            a.bit_rate = 64000
        for i in range(n):
            for p in s.encode(av.VideoFrame.from_ndarray(seq[i % len(seq)], format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
        if a is not None:
            reps = int(np.ceil(seconds * 16000 / sound.shape[1]))
            x = np.ascontiguousarray(np.tile(sound, (1, reps))[:, : int(seconds * 16000)], dtype=np.float32)
            layout = "stereo" if x.shape[0] == 2 else "mono"
            for k in range(0, x.shape[1], 1024):
                fr = av.AudioFrame.from_ndarray(
                    np.ascontiguousarray(x[:, k : k + 1024]), format="fltp", layout=layout
                )
                fr.sample_rate, fr.pts = 16000, k
                for p in a.encode(fr):
                    c.mux(p)
            for p in a.encode(None):
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
    from cuedetect.voice.decode import decode_audio

    source = sample_videos_dir() / "standoff" / "standoff.mp4" if kind == "roleplay" else CLIP
    out = CACHE / f"{source.stem}_720p30_{int(seconds)}s_sound.mp4"
    if out.exists():
        return out
    track = decode_audio(source)  # the role-play's dialogue (two lapel channels); the real clip's sound
    return _write_720p30(out, _frames(source), seconds, None if track is None else track.samples)


def naive_baseline(video: Path, fps: float, model: Path) -> dict[str, float]:
    """MediaPipe's PoseLandmarker alone (VIDEO mode, num_poses=2) over the analysed frames, one process.

    Timed end to end like cuedetect: landmarker creation, decoding (the same source and frame choice as
    cuedetect's workers) and inference. Also returns the seconds spent inside the landmarker.
    """
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from cuedetect.pose.detector import quiet_native_logs
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    t0 = time.perf_counter()
    cpu0 = cpu_seconds()
    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=2,
    )
    found, inside, frames = 0, 0.0, 0
    with (
        quiet_native_logs(),
        vision.PoseLandmarker.create_from_options(opts) as lm,
        VideoFileSource(VideoSourceOptions(video, fps=fps)) as src,
    ):
        for f in src:
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=f.image)
            t = time.perf_counter()
            res = lm.detect_for_video(image, round(f.t * 1000))
            inside += time.perf_counter() - t
            found += len(res.pose_landmarks)
            frames += 1
    return {
        "wall_s": time.perf_counter() - t0,
        "cpu_s": cpu_seconds() - cpu0,
        "model_s": inside,
        "frames": frames,
        "persons_per_frame": found / max(frames, 1),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the spawned workers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min)"


def persons_per_frame(rec: dict) -> float:
    return sum(p["frames_detected"] for p in rec["persons"]) / max(rec["analysed_frames"], 1)


def run_cuedetect(video: Path, args: argparse.Namespace) -> tuple[dict, float, float]:
    """analysis.json's content (with `cpu_by_stage`: `Analysis.cpu`, each stage's CPU over all processes),
    wall seconds and CPU seconds (all processes) of one `analyze()`."""
    from cuedetect.analysis import AnalyzeOptions, analyze
    from cuedetect.pose.detector import quiet_native_logs

    out = Path(tempfile.mkdtemp(prefix="bench-analyze-")) / "out"
    try:
        cpu0 = cpu_seconds()
        t = time.perf_counter()
        with quiet_native_logs():
            options = AnalyzeOptions(out, args.fps, args.model, args.jobs, hands=not args.no_hands,
                                     speech=not args.no_speech)  # fmt: skip
            if args.still_poses:
                options.still_poses = args.still_poses == "on"
            res = analyze(video, options)
        wall, cpu = time.perf_counter() - t, cpu_seconds() - cpu0
        record = dict(res.record)
        record["cpu_by_stage"] = dict(res.cpu)  # all processes, outputs and register included
        return record, wall, cpu
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def voice_report(video: Path, res: dict, cpu: float = 0.0) -> None:
    """The audio stage's share of the analysis, beside a naive audio stage timed in the same run (pitch
    by YIN on every 10 ms frame of every channel at 16 kHz, no voice-activity gating, no decimation)."""
    from cuedetect.voice import signal
    from cuedetect.voice.decode import decode_audio

    audio = res.get("audio") or {}
    if not audio.get("present"):
        print(f"\naudio stage: no audio track ({'; '.join(audio.get('notes', []))})")
        return
    spent, total = res["timings_s"].get("voice_s", 0.0), res["timings_s"]["total_s"]
    print(f"\naudio stage (decode, loudness, VAD, pitch, rate, voice cues): {spent:.2f} s of {total:.1f} s = "
          f"{100 * spent / total:.1f}% of the analysis (target < 5%); {audio['duration_s']:.0f} s of "
          f"{audio['channels_analysed']}-channel audio")  # fmt: skip
    if "cpu_s" in audio and cpu:
        share = 100 * audio["cpu_s"] / cpu
        print(f"  CPU: {audio['cpu_s']:.2f} s of {cpu:.1f} s over all processes = {share:.1f}%")
    track = decode_audio(video)
    t = time.perf_counter()
    for ch in track.samples:
        signal.yin(ch, track.rate)
    naive = time.perf_counter() - t
    print(f"  naive baseline, pitch alone on every frame at 16 kHz: {naive:.2f} s "
          f"({100 * naive / total:.1f}% of the analysis)")  # fmt: skip
    speech = res.get("speech") or {}
    if speech.get("present"):  # the transcript (pocketsphinx) is a stage of its own, after the audio stage
        took = res["timings_s"].get("speech_s", 0.0)
        print(f"speech stage (transcript, verbal cues; not part of the audio stage): {took:.2f} s = "
              f"{100 * took / total:.1f}% of the analysis, CPU {speech.get('cpu_s', 0.0):.2f} s = "
              f"{100 * speech.get('cpu_s', 0.0) / max(cpu, 1e-9):.1f}%")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", choices=("roleplay", "real"), default="roleplay")
    ap.add_argument("--video", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fps", type=float, default=15.0)
    ap.add_argument("--seconds", type=float, default=62.0)
    ap.add_argument("--model", default="full")
    ap.add_argument("--no-hands", action="store_true", help="Skip the hand stage (to see what it costs).")
    ap.add_argument("--no-speech", action="store_true", help="Skip the transcript (to see what it costs).")
    ap.add_argument("--still-poses", choices=("on", "off"), help="Override the still-crop gate's default.")
    args = ap.parse_args()
    os.environ.setdefault("GLOG_minloglevel", "2")

    from cuedetect.models.provision import ensure_model
    from cuedetect.pose.sources import probe_video

    video = args.video or bench_video(args.input, args.seconds)
    info = probe_video(video)
    model = ensure_model(args.model)
    print(f"video: {video} ({info.width}x{info.height}, {info.average_fps:.1f} fps, {info.duration:.1f} s)")
    hands = "no hand stage" if args.no_hands else "hand stage on"
    hands += ", no speech" if args.no_speech else ""
    from cuedetect.analysis import AnalyzeOptions

    still = AnalyzeOptions(Path()).still_poses if args.still_poses is None else args.still_poses == "on"
    hands += f", still-crop gate {'on' if still else 'off'}"
    print(
        f"analysis: {args.fps:g} fps, {args.model} model, {args.jobs} pose workers, {hands}, "
        f"{os.cpu_count()} cores"
    )

    loads = [load()]
    base = naive_baseline(video, args.fps, model)
    loads.append(load())
    rec, wall, cpu = run_cuedetect(video, args)
    loads.append(load())
    rtf, base_rtf = info.duration / wall, info.duration / base["wall_s"]
    print(f"\n{'':<36}{'wall s':>8}{'x real time':>13}{'CPU s':>8}{'persons/frame':>15}")
    row = "{:<36}{:>8.1f}{:>13.2f}{:>8.1f}{:>15.2f}"
    print(row.format("naive baseline (landmarker alone)", base["wall_s"], base_rtf, base["cpu_s"],
                     base["persons_per_frame"]))  # fmt: skip
    print(row.format("cuedetect analyze()", wall, rtf, cpu, persons_per_frame(rec)))
    print(f"ratio: cuedetect runs {base['wall_s'] / wall:.2f}x as fast as the baseline (target >= 1.7x), "
          f"{rtf:.2f}x real time (target >= 3x)")  # fmt: skip
    print(f"load average before / between / after: {loads[0]}; {loads[1]}; {loads[2]}")
    n = rec["analysed_frames"]
    ours, theirs = 1000 * cpu / n, 1000 * base["cpu_s"] / max(base["frames"], 1)
    print(f"CPU per analysed frame (load-independent): cuedetect {ours:.1f} ms, baseline {theirs:.1f} ms; on "
          f"{args.jobs} idle cores cuedetect could run at most {args.jobs * theirs / ours:.2f}x as fast as "
          "the one-process baseline")  # fmt: skip
    breakdown(rec, wall, cpu, base, args.jobs)
    stage_cpu_table(rec, base, cpu, args.jobs)
    voice_report(video, rec, cpu)


def stage_cpu_table(rec: dict, base: dict, cpu: float, jobs: int) -> None:
    """CPU per analysed frame by stage (all processes), the baseline's beside: what is left to cut."""
    n = rec["analysed_frames"]
    by = dict(rec["cpu_by_stage"])
    by["other"] = max(cpu - sum(by.values()), 0.0)  # imports and the orchestrator between stages
    w, calls = rec["worker_timings_s"], rec["model_calls"]
    loops = {
        "poses": w.get("cpu_setup_s", 0.0) + w.get("cpu_loop_s", 0.0),
        "hands": w.get("hands_cpu_s", 0.0),
    }
    notes = {
        "poses": f"{calls.get('track', 0) / n:.2f} person crops read, "
        f"{calls.get('track_still', 0) / n:.2f} kept (still)",
        "hands": f"{calls.get('hand_crops', 0) / n:.2f} hand crops",
    }
    print("\nCPU per analysed frame by stage, all processes (ms; with the workers a stage runs):")
    for k, v in sorted(by.items(), key=lambda kv: -kv[1]):
        if v * 1000 / n >= 0.05:
            inner = f", {1000 * loops[k] / n:.1f} of it in the frame loops" if loops.get(k) else ""
            print(f"  {k:<10}{1000 * v / n:>7.1f}  {notes.get(k, '')}{inner}")
    theirs = 1000 * base["cpu_s"] / max(base["frames"], 1)
    print(f"  {'total':<10}{1000 * cpu / n:>7.1f}  (baseline {theirs:.1f} ms in one process)")
    print(f"  1.7x the baseline on {jobs} idle cores allows at most {jobs * theirs / 1.7:.1f} ms per frame "
          "(all processes, perfectly parallel)")  # fmt: skip


def breakdown(rec: dict, wall: float, cpu: float, base: dict, jobs: int) -> None:
    """Where cuedetect's time goes: per analysed frame (summed over workers) and per run."""
    n = rec["analysed_frames"]
    w, calls, t = rec["worker_timings_s"], rec["model_calls"], rec["timings_s"]
    per = {k: 1000 * v / n for k, v in w.items()}
    model, base_model = per.get("model_s", 0.0), 1000 * base["model_s"] / base["frames"]
    crops = per.get("pose_s", 0.0) + per.get("backfill_s", 0.0) - model
    print(f"\nper analysed frame ({n} frames; worker time summed over {jobs} workers):")
    print(
        f"  model {model:.1f} ms (baseline {base_model:.1f} ms), crops/painting out/keypoint conversion "
        f"{crops:.1f} ms, matching {per.get('track_s', 0.0):.1f} ms, "
        f"decode {per.get('decode_s', 0.0):.1f} ms"
    )
    print(f"  model calls: {calls.get('track', 0) / n:.2f} per-person crops "
          f"({calls.get('track_still', 0) / n:.2f} more kept their last reading: still), "
          f"{calls.get('search', 0) / n:.3f} whole-frame, {calls.get('search_half', 0) / n:.3f} half-frame"
          f" and {calls.get('search_tile', 0) / n:.3f} tile searches, "
          f"{calls.get('backfill', 0) / n:.3f} backfills")  # fmt: skip
    loops = sum(w.get(k, 0.0) for k in ("decode_s", "pose_s", "track_s", "backfill_s")) / max(jobs, 1)
    poses = t.get("poses_s", 0.0)
    stages = ("clean_s", "floor_s", "hands_s", "cues_s", "voice_s", "speech_s")
    after = {k.removesuffix("_s"): t.get(k, 0.0) for k in stages}
    writing = wall - t.get("probe_s", 0.0) - poses - sum(after.values())
    print(f"per run: pose stage {poses:.1f} s, ~{poses - loops:.1f} s of it outside the frame loops (worker "
          f"spawn, landmarker creation, stitching); probe {t.get('probe_s', 0.0):.2f} s; "
          + ", ".join(f"{k} {v:.2f} s" for k, v in after.items())
          + f"; writing {writing:.2f} s; cue model load {t.get('cue_model_load_s', 0.0):.2f} s (part of "
          "the cue stage)")  # fmt: skip
    if "hands_cpu_s" in w:
        print(
            f"hand stage: {calls.get('hand_crops', 0) / n:.2f} hand crops read per frame, "
            f"{1000 * w['hands_cpu_s'] / n:.1f} ms CPU per frame, {t.get('hands_s', 0.0):.1f} s wall"
        )
    print(
        f"CPU: {cpu:.1f} s over all processes, {cpu / wall:.2f} cores busy "
        f"(baseline {base['cpu_s']:.1f} s, {base['cpu_s'] / base['wall_s']:.2f} cores)"
    )


if __name__ == "__main__":
    main()
