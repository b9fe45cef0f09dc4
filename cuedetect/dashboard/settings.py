"""Dashboard settings: thresholds of the practice-based cues, model choice and the upload limit.

Saved as JSON in the data directory (atomically), so every page and background job sees the same values.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from cuedetect.errors import InputError
from cuedetect.io_atomic import write_json

SETTINGS_FILE = "dashboard_settings.json"
POSE_MODELS = ("lite", "full", "heavy")
CUE_DETECTORS = ("auto", "baseline")
# The one upload limit (MB): the page sets Streamlit's server.maxUploadSize to it at run time
# (uploads.server_upload_limit), so it holds under a plain `streamlit run dashboard.py` from any folder;
# .streamlit/config.toml repeats it for the first page load. The page refuses bigger files itself.
MAX_UPLOAD_MB = 1024


@dataclass(frozen=True)
class DashboardSettings:
    """What the Settings page edits. Distances in metres, speeds in metres per second."""

    safe_distance_m: float = 1.2
    too_close_m: float = 1.0
    closing_speed_mps: float = 0.8
    pose_model: str = "full"
    cue_detector: str = "auto"
    analysis_fps: float = 15.0
    max_upload_mb: int = MAX_UPLOAD_MB

    def validate(self) -> DashboardSettings:
        """Return self, or raise `InputError` saying which value is out of range."""
        checks = [
            (0.3 <= self.too_close_m <= 5.0, f"too-close distance {self.too_close_m} m: use 0.3-5 m"),
            (
                self.too_close_m <= self.safe_distance_m <= 6.0,
                f"safe distance {self.safe_distance_m} m: use {self.too_close_m}-6 m "
                "(not below the too-close distance)",
            ),
            (0.1 <= self.closing_speed_mps <= 5.0, f"approach speed {self.closing_speed_mps} m/s: use 0.1-5"),
            (self.pose_model in POSE_MODELS, f"pose model {self.pose_model!r}: use {', '.join(POSE_MODELS)}"),
            (
                self.cue_detector in CUE_DETECTORS,
                f"cue detector {self.cue_detector!r}: use {', '.join(CUE_DETECTORS)}",
            ),
            (1.0 <= self.analysis_fps <= 60.0, f"analysis rate {self.analysis_fps} fps: use 1-60"),
            (
                1 <= self.max_upload_mb <= MAX_UPLOAD_MB,
                f"upload limit {self.max_upload_mb} MB: use 1-{MAX_UPLOAD_MB} (the server's own limit)",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise InputError(message)
        return self

    def cue_settings(self) -> Any:
        """The cue detector's `CueSettings` with these thresholds."""
        from cuedetect.cues.settings import CueSettings

        return CueSettings(
            too_close_m=self.too_close_m,
            safe_distance_m=self.safe_distance_m,
            closing_speed_mps=self.closing_speed_mps,
        )


def from_dict(data: dict[str, Any]) -> DashboardSettings:
    """Settings from a dict; unknown keys are ignored, missing ones take their defaults."""
    known = {f.name: f.type for f in fields(DashboardSettings)}
    base = DashboardSettings()
    values = {}
    for name, value in data.items():
        if name not in known:
            continue
        default = getattr(base, name)
        try:
            values[name] = type(default)(value)
        except (TypeError, ValueError):
            raise InputError(f"setting {name}: {value!r} is not a {type(default).__name__}") from None
    return replace(base, **values).validate()


def settings_path(data_dir: Path) -> Path:
    return Path(data_dir) / SETTINGS_FILE


def load_settings(data_dir: Path) -> DashboardSettings:
    """The saved settings, or the defaults when none were saved (or the file is unreadable)."""
    path = settings_path(data_dir)
    try:
        return from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, InputError, AttributeError):
        return DashboardSettings()


def save_settings(data_dir: Path, settings: DashboardSettings) -> Path:
    """Validate and save atomically; returns the file written."""
    settings.validate()
    path = settings_path(data_dir)
    write_json(path, asdict(settings))
    return path
