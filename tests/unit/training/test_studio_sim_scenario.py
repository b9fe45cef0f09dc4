"""A rendered clip's own scenario through the simulated pose model (`studio_sim.simulate(scenario=...)`):
the same people, events, size and rate as the render, so the two can be scored event for event."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from cuedetect.training.studio_sim import sim_clip, simulate

CLIP = Path(__file__).resolve().parents[3] / "corpus" / "style_heldout" / "heldout_00000"


def test_a_rendered_scenario_simulated_has_the_renders_events_size_and_rate(tmp_path: Path) -> None:
    rendered = json.loads((CLIP / "gt.json").read_text())
    scenario = yaml.safe_load((CLIP / "scenario.yaml").read_text())
    folder = simulate(rendered["seed"] + 1, tmp_path / "sim", split="train", scenario=scenario)
    gt = json.loads((folder / "gt.json").read_text())
    assert (gt["size"], gt["fps"], gt["split"], gt["framing"]) == (
        rendered["size"], rendered["fps"], "heldout", rendered["framing"])  # fmt: skip
    key = [(e["cue"], e["person"], round(e["start"], 3), round(e["end"], 3)) for e in rendered["events"]]
    assert [(e["cue"], e["person"], round(e["start"], 3), round(e["end"], 3)) for e in gt["events"]] == key
    clip = sim_clip(folder)
    assert clip.mapping == {0: "A", 1: "B"} and clip.aspect == rendered["size"][0] / rendered["size"][1]
    assert {e["person"] for e in clip.events} <= {0, 1} and len(clip.events) == len(key)
