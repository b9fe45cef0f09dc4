from __future__ import annotations

from cuedetect import cue_ids
from cuedetect.cues.catalogue import BY_ID, CATALOGUE, CUE_IDS, PAIR_CUES, RULE_CUES, catalogue_markdown
from cuedetect.cues.settings import CueSettings


def test_ids_are_exactly_the_shared_list() -> None:
    assert CUE_IDS == cue_ids.CUES


def test_kinds_and_scopes_agree_with_the_shared_sets() -> None:
    assert {c.id for c in CATALOGUE if c.scope == "pair"} == cue_ids.PAIR_CUES
    assert {c.id for c in CATALOGUE if c.kind == "escalation"} == cue_ids.ESCALATION_CUES
    assert {c.id for c in CATALOGUE if c.kind == "de-escalation"} == cue_ids.DEESCALATION_CUES


def test_every_screen_and_export_files_a_cue_under_its_catalogue_kind() -> None:
    """`cue_ids.cue_kind` is the one kind the dashboard, the exports and the live overlay use."""
    assert {c.id: cue_ids.cue_kind(c.id) for c in CATALOGUE} == {c.id: c.kind for c in CATALOGUE}
    assert [cue_ids.cue_kind(c) for c in ("pointing", "open_hands", "too_close")] == [
        "escalation", "de-escalation", "context"]  # fmt: skip
    assert cue_ids.cue_kind("not_a_cue") == "context"  # an unknown id is neither alarm nor relief


def test_entries_are_complete_and_consistent() -> None:
    for c in CATALOGUE:
        assert c.kind in ("escalation", "de-escalation", "context")
        assert c.scope in ("person", "pair")
        assert c.definition and c.reason
    assert set(PAIR_CUES) == set(RULE_CUES) == {"rapid_approach", "too_close"}
    assert BY_ID["open_hands"].kind == "de-escalation"
    assert {c.id for c in CATALOGUE if c.detector == "voice"} == cue_ids.VOICE_CUES
    assert not set(cue_ids.VOICE_CUES) & set(cue_ids.POSTURE_CUES)


def test_screens_get_plain_words() -> None:
    from cuedetect.cues.catalogue import cue_name

    assert cue_name("raised_voice") == "voice raised"
    assert cue_name("calm_voice") == "calm, low voice"
    assert cue_name("fists_up") == "fists up"
    assert cue_name("something_new") == "something new"


def test_markdown_lists_every_cue() -> None:
    md = catalogue_markdown()
    assert all(f"`{c}`" in md for c in cue_ids.CUES)


def test_practice_thresholds_are_settings() -> None:
    s = CueSettings()
    assert (s.too_close_m, s.safe_distance_m, s.closing_speed_mps) == (1.0, 1.2, 0.8)
    assert all(s.min_duration(c) > 0 for c in cue_ids.CUES)
