"""Adding recordings through the page: bad uploads are refused with a clear message, nothing is written
outside the data folder, and a background analysis shows its progress (and why it failed) after a reload.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cuedetect.dashboard.jobs import list_jobs
from cuedetect.dashboard.settings import DashboardSettings, save_settings
from cuedetect.paths import REPO_DIR
from cuedetect.store import SessionStore
from cuedetect.store.demo import write_video

APP = str(REPO_DIR / "dashboard.py")
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"


@pytest.fixture
def root(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("CUEDETECT_DATA_DIR", str(data))
    return data


def library() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["page"] = "library"
    return at.run()


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="add_file").set_value((name, content, "video/mp4")).run()
    return at.button(key="add_upload").click().run()


def files_outside(tmp_path: Path, root: Path) -> list[Path]:
    return [p for p in tmp_path.rglob("*") if p.is_file() and root not in p.parents]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "notes.txt is not a video file"),
        ("fake.mp4", b"this is plain text, honestly", "fake.mp4 does not look like a video"),
        ("empty.mp4", b"", "empty.mp4 is empty (0 bytes)"),
        ("big.mp4", MP4_HEAD + b"\0" * (2 * 1024 * 1024), "the upload limit is 1 MB"),
    ],
)
def test_bad_uploads_are_refused(root, tmp_path, name, content, message):
    save_settings(root, DashboardSettings(max_upload_mb=1))  # the 2 GB case with a 1 MB limit
    before = files_outside(tmp_path, root)
    at = upload(library(), name, content)
    assert not at.exception
    assert at.error and message in at.error[0].value
    assert not (root / "recordings").exists() or not list((root / "recordings").iterdir())
    assert list_jobs(root) == [] and files_outside(tmp_path, root) == before


def wait_for(root: Path, timeout: float = 240.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        jobs = list_jobs(root)
        if jobs and jobs[0].finished:
            return jobs[0]
        time.sleep(0.5)
    raise AssertionError(f"job not finished: {list_jobs(root)}")


def test_path_characters_stay_inside_and_failure_says_why(root, tmp_path):
    """A real video named with path characters lands in data/recordings; it has nobody in it, so the
    analysis fails, and the page says why after a reload."""
    video = write_video(tmp_path / "src" / "v.mp4", seconds=1.0)
    before = files_outside(tmp_path, root)
    at = upload(library(), "../../../escape me.mp4", video.read_bytes())
    assert not at.exception and not at.error
    stored = list((root / "recordings").iterdir())
    assert [p.name for p in stored] and stored[0].name.endswith("-escape_me.mp4")
    assert files_outside(tmp_path, root) == before
    job = wait_for(root, 120)
    assert job.state == "failed" and "no person found" in job.error
    reloaded = library()  # a new page session reads the job's status file
    assert any("failed" in e.value and "no person found" in e.value for e in reloaded.error)


def test_analysis_by_path_progress_survives_reload(root, clips_dir):
    """A real two-person clip given by path: progress shows on a fresh page, then the new session."""
    at = library()
    at.text_input(key="add_trainee").set_value("Robin").run()
    at.text_input(key="add_path").set_value(str(clips_dir / "two_people_outdoors.mp4")).run()
    at.button(key="add_path_btn").click().run()
    assert not at.exception and not at.error
    # messages are toasts (nothing above the video moves): the page says the analysis runs in the background
    assert any("in the background" in t.value for t in at.toast), at.toast
    seen_running = False
    deadline = time.time() + 240
    while time.time() < deadline:
        page = library()  # a reload: nothing but the status file connects it to the job
        if page.get("progress"):
            seen_running = True
        jobs = list_jobs(root)
        if jobs and jobs[0].finished:
            break
        time.sleep(1.0)
    job = list_jobs(root)[0]
    assert job.state == "done", job.error
    assert seen_running or job.updated - job.created < 3  # a very fast run may finish between looks
    page = library()
    assert any("done" in s.value for s in page.success)
    assert "Robin" in list(page.dataframe[0].value["trainee"])
    with SessionStore.open(root / "cuedetect.sqlite") as store:
        (session,) = store.sessions()
        assert session.trainee_name == "Robin" and session.instructor == "instructor"
        assert Path(store.analyses(session.id)[0].output_dir, "annotated.mp4").is_file()
    page.button(key=f"job_open_{job.id}").click().run()
    assert not page.exception


def test_bad_path(root):
    at = library()
    at.text_input(key="add_path").set_value("/nowhere/at/all.mp4").run()
    at.button(key="add_path_btn").click().run()
    assert at.error and "does not exist" in at.error[0].value and list_jobs(root) == []
