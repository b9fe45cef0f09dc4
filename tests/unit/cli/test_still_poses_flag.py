"""`cuedetect analyze --still-poses` turns the pose engine's still-crop gate on; it is off by default."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import cuedetect.analysis
from cuedetect.analysis import AnalyzeOptions
from cuedetect.cli import app


class _StopError(Exception):
    pass


@pytest.mark.parametrize(("flags", "expected"), [((), False), (("--still-poses",), True)])
def test_the_flag_reaches_the_analysis(monkeypatch, tmp_path, flags, expected):
    seen: list[AnalyzeOptions] = []

    def fake_analyze(video, options, **_):
        seen.append(options)
        raise _StopError

    monkeypatch.setattr(cuedetect.analysis, "analyze", fake_analyze)
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    args = ["analyze", str(video), "--out", str(tmp_path / "out"), "--no-register", "--quiet", *flags]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, _StopError), result.output
    assert seen[0].still_poses is expected


def test_off_by_default_in_the_options():
    assert AnalyzeOptions(out=None).still_poses is False  # type: ignore[arg-type]
