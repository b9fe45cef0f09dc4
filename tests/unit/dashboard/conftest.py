"""A small real store with one synthetic analysed session (instant to build)."""

from __future__ import annotations

import pytest

from cuedetect.dashboard.demo import synthetic_analysis
from cuedetect.store import SessionStore


@pytest.fixture
def demo_store(tmp_path):
    """(store path, session id, analysis folder) of a 6 s two-person session of trainee Sam."""
    out = synthetic_analysis(tmp_path / "analysis")
    path = tmp_path / "data" / "cuedetect.sqlite"
    path.parent.mkdir()
    with SessionStore.open(path) as store:
        sid = store.import_analysis(out, trainee="Sam", scenario="bank").session_id
    return path, sid, out
