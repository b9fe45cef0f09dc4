"""The held-out section of the model card is replaced in place, never duplicated."""

from __future__ import annotations

import pytest

from cuedetect.training.card_sections import HELDOUT_END, HELDOUT_START, put_card_section


def section(text: str) -> str:
    return f"{HELDOUT_START}\n{text}\n{HELDOUT_END}"


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("# Card\n\n## Cue catalogue\n\nrows\n", f"# Card\n\n{section('new')}\n\n## Cue catalogue\n\nrows\n"),
        ("# Card\n", f"# Card\n\n{section('new')}\n"),
        (
            f"# Card\n\n{section('old')}\n\n## Cue catalogue\n",
            f"# Card\n\n{section('new')}\n\n## Cue catalogue\n",
        ),
    ],
)
def test_section_goes_before_the_catalogue_or_replaces_the_old_one(card, expected):
    assert put_card_section(card, section("new")) == expected


def test_writing_twice_changes_nothing_more():
    card = "# Card\n\n## Scores\n\nx\n\n## Cue catalogue\n\nrows\n"
    once = put_card_section(card, section("a"))
    assert put_card_section(once, section("a")) == once
    assert put_card_section(once, section("b")).count(HELDOUT_START) == 1


def test_rendered_and_simulated_held_out_sections_live_side_by_side():
    from cuedetect.training.card_sections import RENDERED_END, RENDERED_START

    rendered = f"{RENDERED_START}\nrendered\n{RENDERED_END}"
    card = put_card_section(put_card_section("# Card\n", section("sim")), rendered)
    again = put_card_section(card, f"{RENDERED_START}\nrendered 2\n{RENDERED_END}")
    again = put_card_section(again, section("s2"))
    assert "sim" in card and "rendered" in card
    assert again.count(RENDERED_START) == 1 and again.count(HELDOUT_START) == 1
    assert "rendered 2" in again and "s2" in again and "\nsim\n" not in again and "\nrendered\n" not in again


@pytest.mark.parametrize(
    ("per_cue", "expected"),
    [
        ({"pointing": (2, 1, 0), "fists_up": (1, 0, 3)}, "precision 0.75, recall 0.50 (3/1/3)"),
        ({"pointing": (0, 5, 0)}, "precision 0.00, recall 1.00 (0/5/0)"),  # nothing labelled: none missed
        ({}, "precision 1.00, recall 1.00 (0/0/0)"),  # nothing at all: the per-cue rows' convention
    ],
)
def test_the_all_events_line_sums_every_cue(per_cue, expected):
    from cuedetect.cues.evaluate import Counts, Scores
    from cuedetect.training.card_sections import heldout_section

    model = Scores(clips=2)
    for cue, counts in per_cue.items():
        model.events[cue].add(Counts(*counts))
    section = heldout_section(model, Scores(clips=2), "corpus/heldout", "cuedetect evaluate corpus/heldout")
    assert f"All events: model {expected}; baseline precision 1.00, recall 1.00 (0/0/0)." in section
