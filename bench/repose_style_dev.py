"""Re-pose rendered style dev clips into an arm folder, with the pose engine's trial options on or off.

Session 12's comparison of ways to find more people on `corpus/style_heldout` (README "Far people"):
render clips again outside the repository (`cuedetect synth corpus/style_heldout/<clip>/scenario.yaml
--out RENDERS/<clip>`), then build one arm per setting and score each against the others:

    .venv/bin/python bench/repose_style_dev.py ARM RENDERS [--schedule-per-second] [--look-around]
        [--third-look] [--rejoin]
    .venv/bin/python bench/eval_pose_corpus.py ARM
    .venv/bin/python bench/diagnose_cue_misses.py ARM

ARM gets all 36 clips: the rendered ones posed afresh (video linked, gt.json and scenario.yaml
copied from the render), the others copied with their committed poses, so every arm is scored on the
same clips. One pose process (`--jobs 1`): the options reach the tracker in that process.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("arm", type=Path)
    ap.add_argument("renders", type=Path, help="folder of rendered clips, RENDERS/<clip>/<clip>.mp4")
    ap.add_argument("--split", type=Path, default=ROOT / "corpus" / "style_heldout")
    ap.add_argument("--schedule-per-second", action="store_true")
    ap.add_argument("--look-around", action="store_true")
    ap.add_argument("--third-look", action="store_true", help="second looks at 3, 2.4 and 1.6 heights")
    ap.add_argument("--rejoin", action="store_true", help="the tracker's rejoin stage (4 landmarks)")
    args = ap.parse_args()

    import cuedetect.pose.pipeline as pipeline
    from cuedetect.cli.corpus import _extract_poses
    from cuedetect.pose.tile_search import TileSearchOptions

    looks = TileSearchOptions.second_looks

    pipeline.TrackingOptions = functools.partial(  # type: ignore[misc]
        pipeline.TrackingOptions,
        schedule_per_second=args.schedule_per_second,
        look_around=args.look_around,
        second_looks=(*looks, 1.6) if args.third_look else looks,
        rejoin_in_frame=4 if args.rejoin else None,
    )
    rendered = {p.parent.name for p in args.renders.glob("*/*.mp4") if p.stem == p.parent.name}
    for clip in sorted(p for p in args.split.iterdir() if (p / "gt.json").exists()):
        dst = args.arm / clip.name
        if clip.name not in rendered:
            if not dst.exists():
                shutil.copytree(clip, dst)
            continue
        dst.mkdir(parents=True, exist_ok=True)
        for name in ("gt.json", "scenario.yaml"):
            shutil.copy(args.renders / clip.name / name, dst / name)
        video = dst / f"{clip.name}.mp4"
        if not video.exists():
            video.symlink_to((args.renders / clip.name / f"{clip.name}.mp4").resolve())
        t0 = time.perf_counter()
        _extract_poses(dst, keep_video=True, redo=True)
        print(f"{clip.name}: posed in {time.perf_counter() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
