from __future__ import annotations

from cuedetect.cues.catalogue import BY_ID, CATALOGUE, CUE_IDS, PAIR_CUES, RULE_CUES, catalogue_markdown
from cuedetect.cues.settings import CueSettings

EXPECTED = (
    "pointing",
    "arms_crossed",
    "hands_on_hips",
    "hands_raised",
    "fists_up",
    "hands_hidden",
    "bladed_stance",
    "leaning_in",
    "pacing",
    "open_hands",
    "rapid_approach",
    "too_close",
)


def test_ids_are_exactly_the_contract() -> None:
    assert CUE_IDS == EXPECTED


def test_entries_are_complete_and_consistent() -> None:
    for c in CATALOGUE:
        assert c.kind in ("escalation", "de-escalation", "context")
        assert c.scope in ("person", "pair")
        assert c.definition and c.reason
    assert set(PAIR_CUES) == set(RULE_CUES) == {"rapid_approach", "too_close"}
    assert BY_ID["open_hands"].kind == "de-escalation"


def test_markdown_lists_every_cue() -> None:
    md = catalogue_markdown()
    assert all(f"`{c}`" in md for c in EXPECTED)


def test_practice_thresholds_are_settings() -> None:
    s = CueSettings()
    assert (s.too_close_m, s.safe_distance_m, s.closing_speed_mps) == (1.0, 1.2, 0.8)
    assert all(s.min_duration(c) > 0 for c in EXPECTED)
