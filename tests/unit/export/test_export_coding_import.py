"""Human codings (ELAN, BORIS) of the same recording become a reviewer's annotations; others are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from cuedetect.errors import InputError
from cuedetect.export import export_session, import_coding
from cuedetect.store import SessionStore
from cuedetect.store.summary import session_agreement

# As BORIS 7 wrote it: metadata lines above the header, a Status column, subjects by role name.
OLD_BORIS = """Observation id\tstandoff
Observation date\t2025-05-01 10:00:00
Description\t
Media file\trecording.mp4

Time\tMedia file path\tTotal length\tFPS\tSubject\tBehavior\tBehavioral category\tComment\tStatus
0.500\t/data/videos/recording.mp4\t4.00\t10\tclient\tpointing\tescalation\t\tSTART
2.200\t/data/videos/recording.mp4\t4.00\t10\tclient\tpointing\tescalation\t\tSTOP
1.000\t/data/videos/recording.mp4\t4.00\t10\ttrainee\topen hands\tde-escalation\t\tSTART
3.000\t/data/videos/recording.mp4\t4.00\t10\ttrainee\topen hands\tde-escalation\t\tSTOP
2.000\t/data/videos/recording.mp4\t4.00\t10\ttrainee\tscratching head\tother\t\tPOINT
"""

AGGREGATED = """Observation id,Media file name,Media duration (s),Subject,Behavior,Start (s),Stop (s)
obs1,recording.mp4,4.0,P1,fists_up,2.2,3.4
"""


@pytest.fixture
def session(store: SessionStore, demo_dir: Path) -> int:
    return store.import_analysis(demo_dir).session_id


def test_an_older_boris_export_becomes_a_coding_and_is_compared(
    store: SessionStore, session: int, tmp_path: Path
) -> None:
    path = tmp_path / "coder.tsv"
    path.write_text(OLD_BORIS)
    keys = import_coding(store, session, path, reviewer="coder")
    coded = sorted(
        (e.cue, e.person, e.start, e.end) for e in store.current_events(session, "coder") if e.key in keys
    )
    assert coded == [("open_hands", 0, 1.0, 3.0), ("pointing", 1, 0.5, 2.2)]  # unknown behaviours skipped
    pair = session_agreement(store, session)["pairs"][0]
    assert (pair["a"], pair["b"]) == ("model", "coder")
    assert pair["per_cue"]["open_hands"]["kappa"] == 1.0
    assert 0 < pair["per_cue"]["pointing"]["kappa"] < 1  # 0.5-2.2 against the model's 0.6-1.6


def test_aggregated_comma_separated_boris(store: SessionStore, session: int, tmp_path: Path) -> None:
    path = tmp_path / "agg.csv"
    path.write_text(AGGREGATED)
    keys = import_coding(store, session, path, reviewer="coder2")
    assert [(e.cue, e.start, e.end) for e in store.current_events(session, "coder2") if e.key in keys] == [
        ("fists_up", 2.2, 3.4)
    ]


def _eaf_for(store: SessionStore, session: int, tmp_path: Path) -> str:
    return export_session(store, session, "eaf", tmp_path / "good.eaf").read_text()


BAD_INPUTS = [
    ("corrupt.eaf", lambda good: good[: len(good) // 2], "not a readable ELAN"),
    ("noise.eaf", lambda good: "\x00\x01 definitely not xml", "not a readable ELAN"),
    (
        "other-video.eaf",
        lambda good: good.replace("recording.mp4", "another_roleplay.mp4"),
        "is for another_roleplay.mp4",
    ),
    ("too-long.eaf", lambda good: good.replace('TIME_VALUE="3800"', 'TIME_VALUE="93800"'), "after the end"),
    ("no-tiers.eaf", lambda good: good.replace('TIER_ID="P', 'TIER_ID="speaker '), "no tier named like"),
    ("other-video.tsv", lambda good: OLD_BORIS.replace("recording.mp4", "other.mp4"), "is for other.mp4"),
    ("other-length.tsv", lambda good: OLD_BORIS.replace("\t4.00\t", "\t61.50\t"), "61.50 s recording"),
    ("no-header.tsv", lambda good: "just\tsome\ttext\n1\t2\t3\n", "neither a BORIS export"),
    ("unclosed.tsv", lambda good: OLD_BORIS.replace("\tSTOP\n", "\tSTART\n"), "START without STOP"),
    ("stop-first.tsv", lambda good: OLD_BORIS.replace("\tSTART\n", "\tSTOP\n", 1), "without a START"),
    ("bad-subject.tsv", lambda good: OLD_BORIS.replace("\tclient\t", "\tthe guy\t"), "subject 'the guy'"),
    ("bad-time.tsv", lambda good: OLD_BORIS.replace("0.500", "half past"), "not a number"),
    (
        "nothing.tsv",
        lambda good: OLD_BORIS.replace("pointing", "waving").replace("open hands", "waving"),
        "holds no event",
    ),
    ("notes.docx", lambda good: "whatever", "expected an ELAN .eaf or a BORIS"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_codings_give_one_clear_line_and_change_nothing(
    store: SessionStore, session: int, tmp_path: Path, name: str, make, message: str
) -> None:
    path = tmp_path / name
    path.write_text(make(_eaf_for(store, session, tmp_path)), encoding="utf-8")
    before = store.counts()
    with pytest.raises(InputError, match=message) as info:
        import_coding(store, session, path, reviewer="coder")
    assert "\n" not in str(info.value)
    assert store.counts() == before


def test_missing_file_and_missing_session(store: SessionStore, session: int, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        import_coding(store, session, tmp_path / "absent.eaf", reviewer="coder")
    good = tmp_path / "good.eaf"
    good.write_text(_eaf_for(store, session, tmp_path))
    with pytest.raises(InputError, match="session 77 does not exist"):
        import_coding(store, 77, good, reviewer="coder")
