"""The hand model: built offline from the pinned wheel, byte-identical, pinned, checked, provisioned."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from cuedetect.errors import ModelUnavailableError
from cuedetect.models import bundle, hand_bundle, hand_provision, provision
from cuedetect.models.provision import Reporter, cache_dir
from tests import ports

QUIET = Reporter(step=lambda _msg: None)


def refused_url() -> str:
    return ports.refused_url("hand_landmarker.task")


@pytest.fixture(scope="module")
def wheel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private cache seeded with the downloaded wheel only (as a first `pip download` leaves it)."""
    cache = tmp_path_factory.mktemp("cache")
    wheel = bundle.fetch_pypi_wheel(cache_dir())
    (cache / "pypi").mkdir()
    shutil.copy2(wheel, cache / "pypi" / wheel.name)
    return cache


@pytest.fixture(scope="module")
def built(wheel_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    res = hand_provision.provision_hands(offline=True, folder=folder, cache=wheel_cache, reporter=QUIET)
    assert res.route == "built"
    return res.path


def test_offline_build_reproduces_the_pinned_checksum(built: Path) -> None:
    manifest = provision.load_manifest()
    assert provision.file_sha256(built) == manifest["hands"]["built"]["sha256"]
    assert built.stat().st_size == manifest["hands"]["built"]["size"]
    assert hand_provision.verify(built, manifest) == "built"


def test_committed_manifest_describes_the_recipe_in_the_code() -> None:
    entry = provision.load_manifest()["hands"]
    assert entry == hand_provision.manifest_entry(entry["built"]["sha256"], entry["built"]["size"])
    assert {s.inner_path.rsplit("/", 1)[1] for s in hand_bundle.SOURCES.values()} == {
        "palm_detection_full.tflite",
        "hand_landmark_full.tflite",
    }


def test_bundle_holds_the_two_models_tasks_expects(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        assert sorted(zf.namelist()) == ["hand_detector.tflite", "hand_landmarks_detector.tflite"]
    hand_bundle.check_bundle(built)


def test_rebuild_is_byte_identical_without_network(wheel_cache: Path, built: Path, monkeypatch) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert hand_bundle.build_hand_bundle(wheel_cache) == built.read_bytes()


def test_second_provision_finds_the_verified_bundle_and_a_tampered_one_is_rebuilt(
    built: Path, wheel_cache: Path
) -> None:
    folder = built.parent
    again = hand_provision.provision_hands(offline=True, folder=folder, cache=wheel_cache, reporter=QUIET)
    assert again.route == "cached"
    data = bytearray(built.read_bytes())
    data[-100] ^= 0xFF
    built.write_bytes(bytes(data))
    assert hand_provision.verify(built, provision.load_manifest()) is None
    fixed = hand_provision.provision_hands(
        folder=folder, cache=wheel_cache, url=refused_url(), reporter=QUIET
    )
    assert fixed.route == "built"
    assert provision.file_sha256(built) == provision.load_manifest()["hands"]["built"]["sha256"]


def test_a_build_that_does_not_match_the_pin_is_refused(wheel_cache: Path, tmp_path: Path) -> None:
    manifest = {"hands": {"built": {"sha256": "0" * 64}}}
    with pytest.raises(ModelUnavailableError, match="pins 000000000000"):
        hand_provision.provision_hands(
            offline=True, folder=tmp_path, cache=wheel_cache, reporter=QUIET, manifest=manifest
        )
    assert not (tmp_path / hand_bundle.BUNDLE_NAME).exists()


@pytest.mark.parametrize(
    ("member", "source", "message"),
    [
        ("hand_detector.tflite", "hand_landmarks_detector.tflite", "not the hand model expected"),
        ("hand_landmarks_detector.tflite", "hand_detector.tflite", "not the hand model expected"),
    ],
)
def test_a_bundle_with_the_wrong_model_inside_is_refused(
    built: Path, tmp_path: Path, member: str, source: str, message: str
) -> None:
    with zipfile.ZipFile(built) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members[member] = members[source]
    bad = tmp_path / "bad.task"
    bad.write_bytes(bundle.zip_bundle(members))
    with pytest.raises(ModelUnavailableError, match=message):
        hand_bundle.check_bundle(bad)


def test_a_model_without_normalization_metadata_is_refused(built: Path) -> None:
    with zipfile.ZipFile(built) as zf:
        pose_detector = zf.read("hand_detector.tflite")
    stripped = bundle.add_metadata(pose_detector, b"")  # an empty TFLITE_METADATA buffer
    with pytest.raises(ModelUnavailableError, match="metadata"):
        hand_bundle.check_model("hand_detector.tflite", stripped)
