"""Dashboard settings: validation, atomic save/load, and agreement with .streamlit/config.toml."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace

import pytest

from cuedetect.dashboard.settings import (
    MAX_UPLOAD_MB,
    DashboardSettings,
    from_dict,
    load_settings,
    save_settings,
)
from cuedetect.errors import InputError
from cuedetect.paths import REPO_DIR


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"safe_distance_m": 0.5}, "safe distance"),  # below too_close
        ({"too_close_m": 0.1}, "too-close"),
        ({"closing_speed_mps": 0.0}, "approach speed"),
        ({"pose_model": "huge"}, "pose model"),
        ({"cue_detector": "magic"}, "cue detector"),
        ({"analysis_fps": 0.5}, "analysis rate"),
        ({"max_upload_mb": MAX_UPLOAD_MB + 1}, "upload limit"),
    ],
)
def test_validate_refuses(change, message):
    with pytest.raises(InputError, match=message):
        replace(DashboardSettings(), **change).validate()


def test_save_load_round_trip(tmp_path):
    s = DashboardSettings(safe_distance_m=1.5, too_close_m=0.9, closing_speed_mps=1.1, pose_model="lite")
    save_settings(tmp_path, s)
    assert load_settings(tmp_path) == s
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_load_defaults_on_missing_or_broken(tmp_path):
    assert load_settings(tmp_path) == DashboardSettings()
    (tmp_path / "dashboard_settings.json").write_text("{not json")
    assert load_settings(tmp_path) == DashboardSettings()
    (tmp_path / "dashboard_settings.json").write_text(json.dumps({"safe_distance_m": 0.1}))
    assert load_settings(tmp_path) == DashboardSettings()  # invalid values are not used


def test_from_dict_ignores_unknown_and_converts():
    assert from_dict({"safe_distance_m": "1.4", "nonsense": 1}).safe_distance_m == 1.4
    with pytest.raises(InputError, match="safe_distance_m"):
        from_dict({"safe_distance_m": "far"})


def test_cue_settings_carry_the_thresholds():
    cs = DashboardSettings(safe_distance_m=1.6, too_close_m=0.8, closing_speed_mps=1.2).cue_settings()
    assert (cs.safe_distance_m, cs.too_close_m, cs.closing_speed_mps) == (1.6, 0.8, 1.2)


def test_streamlit_config_is_local_and_matches_the_upload_limit():
    config = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
