"""Every `cuedetect ... --help` reads well in an 80-column terminal.

The commands are discovered from the app itself, so a new command is checked without editing this file.
A help text that fits loses nothing when the terminal narrows: the words at 80 columns are exactly the
words at 400 (a word cut mid-way, folded or ellipsised shows up as a fragment that is not a word there).
"""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from cuedetect.cli import app

BOX = re.compile(r"[│╭╮╰╯─┃━┏┓┗┛]")


def _commands(group: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if hasattr(group, "commands"):  # a group (typer's own click)
        for name, sub in sorted(group.commands.items()):
            if not sub.hidden:
                found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def _help(path: tuple[str, ...], columns: int) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": str(columns), "TERMINAL_WIDTH": None})
    assert result.exit_code == 0, result.output
    return result.output


def _words(text: str) -> list[str]:
    return BOX.sub(" ", text).split()


def test_discovery_finds_the_commands_and_their_subcommands() -> None:
    names = {" ".join(p) for p in COMMANDS}
    assert {"", "analyze", "sessions", "sessions list", "review confirm", "trainees progress"} <= names
    assert len(COMMANDS) > 25


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cuedetect")
def test_help_fits_80_columns(path: tuple[str, ...]) -> None:
    narrow, wide = _help(path, 80), _help(path, 400)
    too_long = [line for line in narrow.splitlines() if len(line) > 80]
    assert not too_long, "\n".join(too_long)
    assert "…" not in narrow, narrow
    cut = sorted(set(_words(narrow)) - set(_words(wide)))
    assert not cut, f"words cut at 80 columns: {cut}\n{narrow}"
    lost = sorted(set(_words(wide)) - set(_words(narrow)))
    assert not lost, f"words lost at 80 columns: {lost}\n{narrow}"
    # types only where they say something: no `<bool>` on flags (nor on --help itself)
    assert "<bool>" not in narrow and "<str>" not in narrow, narrow
    # an example (`...` in a help text, e.g. `cuedetect export latest --format eaf`) is never split
    lines = [" ".join(BOX.sub(" ", line).split()) for line in narrow.splitlines()]
    for example in _examples(path):
        assert any(example in line for line in lines), f"example split at 80 columns: {example!r}\n{narrow}"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cuedetect")
def test_paragraphs_flow_instead_of_breaking_where_the_source_did(path: tuple[str, ...]) -> None:
    """Given room, each paragraph of a command's description is one line: the docstring's own line breaks
    (wrapped for the source at 110 columns) must not show up as breaks mid-sentence in a terminal."""
    wide = [" ".join(BOX.sub(" ", line).split()) for line in _help(path, 400).splitlines()]
    for paragraph in _paragraphs(path):
        assert any(paragraph in line for line in wide), f"paragraph broken up: {paragraph!r}"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cuedetect")
def test_help_speaks_the_users_words_not_pythons(path: tuple[str, ...]) -> None:
    """Arguments are named in capitals for what they are (VIDEO, VIDEO_OR_FOLDER, ANALYSIS), never by a
    parameter's Python name or type (`{video}`, `<list[str]>`); in the usage line a required one stands
    bare (`VIDEO`, repeated `VIDEO_OR_FOLDER...`), an optional one in brackets (`[SCENARIO]`), and none in
    typer's braces (`{VIDEO}`)."""
    wide = _help(path, 400)
    assert "list[" not in wide, wide
    usage = next(line for line in wide.splitlines() if "Usage:" in line)
    tokens = usage.split("[OPTIONS]", 1)[1].split()
    arguments = [p for p in _command(path).params if p.param_type_name == "argument"]
    group = hasattr(_command(path), "commands")  # a group's usage ends in COMMAND [ARGS]...
    assert len(tokens) == len(arguments) + (2 if group else 0), usage
    for token, argument in zip(tokens, arguments, strict=False):
        name = re.fullmatch(r"(\[)?([^{}\[\].]+)(?(1)\])(\.\.\.)?", token)
        assert name, f"{token!r} in {usage!r}"
        word = name.group(2)
        assert re.fullmatch(r"[A-Z][A-Z_=]*", word), f"{word!r} is not a name in capitals: {usage!r}"
        assert bool(name.group(1)) != argument.required, f"{token!r} (required {argument.required}): {usage}"
    if group:
        assert tokens[-2:] == ["COMMAND", "[ARGS]..."], usage


def _command(path: tuple[str, ...]):
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


def _paragraphs(path: tuple[str, ...]) -> list[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    text = (command.help or "").split("\f")[0]
    paragraphs = [" ".join(p.replace("`", "").split()) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paragraphs if p and len(p) < 360]


def _examples(path: tuple[str, ...]) -> list[str]:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
    return [" ".join(m.split()) for text in texts for m in re.findall(r"`([^`]+)`", text) if " " in m]


@pytest.mark.parametrize("path", [p for p in COMMANDS if len(p) == 1], ids=" ".join)
def test_each_command_has_a_one_line_summary(path: tuple[str, ...]) -> None:
    """The command list shows each summary on its own: a summary that runs on across a line break of the
    docstring would be cut mid-sentence there."""
    command = typer.main.get_command(app).commands[path[0]]
    summary = (command.help or "").strip().split("\n\n")[0]
    assert summary.endswith((".", ")")), f"{path[0]}: summary is not a sentence: {summary!r}"
    assert len(" ".join(summary.split())) <= 130, f"{path[0]}: summary longer than two lines: {summary!r}"
