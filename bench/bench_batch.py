"""Benchmark: batch analysis on this machine, both engines beside the naive baseline, in one run.

The naive baseline is what a user does without `cuedetect batch`: one `cuedetect analyze REC --out ...`
call after another (each call uses every core for its own recording, in time chunks, and pays the
start-up: imports, landmarkers, the cue model). Then `cuedetect batch --engine local` (a process pool,
one recording per worker, models kept across recordings) and `cuedetect batch --engine ray` (a private
Ray runtime started by the command, its start-up included) on the same recordings, with `--redo`.

Every run is the real command in a subprocess, timed from outside, under the same load (printed):
on a shared machine read the ratios, not one time alone. The figure printed is recordings per hour
per core (and hours of recording per wall-clock hour), with each recording's CPU seconds from the
batch manifest, the number to size a cluster with (docs/SCALE.md).

Recordings (written once into .cache/bench/batch/, which git ignores): `--count` cuts of `--seconds`
each from the bundled samples (standoff, walk_in, angled; two people, 960x540, 25 fps), at full size.

    nice -n 10 .venv/bin/python bench/bench_batch.py [--count 4] [--seconds 15] [--engines local,ray]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CACHE = REPO / ".cache" / "bench" / "batch"
CLI = str(Path(sys.executable).with_name("cuedetect"))
SAMPLES = ("standoff", "walk_in", "angled")


def recordings(count: int, seconds: float) -> Path:
    """`count` different cuts of the bundled samples, `seconds` long each (cached)."""
    from tests.faults.conftest import cut_clip

    folder = CACHE / f"{count}x{seconds:g}s"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        sample = SAMPLES[i % len(SAMPLES)]
        dst = folder / f"{sample}_{i:02d}.mp4"
        if not dst.exists():  # a different length each: a different recording (content hash) each
            cut_clip(REPO / "sample_videos" / sample / f"{sample}.mp4", dst, seconds + i * 0.5, 960, fps=25)
    return folder


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "GLOG_minloglevel": "2"})
    wall = time.perf_counter() - t
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--engines", default="local,ray")
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    folder = recordings(args.count, args.seconds)
    videos = sorted(folder.glob("*.mp4"))[: args.count]
    from cuedetect.batch.inputs import header_duration

    hours = sum(header_duration(str(v)) for v in videos) / 3600
    out = CACHE / "out"
    shutil.rmtree(out, ignore_errors=True)
    print(f"{len(videos)} recordings, {hours * 60:.1f} min of video, {cores} cores, "
          f"load before {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    rows: list[tuple[str, float, str]] = []
    if not args.skip_baseline:
        t = time.perf_counter()
        for v in videos:
            timed([CLI, "analyze", str(v), "--out", str(out / "naive" / v.stem), "--no-register", "--quiet",
                   "--overwrite"])  # fmt: skip
        rows.append(("naive: sequential `cuedetect analyze`", time.perf_counter() - t, ""))
        print(f"  naive done, load {os.getloadavg()[0]:.1f}", flush=True)
    for engine in filter(None, args.engines.split(",")):
        wall = timed([CLI, "batch", str(folder), "--out", str(out / engine), "--engine", engine, "--redo",
                      "--no-register", "--quiet"])  # fmt: skip
        manifest = json.loads((out / engine / "manifest.json").read_text())
        cpu = [o["cpu_s"] for o in manifest["analysed"]]
        inner = manifest["wall_s"]
        note = (f"{manifest['workers']} workers, driver's run {inner:.0f} s, CPU per recording "
                f"{sum(cpu) / max(len(cpu), 1):.1f} s (worker process)")  # fmt: skip
        rows.append((f"cuedetect batch --engine {engine}", wall, note))
        print(f"  {engine} done, load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"\n{'run':40} {'wall s':>7} {'rec/h/core':>10} {'video h/h':>9}")
    for name, wall, note in rows:
        per_core = len(videos) / (wall / 3600) / cores
        print(f"{name:40} {wall:7.1f} {per_core:10.1f} {hours / (wall / 3600):9.2f}  {note}")
    print(f"load after {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
