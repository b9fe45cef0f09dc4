"""`cuedetect corpus --split`: an unknown split is a one-line error before anything is written."""

from __future__ import annotations

from typer.testing import CliRunner

from cuedetect.cli import app


def test_an_unknown_split_is_refused_before_any_scenario_is_written(tmp_path):
    result = CliRunner().invoke(app, ["corpus", str(tmp_path / "c"), "--split", "test", "--count", "2"])
    assert result.exit_code != 0
    assert "--split must be classic, train or heldout" in result.output
    assert not (tmp_path / "c").exists()
