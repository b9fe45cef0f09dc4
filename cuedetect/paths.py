"""Where cuedetect keeps its files: the repository's models/ folder and the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def models_dir() -> Path:
    """Folder for model files: $CUEDETECT_MODELS_DIR, else the checkout's models/ folder."""
    env = os.environ.get("CUEDETECT_MODELS_DIR")
    return Path(env) if env else REPO_DIR / "models"


def data_dir() -> Path:
    """Folder for the session store and analyses: $CUEDETECT_DATA_DIR, else the user's data directory."""
    env = os.environ.get("CUEDETECT_DATA_DIR")
    path = Path(env) if env else user_data_path("cuedetect", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sample_videos_dir() -> Path:
    return REPO_DIR / "sample_videos"
