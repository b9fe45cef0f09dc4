"""`cuedetect dashboard`: the Streamlit debrief dashboard on this computer (127.0.0.1 by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli._common import user_errors

LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def streamlit_command(app: Path, address: str, port: int, python: str) -> list[str]:
    """The `streamlit run` command line (headless, no usage statistics, on `address`)."""
    return [
        python, "-m", "streamlit", "run", str(app),
        "--server.address", address,
        "--server.port", str(port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def dashboard(
        address: Annotated[
            str,
            typer.Option(
                help="Address to listen on. Anything but 127.0.0.1 shows recordings to the network."
            ),
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                help="Data folder with the session store (default: $CUEDETECT_DATA_DIR or the user's)."
            ),
        ] = None,
        dry_run: Annotated[bool, typer.Option(help="Print the command instead of running it.")] = False,
    ) -> None:
        """Open the debrief dashboard (Library, Session review, Trainee progress, Settings) in a browser."""
        import os
        import subprocess
        import sys

        from cuedetect.errors import InputError
        from cuedetect.paths import REPO_DIR

        script = REPO_DIR / "dashboard.py"
        if not script.is_file():
            raise InputError(f"{script} is missing: run `cuedetect dashboard` from a cuedetect checkout")
        if not 1 <= port <= 65535:
            raise InputError(f"--port must be 1-65535, not {port}")
        if address not in LOCAL_ADDRESSES:
            typer.echo(
                f"warning: listening on {address}: anyone who can reach this computer on port {port} can "
                "see the recordings and reviews (there is no login). Use 127.0.0.1 unless you need this.",
                err=True,
            )
        env = dict(os.environ)
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            env["CUEDETECT_DATA_DIR"] = str(data_dir.resolve())
        cmd = streamlit_command(script, address, port, sys.executable)
        if dry_run:
            typer.echo(" ".join(cmd))
            return
        typer.echo(f"dashboard on http://{address}:{port} (Ctrl-C stops it)")
        # The working folder is the checkout, so Streamlit reads its .streamlit/config.toml.
        raise typer.Exit(subprocess.call(cmd, cwd=REPO_DIR, env=env))
