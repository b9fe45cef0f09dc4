"""The dashboard in a real browser (Playwright + Debian's headless Chromium) on a real analysed sample.

Open the session, click an event on the timeline, check the video's currentTime moved exactly to it,
confirm it with the keyboard, reload, and see it still confirmed. Screenshots of every page go to the
artifacts folder. No request may leave 127.0.0.1.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cuedetect.analysis import AnalyzeOptions, analyze
from cuedetect.dashboard.demo import synthetic_analysis
from cuedetect.store import SessionStore
from tests.e2e.helpers import dashboard_server, open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, samples_dir) -> tuple[Path, int]:
    """A data folder holding an analysed sample (and two small earlier sessions of the same trainee)."""
    tmp = tmp_path_factory.mktemp("dash")
    video = samples_dir / "standoff" / "standoff.mp4"
    assert video.is_file(), f"committed sample missing: {video}"
    # 5 fps: enough for cues. No speech-to-text: nothing here reads words (the review page's transcript
    # is test_review_page_browser.py's), and here it is about a fifth of the analysis' CPU time.
    out = tmp / "analysis"
    analyze(video, AnalyzeOptions(out, 5.0, "full", annotate=True, overwrite=True, speech=False))
    data = tmp / "data"
    data.mkdir()
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        for i, date in enumerate(["2026-10-02", "2026-10-20"]):
            earlier = synthetic_analysis(tmp / f"earlier{i}", seed=i + 10)
            sid = store.import_analysis(earlier, trainee="Sam", scenario="warm-up", date=date).session_id
            store.confirm(sid, store.current_events(sid)[i].key, "instructor")
        sid = store.import_analysis(out, trainee="Sam", scenario="standoff", date="2026-11-28").session_id
    return data, sid


@pytest.fixture(scope="module")
def server(store_dir):
    data, _ = store_dir
    with dashboard_server(data) as url:
        yield url


@pytest.fixture
def page(browser, server):
    page = open_page(browser, 1440, 1800)
    yield page
    assert page.external == [], page.external
    page.close()


def wait_app(page) -> None:
    page.wait_for_selector('[data-testid="stApp"]', timeout=30000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    time.sleep(0.5)


def bar(page, key: str):
    return page.locator(f'rect[aria-label^="event {key} "]')


def video_time(page) -> float:
    return float(page.locator("video").evaluate("v => v.currentTime"))


def test_click_event_seeks_confirm_survives_reload(page, server, store_dir, artifacts_dir):
    data, sid = store_dir
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        events = store.current_events(sid)
    assert len(events) >= 2, "the analysed sample should have events"
    # an event whose start is not a whole second shows that the seek is exact (st.video floors)
    target = next((e for e in events[1:] if e.start % 1 > 0.05), events[1])
    page.goto(f"{server}/?page=review&session={sid}")
    page.wait_for_selector("video", timeout=30000)
    bar(page, target.key).wait_for(timeout=30000)
    wait_app(page)
    page.locator("video").evaluate("v => new Promise(r => v.readyState >= 1 ? r() : v.onloadedmetadata = r)")
    bar(page, target.key).click()
    deadline = time.time() + 10
    while time.time() < deadline and abs(video_time(page) - target.start) > 0.05:
        time.sleep(0.2)
    assert video_time(page) == pytest.approx(target.start, abs=0.05)
    wait_app(page)
    page.screenshot(path=str(artifacts_dir / "dashboard_review_seek.png"), full_page=True)
    # Y confirms the selected event (Streamlit's own button shortcut)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("y")
    page.get_by_text("confirm: confirmed").wait_for(timeout=15000)
    page.reload()
    bar(page, target.key).wait_for(timeout=30000)
    assert bar(page, target.key).get_attribute("aria-label").endswith("· confirmed")
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        assert {e.key: e.status for e in store.current_events(sid)}[target.key] == "confirmed"
    assert page.errors == [], page.errors


def test_keyboard_next_take_moment_and_typing(page, server, store_dir):
    data, sid = store_dir
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        first = store.current_events(sid)[0]
    page.goto(f"{server}/?page=review&session={sid}")
    page.wait_for_selector("video", timeout=30000)
    page.get_by_role("button", name="Next ▶").wait_for(timeout=30000)
    wait_app(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("n")  # the first event
    deadline = time.time() + 10
    while time.time() < deadline and abs(video_time(page) - first.start) > 0.05:
        time.sleep(0.2)
    assert video_time(page) == pytest.approx(first.start, abs=0.05)
    page.locator("video").evaluate("v => { v.currentTime = 3.37; }")
    time.sleep(0.3)
    page.keyboard.press("m")  # take the current moment
    page.get_by_text("moment 3.37 s taken").wait_for(timeout=15000)
    page.get_by_text("Add an event at the current moment (0:03.4)").wait_for(timeout=15000)
    # typing y, x, n into a field triggers no shortcut
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        before = len(store.review_log(sid))
    page.get_by_role("button", name="✔ Confirm").and_(page.locator(":enabled")).wait_for(timeout=15000)
    box = page.get_by_placeholder("what you noticed")
    box.click()
    box.type("yes, x marks the spot; keep calm")
    time.sleep(1.5)
    assert box.input_value() == "yes, x marks the spot; keep calm"
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        assert len(store.review_log(sid)) == before


def test_two_gigabyte_upload_is_refused_in_the_browser(page, server, store_dir, tmp_path):
    """Streamlit's uploader refuses files over server.maxUploadSize before sending a byte."""
    data, _ = store_dir
    huge = tmp_path / "huge.mp4"
    with open(huge, "wb") as fh:  # sparse: 2 GB long, no disk used
        fh.truncate(2 * 1024**3)
    page.goto(f"{server}/?page=library")
    wait_app(page)
    page.get_by_text("Add a recording").click()
    page.locator('input[type="file"]').set_input_files(str(huge))
    page.get_by_text("File must be 1.0GB or smaller.").wait_for(timeout=15000)
    assert not (data / "recordings").exists() or not any((data / "recordings").iterdir())


def test_progress_point_opens_its_session(page, server, store_dir):
    _, sid = store_dir
    page.goto(f"{server}/?page=progress")
    wait_app(page)
    point = page.locator(f'path[aria-label*="label: 2026-11-28 #{sid}"][aria-roledescription="point"]').first
    point.wait_for(state="attached", timeout=30000)
    point.click(force=True)
    page.wait_for_url(f"**/?page=review&session={sid}*", timeout=15000)
    page.wait_for_selector("video", timeout=30000)


def test_exports_download_from_the_page(page, server, store_dir, tmp_path):
    data, sid = store_dir
    page.goto(f"{server}/?page=review&session={sid}")
    page.get_by_role("button", name="Next ▶").wait_for(timeout=30000)
    wait_app(page)
    page.get_by_role("tab", name="Exports").click()
    got = {}
    names = {"CSV": "Spreadsheet (CSV)", "JSON": "Data (JSON)", "EAF": "ELAN file", "VTT": "Subtitles (VTT)",
             "BORIS": "BORIS", "HTML": "Printable report"}  # fmt: skip
    for fmt, name in names.items():
        with page.expect_download(timeout=30000) as info:
            page.get_by_role("button", name=name, exact=True).click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        got[fmt] = path
    assert {p.name for p in got.values()} >= {
        f"Sam-standoff-2026-11-28-session-{sid}-events.csv",
        f"Sam-standoff-2026-11-28-session-{sid}-report.html",
        f"Sam-standoff-2026-11-28-session-{sid}-elan.eaf",
    }
    assert "cue" in got["CSV"].read_text().splitlines()[0]
    assert "<html" in got["HTML"].read_text().lower() and "WEBVTT" in got["VTT"].read_text()
    assert not list(data.glob("tmp/*"))  # the page's temporary export folders are gone


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("library", "/?page=library"),
        ("review", "/?page=review"),
        ("progress", "/?page=progress"),
        ("settings", "/?page=settings"),
        ("trainee_mode", "/?page=library&mode=trainee&me=Sam"),
    ],
)
def test_screenshots_of_every_page(page, server, artifacts_dir, name, path):
    page.goto(server + path)
    wait_app(page)
    if name == "review":  # what an instructor sees on a 1280x800 screen, an event selected
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_selector("video", timeout=30000)
        page.locator('rect[aria-label^="event "]').first.wait_for(timeout=30000)
        wait_app(page)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.keyboard.press("n")
        page.locator('svg.cd-svg[data-selected]:not([data-selected=""])').wait_for(timeout=15000)
    if name == "progress":
        page.locator('path[aria-label*="session"]').first.wait_for(state="attached", timeout=30000)
    if name in ("library", "trainee_mode"):
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30000)
    wait_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(artifacts_dir / f"dashboard_{name}.png"), full_page=name != "review")
    if name == "review":
        top = page.locator('[class*="st-key-key_moments"]').bounding_box()
        timeline = page.locator("svg.cd-svg").bounding_box()
        clip = {"x": 0, "y": top["y"] - 8, "width": 1280, "height": timeline["y"] + 140 - top["y"]}
        page.screenshot(path=str(artifacts_dir / "dashboard_key_moments.png"), clip=clip, full_page=True)
    assert page.errors == [], page.errors
