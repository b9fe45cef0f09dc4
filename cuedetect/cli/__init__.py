"""The `cuedetect` command.

Each module in this package adds its commands with a `register(app)` function, so a command's code
lives beside the feature it drives and its heavy imports stay inside the command (fast `--help`).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable

import typer
from typer.core import TyperArgument, TyperOption

app = typer.Typer(
    name="cuedetect",
    help="Find escalation and de-escalation cues in role-play recordings of de-escalation training.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown: a docstring's paragraphs are re-flowed to the terminal (rich mode keeps the source's
    # line breaks, which cut sentences in two at 80 columns).
    rich_markup_mode="markdown",
)


# typer prints every parameter's type (`<bool>` on each flag, `<str>` on most options, Python's
# `<list[str]>` on arguments) and has no setting for it: wrap its one method that does.
# tests/unit/cli/test_help_80_columns.py notices if a typer release changes this.
def _type_where_it_helps(display_type_rich: Callable[..., str | None]) -> Callable[..., str | None]:
    def shown(self: TyperOption | TyperArgument, ctx: object) -> str | None:
        """A parameter's type in help, unless it says nothing: a flag takes no value (`<bool>`, even
        beside --help), `<str>` is what everything is on a command line (its help says what), and an
        argument's name (VIDEO, FOLDER...) already says what it takes."""
        if isinstance(self, TyperArgument):
            return None
        text = display_type_rich(self, ctx)
        return None if getattr(self, "is_flag", False) or text == "<str>" else text

    return shown


for _cls in (TyperOption, TyperArgument):
    _cls.display_type_rich = _type_where_it_helps(_cls.display_type_rich)  # type: ignore[method-assign]


# typer writes a required argument as `{VIDEO}` in the usage line, a notation that elsewhere means "one
# of": write it the way click, man pages and this project's README do (`cuedetect analyze VIDEO`, an
# optional one in brackets). Guarded like the wrap above.
def _plain_required(get_usage_pieces: Callable[..., list[str]]) -> Callable[..., list[str]]:
    def pieces(self: TyperArgument, ctx: object) -> list[str]:
        """The argument's usage pieces with typer's braces around a required one taken off."""
        return [re.sub(r"^\{([^{}]+)\}", r"\1", piece) for piece in get_usage_pieces(self, ctx)]

    return pieces


TyperArgument.get_usage_pieces = _plain_required(TyperArgument.get_usage_pieces)  # type: ignore[method-assign]


@app.callback()
def _main() -> None:
    """Everything runs locally: no recording or result leaves this machine."""


for _mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}").register(app)
