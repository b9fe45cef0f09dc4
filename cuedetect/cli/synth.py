"""`cuedetect synth`: render a scripted role-play with ground truth (the synthetic studio)."""

from __future__ import annotations

from pathlib import Path

import typer

from cuedetect.cli._common import user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def synth(
        scenario: Path = typer.Argument(
            None, metavar="SCENARIO", help="Scenario YAML (see sample_videos/*/scenario.yaml)."
        ),
        out: Path = typer.Option(None, "--out", "-o", help="Folder for <name>.mp4, gt.json, scenario.yaml."),
        seed: int = typer.Option(None, help="Draw the scenario's ranges with this seed (default: its own)."),
        jobs: int = typer.Option(2, help="Blender processes rendering at once."),
        fps: float = typer.Option(None, help="Override the scenario's frame rate."),
        keep_frames: bool = typer.Option(False, "--keep-frames", help="Keep the JPEG frames in OUT/.work."),
        check: bool = typer.Option(False, "--check", help="Only check that Blender and the body are ready."),
        speech_only: bool = typer.Option(
            False,
            help="Only speak the scenario's `say` lines into the render already in --out (its video "
            "stream is copied unchanged) and update gt.json.",
        ),
    ) -> None:
        """Render SCENARIO with Blender into OUT: a video and its exact ground truth (gt.json).

        Resumable: run it again after an interruption and only the missing frames are rendered.
        Needs Blender (`python3 dev.py studio-setup`, which also installs espeak-ng and flite for
        `say` lines).
        """
        import dataclasses

        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        from cuedetect.errors import InputError
        from cuedetect.studio import render as studio_render
        from cuedetect.studio.assets import body_assets
        from cuedetect.studio.scenario import load

        if check:
            typer.echo(f"body assets: {body_assets()}")
            typer.echo(f"blender: {studio_render._blender()}")
            return
        if scenario is None or out is None:
            raise InputError("give a SCENARIO file and --out DIR (or --check)")
        sc = load(scenario, seed=seed)
        if fps:
            sc = dataclasses.replace(sc, fps=fps)
        if speech_only:
            from cuedetect.studio.speech import respeak

            typer.echo(f"wrote the speech of {respeak(sc, out)} and {out / 'gt.json'}")
            return
        with Progress(
            TextColumn(f"[bold]{sc.name}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeRemainingColumn(),
        ) as bar:
            task = bar.add_task("render", total=round(sc.duration * sc.fps))
            video = studio_render.render(
                sc,
                out,
                jobs=jobs,
                keep_frames=keep_frames,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        typer.echo(f"wrote {video} and {out / 'gt.json'}")
