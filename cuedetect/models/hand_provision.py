"""Provision MediaPipe's `hand_landmarker.task` the way the pose bundles are: download or build, verify.

1. The official download from storage.googleapis.com (fails in seconds where unreachable), accepted when
   it is a bundle of the two hand models; its checksum is recorded on download (Google publishes none).
2. An offline build from the pinned PyPI wheel (`cuedetect.models.hand_bundle`), whose SHA-256 must match
   `models/manifest.json` (`hands.built.sha256`).

A bundle already in `models/` passes when its SHA-256 is the pinned build's or the one recorded when it
was downloaded; the hash is cached against size and mtime (`provision.file_sha256`).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from cuedetect.errors import ModelUnavailableError
from cuedetect.io_atomic import atomic_path, write_json
from cuedetect.models import hand_bundle, provision
from cuedetect.models.provision import MANIFEST_PATH, Provisioned, Reporter
from cuedetect.paths import models_dir

OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/hand_landmarker/hand_landmarker/float16/latest/"
    "hand_landmarker.task"
)
URL_ENV = "CUEDETECT_HAND_MODEL_URL"
VARIANT = "hands"  # the name in the manifest and in `cuedetect models`


def manifest_entry(built_sha256: str, built_size: int) -> dict[str, Any]:
    return {
        "file": hand_bundle.BUNDLE_NAME,
        "official": {"url": OFFICIAL_URL},
        "built": {
            "sha256": built_sha256,
            "size": built_size,
            "builder": "cuedetect.models.hand_bundle.build_hand_bundle",
            "inputs": {name: src.as_dict() for name, src in hand_bundle.SOURCES.items()},
        },
    }


def record_build(built: Path, path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """Write (atomically) the manifest's `hands` entry for a freshly built bundle."""
    manifest = provision.load_manifest(path)
    manifest[VARIANT] = manifest_entry(provision.file_sha256(built), built.stat().st_size)
    write_json(path, manifest)
    return manifest


def pinned_sha256(manifest: dict[str, Any]) -> str | None:
    return (manifest.get(VARIANT, {}).get("built") or {}).get("sha256")


def verify(path: Path, manifest: dict[str, Any]) -> str | None:
    """ "built" or "downloaded" when a checksum vouches for `path`, else None."""
    if not path.is_file():
        return None
    digest = provision.file_sha256(path)
    if digest == pinned_sha256(manifest):
        return "built"
    rec = provision._read_state(path.parent).get(path.name) or {}
    if rec.get("route") == "downloaded" and rec.get("sha256") == digest:
        return "downloaded"
    return None


def _download(dest: Path, url: str, timeout: float) -> str:
    resp = provision._open_with_deadline(url, timeout)
    digest = hashlib.sha256()
    with resp, atomic_path(dest) as tmp:
        with open(tmp, "wb") as fh:
            while chunk := resp.read(1 << 16):
                fh.write(chunk)
                digest.update(chunk)
        hand_bundle.check_bundle(tmp)
        tmp.chmod(0o644)
    return digest.hexdigest()


def provision_hands(
    *,
    force: bool = False,
    offline: bool = False,
    folder: Path | None = None,
    cache: Path | None = None,
    url: str | None = None,
    timeout: float = provision.CONNECT_TIMEOUT_S,
    reporter: Reporter | None = None,
    manifest: dict[str, Any] | None = None,
) -> Provisioned:
    """Make sure a verified `hand_landmarker.task` is in `folder` (default `models_dir()`).

    Raises:
        ModelUnavailableError: neither route produced a verified bundle; the message says what to do.
    """
    start = time.monotonic()
    folder = models_dir() if folder is None else folder
    reporter = Reporter() if reporter is None else reporter
    manifest = provision.load_manifest() if manifest is None else manifest
    path = folder / hand_bundle.BUNDLE_NAME
    if not force and path.exists():
        if verify(path, manifest):
            return Provisioned(VARIANT, path, provision.file_sha256(path), "cached", time.monotonic() - start)
        reporter.step(f"{path.name} does not match its checksum; provisioning it again")
    failures: list[str] = []
    if not offline:
        reporter.step(f"downloading {path.name}")
        staging = folder / ".work" / f"{path.name}.download"
        try:
            digest = _download(staging, url or os.environ.get(URL_ENV) or OFFICIAL_URL, timeout)
        except (OSError, ValueError, ModelUnavailableError) as exc:
            failures.append(f"download failed ({provision._short(exc)})")
            reporter.step(f"{failures[-1]}; building it offline from the mediapipe wheel")
        else:
            os.replace(staging, path)
            provision._remember(path, digest, "downloaded")
            return Provisioned(VARIANT, path, digest, "official", time.monotonic() - start)
        finally:
            staging.unlink(missing_ok=True)
    try:
        data = hand_bundle.build_hand_bundle(provision.cache_dir() if cache is None else cache, reporter.step)
    except ModelUnavailableError as exc:
        raise ModelUnavailableError(_advice([*failures, str(exc)], path)) from exc
    digest = hashlib.sha256(data).hexdigest()
    expected = pinned_sha256(manifest)
    if expected and digest != expected:
        failures.append(f"offline build gave SHA-256 {digest[:12]}..., the manifest pins {expected[:12]}...")
        raise ModelUnavailableError(_advice(failures, path))
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
        tmp.chmod(0o644)
    provision._remember(path, digest, "built")
    return Provisioned(VARIANT, path, digest, "built", time.monotonic() - start)


def ensure_hand_model() -> Path:
    """Path of a verified `hand_landmarker.task`, provisioned on first use (cheap once present)."""
    return provision_hands().path


def _advice(failures: list[str], path: Path) -> str:
    return (
        f"the hand model is unavailable: {'; '.join(failures)}. Either allow access to PyPI (pip) and run "
        f"`cuedetect models --variant hands`, or download {OFFICIAL_URL} yourself and save it as {path}"
    )
