"""A group command typed alone (`cuedetect sessions`) does its most common action instead of failing."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from cuedetect.cli import app
from cuedetect.store.demo import write_demo_analysis

COMMANDS = typer.main.get_command(app).commands
GROUPS = sorted(name for name, cmd in COMMANDS.items() if hasattr(cmd, "commands"))


def test_the_groups_are_discovered() -> None:
    assert {"sessions", "trainees", "review", "store"} <= set(GROUPS)


@pytest.mark.parametrize("group", GROUPS)
def test_a_bare_group_lists_or_checks(group: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"CUEDETECT_DATA_DIR": str(tmp_path / "data")}
    analysis = write_demo_analysis(tmp_path / "a")
    added = runner.invoke(app, ["import", str(analysis), "--trainee", "Sam"], env=env)
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, [group], env=env)
    assert result.exit_code == 0, result.output
    assert "Usage:" not in result.output and result.output.strip()
