"""How `python3 dev.py test` shares the suite between its two pytest-xdist workers (`--dist loadfile`).

Each test file runs whole on one worker, so a module fixture is built once. On top of xdist's
`loadfile`:

- files that share an on-disk cache form one unit and run in collection order on one worker: the
  real-clip tests (`test_analyze_clips.py` writes into `.cache/real_clips/` what the hand test and the
  quality floors then read; two workers writing the same folder at once could meet halfway);
- the longest units start first (longest-processing-time order), so no worker is left with a long file
  at the end while the other idles. The weights are CI seconds measured in a whole run; a stale table
  costs only time, never a result.
"""

from __future__ import annotations

from typing import Any

# test file -> the unit it runs in, when it shares an on-disk cache with other files
SHARED_UNITS: dict[str, str] = {
    "tests/integration/test_analyze_clips.py": "real-clips-cache",
    "tests/integration/test_hands_analyze.py": "real-clips-cache",
    "tests/integration/test_cue_quality_floors.py": "real-clips-cache",
}

# Live mode paced at wall-clock speed: frames are dropped when the machine is busy, so what these files
# measure (agreement with the offline analysis, overlays returned, cues seen in 4.5 s) depends on having
# the machine to themselves. Marked `realtime`; `python3 dev.py test` runs them alone, after the rest.
REALTIME_FILES: tuple[str, ...] = (
    "tests/integration/test_live_browser.py",
    "tests/integration/test_live_dashboard_browser.py",
    "tests/integration/test_live_realtime.py",
    "tests/integration/test_live_unplug.py",
    "tests/integration/test_live_window.py",
)

# unit -> about how many seconds it took on an idle 2-core CI machine (fresh clone, one worker)
WEIGHT_S: dict[str, float] = {
    "real-clips-cache": 180,
    "tests/e2e/test_first_run.py": 98,
    "tests/faults/test_kills.py": 68,
    "tests/integration/test_analyze_samples.py": 39,
    "tests/e2e/test_dashboard_browser.py": 35,
    "tests/integration/test_analyze_inputs.py": 30,
    "tests/integration/test_voice_sample.py": 30,
    "tests/integration/test_batch_engines.py": 27,
    "tests/e2e/test_review_page_browser.py": 26,
    "tests/integration/test_dashboard_job.py": 23,
    "tests/integration/test_studio_renders_are_detected.py": 19,
    "tests/integration/test_analyze_calibration.py": 18,
    "tests/integration/test_analysis_regression.py": 15,
    "tests/integration/test_analyze_to_session.py": 14,
}


def is_realtime(nodeid: str) -> bool:
    return nodeid.split("::", 1)[0] in REALTIME_FILES


def unit_of(nodeid: str) -> str:
    """The work unit of a test: its file, or the shared unit its file belongs to."""
    path = nodeid.split("::", 1)[0]
    return SHARED_UNITS.get(path, path)


def make_scheduler(config: Any, log: Any) -> Any:
    """The scheduler for `--dist loadfile`; None (xdist's own) for any other mode."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedCacheLongestFirst(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            # xdist hands out the front of its queue: put the heaviest unit left there
            heaviest = max(self.workqueue, key=lambda unit: WEIGHT_S.get(unit, 0.0))
            self.workqueue.move_to_end(heaviest, last=False)
            super()._assign_work_unit(node)

    return SharedCacheLongestFirst(config, log)
