"""The `cuedetect` command.

Each module in this package adds its commands with a `register(app)` function, so a command's code
lives beside the feature it drives and its heavy imports stay inside the command (fast `--help`).
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="cuedetect",
    help="Find escalation and de-escalation cues in role-play recordings of de-escalation training.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def _main() -> None:
    """Everything runs locally: no recording or result leaves this machine."""


for _mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}").register(app)
