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


@pytest.mark.parametrize("mode", ["learnt", "Simple", "mixed-only"])
def test_unknown_sim_noise_is_a_one_line_error_before_any_clip_is_read(tmp_path, monkeypatch, mode) -> None:
    import cuedetect.training.dataset as dataset

    def never(*args, **kwargs):
        raise AssertionError("clips were read before --sim-noise was checked")

    monkeypatch.setattr(dataset, "discover", never)
    res = runner.invoke(app, ["train", str(tmp_path / "nowhere"), "--sim-noise", mode])
    assert res.exit_code == 2
    modes = "learned, learned-only, learned-sample, mixed, measured, simple"
    assert f"--sim-noise is one of {modes}, not {mode!r}" in res.output
    assert "Traceback" not in res.output
