"""`cuedetect train-hands`: fit the learned hand-state model from the committed training table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli._common import user_errors


def register(app: typer.Typer) -> None:
    @app.command("train-hands")
    @user_errors
    def train_hands(
        table: Annotated[
            Path | None,
            typer.Option(
                help="The training table (default: models/hands/state_train.parquet).", dir_okay=False
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(help="Where to write the model (default: models/hands).", file_okay=False),
        ] = None,
        cv: Annotated[
            bool,
            typer.Option(
                help="First score it with each clip left out in turn, beside the hand-written rules."
            ),
        ] = True,
    ) -> None:
        """Fit the hand-state model (fist, open palm, pointing, thumbs-up, other) from the training table.

        The table holds hands the hand stage read on studio renders, with their true states (built by
        bench/hand_state_table.py). The fit is deterministic; the model is written as plain JSON
        coefficients with its SHA-256 (hand_state_model.json, .sha256). `cuedetect analyze --hand-states
        learned` reads hand states with it.
        """
        import warnings

        from cuedetect.errors import InputError
        from cuedetect.hands.state_model import TABLE_FILE, model_folder, save_state_model
        from cuedetect.hashing import file_sha256
        from cuedetect.training.hand_states import fit_table, leave_one_clip_out, read_table

        table = table or model_folder() / TABLE_FILE
        out = out or model_folder()
        if not table.is_file():
            raise InputError(f"no training table at {table}; build it with bench/hand_state_table.py")
        try:
            rows = read_table(table)
        except (ValueError, OSError) as exc:
            raise InputError(str(exc)) from None
        info: dict = {"table": table.name, "table_sha256": file_sha256(table)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=FutureWarning)
            if cv:
                typer.echo(
                    f"{table}: {len(rows)} hands of {rows['clip'].nunique()} clips; each clip left out:"
                )
                res = leave_one_clip_out(rows, "logistic", log=lambda line: typer.echo(line))
                info["cv"] = {k: round(res[k], 4) for k in ("model", "rules", "model_read", "rules_read")}
                info["cv"]["hands"] = res["hands"]
            model = fit_table(rows, info=info)
        path = save_state_model(model, out)
        sha = (out / f"{path.name}.sha256").read_text().split()[0]
        typer.echo(f"{path}: fitted on {model.info['rows']} hands read; sha256 {sha}")
