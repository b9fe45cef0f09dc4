"""The review page in a real browser, as an instructor uses it in the debrief room (issue 16), and hostile
names that must stay text (issue 17 item 6).

At 1440x1000 and at 1280x800: the video and the top of the timeline are on the first screen; N then Y, X then
a comment, M, and a role change leave the video's time (within 0.15 s), its play/pause state and the selected
event as they were (the event showing its new status); the play line follows the playing video within
0.25 s; no cue id in snake_case is on the page. One Streamlit server for the module; no fixed sleeps.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from cuedetect.dashboard.demo import synthetic_analysis
from cuedetect.store import SessionStore
from tests.e2e.helpers import dashboard_server, open_page, wait_idle

pytestmark = pytest.mark.browser
VIEWPORTS = [(1440, 1000), (1280, 800)]
HOSTILE_TRAINEE = "![beacon](http://198.51.100.7/beacon.png) <img src=http://198.51.100.8/i.png>"
HOSTILE_SCENARIO = "[click](http://198.51.100.9/x) :material/warning: $x^2$"
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    """A data folder: Sam's two sessions (12 s videos with five events) and one with a hostile name."""
    tmp = tmp_path_factory.mktemp("review")
    data = tmp / "data"
    data.mkdir()
    ids = {}
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        for name, trainee, scenario, date, seed in [
            ("earlier", "Sam", "warm-up", "2026-10-02", 1),
            ("main", "Sam", "standoff", "2026-11-28", 2),
            ("hostile", HOSTILE_TRAINEE, HOSTILE_SCENARIO, "2026-11-29", 3),
        ]:
            out = synthetic_analysis(tmp / name, seconds=12.0, seed=seed, words=name == "main")
            ids[name] = store.import_analysis(out, trainee=trainee, scenario=scenario, date=date).session_id
        key = store.current_events(ids["hostile"])[0].key
        text = "![c](http://198.51.100.10/c.png) see [here](http://x.y)"
        store.comment(ids["hostile"], "instructor", text, event_key=key)
    return data, ids


@pytest.fixture(scope="module")
def server(sessions):
    data, _ = sessions
    with dashboard_server(data) as url:
        yield url


def _page(browser, viewport):
    page = open_page(browser, *viewport)
    page.viewport = viewport
    yield page
    assert page.external == [], page.external
    assert page.errors == [], page.errors
    page.close()


@pytest.fixture(params=VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def page(request, browser, server):
    """A page at each of the two screen sizes (layout and player tests)."""
    yield from _page(browser, request.param)


@pytest.fixture
def wide_page(browser, server):
    """A page at one size (text tests: what is on the page does not depend on its size)."""
    yield from _page(browser, VIEWPORTS[0])


def open_review(page, server: str, sid: int) -> None:
    page.goto(f"{server}/?page=review&session={sid}")
    page.locator("video").wait_for(timeout=30000)
    page.locator("rect.cd-ev").first.wait_for(timeout=30000)
    wait_idle(page)
    page.locator("video").evaluate("v => v.readyState >= 1 || new Promise(r => v.onloadedmetadata = r)")


def player(page) -> dict:
    """The video's time and state and the stage's selected event, read in one go."""
    return page.evaluate(
        """() => {
        const S = window.__cdStage, v = S.video, svg = S.root.querySelector('svg');
        const sel = svg.dataset.selected;
        const bar = sel ? svg.querySelector(`rect[data-key="${sel}"]`) : null;
        return {t: v.currentTime, paused: v.paused, selected: sel,
                label: bar ? bar.getAttribute('aria-label') : null};
    }"""
    )


def wait_for(page, check, what: str, timeout: float = 20.0) -> dict:
    """Poll the player until `check(state)` holds (no fixed sleeps)."""
    deadline = time.time() + timeout
    state = player(page)
    while not check(state):
        if time.time() > deadline:
            raise AssertionError(f"{what}: {state}")
        page.wait_for_timeout(100)
        state = player(page)
    return state


def key(page, letter: str) -> None:
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press(letter)


def set_time(page, t: float) -> None:
    page.locator("video").evaluate(f"v => {{ v.pause(); v.currentTime = {t}; }}")
    wait_for(page, lambda s: abs(s["t"] - t) < 0.01 and s["paused"], "set the time")


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled `label`."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.press("ControlOrMeta+a")
    box.press_sequentially(option[:12])  # typing filters the options and opens the list
    page.get_by_role("option", name=option, exact=True).click()


def assert_kept(before: dict, after: dict, status: str) -> None:
    assert abs(after["t"] - before["t"]) <= 0.15, (before, after)
    assert after["paused"] == before["paused"], (before, after)
    assert after["selected"] == before["selected"], (before, after)
    assert after["label"].endswith(status), after


def test_first_screen_and_the_play_line(page, server, sessions, artifacts_dir):
    """The video and the top of the timeline on the first screen; the play line follows the playing video."""
    _, ids = sessions
    open_review(page, server, ids["main"])
    width, height = page.viewport
    video = page.locator("video").bounding_box()
    first_lane = page.locator("rect.cd-ev").first.bounding_box()
    timeline = page.locator("svg.cd-svg").bounding_box()
    assert video["y"] >= 0 and video["y"] + video["height"] <= height, video
    assert timeline["y"] < height and first_lane["y"] + first_lane["height"] <= height, (timeline, first_lane)
    assert video["x"] + video["width"] <= width
    # the review controls are beside the video, not under the timeline
    confirm = page.get_by_role("button", name="✔ Confirm").bounding_box()
    assert confirm["y"] < height and confirm["x"] > video["x"] + video["width"], confirm
    page.screenshot(path=str(artifacts_dir / f"review_first_screen_{width}x{height}.png"))
    page.locator("video").evaluate("v => { v.muted = true; v.currentTime = 0.5; return v.play(); }")
    worst, samples = 0.0, 0
    deadline = time.time() + 3.0
    while time.time() < deadline:
        t, line_t = page.evaluate(
            """() => {
            const S = window.__cdStage, svg = S.root.querySelector('svg');
            const head = svg.querySelector('.cd-head');
            const [x0, x1, t0, t1] = ['x0', 'x1', 't0', 't1'].map(k => Number(svg.dataset[k]));
            const x = Number(head.getAttribute('x1'));
            return [S.video.currentTime, t0 + (x - x0) / (x1 - x0) * (t1 - t0)];
        }"""
        )
        worst, samples = max(worst, abs(t - line_t)), samples + 1
        page.wait_for_timeout(150)
    page.locator("video").evaluate("v => v.pause()")
    assert samples >= 8 and worst <= 0.25, (samples, worst)
    assert player(page)["t"] > 1.3  # it really played
    print(f"play line: worst offset {worst:.3f} s over {samples} samples at {width}x{height}")


def test_actions_keep_the_video_and_the_selection(page, server, sessions):
    data, ids = sessions
    sid = ids["main"] if page.viewport[0] == 1440 else ids["earlier"]
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        events = store.current_events(sid)
    open_review(page, server, sid)
    # N selects the first event and plays from it; Y confirms it; the video stays where it is
    key(page, "n")
    first = events[0]
    before = wait_for(page, lambda s: s["selected"] == first.key and abs(s["t"] - first.start) < 0.05, "N")
    key(page, "y")
    after = wait_for(page, lambda s: s["label"] and s["label"].endswith("confirmed"), "Y confirms")
    assert_kept(before, after, "confirmed")
    page.get_by_text("✔ confirmed").first.wait_for(timeout=10000)  # the selected-event card says so too
    # X then a comment, with the video somewhere inside the event
    set_time(page, first.start + 0.43)
    before = player(page)
    key(page, "x")
    after = wait_for(page, lambda s: s["label"].endswith("rejected"), "X rejects")
    assert_kept(before, after, "rejected")
    box = page.get_by_placeholder("what you noticed")
    box.fill("steps back, palms open")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_for(page, lambda s: s["label"].endswith("rejected"), "comment")
    page.get_by_text("steps back, palms open").first.wait_for(timeout=10000)
    wait_idle(page)
    assert_kept(before, player(page), "rejected")
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        ev = {e.key: e for e in store.current_events(sid)}[first.key]
    assert ev.status == "rejected" and ev.comments[-1][2] == "steps back, palms open"
    # M takes the moment: time, selection and status stay
    set_time(page, 5.21)
    before = player(page)
    key(page, "m")
    page.get_by_text("Comment on the moment 0:05.2").wait_for(timeout=10000)
    wait_idle(page)
    assert_kept(before, player(page), "rejected")
    # a role change (in the Roles tab; changing tabs keeps everything too)
    page.get_by_role("tab", name="Roles").click()
    assert_kept(before, player(page), "rejected")
    choose(page, "P0", "client")
    choose(page, "P1", "trainee")
    page.get_by_role("button", name="Save roles").click()
    page.locator("svg.cd-svg text.cd-lane", has_text="client (P0)").first.wait_for(timeout=15000)
    wait_idle(page)
    assert_kept(before, player(page), "rejected")
    assert page.get_by_role("tab", name="Roles").get_attribute("aria-selected") == "true"
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        assert store.state(sid).roles == {0: "client", 1: "trainee"}
    # switching the skeleton overlay off swaps the video file but keeps the moment
    url = page.evaluate("() => window.__cdStage.url")
    page.get_by_text("Skeleton overlay").click()
    swapped = f"() => window.__cdStage.url !== {url!r} && window.__cdStage.video.readyState >= 1"
    page.wait_for_function(swapped)
    wait_for(page, lambda s: abs(s["t"] - before["t"]) <= 0.15, "the overlay switch keeps the time")
    assert_kept(before, player(page), "rejected")
    # a playing video keeps playing through an action
    page.locator("video").evaluate("v => v.play()")
    wait_for(page, lambda s: not s["paused"], "playing")
    t0 = player(page)["t"]
    key(page, "m")
    page.wait_for_function("() => document.querySelector('[data-testid=\"stToast\"]')", timeout=10000)
    wait_idle(page)
    state = player(page)
    assert not state["paused"] and state["t"] >= t0, state
    page.locator("video").evaluate("v => v.pause()")


def test_transcript_beside_the_video_a_word_seeks_and_search_finds(
    wide_page, server, sessions, artifacts_dir
):
    """What was said sits beside the video; a click on a word plays from just before it; the search box
    outlines the words found (issue 18)."""
    from cuedetect.dashboard.demo import synthetic_words
    from cuedetect.dashboard.transcript import seek_time

    data, ids = sessions
    page = wide_page
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        roles = store.state(ids["main"]).roles  # the review's roles (a test above swaps them)
    open_review(page, server, ids["main"])
    words = page.locator(".cd-said .cd-w")
    words.first.wait_for(timeout=20000)
    table = synthetic_words()
    assert words.count() == len(table)
    speakers = [f"{roles[p].capitalize()}:" for p in (0, 1, 0)]  # P0 said lines 1 and 3
    assert page.locator(".cd-said .cd-who").all_text_contents() == speakers
    video, said = page.locator("video").bounding_box(), page.locator(".cd-said").bounding_box()
    assert said["x"] >= video["x"] + video["width"], (video, said)  # beside the video, not under it
    set_time(page, 1.0)
    calm = float(table[table["word"] == "calm"]["start_s"].iloc[0])
    page.locator(".cd-said .cd-w", has_text=re.compile(r"^calm$")).click()
    wait_for(page, lambda s: abs(s["t"] - seek_time(calm, 12.0)) < 0.05, "a click on a word seeks")
    # the word at 8.9 s is underlined as the one being spoken
    page.locator(".cd-said .cd-w.now", has_text=re.compile(r"^to$")).wait_for(timeout=5000)
    box = page.get_by_placeholder("search what was said, e.g. calm down")
    box.fill("Calm Down")
    box.press("Enter")
    page.get_by_text("1 match for “Calm Down”").wait_for(timeout=15000)
    assert page.locator(".cd-said .cd-w.hit").all_text_contents() == ["calm", "down"]
    page.screenshot(path=str(artifacts_dir / "review_transcript.png"))


PAGE_TEXT = """() => {
    // what a reader sees: the page's text without icon ligatures (Material icons are words in a font),
    // plus every SVG label (the timeline, the charts) and the data grids' cells
    const icons = [...document.querySelectorAll('[data-testid="stIconMaterial"]')];
    icons.forEach((i) => { i.dataset.cdDisplay = i.style.display; i.style.display = 'none'; });
    const text = document.body.innerText;
    icons.forEach((i) => { i.style.display = i.dataset.cdDisplay; });
    const svg = [...document.querySelectorAll('svg text')].map((t) => t.textContent);
    const cells = [...document.querySelectorAll('[data-testid="stDataFrame"] [role="gridcell"]')]
        .map((c) => c.textContent);
    return [text, ...svg, ...cells].join('\\n');
}"""


@pytest.mark.parametrize("where", ["review", "library", "progress"])
def test_no_cue_ids_on_screen(wide_page, server, sessions, where):
    _, ids = sessions
    page = wide_page
    if where == "review":
        open_review(page, server, ids["main"])
        texts = [page.evaluate(PAGE_TEXT)]
        for tab in ("Notes", "Roles", "Exports", "Summary"):
            page.get_by_role("tab", name=tab).click()
            texts.append(page.evaluate(PAGE_TEXT))
        page.locator("summary").filter(has_text="Add an event").click()
        texts.append(page.evaluate(PAGE_TEXT))
    else:
        page.goto(f"{server}/?page={where}")
        wait_idle(page)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30000)
        texts = [page.evaluate(PAGE_TEXT)]
    found = sorted({m for text in texts for m in SNAKE.findall(text)})
    assert found == [], found


@pytest.mark.parametrize("where", ["library", "review", "progress"])
def test_hostile_names_are_text_and_nothing_is_fetched(wide_page, server, sessions, where):
    """Markdown images and links in names and comments show as their characters; the page fixture checks
    that the browser asked nothing of any address but 127.0.0.1."""
    _, ids = sessions
    page = wide_page
    if where == "review":
        open_review(page, server, ids["hostile"])
        key(page, "n")
        page.get_by_text("see [here](").first.wait_for(timeout=15000)  # the comment, as its characters
        page.get_by_text("![beacon](http").first.wait_for(timeout=15000)
    elif where == "progress":
        page.goto(f"{server}/?page=progress")
        wait_idle(page)
        choose(page, "Trainee", HOSTILE_TRAINEE)
        page.get_by_text("![beacon](http").first.wait_for(timeout=15000)
    else:
        page.goto(f"{server}/?page=library")
        wait_idle(page)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30000)
        cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
        cells.filter(has_text="beacon.png").first.wait_for(state="attached", timeout=30000)
    wait_idle(page)
    assert page.locator('img[src*="198.51.100"]').count() == 0
    assert page.locator('a[href*="198.51.100"], a[href*="x.y"]').count() == 0


def test_printable_report_with_hostile_names_fetches_nothing(wide_page, sessions, tmp_path):
    """The HTML report of the hostile session, opened in the browser: names and comments are text and
    nothing is requested (thumbnails are inline data)."""
    from cuedetect.dashboard.exports import export_bytes

    data, ids = sessions
    with SessionStore.open(data / "cuedetect.sqlite") as store:
        html = export_bytes(store, ids["hostile"], "html", tmp_path).decode()
    report = tmp_path / "report.html"
    report.write_text(html)
    wide_page.goto(report.as_uri())
    wide_page.get_by_text("![beacon](http").first.wait_for(timeout=15000)
    assert wide_page.locator('img[src*="198.51.100"], a[href*="198.51.100"]').count() == 0
    wide_page.wait_for_load_state("networkidle")
    wide_page.external = [u for u in wide_page.external if u != report.as_uri()]
