"""What was said in the exports: WebVTT voice captions, ELAN speaker tiers, the HTML report's words around
each confirmed moment; each read back by the library that owns its format."""

from __future__ import annotations

from html import escape, unescape
from pathlib import Path

import pandas as pd
import pytest

from cuedetect.export import export_session, import_coding, load_export
from cuedetect.export.transcript import NO_TRANSCRIPT
from cuedetect.store import SessionStore
from cuedetect.store.demo import write_demo_analysis

COLS = ["start_s", "end_s", "word", "confidence", "person_id", "role", "channel", "stretch"]
LINES = [
    (0, "trainee", 0.2, "i hear you"),
    (1, "client", 1.2, "you are <useless> & rude"),
    (0, "trainee", 2.5, "what would help"),
]


@pytest.fixture(scope="module")
def spoken_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 4 s demo analysis with a words.parquet of three lines (two speakers); the recogniser was unsure
    of "rude" (confidence 0.3)."""
    out = write_demo_analysis(tmp_path_factory.mktemp("spoken") / "out")
    rows = [
        (start + 0.25 * k, start + 0.25 * k + 0.22, w, 0.3 if w == "rude" else 0.9, person, role, person, n)
        for n, (person, role, start, text) in enumerate(LINES)
        for k, w in enumerate(text.split())
    ]
    pd.DataFrame(rows, columns=COLS).to_parquet(out / "words.parquet", index=False)
    return out


@pytest.fixture
def spoken(store: SessionStore, spoken_dir: Path) -> int:
    sid = store.import_analysis(spoken_dir, trainee="Sam").session_id
    pointing = next(e for e in store.current_events(sid) if e.cue == "pointing")
    store.confirm(sid, pointing.key, "ann")
    return sid


def test_vtt_has_one_voice_caption_per_utterance(store: SessionStore, spoken: int, tmp_path: Path) -> None:
    import webvtt

    captions = webvtt.read(str(export_session(store, spoken, "vtt", tmp_path / "s.vtt")))
    said = [c for c in captions if c.identifier and c.identifier.startswith("said-")]
    assert [(c.voice, unescape(c.text)) for c in said] == [
        ("Trainee", "i hear you"),
        ("Client", "you are <useless> & (rude)"),  # escaped in the file (webvtt-py keeps the entities)
        ("Trainee", "what would help"),
    ]
    assert (said[1].start, said[1].end) == ("00:00:01.200", "00:00:02.420")
    assert "<v Client>you are &lt;useless&gt; &amp; (rude)" in (tmp_path / "s.vtt").read_text()
    starts = [c.start_in_seconds for c in captions]
    assert starts == sorted(starts) and len(captions) == 4 + 3  # the events are still there


def test_eaf_has_a_tier_per_speaker_and_still_reads_back(
    store: SessionStore, spoken: int, tmp_path: Path
) -> None:
    import pympi

    path = export_session(store, spoken, "eaf", tmp_path / "s.eaf")
    eaf = pympi.Elan.Eaf(str(path))
    trainee = [(200, 920, "i hear you"), (2500, 3220, "what would help")]
    assert eaf.get_annotation_data_for_tier("said by Trainee") == trainee
    assert eaf.get_annotation_data_for_tier("said by Client") == [(1200, 2420, "you are <useless> & (rude)")]
    assert eaf.get_parameters_for_tier("said by Client")["PARTICIPANT"] == "Client"
    # reading the file back as a coding ignores the transcript tiers
    keys = import_coding(store, spoken, path, reviewer="elan-coder")
    coded = {e.cue for e in store.current_events(spoken, reviewer="elan-coder") if e.key in keys}
    assert coded == {e.cue for e in store.current_events(spoken)}


def test_html_report_shows_what_was_said_around_each_confirmed_moment(
    store: SessionStore, spoken: int, tmp_path: Path
) -> None:
    html = export_session(store, spoken, "html", tmp_path / "s.html").read_text()
    moment = html.split("<h2>Confirmed moments</h2>")[1].split("<h2>What was said</h2>")[0]
    assert (
        "Said around then:" in moment and '<span class="who">Client</span>: you are &lt;useless&gt;' in moment
    )
    whole = html.split("<h2>What was said</h2>")[1]
    assert whole.count("<li>") >= 3 and "what would help" in whole
    assert '&amp; <span class="unsure" title="the recogniser was unsure of this word">(rude)</span>' in whole
    assert "<useless>" not in html  # the recogniser's words are text, never markup


def test_no_words_file_means_no_transcript_and_a_plain_note(
    store: SessionStore, demo_dir: Path, tmp_path: Path
) -> None:
    sid = store.import_analysis(demo_dir).session_id
    data = load_export(store, sid)
    assert data.words is None and data.transcript_note == NO_TRANSCRIPT and data.said() == []
    html = export_session(store, sid, "html", tmp_path / "n.html").read_text()
    assert f'<h2>What was said</h2><p class="muted">{escape(NO_TRANSCRIPT)}</p>' in html
    assert "said by" not in (export_session(store, sid, "eaf", tmp_path / "n.eaf")).read_text()
