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


def free_port(address: str, first: int = 8501, tries: int = 50) -> int:
    """The first port from `first` that nothing listens on at `address` (another user's dashboard on a
    shared machine, say)."""
    import socket

    for port in range(first, first + tries):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            if sock.connect_ex((address, port)) != 0:
                return port
    return first


def dashboard_url(address: str, port: int, session: int | None = None) -> str:
    """The address to open: the review page of `session`, else the Library."""
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}/" + (f"?page=review&session={session}" if session is not None else "")


def _open_when_up(url: str, address: str, port: int, timeout_s: float = 60.0) -> None:
    """Open `url` in the user's browser as soon as the server accepts connections (in a thread)."""
    import socket
    import threading
    import time
    import webbrowser

    def wait_and_open() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
                if sock.connect_ex((address, port)) == 0:
                    webbrowser.open(url)
                    return
            time.sleep(0.3)

    threading.Thread(target=wait_and_open, daemon=True).start()


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def dashboard(
        session: Annotated[
            str | None,
            typer.Option(
                "--session",
                "-s",
                metavar="SESSION",
                help="Open on this session's review page: its number, its recording's name or 'latest'.",
            ),
        ] = None,
        open_browser: Annotated[bool, typer.Option("--open", help="Open it in the web browser.")] = False,
        address: Annotated[
            str,
            typer.Option(
                help="Address to listen on. Anything but 127.0.0.1 shows recordings to the network."
            ),
        ] = "127.0.0.1",
        port: Annotated[
            int | None, typer.Option(help="Port to listen on (default: 8501, or the next free one).")
        ] = None,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                help="Data folder with the session store (default: $CUEDETECT_DATA_DIR or the user's)."
            ),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Print the command instead of running it.")
        ] = False,
    ) -> None:
        """Start the debrief dashboard on this computer, on a session's review page with --session.

        Library, session review, trainee progress and settings, in the browser at the address it prints
        (Ctrl-C stops it).

        Example: `cuedetect dashboard --session latest --open`
        """
        import os
        import subprocess
        import sys

        from cuedetect.errors import InputError
        from cuedetect.paths import REPO_DIR

        script = REPO_DIR / "dashboard.py"
        if not script.is_file():
            raise InputError(f"{script} is missing: run `cuedetect dashboard` from a cuedetect checkout")
        if port is not None and not 1 <= port <= 65535:
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
        sid = None
        if session is not None:
            from cuedetect.store import SessionStore, StoreOptions
            from cuedetect.store.refs import resolve_session

            store_path = Path(env["CUEDETECT_DATA_DIR"]) / "cuedetect.sqlite" if data_dir else None
            with SessionStore.create_from_options(StoreOptions(path=store_path)) as st:
                sid = resolve_session(st, session)
        port = port if port is not None else free_port(address)
        cmd = streamlit_command(script, address, port, sys.executable)
        if dry_run:
            typer.echo(" ".join(cmd))
            typer.echo(dashboard_url(address, port, sid))
            return
        url = dashboard_url(address, port, sid)
        typer.echo(f"dashboard on {url} (Ctrl-C stops it)")
        if open_browser:
            _open_when_up(url, address, port)
        # The working folder is the checkout, so Streamlit reads its .streamlit/config.toml.
        server = subprocess.Popen(cmd, cwd=REPO_DIR, env=env)
        try:
            code = server.wait()
        except KeyboardInterrupt:  # Ctrl-C reached Streamlit too: let it finish, then stop quietly
            code = server.wait()
            typer.echo("dashboard stopped", err=True)
            code = 0
        raise typer.Exit(code)
