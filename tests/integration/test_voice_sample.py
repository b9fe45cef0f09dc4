"""End to end: `cuedetect analyze` on the bundled standoff sample, whose video carries a dialogue."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cuedetect.cues.evaluate import match_events

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analysed(standoff_video: Path, tmp_path_factory, analyze_cli) -> tuple[Path, dict, dict]:
    out = tmp_path_factory.mktemp("voice") / "standoff"
    analysis = analyze_cli(standoff_video, out, "--no-register",
                           "--voice-channels", "0=trainee,1=client")  # fmt: skip
    gt = json.loads((standoff_video.with_name("gt.json")).read_text())
    return out, analysis, gt


def test_the_audio_is_analysed_into_voice_parquet(analysed) -> None:
    out, analysis, gt = analysed
    audio = analysis["audio"]
    assert audio["present"] and audio["channels_analysed"] == 2 and audio["separate_channels"]
    voice = pd.read_parquet(out / "voice.parquet")
    assert set(voice.columns) >= {"t", "person", "speech", "loudness_lufs", "f0_hz", "rate_sps", "pause"}
    # every scripted line is heard on its speaker's own channel
    roles = {p["id"]: p["role"] for p in json.loads((out / "events.json").read_text())["persons"]}
    by_role = {r: p for p, r in roles.items()}
    gt_role = {p["id"]: p["role"] for p in gt["persons"]}
    for line in gt["speech"]:
        mine = voice[
            (voice.person == by_role[gt_role[line["person"]]]) & voice.t.between(line["start"], line["end"])
        ]
        assert mine.speech.mean() > 0.5, line["text"]
    assert "voice_s" in analysis["timings_s"]


def test_voice_events_match_the_script(analysed) -> None:
    out, _, gt = analysed
    doc = json.loads((out / "events.json").read_text())
    role_of = {p["id"]: p["role"] for p in doc["persons"]}
    gt_role = {p["id"]: p["role"] for p in gt["persons"]}
    found = [{**e, "person": role_of[e["person"]]} for e in doc["events"] if e["cue"] in
             ("raised_voice", "rapid_speech", "calm_voice")]  # fmt: skip
    truth = [{**e, "person": gt_role[e["person"]]} for e in gt["voice_events"]]
    for cue in ("raised_voice", "rapid_speech", "calm_voice"):
        c = match_events(found, truth, cue)
        assert (c.fp, c.fn) == (0, 0), (cue, found, truth)
    assert all(e["evidence"] and 0.5 <= e["confidence"] <= 1 for e in found)


@pytest.mark.parametrize("fmt", ["csv", "json", "eaf", "vtt", "boris", "boris-table", "html"])
def test_voice_events_reach_the_store_and_every_export(analysed, tmp_path: Path, fmt: str) -> None:
    from cuedetect.export import export_session
    from cuedetect.store.session_store import SessionStore

    out, _, _ = analysed
    with SessionStore.open(tmp_path / "store.sqlite") as store:
        sid = store.import_analysis(out).session_id
        cues = {e.cue for e in store.state(sid).events}
        assert {"raised_voice", "rapid_speech", "calm_voice"} <= cues
        text = export_session(store, sid, fmt, tmp_path / f"export-{fmt}").read_text()
    assert "raised_voice" in text or "voice raised" in text
    if fmt == "html":
        assert "the client raised their voice; the trainee answered in a calm, low voice" in text


def test_what_was_said_is_transcribed_per_speaker_into_words_parquet(analysed) -> None:
    """The speech stage on the same run: words with times on each line's speaker, verbal cues with the
    words as evidence, the talk-time share, and the cues reach the store."""
    out, analysis, gt = analysed
    words = pd.read_parquet(out / "words.parquet")
    assert list(words.columns)[:6] == ["start_s", "end_s", "word", "confidence", "person_id", "role"]
    roles = {p["id"]: p["role"] for p in json.loads((out / "events.json").read_text())["persons"]}
    gt_role = {p["id"]: p["role"] for p in gt["persons"]}
    for line in gt["speech"]:
        mine = words[((words.start_s + words.end_s) / 2).between(line["start"], line["end"])]
        assert len(mine) >= 3, line["text"]
        assert set(mine.role) == {gt_role[line["person"]]}, (line["text"], mine)
        assert all(roles[p] == r for p, r in zip(mine.person_id, mine.role, strict=True))
    speech = analysis["speech"]
    assert speech["present"] and speech["words"] == len(words) and not speech["notes"]
    assert speech["realtime_factor_of_speech"] < 1.0 and abs(sum(speech["talk_share"].values()) - 1) < 0.01
    doc = json.loads((out / "events.json").read_text())
    from cuedetect.cue_ids import VERBAL_CUES

    verbal = [e for e in doc["events"] if e["cue"] in VERBAL_CUES]
    assert len(verbal) == speech["events"]
    trainee_cues = {"validating", "offering_choice", "open_question", "command", "dismissing"}
    for e in verbal:  # the script's trainee says no client cue and vice versa
        assert (roles[e["person"]] == "trainee") == (e["cue"] in trainee_cues), e
        assert e["evidence"].startswith("said") or e["cue"] == "interruption", e
    assert set(doc["summary"]["talk_share"]) == {str(p) for p in roles}


def test_the_transcript_reaches_the_review_and_every_export(analysed, tmp_path: Path) -> None:
    """What pocketsphinx heard on the sample: utterances per speaker on the review page's data, its verbal
    cues' words marked, voice captions in the VTT, a tier per speaker in the ELAN file, the report's words."""
    import pympi
    import webvtt

    from cuedetect.dashboard.review_data import load_review
    from cuedetect.export import export_session, load_export
    from cuedetect.store.session_store import SessionStore

    out, _, _ = analysed
    words = pd.read_parquet(out / "words.parquet")
    with SessionStore.open(tmp_path / "store.sqlite") as store:
        sid = store.import_analysis(out).session_id
        said = load_review(store, sid).said()
        assert said == load_export(store, sid).said()
        vtt = webvtt.read(str(export_session(store, sid, "vtt", tmp_path / "s.vtt")))
        eaf = pympi.Elan.Eaf(str(export_session(store, sid, "eaf", tmp_path / "s.eaf")))
        html = export_session(store, sid, "html", tmp_path / "s.html").read_text()
    assert sum(len(u.words) for u in said) == len(words)
    assert {u.speaker for u in said} == {"Trainee", "Client"}
    verbal = [e for e in json.loads((out / "events.json").read_text())["events"] if e["cue"] != "interruption"
              and e["evidence"].startswith("said")]  # fmt: skip
    marked = {w.cue for u in said for w in u.words if w.cue}
    assert {e["cue"] for e in verbal} <= marked  # every spotted phrase's words are marked
    voices = [c.voice for c in vtt if (c.identifier or "").startswith("said-")]
    assert set(voices) == {"Trainee", "Client"} and len(voices) >= len(said)
    for speaker in ("Trainee", "Client"):
        spoken = [u.marked_text for u in said if u.speaker == speaker]
        tier = eaf.get_annotation_data_for_tier(f"said by {speaker}")
        assert " ".join(a[2] for a in tier) == " ".join(spoken)
    assert "<h2>What was said</h2>" in html and html.count('<span class="who">') >= len(said)
