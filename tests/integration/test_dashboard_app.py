"""AppTest of every dashboard page and every review action, on a real store in a temporary data folder."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from cuedetect.dashboard.demo import synthetic_analysis
from cuedetect.paths import REPO_DIR
from cuedetect.store import SessionStore

APP = str(REPO_DIR / "dashboard.py")


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A data folder with two sessions of Sam and one of Alex; returns (data dir, store path, ids)."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("CUEDETECT_DATA_DIR", str(root))
    ids = []
    with SessionStore.open(root / "cuedetect.sqlite") as store:
        for i, (who, scenario, date) in enumerate(
            [("Sam", "bank", "2026-01-05"), ("Alex", "ward", "2026-02-01"), ("Sam", "ward", "2026-03-01")]
        ):
            out = synthetic_analysis(tmp_path / f"a{i}", seed=i)
            ids.append(store.import_analysis(out, trainee=who, scenario=scenario, date=date).session_id)
    return root, root / "cuedetect.sqlite", ids


def app(page: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.query_params["page"] = page
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize(
    ("page", "title"),
    [("library", "Library"), ("progress", "Trainee progress"), ("settings", "Settings"), (None, "Library")],
)
def test_pages_render(data, page, title):
    at = app(page)
    no_errors(at)
    assert [t.value for t in at.title] == [title]


def test_live_page_is_wired_in(data):
    """The live engineer's page renders inside the dashboard (nothing is started until asked)."""
    at = app("live")
    no_errors(at)
    assert [h.value for h in at.header] == ["Live practice"]
    assert "New live session" in [b.label for b in at.button]
    assert "Live practice" in at.radio[0].options


def test_library_lists_filters_and_opens(data):
    _, _, ids = data
    at = app("library")
    table = at.dataframe[0].value
    assert sorted(table["session"]) == sorted(ids)
    assert set(table.columns) >= {"trainee", "date", "scenario", "length", "review_status", "events"}
    at.text_input(key="lib_query").set_value("alex").run()
    assert list(at.dataframe[0].value["trainee"]) == ["Alex"]
    at.text_input(key="lib_query").set_value("").run()
    at.multiselect(key="lib_status").set_value(["reviewed"]).run()
    assert at.info and "No sessions match" in at.info[0].value
    at.multiselect(key="lib_status").set_value([]).run()
    at.selectbox(key="lib_open").set_value(ids[1]).run()
    at.button(key="lib_open_btn").click().run()
    no_errors(at)
    assert at.query_params["page"] == ["review"] or at.query_params["page"] == "review"
    assert "Alex" in at.markdown[1].value or any("Alex" in m.value for m in at.markdown)


def test_review_page_shows_everything(data):
    _, _, ids = data
    at = app("review", session=str(ids[0]))
    no_errors(at)
    labels = [b.label for b in at.button]
    for label in ("◀ Previous", "Next ▶", "✔ Confirm", "✖ Reject", "Save", "Add event", "Save roles"):
        assert label in labels
    assert [t.label for t in at.tabs] == ["Summary", "Notes", "Roles", "Exports", "Delete"]
    assert at.toggle(key="overlay").value is True  # annotated.mp4 exists: overlay on
    # key moments: the strongest escalations and the closest approach, one click each
    moments = [b.label for b in at.button if b.key and b.key.startswith("km_")]
    assert any("fists up" in m for m in moments) and any("closest" in m for m in moments)
    downloads = at.get("download_button")
    assert [d.label for d in downloads] == [
        "Printable report",
        "ELAN file",
        "BORIS",
        "BORIS table",
        "Spreadsheet (CSV)",
        "Data (JSON)",
        "Subtitles (VTT)",
    ]


def events(store_path, sid):
    with SessionStore.open(store_path) as store:
        return store.state(sid)


def test_review_actions(data):
    _, store_path, ids = data
    sid = ids[0]
    keys = [e.key for e in events(store_path, sid).events]
    at = app("review", session=str(sid))
    # next, next -> the second event, and a seek exactly to its start
    at.button(key="btn_next").click().run()
    at.button(key="btn_next").click().run()
    assert at.session_state["event_pick"] == keys[1]
    assert at.session_state["seek"].t == events(store_path, sid).events[1].start
    at.button(key="btn_confirm").click().run()
    no_errors(at)
    assert [t.value for t in at.toast] == ["confirm: confirmed"]
    assert at.session_state["event_pick"] == keys[1]  # the selection stays
    assert at.button(key="btn_confirm").proto.shortcut.upper() == "Y"
    # next -> the third event, reject it
    at.button(key="btn_next").click().run()
    assert at.session_state["event_pick"] == keys[2]
    at.button(key="btn_reject").click().run()
    # previous, adjust
    at.button(key="btn_prev").click().run()
    assert at.session_state["event_pick"] == keys[1]
    at.number_input(key=f"adj_s_{keys[1]}").set_value(1.5).run()
    at.number_input(key=f"adj_e_{keys[1]}").set_value(2.75).run()
    at.button(key="btn_adjust").click().run()
    no_errors(at)
    # comment on the selected event
    at.text_input(key="comment_text").set_value("open palms, good").run()
    at.button(key="btn_comment").click().run()
    # add an event at the current moment (the seek time)
    at.selectbox(key="add_cue").set_value("hands_raised").run()
    at.selectbox(key="add_person").set_value(1).run()
    at.button(key="btn_add").click().run()
    no_errors(at)
    state = events(store_path, sid)
    by = {e.key: e for e in state.events}
    assert by[keys[1]].status == "confirmed" and (by[keys[1]].start, by[keys[1]].end) == (1.5, 2.75)
    assert by[keys[1]].comments[-1][2] == "open palms, good"
    assert by[keys[2]].status == "rejected"
    added = [e for e in state.events if e.origin == "reviewer"]
    assert [(e.cue, e.person) for e in added] == [("hands_raised", 1)]
    # the page shows the new state: agreement appears once reviewed
    assert any(df.value.shape[0] and "kappa" in df.value.columns for df in at.dataframe)


def test_bad_actions_say_why(data):
    _, store_path, ids = data
    at = app("review", session=str(ids[0]))
    at.button(key="btn_comment").click().run()
    assert at.toast and "write a comment" in at.toast[0].value
    at.selectbox(key="add_cue").set_value("too_close").run()
    at.selectbox(key="add_person").set_value(0).run()
    at.selectbox(key="add_other").set_value(0).run()
    at.button(key="btn_add").click().run()
    assert at.toast and "pair cue" in at.toast[0].value
    assert not [e for e in events(store_path, ids[0]).events if e.origin == "reviewer"]


def test_role_change(data):
    _, store_path, ids = data
    at = app("review", session=str(ids[0]))
    at.selectbox(key="role_0").set_value("client").run()
    at.selectbox(key="role_1").set_value("trainee").run()
    at.button(key="btn_roles").click().run()
    no_errors(at)
    assert "roles saved" in at.toast[0].value
    assert events(store_path, ids[0]).roles == {0: "client", 1: "trainee"}
    assert any("trainee (P1)" in str(df.value.to_dict()) for df in at.dataframe)


def test_exports_download(data):
    """Each download button's deferred data is the export of the session as it stands."""
    root, store_path, ids = data
    at = app("review", session=str(ids[0]))
    buttons = at.get("download_button")
    assert all(b.proto.deferred_file_id for b in buttons)  # made on click, not on every page run
    from cuedetect.dashboard.exports import export_bytes

    with SessionStore.open(store_path) as store:
        doc = json.loads(export_bytes(store, ids[0], "json", root))
        html = export_bytes(store, ids[0], "html", root).decode()
    assert doc and "<html" in html.lower()
    for b in buttons:
        b.click()
    at.run()
    no_errors(at)


def test_settings_save_and_refuse(data):
    root, _, _ = data
    at = app("settings")
    at.number_input(key="set_safe").set_value(1.6)
    at.button[0].click().run()  # the form's submit button
    assert at.success and (root / "dashboard_settings.json").exists()
    assert json.loads((root / "dashboard_settings.json").read_text())["safe_distance_m"] == 1.6
    at.number_input(key="set_safe").set_value(0.5)
    at.button[0].click().run()
    assert at.error and "safe distance" in at.error[0].value
    assert json.loads((root / "dashboard_settings.json").read_text())["safe_distance_m"] == 1.6


def test_progress_page_links_sessions(data):
    _, _, ids = data
    at = app("progress")
    no_errors(at)
    at.selectbox(key="progress_trainee").set_value("Sam").run()
    table = at.dataframe[0].value
    assert list(table["session"]) == [ids[0], ids[2]]
    assert list(table["open"]) == [f"?page=review&session={ids[0]}", f"?page=review&session={ids[2]}"]
    at.selectbox(key="progress_open").set_value(ids[0]).run()
    at.button(key="progress_open_btn").click().run()
    no_errors(at)
    assert at.selectbox[1].label == "Session" or any(s.label == "Session" for s in at.selectbox)


def test_trainee_mode_shows_own_sessions_only(data):
    _, _, ids = data
    at = app("library", mode="trainee")
    assert at.toggle(key="trainee_mode").value is True
    assert at.selectbox(key="me").value is None  # asked, not guessed
    assert not at.dataframe and any("choose your name" in c.value for c in at.caption)
    at.selectbox(key="me").set_value("Alex").run()
    no_errors(at)
    assert [t.value for t in at.title] == ["My sessions"]
    assert list(at.dataframe[0].value["session"]) == [ids[1]]
    assert [r.label for r in at.radio] == ["Page"]
    assert at.radio[0].options == ["My sessions", "Review", "My progress", "Live practice"]
    # someone else's session is refused; one's own opens, without instructor actions
    at.query_params["page"] = "review"
    at.query_params["session"] = str(ids[0])
    at.run()
    assert at.error and "not one of your sessions (you are Alex)" in at.error[0].value
    assert any("you are **Alex**" in c.value for c in at.caption)  # said on every page
    at.query_params["session"] = str(ids[1])
    at.run()
    no_errors(at)
    labels = [b.label for b in at.button]
    assert "✔ Confirm" not in labels and "Save roles" not in labels and "Save" in labels
    assert "Delete this session" not in labels and "Delete" not in [t.label for t in at.tabs]
    at.query_params["page"] = "progress"
    at.run()
    no_errors(at)
    assert [t.value for t in at.title] == ["My progress"]


def test_comment_on_a_moment_becomes_a_note(data):
    _, store_path, ids = data
    at = app("review", session=str(ids[0]))
    at.text_input(key="comment_text").set_value("client steps back here").run()
    at.button(key="btn_comment").click().run()
    no_errors(at)
    notes = events(store_path, ids[0]).notes
    assert [(n.kind, n.t, n.text) for n in notes] == [("comment", 0.0, "client steps back here")]
    table = at.dataframe(key="notes_table").value
    assert list(table["text"]) == ["client steps back here"]


def test_delete_a_session_after_typing_its_number(data):
    _, store_path, ids = data
    sid = ids[0]
    at = app("review", session=str(sid))
    at.text_input(key="erase_confirm").set_value(str(ids[1])).run()  # another session's number
    at.button(key="btn_erase").click().run()
    assert at.toast and f"type the session number {sid}" in at.toast[0].value
    with SessionStore.open(store_path) as store:
        assert [s.id for s in store.sessions()] == ids
    at.text_input(key="erase_confirm").set_value(str(sid)).run()
    at.button(key="btn_erase").click().run()
    no_errors(at)
    assert at.toast and f"session {sid} (" in at.toast[0].value and "erased" in at.toast[0].value
    assert [t.value for t in at.title] == ["Library"]  # back to the library, without the session
    assert sorted(at.dataframe[0].value["session"]) == sorted(ids[1:])
    with SessionStore.open(store_path) as store:
        assert [s.id for s in store.sessions()] == ids[1:]
