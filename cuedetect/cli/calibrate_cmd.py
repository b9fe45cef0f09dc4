"""`cuedetect calibrate`: refit a cue model's calibration maps and thresholds on held-out clips."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli._common import user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def calibrate(
        folders: Annotated[
            list[Path],
            typer.Argument(
                metavar="FOLDER",
                help="Folders of held-out studio clips (gt.json + poses.parquet), none of them in the fit.",
            ),
        ],
        model: Annotated[Path | None, typer.Option(help="Model folder (default: models/cues).")] = None,
    ) -> None:
        """Fit the cue model's calibration maps and per-cue thresholds on its own scores of held-out clips.

        The trees are not refitted: only cue_classifier.json and the card's Calibration section change.
        The clips then choose the thresholds, so they no longer score the model honestly.
        """
        import shlex
        import sys

        from cuedetect.cues.detect import model_folder
        from cuedetect.training.recalibrate import recalibrate_model

        folder = model or model_folder()
        command = "cuedetect calibrate " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        report = recalibrate_model(folder, folders, command, log=typer.echo)
        typer.echo(report.markdown())
        typer.echo(f"calibration and thresholds written into {folder / 'cue_classifier.json'} and its card")
