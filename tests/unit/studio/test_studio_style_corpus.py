"""Style-split corpus scenarios, wide lenses and furniture: reproducible, split apart, geometrically right."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.studio import lens
from cuedetect.studio.camera import Camera
from cuedetect.studio.cue_poses import POSTURE_CUES
from cuedetect.studio.framing import FURNITURE, framings
from cuedetect.studio.render import behind_furniture
from cuedetect.studio.scenario import parse
from cuedetect.studio.style_corpus import (
    HEIGHT_BINS,
    PALETTES,
    ROOMS,
    SEX_BINS,
    WEIGHT_BINS,
    body_cell_split,
    make_style_scenario,
    skin_tone,
)
from cuedetect.studio.styles import negative, style

SEEDS = range(36)
TEST_SEEDS = range(1000, 1036)  # corpus/style_heldout_b, the untouched test split
SETS = {"train": ("train", SEEDS), "heldout": ("heldout", SEEDS), "heldout_b": ("heldout", TEST_SEEDS)}
REPO = Path(__file__).resolve().parents[3]
COMMITTED = {
    "style_train": "train",
    "style_heldout": "heldout",
    "style_heldout_b": "heldout",
    "style_train_b": "train",
}


def _bins(value, bins):
    """The bins a (rounded) value may have been drawn in."""
    return [i for i, (lo, hi) in enumerate(bins) if lo - 1e-3 <= value <= hi + 1e-3]


def _near_palette(colour, palette, jitter=0.061):
    return any(np.abs(np.subtract(colour, p)).max() <= jitter for p in palette)


@pytest.fixture(scope="module")
def scenarios():
    return {name: [make_style_scenario(s, split) for s in seeds] for name, (split, seeds) in SETS.items()}


def test_scenarios_are_reproducible_and_differ_by_seed_and_split():
    assert make_style_scenario(5, "heldout") == make_style_scenario(5, "heldout")
    assert make_style_scenario(5, "heldout") != make_style_scenario(6, "heldout")
    assert make_style_scenario(5, "train")["persons"] != make_style_scenario(5, "heldout")["persons"]
    with pytest.raises(ValueError, match="split"):
        make_style_scenario(1, "test")


@pytest.mark.parametrize("name", list(SETS))
def test_every_part_of_a_clip_comes_from_its_own_split(scenarios, name):
    split = SETS[name][0]
    setups = {f.name: f for f in framings(640, 360)}
    for sc in scenarios[name]:
        parse(sc)  # valid
        assert setups[sc["framing"]].split == split
        for person in sc["persons"]:
            b = person["body"]
            cells = [
                (h, w, s)
                for h in _bins(b["height_m"], HEIGHT_BINS)
                for w in _bins(b["weight"], WEIGHT_BINS)
                for s in _bins(b["sex"], SEX_BINS)
            ]
            assert any(body_cell_split(*cell) == split for cell in cells)
            assert _near_palette(person["clothes"]["shirt"], PALETTES[split]["shirts"])
            assert _near_palette(person["clothes"]["trousers"], PALETTES[split]["trousers"])
            for a in person["timeline"]:
                if "cue" in a:
                    assert style(a["cue"], a["style"]).split == split
                elif "action" in a:
                    assert negative(a["action"]).split == split
        assert _near_palette(sc["room"]["wall"], ROOMS[split]["walls"])
        for item in sc["room"].get("furniture", []):
            assert item["kind"] in FURNITURE[split]


@pytest.mark.parametrize("name", list(SETS))
def test_a_split_covers_every_held_cue_every_set_up_and_negatives(scenarios, name):
    split = SETS[name][0]
    cues, negs, setups = set(), set(), set()
    for sc in scenarios[name]:
        setups.add(sc["framing"])
        for person in sc["persons"]:
            cues |= {a["cue"] for a in person["timeline"] if "cue" in a}
            negs |= {a["action"] for a in person["timeline"] if "action" in a}
    assert cues == set(POSTURE_CUES)
    assert setups == {f.name for f in framings(640, 360) if f.split == split}
    assert len(negs) >= 4


@functools.cache
def _committed(folder: str) -> dict[Path, dict]:
    """Each committed clip folder of corpus/<folder> and its scenario."""
    load = functools.partial(yaml.load, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return {p.parent: load(p.read_text()) for p in sorted((REPO / "corpus" / folder).glob("*/scenario.yaml"))}


@pytest.mark.parametrize("folder", list(COMMITTED))
def test_a_committed_style_corpus_is_its_generators_seeds_complete_and_apart_from_the_others(folder):
    """Each committed clip re-renders from its scenario (the generator's own for its seed and split), has
    its ground truth and poses, and no (split, seed) occurs in two folders: the test split shares no clip."""
    split = COMMITTED[folder]
    clips = _committed(folder)
    assert len(clips) >= 36
    elsewhere = {
        sc["seed"]
        for other, other_split in COMMITTED.items()
        if other != folder and other_split == split
        for sc in _committed(other).values()
    }
    for clip, sc in clips.items():
        assert sc == make_style_scenario(sc["seed"], split), clip.name
        assert clip.name == sc["name"] and sc["seed"] not in elsewhere, clip.name
        for part in ("gt.json", "analysis/analysis.json", "analysis/poses.parquet", "analysis/pairs.parquet"):
            assert (clip / part).is_file(), f"{clip.name}/{part}"


def test_close_ups_keep_people_standing_and_frame_the_client(scenarios):
    for sc in scenarios["train"] + scenarios["heldout"]:
        if sc["framing"].startswith(("waist_up", "head_shoulders")):
            for person in sc["persons"]:
                assert not any("walk_to" in a or "pace" in a for a in person["timeline"])


def test_far_set_ups_make_people_small():
    for split, lo, hi in (("train", 0.16, 0.25), ("heldout", 0.12, 0.18)):
        for seed in range(100):
            raw = make_style_scenario(seed, split)
            if raw["framing"].startswith("far"):
                sc = parse(raw)
                b = next(p for p in sc.persons if p.id == "B")
                top = np.array([*b.actor.start, b.shape.height_m])
                foot = np.array([*b.actor.start, 0.0])
                (yt, yf) = sc.camera.project(np.stack([top, foot]))[0][:, 1]
                assert lo - 0.03 < yf - yt < hi + 0.03, (split, seed, yf - yt)


def test_skin_tones_span_the_ramp_in_both_splits():
    assert skin_tone(0.0) == [round(v, 3) for v in (0.87, 0.72, 0.62)]
    assert skin_tone(1.0) == [round(v, 3) for v in (0.27, 0.18, 0.13)]
    for split in ("train", "heldout"):
        lum = [np.mean(p["body"]["skin"]) for s in SEEDS for p in make_style_scenario(s, split)["persons"]]
        assert min(lum) < 0.3 and max(lum) > 0.65


@given(st.floats(-1.2, 1.2), st.floats(-0.8, 0.8), st.floats(0.0, 0.35))
def test_lens_distortion_round_trips_and_pulls_points_inward(x, y, k):
    xu = np.array([x, y])
    xd = lens.distort(xu, k)
    assert np.allclose(lens.undistort(xd, k), xu, atol=1e-9)
    assert np.linalg.norm(xd) <= np.linalg.norm(xu) + 1e-12


def test_overscan_render_covers_every_output_pixel():
    cam = Camera((0.0, -3.0, 1.6), 0.0, 5.0, 95.0, 640, 360, distortion_k=0.25)
    big = lens.overscan(cam)
    assert big.width > cam.width and big.height > cam.height and big.distortion_k == 0
    assert big.K[0, 0] == pytest.approx(cam.K[0, 0])
    mx, my = lens.remap_maps(cam, big)
    assert mx.min() >= 0 and my.min() >= 0 and mx.max() <= big.width - 1 and my.max() <= big.height - 1
    # a world point lands where the remapped render puts it
    point = np.array([[1.2, 1.5, 0.4]])
    u, v = (cam.project(point)[0][0] * [cam.width, cam.height]).astype(int)
    src = big.project(point)[0][0] * [big.width, big.height]
    assert np.allclose([mx[v, u], my[v, u]], src, atol=1.5)


def test_furniture_hides_only_what_is_behind_it():
    eye = np.array([0.0, -3.0, 1.6])
    table = [{"center": [0.0, 0.5], "size": [1.2, 0.6, 0.75]}]
    pts = np.array([[0.0, 1.2, 0.3], [0.0, 1.2, 1.6], [0.0, 0.0, 0.3], [2.0, 1.2, 0.3]])
    assert behind_furniture(pts, eye, table).tolist() == [True, False, False, False]


def test_the_studio_simulation_trains_on_train_styles_only(tmp_path):
    import json

    from cuedetect.training.studio_sim import simulate

    for seed in (700_000, 700_001, 700_002):
        folder = simulate(seed, tmp_path / str(seed))
        gt = json.loads((folder / "gt.json").read_text())
        assert gt["split"] == "train"
        assert next(f for f in framings(640, 360) if f.name == gt["framing"]).split == "train"
        for e in gt["events"]:
            if "style" in e:
                assert style(e["cue"], e["style"]).split == "train"
        for n in gt["negatives"]:
            assert negative(n["action"]).split == "train"
