"""`cuedetect corpus`: render a labelled corpus of random role-plays for training and evaluation."""

from __future__ import annotations

from pathlib import Path

import typer

from cuedetect.cli._common import user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def corpus(
        out: Path = typer.Argument(..., metavar="OUT", help="Corpus folder; one sub-folder per clip."),
        count: int = typer.Option(40, help="Number of clips."),
        first_seed: int = typer.Option(0, help="Seed of the first clip; clip i uses first_seed + i."),
        split: str = typer.Option(
            "classic",
            help="`train` or `heldout`: clips drawn from that split of the style catalogue (styles, "
            "negatives, bodies, rooms, cameras); `classic`: the original one-style generator.",
        ),
        fps: float = typer.Option(6.0, help="Frame rate of the rendered clips."),
        width: int = typer.Option(640),
        height: int = typer.Option(360),
        jobs: int = typer.Option(2, help="Blender processes rendering at once."),
        poses: bool = typer.Option(
            True, help="Run `analyze` on each clip into CLIP/analysis/ (for training)."
        ),
        keep_video: bool = typer.Option(True, help="Keep each clip's mp4 after its poses are extracted."),
        redo_poses: bool = typer.Option(
            False, "--redo-poses", help="Extract the poses again where they exist (the pose engine changed)."
        ),
    ) -> None:
        """Render COUNT random labelled role-plays into OUT: video, gt.json and poses per clip.

        `--split train` and `--split heldout` draw from disjoint halves of the style catalogue, so a
        model trained on one is scored on ways of moving, people, rooms and cameras it never saw.

        Resumable: clips that already have a gt.json are skipped, and an interrupted clip continues from
        its last rendered frame. Each clip's poses are then extracted with the same pipeline as
        `cuedetect analyze` (every frame, full model), so the classifier trains on what inference sees.
        """
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from cuedetect.errors import InputError
        from cuedetect.studio import render as studio_render
        from cuedetect.studio.corpus import write_scenarios
        from cuedetect.studio.scenario import load
        from cuedetect.studio.style_corpus import write_style_scenarios

        seeds = range(first_seed, first_seed + count)
        if split == "classic":
            paths = write_scenarios(out, seeds, fps=fps, width=width, height=height)
        elif split in ("train", "heldout"):
            paths = write_style_scenarios(out, seeds, split, fps=fps, width=width, height=height)
        else:
            raise InputError(f"--split must be classic, train or heldout, got {split!r}")
        todo = [p for p in paths if not (p.parent / "gt.json").exists()]
        typer.echo(f"{len(paths) - len(todo)} of {len(paths)} clips already rendered")
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
        ) as bar:
            clips = bar.add_task("clips", total=len(paths), completed=len(paths) - len(todo))
            for path in todo:
                sc = load(path)
                frames = bar.add_task(f"  {sc.name}", total=round(sc.duration * sc.fps))
                studio_render.render(
                    sc,
                    path.parent,
                    jobs=jobs,
                    progress=lambda done, total, t=frames: bar.update(t, completed=done, total=total),
                )
                bar.remove_task(frames)
                if poses:  # right away: an interrupted run leaves every finished clip complete
                    _extract_poses(path.parent, keep_video, redo_poses)
                bar.advance(clips)
        if poses:  # clips rendered by an earlier run (or all of them, with --redo-poses)
            for path in paths:
                _extract_poses(path.parent, keep_video, redo_poses)
        typer.echo(f"corpus ready in {out}")


def _write_nobody(out: Path, message: str) -> None:
    """An analysis that found nobody: empty poses and pairs, and the reason in analysis.json.

    A clip whose people the pose engine never finds then scores as all missed, instead of falling back
    to its ground-truth joints (which would score a failure as a perfect detection).
    """
    import json

    from cuedetect.io_atomic import atomic_path
    from cuedetect.pose.placement import pairs_table
    from cuedetect.pose.tracked import Tracks

    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():  # an earlier run's events, hands, voice... belong to poses now gone
        if stale.is_file() and stale.name not in {"poses.parquet", "pairs.parquet", "analysis.json"}:
            stale.unlink()
    poses = Tracks.empty().to_table()
    with atomic_path(out / "poses.parquet") as tmp:
        poses.to_parquet(tmp)
    with atomic_path(out / "pairs.parquet") as tmp:
        pairs_table([]).to_parquet(tmp)
    gt = out.parent / "gt.json"  # every frame was analysed (the corpus analyses at the clip's own rate)
    frames = [f["frame"] for f in json.loads(gt.read_text())["frames"]] if gt.exists() else []
    doc = {"error": message, "persons": 0, "analysed_frame_index": frames}
    with atomic_path(out / "analysis.json") as tmp:
        tmp.write_text(json.dumps(doc, indent=1))


def _relative_source(meta_path: Path) -> None:
    """Record the clip's video by its name, not this machine's absolute path: the corpus is committed."""
    import json

    from cuedetect.io_atomic import atomic_path

    meta = json.loads(meta_path.read_text())
    meta["source"] = Path(meta["source"]).name
    with atomic_path(meta_path) as tmp:
        tmp.write_text(json.dumps(meta, indent=1))


def _extract_poses(clip: Path, keep_video: bool, redo: bool = False) -> None:
    """CLIP/<name>.mp4 -> CLIP/analysis/ (poses.parquet, pairs.parquet, analysis.json), once unless `redo`.

    The analysis is replaced atomically, so an interrupted redo leaves each clip's old or new poses.
    """
    from cuedetect.analysis import AnalyzeOptions, analyze
    from cuedetect.errors import InputError

    video = clip / f"{clip.name}.mp4"
    if not video.exists() or ((clip / "analysis" / "poses.parquet").exists() and not redo):
        return
    try:
        analyze(video, AnalyzeOptions(clip / "analysis", fps=None, model="full", jobs=1, overwrite=True))
    except InputError as exc:  # e.g. nobody visible in a clip: say so, keep going with the others
        typer.echo(f"{clip.name}: {exc}")
        if "no person found" in str(exc):
            _write_nobody(clip / "analysis", str(exc))
        return
    _relative_source(clip / "analysis" / "analysis.json")
    typer.echo(f"{clip.name}: poses extracted")
    if not keep_video:
        video.unlink()
