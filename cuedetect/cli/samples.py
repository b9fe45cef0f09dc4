"""`cuedetect samples`: list the bundled sample recordings and their ground truth."""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def samples() -> None:
        """List the bundled sample videos and the cues in their ground truth."""
        from cuedetect.paths import sample_videos_dir

        found = sorted(sample_videos_dir().glob("*/*.mp4"))
        if not found:
            typer.echo("no sample videos found in sample_videos/")
            raise typer.Exit(1)
        for video in found:
            gt_path = video.parent / "gt.json"
            line = f"{video.relative_to(sample_videos_dir())}"
            if gt_path.exists():
                gt = json.loads(gt_path.read_text())
                cues = sorted({e["cue"] for e in gt["events"]})
                line += f"  {gt['duration']:.1f} s, {len(gt['persons'])} persons, cues: {', '.join(cues)}"
            typer.echo(line)
