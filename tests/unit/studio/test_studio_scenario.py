"""Scenario files: ranges drawn reproducibly, clear errors for what cannot be acted."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.errors import InputError
from cuedetect.studio.corpus import make_scenario
from cuedetect.studio.cue_poses import POSTURE_CUES
from cuedetect.studio.scenario import load, parse, resolve

BASE = {
    "video": {"fps": 10, "duration": 5},
    "persons": [{"id": "A", "role": "trainee"}, {"id": "B", "role": "client"}],
}


def _ranges():
    leaf = st.one_of(
        st.floats(-5, 5, allow_nan=False),
        st.tuples(st.floats(-5, 0), st.floats(0, 5)).map(lambda t: {"uniform": list(t)}),
        st.lists(st.integers(), min_size=1, max_size=4).map(lambda c: {"choice": c}),
    )
    branch = lambda kids: st.dictionaries(st.sampled_from("abcde"), kids, max_size=4)  # noqa: E731
    return st.recursive(leaf, branch, max_leaves=12)


def _has_range(node) -> bool:
    if isinstance(node, dict):
        return set(node) in ({"uniform"}, {"choice"}) or any(_has_range(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_range(v) for v in node)
    return False


@given(_ranges(), st.integers(0, 2**31))
def test_resolve_draws_every_range_the_same_way_for_a_seed(tree, seed):
    a = resolve(tree, np.random.default_rng(seed))
    b = resolve(tree, np.random.default_rng(seed))
    assert a == b
    assert not _has_range(a)


def test_uniform_range_stays_inside_its_bounds():
    raw = {**BASE, "camera": {"azimuth_deg": {"uniform": [-40, 40]}}}
    seen = {parse(raw, seed=s).resolved["camera"]["azimuth_deg"] for s in range(30)}
    assert all(-40 <= v <= 40 for v in seen) and len(seen) > 20


@pytest.mark.parametrize(
    ("person", "message"),
    [
        ({"id": "A", "role": "boss"}, "role must be one of"),
        ({"id": "A", "timeline": [{"at": 1, "cue": "too_close"}]}, "cannot be held"),
        ({"id": "A", "timeline": [{"at": 1, "dance": True}]}, "needs one of"),
        ({"id": "A", "body": {"skin": "purple"}}, "expected a colour"),
    ],
)
def test_bad_scenarios_say_what_is_wrong(person, message):
    with pytest.raises(InputError, match=message):
        parse({"persons": [person]})


def test_missing_and_broken_files_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no scenario file"):
        load(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("persons: [unclosed")
    with pytest.raises(InputError, match="not valid YAML"):
        load(bad)


def test_corpus_scenarios_are_reproducible_and_cover_every_cue():
    assert make_scenario(7) == make_scenario(7)
    assert make_scenario(7) != make_scenario(8)
    held, walks, paces = set(), 0, 0
    for seed in range(40):
        sc = make_scenario(seed)
        assert 10 <= sc["video"]["duration"] <= 13
        assert -40 <= sc["camera"]["azimuth_deg"] <= 40
        parse(sc)  # valid
        for person in sc["persons"]:
            for action in person["timeline"]:
                held.add(action.get("cue"))
                walks += "walk_to" in action
                paces += "pace" in action
    assert set(POSTURE_CUES) <= held
    assert walks >= 8 and paces >= 6


def test_corpus_scenario_files_load_back_as_written(tmp_path):
    from cuedetect.studio.corpus import write_scenarios

    paths = write_scenarios(tmp_path, range(3))
    assert [p.parent.name for p in paths] == ["clip_00000", "clip_00001", "clip_00002"]
    for seed, path in enumerate(paths):
        sc = load(path)
        assert sc.seed == seed
        assert sc.resolved == make_scenario(seed)
