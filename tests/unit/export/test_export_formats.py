"""Each export read back by the library that owns its format; eaf and BORIS round trips."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from cuedetect.errors import InputError
from cuedetect.export import FORMATS, export_session, import_coding, read_coding
from cuedetect.export.boris import HEADER
from cuedetect.store import SessionStore


@pytest.fixture
def reviewed(store: SessionStore, demo_dir: Path) -> int:
    """A session with one of each review action."""
    sid = store.import_analysis(demo_dir, trainee="Sam", scenario="standoff").session_id
    ev = {e.cue: e for e in store.current_events(sid)}
    store.confirm(sid, ev["pointing"].key, "ann")
    store.reject(sid, ev["fists_up"].key, "ann")
    store.adjust(sid, ev["open_hands"].key, 1.1, 2.9, "ann")
    store.add_event(sid, "hands_on_hips", 1, 2.0, 3.5, "ann")
    store.comment(sid, "ann", "finger right at the face", event_key=ev["pointing"].key)
    store.bookmark(sid, "ann", 3.2, "stepped in")
    return sid


def signature(events: list) -> list[tuple]:
    return sorted(
        (e["cue"], e["person"], e["other"], round(e["start"], 3), round(e["end"], 3)) for e in events
    )


def present(store: SessionStore, sid: int) -> list[dict]:
    return [vars(e) for e in store.current_events(sid) if e.status != "rejected"]


def test_csv_reads_back_with_csv_and_pandas(store: SessionStore, reviewed: int, tmp_path: Path) -> None:
    path = export_session(store, reviewed, "csv", tmp_path / "e.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    df = pd.read_csv(path)
    assert len(rows) == len(df) == 5  # 4 model events (one rejected) + 1 added
    assert dict(zip(df["cue"], df["status"], strict=True)) == {
        "pointing": "confirmed",
        "fists_up": "rejected",
        "open_hands": "confirmed",
        "hands_on_hips": "confirmed",
        "too_close": "unreviewed",
    }
    oh = df[df["cue"] == "open_hands"].iloc[0]
    assert (oh["start"], oh["end"], oh["model_start"], oh["model_end"]) == (1.1, 2.9, 1.0, 3.0)
    assert "finger right at the face" in df[df["cue"] == "pointing"].iloc[0]["comments"]
    assert df[df["cue"] == "too_close"].iloc[0]["other"] == 1


def test_json_has_session_events_notes_and_summary(
    store: SessionStore, reviewed: int, demo_dir: Path, tmp_path: Path
) -> None:
    """The JSON export's whole schema, and every value the review above put there."""
    from cuedetect.export.rows import COLUMNS

    path = export_session(store, reviewed, "json", tmp_path / "e.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert list(doc) == ["format", "session", "persons", "events", "notes", "summary"]
    assert doc["format"] == "cuedetect-session/1"
    s = doc["session"]
    assert set(s) == {"id", "recording", "recording_sha256", "duration", "date", "scenario", "trainee",
                      "instructor"}  # fmt: skip
    recording = Path(s["recording"])
    assert recording.name == "recording.mp4" and recording.parent == demo_dir
    assert s["recording_sha256"] == hashlib.sha256(recording.read_bytes()).hexdigest()
    assert (s["id"], s["duration"], s["scenario"], s["trainee"], s["instructor"]) == (
        reviewed,
        4.0,
        "standoff",
        "Sam",
        None,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", s["date"])
    assert doc["persons"] == [{"id": 0, "role": "trainee"}, {"id": 1, "role": "client"}]

    # every event, rejected ones included (with their status), each row with exactly the export columns
    assert all(list(e) == list(COLUMNS) for e in doc["events"])
    got = {
        e["cue"]: (e["person"], e["person_role"], e["other"], e["start"], e["end"], e["duration"],
                   e["status"], e["origin"], e["model_start"], e["model_end"], e["reviewed_by"])
        for e in doc["events"]
    }  # fmt: skip
    assert got == {
        "pointing": (1, "client", None, 0.6, 1.6, 1.0, "confirmed", "model", 0.6, 1.6, "ann"),
        "open_hands": (0, "trainee", None, 1.1, 2.9, 1.8, "confirmed", "model", 1.0, 3.0, "ann"),
        "hands_on_hips": (1, "client", None, 2.0, 3.5, 1.5, "confirmed", "reviewer", None, None, "ann"),
        "fists_up": (1, "client", None, 2.2, 3.4, 1.2, "rejected", "model", 2.2, 3.4, "ann"),
        "too_close": (0, "trainee", 1, 3.0, 3.8, 0.8, "unreviewed", "model", 3.0, 3.8, ""),
    }
    ev = {e["cue"]: e for e in doc["events"]}
    assert [e["start"] for e in doc["events"]] == sorted(e["start"] for e in doc["events"])
    assert {c: e["category"] for c, e in ev.items()} == {
        "pointing": "escalation", "open_hands": "de-escalation", "hands_on_hips": "escalation",
        "fists_up": "escalation", "too_close": "context",
    }  # fmt: skip
    assert ev["pointing"]["comments"] == "ann: finger right at the face"
    assert ev["hands_on_hips"]["confidence"] is None and ev["hands_on_hips"]["evidence"] is None
    assert 0 < ev["pointing"]["confidence"] <= 1 and ev["pointing"]["key"].startswith("m-")
    assert ev["hands_on_hips"]["key"].startswith("r-")
    assert json.loads(ev["too_close"]["evidence"]) == {"distance_m": 0.9}  # evidence is JSON text

    (note,) = doc["notes"]
    assert {k: note[k] for k in ("kind", "t", "text", "reviewer")} == {
        "kind": "bookmark", "t": 3.2, "text": "stepped in", "reviewer": "ann"
    }  # fmt: skip
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", note["at"])

    summary = doc["summary"]
    assert summary["roles"] == {"0": "trainee", "1": "client"} and summary["reviewers"] == ["ann"]
    assert summary["review_actions"] == 6 and summary["analyses"] == 1  # confirm, reject, adjust, add, ...
    assert summary["events_per_cue"] == {
        "fists_up": {"unreviewed": 0, "confirmed": 0, "rejected": 1},
        "hands_on_hips": {"unreviewed": 0, "confirmed": 1, "rejected": 0},
        "open_hands": {"unreviewed": 0, "confirmed": 1, "rejected": 0},
        "pointing": {"unreviewed": 0, "confirmed": 1, "rejected": 0},
        "too_close": {"unreviewed": 1, "confirmed": 0, "rejected": 0},
    }
    assert summary["metrics"]["confirmed_counts"] == {"hands_on_hips": 1, "open_hands": 1, "pointing": 1}
    assert summary["metrics"]["open_hands_s"] == 1.8 and summary["metrics"]["events"] == 4
    # agreement, model vs the reviewer, in 0.5 s bins over 4 s (16 per cue)
    (pair,) = summary["agreement"]["pairs"]
    assert (pair["a"], pair["b"], summary["agreement"]["bin_s"]) == ("model", "ann", 0.5)
    per = pair["per_cue"]
    assert {c: (r["bins"], r["positive_a"], r["positive_b"]) for c, r in per.items()} == {
        "fists_up": (16, 3, 0),  # rejected: the model had it, the reviewer not
        "hands_on_hips": (16, 0, 3),  # added by the reviewer
        "open_hands": (16, 4, 4),  # 1.0-3.0 adjusted to 1.1-2.9: the same bins
        "pointing": (16, 2, 2),
        "too_close": (16, 2, 0),  # unreviewed: not a reviewer's coding
        "overall": (80, 11, 9),
    }
    assert per["open_hands"]["kappa"] == per["pointing"]["kappa"] == 1.0
    assert per["fists_up"]["kappa"] == per["hands_on_hips"]["kappa"] == 0.0
    # overall kappa from its own table: agreement p_o and chance p_e from the marginals
    o = per["overall"]
    p_o, pa, pb = o["percent"] / 100, o["positive_a"] / o["bins"], o["positive_b"] / o["bins"]
    p_e = pa * pb + (1 - pa) * (1 - pb)
    assert o["kappa"] == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-4)


def test_eaf_has_one_tier_per_person_and_cue_linked_to_the_video(
    store: SessionStore, reviewed: int, tmp_path: Path
) -> None:
    import pympi

    eaf = pympi.Elan.Eaf(str(export_session(store, reviewed, "eaf", tmp_path / "e.eaf")))
    assert sorted(eaf.get_tier_names()) == [
        "P0 open_hands",
        "P0 too_close",
        "P1 fists_up (rejected)",  # the reviewer's rejections travel, on their own tier
        "P1 hands_on_hips",
        "P1 pointing",
        "comments",
    ]
    assert eaf.get_annotation_data_for_tier("P1 fists_up (rejected)")[0][2] == "fists_up [rejected]"
    assert "ann: finger right at the face" in eaf.get_annotation_data_for_tier("P1 pointing")[0][2]
    assert [a[2] for a in eaf.get_annotation_data_for_tier("comments")] == ["bookmark by ann: stepped in"]
    assert eaf.get_parameters_for_tier("P1 pointing")["PARTICIPANT"] == "P1 (client)"
    media = eaf.get_linked_files()[0]
    assert media["RELATIVE_MEDIA_URL"] == "recording.mp4" and media["MIME_TYPE"] == "video/mp4"
    assert media["MEDIA_URL"].startswith("file://") and media["MEDIA_URL"].endswith("recording.mp4")
    assert eaf.get_annotation_data_for_tier("P0 open_hands") == [(1100, 2900, "open_hands [confirmed]")]
    assert eaf.get_annotation_data_for_tier("P0 too_close")[0][2] == "too_close with P1 [unreviewed]"


def test_eaf_round_trip_gives_the_same_events(store: SessionStore, reviewed: int, tmp_path: Path) -> None:
    exported = present(store, reviewed)
    path = export_session(store, reviewed, "eaf", tmp_path / "e.eaf")
    keys = import_coding(store, reviewed, path, reviewer="elan-coder")
    coded = [e for e in store.current_events(reviewed, reviewer="elan-coder") if e.key in keys]
    assert len(coded) == len(keys) == len(exported) == 4
    assert signature([vars(e) for e in coded]) == signature(exported)
    assert {(e.origin, e.status) for e in coded} == {("reviewer", "confirmed")}
    # importing the same coding twice is refused rather than doubled
    with pytest.raises(InputError, match="already imported"):
        import_coding(store, reviewed, path, reviewer="elan-coder")


def test_boris_paste_file_passes_borises_own_paste_check(
    store: SessionStore, reviewed: int, tmp_path: Path
) -> None:
    from decimal import Decimal

    path = export_session(store, reviewed, "boris", tmp_path / "e.tsv")
    text = path.read_text()
    # what BORIS 8's paste_clipboard_to_events does: split lines on "\n", cells on TAB, demand 6 columns
    # (time, subject, behaviour, modifier, comment, frame index) for a media observation, Decimal times
    lines = [line.split("\t") for line in text.split("\n")]
    assert {len(cells) for cells in lines} == {6}
    times = [Decimal(cells[0]) for cells in lines]
    assert times == sorted(times) and all(cells[5].isdigit() for cells in lines)
    assert len(lines) == 2 * 5 and {c[1] for c in lines} == {"P0", "P1"}  # 4 events + 1 rejected
    assert [c[3] for c in lines if c[2] == "too_close"] == ["P1", "P1"]
    rejected = [c for c in lines if c[2] == "fists_up (rejected)"]
    assert len(rejected) == 2 and rejected[0][4].startswith("rejected; key ")
    assert next(c[4] for c in lines if c[2] == "pointing").endswith("; ann: finger right at the face")
    # read back, the rejected behaviour is not a coding
    assert signature(read_coding(store, reviewed, path)) == signature(present(store, reviewed))


def test_boris_paste_merges_overlapping_events_of_one_behaviour(
    store: SessionStore, reviewed: int, tmp_path: Path
) -> None:
    store.add_event(reviewed, "pointing", 1, 1.2, 2.5, "bob")  # overlaps the confirmed 0.6-1.6 pointing
    path = export_session(store, reviewed, "boris", tmp_path / "e.tsv")
    pointing = [line.split("\t")[0] for line in path.read_text().split("\n") if "\tpointing\t" in line]
    assert pointing == ["0.600", "2.500"]  # one START, one STOP: BORIS pairs them by counting


def test_boris_table_has_the_tabular_event_columns(
    store: SessionStore, reviewed: int, tmp_path: Path
) -> None:
    path = export_session(store, reviewed, "boris-table", tmp_path / "e.tsv")
    df = pd.read_csv(path, sep="\t")
    assert tuple(df.columns) == HEADER
    assert set(df["Behavior type"]) == {"START", "STOP"} and len(df) == 2 * 5
    assert set(df[df["Behavior"].str.endswith("(rejected)")]["Behavior"]) == {"fists_up (rejected)"}
    assert list(df["Time"]) == sorted(df["Time"])
    assert df[df["Behavior"] == "too_close"]["Modifier #1"].iloc[0] == "P1"
    assert df["Media duration (s)"].iloc[0] == pytest.approx(4.0) and df["FPS"].iloc[0] == pytest.approx(10.0)
    assert signature(read_coding(store, reviewed, path)) == signature(present(store, reviewed))


def test_vtt_parses_with_webvtt(store: SessionStore, reviewed: int, tmp_path: Path) -> None:
    import webvtt

    captions = webvtt.read(str(export_session(store, reviewed, "vtt", tmp_path / "e.vtt")))
    assert len(captions) == 4
    first = captions[0]
    assert (first.start, first.end) == ("00:00:00.600", "00:00:01.600")
    assert first.text == "P1 (client): pointing [escalation, confirmed]"
    assert any("too close with P1" in c.text for c in captions)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_writes_atomically_to_a_folder_or_file(
    store: SessionStore, reviewed: int, tmp_path: Path, fmt: str
) -> None:
    out = export_session(store, reviewed, fmt, tmp_path)
    assert out == tmp_path / f"session-{reviewed}{FORMATS[fmt]}" and out.stat().st_size > 0
    assert out.stat().st_mode & 0o777 == 0o644  # readable by whoever it is shared with
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_unknown_format_and_session(store: SessionStore, reviewed: int, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown export format"):
        export_session(store, reviewed, "docx", tmp_path / "x")
    with pytest.raises(InputError, match="does not exist"):
        export_session(store, 42, "csv", tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == [tmp_path / "store"]
