"""`cuedetect store backup|check`: for the people who keep a programme's records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli._common import StoreOpt, user_errors


def _store_path(store: Path | None) -> Path:
    from cuedetect.store.db import default_store_path

    return store if store is not None else default_store_path()


def register(app: typer.Typer) -> None:
    store_app = typer.Typer(
        help="Check the session store (alone), or back it up.", invoke_without_command=True
    )
    app.add_typer(store_app, name="store")

    @store_app.callback()
    @user_errors
    def store_default(ctx: typer.Context, store: Path | None = StoreOpt) -> None:
        """Check the session store (alone), or back it up."""
        if ctx.invoked_subcommand is None:
            check_cmd(store)

    @store_app.command("backup")
    @user_errors
    def backup_cmd(
        dest: Annotated[
            Path, typer.Argument(metavar="DEST", help="Backup file, or a folder for a dated copy.")
        ],
        store: Path | None = StoreOpt,
    ) -> None:
        """Copy the live session store to DEST (SQLite online backup; whole or not at all)."""
        from cuedetect.store.maintenance import backup

        typer.echo(f"backed up to {backup(_store_path(store), dest)}")

    @store_app.command("check")
    @user_errors
    def check_cmd(store: Path | None = StoreOpt) -> None:
        """Check the store's integrity and that every session's result folder is still its own."""
        from cuedetect.store.maintenance import check

        report = check(_store_path(store))
        for problem in report.integrity:
            typer.echo(f"damaged: {problem}", err=True)
        for status in report.outputs:
            if not status.ok:
                typer.echo(f"changed: {status.problem}", err=True)
        if report.ok:
            typer.echo(f"{report.path}: ok ({report.sessions} sessions, every result folder as imported)")
            return
        raise typer.Exit(1)
