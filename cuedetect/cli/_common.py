"""Shared CLI plumbing: user errors become one line on stderr and a non-zero exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from cuedetect.errors import CuedetectError, InputError
from cuedetect.procs import TERMINATED_EXIT_CODE, Terminated, exit_now, sigterm_unwinds

P = ParamSpec("P")
R = TypeVar("R")


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
