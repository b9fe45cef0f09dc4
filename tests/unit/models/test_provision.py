"""Provisioning: checksums, the size+mtime hash cache, the official route (failing fast), fallbacks."""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cuedetect.errors import ModelUnavailableError
from cuedetect.models import bundle, provision
from cuedetect.models.provision import Reporter, cache_dir
from tests import ports

QUIET = Reporter(step=lambda _msg: None)


def refused_url() -> str:
    return ports.refused_url("pose_landmarker_{variant}.task")


@pytest.fixture(scope="module")
def built_full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("built")
    return provision.provision("full", offline=True, folder=folder, reporter=QUIET).path


@dataclass
class Served:
    root: Path
    url: str  # template with {variant}


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Served]:
    """A real local HTTP server over a temporary folder."""
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *_a) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_address[1]}/pose_landmarker_{{variant}}.task")
    finally:
        server.shutdown()
        server.server_close()


def test_built_bundle_matches_the_committed_manifest(built_full: Path) -> None:
    manifest = provision.load_manifest()
    assert provision.verify(built_full, "full", manifest) == "built"
    assert manifest["bundles"]["full"]["built"]["size"] == built_full.stat().st_size


@pytest.mark.parametrize("variant", ["lite", "full", "heavy"])
def test_committed_manifest_describes_the_recipe_in_the_code(variant: str) -> None:
    entry = provision.load_manifest()["bundles"][variant]
    expected = provision.manifest_entry(variant, entry["built"]["sha256"], entry["built"]["size"])
    assert entry == expected
    assert {len(h) for h in entry["official"]["sha256"]} == {64}


@pytest.mark.parametrize("offset", [0, 100, 5_000_000, -1])
def test_a_corrupted_copy_fails_verification_and_is_rebuilt(
    built_full: Path, tmp_path: Path, offset: int
) -> None:
    copy = tmp_path / built_full.name
    shutil.copy2(built_full, copy)
    assert provision.verify(copy, "full") == "built"
    data = bytearray(copy.read_bytes())
    data[offset] ^= 0xFF
    copy.write_bytes(bytes(data))
    os.utime(copy, ns=(time.time_ns(), time.time_ns() + 1_000_000))  # a new mtime invalidates the cache
    assert provision.verify(copy, "full") is None
    res = provision.provision("full", offline=True, folder=tmp_path, reporter=QUIET)
    assert res.route == "built"
    assert copy.read_bytes() == built_full.read_bytes()


def test_hash_cache_is_keyed_on_size_and_mtime(built_full: Path, tmp_path: Path) -> None:
    copy = tmp_path / built_full.name
    shutil.copy2(built_full, copy)
    digest = provision.file_sha256(copy)
    assert digest == bundle.sha256_file(copy)
    copy.write_bytes(copy.read_bytes() + b"x")  # size changes: must re-hash, not reuse
    assert provision.file_sha256(copy) != digest


def test_a_cached_bundle_is_returned_without_rebuilding(built_full: Path) -> None:
    before = built_full.stat().st_mtime_ns
    res = provision.provision("full", folder=built_full.parent, url_template=refused_url(), reporter=QUIET)
    assert (res.route, res.path) == ("cached", built_full)
    assert built_full.stat().st_mtime_ns == before
    assert res.seconds < 0.5


def test_official_route_fails_fast_when_refused(tmp_path: Path) -> None:
    start = time.monotonic()
    with pytest.raises(OSError):
        provision.download_official(tmp_path / "x.task", refused_url().format(variant="full"), 3.0, QUIET)
    assert time.monotonic() - start < 3.0
    assert not list(tmp_path.iterdir())


def test_a_host_that_accepts_but_never_answers_times_out(tmp_path: Path) -> None:
    """A black-holed server must not hang provisioning: the read timeout ends it."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/pose_landmarker_full.task"
        start = time.monotonic()
        with pytest.raises(OSError):
            provision.download_official(tmp_path / "x.task", url, 1.0, QUIET)
        assert time.monotonic() - start < 3.0


def test_without_a_manifest_file_the_official_pins_still_apply(tmp_path: Path) -> None:
    manifest = provision.load_manifest(tmp_path / "missing.json")
    assert provision.official_hashes(manifest, "lite") == provision.OFFICIAL_PINS["lite"]["sha256"]
    accepted = provision.accepted_hashes(manifest, "full")
    assert set(accepted) == set(provision.OFFICIAL_PINS["full"]["sha256"])


def test_unreachable_official_route_falls_back_to_the_offline_build(tmp_path: Path) -> None:
    notes: list[str] = []
    start = time.monotonic()
    res = provision.provision(
        "full", folder=tmp_path, url_template=refused_url(), reporter=Reporter(step=notes.append)
    )
    assert res.route == "built"
    assert time.monotonic() - start < 15
    assert any("download failed" in n for n in notes)


def test_official_download_is_used_when_it_has_a_published_checksum(
    serve: Served, built_full: Path, tmp_path: Path
) -> None:
    shutil.copy2(built_full, serve.root / built_full.name)
    manifest = provision.load_manifest()
    manifest["bundles"]["full"]["official"]["sha256"] = [bundle.sha256_file(built_full)]
    manifest["bundles"]["full"]["built"]["sha256"] = "0" * 64  # only the official pin vouches for it
    progress: list[int] = []
    res = provision.provision(
        "full",
        folder=tmp_path / "m",
        url_template=serve.url,
        manifest=manifest,
        reporter=Reporter(step=lambda _m: None, bytes_done=lambda done, _t: progress.append(done)),
    )
    assert res.route == "official"
    assert progress[-1] == built_full.stat().st_size
    assert provision.verify(res.path, "full", manifest) == "official"


@pytest.mark.parametrize(
    ("payload", "why"),
    [(b"<html>captive portal</html>", "download failed"), (None, "not a published one")],
)
def test_a_bad_official_download_is_rejected_and_the_build_used_instead(
    serve: Served, built_full: Path, tmp_path: Path, payload: bytes | None, why: str
) -> None:
    manifest = provision.load_manifest()
    if payload is None:  # a well-formed bundle whose checksum is not a published one
        shutil.copy2(built_full, serve.root / built_full.name)
        manifest["bundles"]["full"]["official"]["sha256"] = ["f" * 64]
    else:
        (serve.root / built_full.name).write_bytes(payload)
    notes: list[str] = []
    res = provision.provision(
        "full",
        folder=tmp_path / "m",
        url_template=serve.url,
        manifest=manifest,
        reporter=Reporter(step=notes.append),
    )
    assert res.route == "built"
    assert any(why in n for n in notes), notes
    assert not list((tmp_path / "m" / ".work").glob("*.download"))


def test_neither_route_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # no npm
    cache = tmp_path / "cache"
    detector = bundle.DETECTOR_SOURCE
    bundle.load_source(detector, cache_dir())  # the detector is cached, the npm landmark model is not
    (cache / "files").mkdir(parents=True)
    shutil.copy2(cache_dir() / "files" / f"{detector.sha256}.tflite", cache / "files")
    with pytest.raises(ModelUnavailableError) as err:
        provision.provision(
            "lite", folder=tmp_path / "m", cache=cache, url_template=refused_url(), reporter=QUIET
        )
    msg = str(err.value)
    assert "\n" not in msg
    for part in ("download failed", "npm", "cuedetect models --variant lite", "pose_landmarker_lite.task"):
        assert part in msg
    assert not (tmp_path / "m" / "pose_landmarker_lite.task").exists()


def test_a_build_that_does_not_reproduce_the_pinned_checksum_is_refused(tmp_path: Path) -> None:
    manifest = provision.load_manifest()
    manifest["bundles"]["full"]["built"]["sha256"] = "0" * 64
    with pytest.raises(ModelUnavailableError, match="manifest pins"):
        provision.provision("full", offline=True, folder=tmp_path, manifest=manifest, reporter=QUIET)
    assert not (tmp_path / "pose_landmarker_full.task").exists()


def test_ensure_model_returns_a_verified_path(monkeypatch: pytest.MonkeyPatch, built_full: Path) -> None:
    monkeypatch.setenv("CUEDETECT_MODELS_DIR", str(built_full.parent))
    path = provision.ensure_model("full")
    assert path == built_full
    assert provision.verify(path, "full") == "built"


def test_cache_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(provision.CACHE_ENV, str(tmp_path))
    assert cache_dir() == tmp_path
    monkeypatch.delenv(provision.CACHE_ENV)
    assert cache_dir().name == "model-sources"


@pytest.mark.parametrize("variant", ["medium", "", "FULL", "full "])
def test_unknown_variants_are_a_user_error(variant: str, tmp_path: Path) -> None:
    from cuedetect.errors import InputError

    with pytest.raises(InputError, match="lite, full, heavy"):
        provision.provision(variant, folder=tmp_path, reporter=QUIET)
    assert not list(tmp_path.iterdir())
