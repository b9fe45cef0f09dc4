"""The HTML debrief report opens in headless Chromium without errors, with its timeline and thumbnails."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuedetect.export import export_session
from cuedetect.store import SessionStore, StoreOptions
from cuedetect.store.demo import write_demo_analysis

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def report(tmp_path: Path) -> Path:
    with SessionStore.create_from_options(StoreOptions(path=tmp_path / "s.sqlite")) as store:
        sid = store.import_analysis(
            write_demo_analysis(tmp_path / "a"), trainee="Sam <script>", scenario="standoff", instructor="Jo"
        ).session_id
        ev = {e.cue: e for e in store.current_events(sid)}
        store.confirm(sid, ev["pointing"].key, "ann")
        store.adjust(sid, ev["open_hands"].key, 1.2, 2.8, "ann")
        store.reject(sid, ev["fists_up"].key, "ann")
        store.add_event(sid, "hands_on_hips", 1, 2.0, 3.0, "bob")
        store.comment(sid, "ann", "Finger at the face <b>here</b>", event_key=ev["pointing"].key)
        store.comment(sid, "bob", "voice got calmer", t=2.5)
        store.bookmark(sid, "ann", 3.3, "step in")
        return export_session(store, sid, "html", tmp_path / "report.html")


@pytest.mark.browser
def test_report_opens_in_chromium_without_errors(report: Path, artifacts_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.on(
            "console",
            lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri(), wait_until="load")
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
        bars = page.eval_on_selector_all("svg rect[rx]", "els => els.length")
        text = page.inner_text("body")
        page.screenshot(path=str(artifacts_dir / "store_html_report.png"), full_page=True)
        pdf = page.pdf(format="A4")  # the print styles make a PDF
        browser.close()
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []  # self-contained
    assert len(images) == 3 and all(ok and width == 240 for ok, width in images)  # 3 confirmed moments
    assert bars == 4  # rejected events are not drawn
    assert "Sam <script>" in text and "Finger at the face <b>here</b>" in text  # escaped, shown as text
    assert "voice got calmer" in text and "step in" in text
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000


def test_report_without_the_video_still_renders(tmp_path: Path) -> None:
    out = write_demo_analysis(tmp_path / "a")
    with SessionStore.create_from_options(StoreOptions(path=tmp_path / "s.sqlite")) as store:
        sid = store.import_analysis(out).session_id
        store.confirm(sid, store.current_events(sid)[0].key, "ann")
        (out / "recording.mp4").unlink()
        html = export_session(store, sid, "html", tmp_path / "r.html").read_text()
    assert "video not available" in html and "<img" not in html
