"""Shared CLI plumbing: the options several commands share, and user errors as one line on stderr with a
non-zero exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from cuedetect.errors import CuedetectError, InputError
from cuedetect.procs import TERMINATED_EXIT_CODE, Terminated, exit_now, sigterm_unwinds

P = ParamSpec("P")
R = TypeVar("R")

# --store, the same option in every command that opens the session store: `StorePath` (below) where the
# signature is Annotated, `StoreOpt` where the option is the default (store, sessions and review commands).
STORE_HELP = "Session store file (default: $CUEDETECT_DATA_DIR or the user data folder, cuedetect.sqlite)."
StoreOpt = typer.Option(None, "--store", help=STORE_HELP, dir_okay=False)

# The options `analyze` and `batch` share, one definition each so their flags and help cannot drift
# (each command sets its own default after `=`).
OutDir = Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the results.")]
Fps = Annotated[float, typer.Option("--fps", help="Analysis rate in frames/s (0 = every frame).")]
PoseModel = Annotated[str, typer.Option("--model", help="Pose model: lite, full or heavy.")]
MaxPersons = Annotated[int, typer.Option("--max-persons", help="Most people looked for at once (1-4).")]
NoHands = Annotated[
    bool, typer.Option("--no-hands", help="Do not read hand shapes (faster; no hands.parquet).")
]
NoVoice = Annotated[
    bool, typer.Option("--no-voice", help="Leave the audio alone: no voice.parquet, no voice cues.")
]
NoRegister = Annotated[bool, typer.Option("--no-register", help="Do not register sessions in the store.")]
StorePath = Annotated[Path | None, typer.Option("--store", help=STORE_HELP, dir_okay=False)]
Scenario = Annotated[str | None, typer.Option("--scenario", help="The role-play scenario, for each session.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]


def os_error_line(exc: OSError) -> str:
    """'PATH: no space left on device' style text for a file system error (no traceback)."""
    what = (exc.strerror or str(exc) or type(exc).__name__).rstrip(".")
    paths = [str(p) for p in (exc.filename, exc.filename2) if p]
    return f"{' -> '.join(paths)}: {what[0].lower() + what[1:]}" if paths else what


def check_analysis_flags(max_persons: int, fps: float, model: str) -> None:
    """One-line errors for the analysis flags `analyze` and `batch` share."""
    if not 1 <= max_persons <= 4:
        raise InputError(f"--max-persons must be 1 to 4, not {max_persons}")
    if fps < 0:
        raise InputError(f"--fps must be positive (or 0 for every frame), not {fps}")
    if model not in ("lite", "full", "heavy"):
        raise InputError(f"--model must be lite, full or heavy, not {model!r}")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a `CuedetectError`, a file system error and Ctrl-C into a one-line message and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with sigterm_unwinds():  # SIGTERM unwinds like Ctrl-C: cleanup runs, then exit 143
                return func(*args, **kwargs)
        except CuedetectError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # a full disk, a folder that vanished, permissions: one line with the path
            print(f"error: {os_error_line(exc)}", file=sys.stderr)
            raise typer.Exit(1) from None
        except Terminated:
            print("terminated: nothing half-written was kept", file=sys.stderr)
            # The cleanup has run (finally blocks, rollbacks); skip interpreter finalisation, which can
            # wait on native threads of half-loaded libraries, so a terminated command really ends now.
            exit_now(TERMINATED_EXIT_CODE)
        except KeyboardInterrupt:
            print("interrupted: nothing half-written was kept", file=sys.stderr)
            raise typer.Exit(130) from None

    return wrapper
