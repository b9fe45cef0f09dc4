"""`cuedetect train`'s option checks: a clear one-line error before any data is read."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cuedetect.cli import app

runner = CliRunner()


@pytest.mark.parametrize("groups", ["room", "Framing", ""])
def test_unknown_calibration_groups_are_one_line_errors(tmp_path, groups) -> None:
    res = runner.invoke(app, ["train", str(tmp_path / "nowhere"), "--calibration-groups", groups])
    assert res.exit_code == 2
    assert "--calibration-groups is one of clip, framing" in res.output
    assert not (tmp_path / "nowhere").exists()
