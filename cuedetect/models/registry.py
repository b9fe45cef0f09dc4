"""The registry packages the offline model bundles are built from: pinned model files inside the PyPI
mediapipe wheel and the npm @mediapipe/pose tarball, fetched once into a cache and checked by SHA-256."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cuedetect.errors import ModelUnavailableError
from cuedetect.io_atomic import atomic_path

PYPI_PACKAGE = "mediapipe"
PYPI_VERSION = "0.10.21"
# One fixed wheel, whatever machine builds: the model files inside are identical across wheels, but a
# fixed wheel keeps the cache key and the recorded provenance the same everywhere.
PYPI_PLATFORM = "manylinux_2_28_x86_64"
PYPI_PYTHON = "3.11"
NPM_PACKAGE = "@mediapipe/pose"
NPM_VERSION = "0.5.1675469404"


@dataclass(frozen=True)
class SourceFile:
    """One model file inside a registry package, pinned by its SHA-256."""

    registry: str  # "pypi" or "npm"
    package: str
    version: str
    inner_path: str
    sha256: str

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900, check=False)
    except FileNotFoundError as exc:
        raise ModelUnavailableError(f"cannot {what}: {cmd[0]} not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise ModelUnavailableError(f"cannot {what}: no answer within {exc.timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ModelUnavailableError(f"cannot {what}: {tail[0].strip()[:200]}")


def fetch_pypi_wheel(cache: Path) -> Path:
    """The pinned mediapipe wheel, downloaded once with pip into `cache/pypi/`."""
    folder = cache / "pypi"
    pattern = f"{PYPI_PACKAGE}-{PYPI_VERSION}-*.whl"
    found = sorted(folder.glob(pattern))
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    # A private scratch folder: concurrent first uses must not trip over each other's partial files.
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=folder) as scratch:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            PYPI_PLATFORM,
            "--python-version",
            PYPI_PYTHON,
            "--disable-pip-version-check",
            "-d",
            scratch,
            f"{PYPI_PACKAGE}=={PYPI_VERSION}",
        ]
        _run(cmd, folder, f"download {PYPI_PACKAGE}=={PYPI_VERSION} from PyPI with pip")
        wheels = sorted(Path(scratch).glob(pattern))
        if not wheels:
            raise ModelUnavailableError(f"pip did not produce a {pattern} wheel")
        target = folder / wheels[0].name
        wheels[0].replace(target)
    return target


def fetch_npm_tarball(cache: Path) -> Path:
    """The pinned @mediapipe/pose tarball, fetched once with `npm pack` into `cache/npm/`."""
    folder = cache / "npm"
    target = folder / f"mediapipe-pose-{NPM_VERSION}.tgz"
    if target.exists():
        return target
    if shutil.which("npm") is None:
        raise ModelUnavailableError(
            f"the lite and heavy pose models are built from the npm package {NPM_PACKAGE}, but npm is not "
            "installed: install Node.js and npm (Debian/Ubuntu: `sudo apt-get install npm`) and retry"
        )
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".partial-", dir=folder) as scratch:
        _run(
            ["npm", "pack", "--silent", f"{NPM_PACKAGE}@{NPM_VERSION}"],
            Path(scratch),
            f"download {NPM_PACKAGE}@{NPM_VERSION} from npm",
        )
        packed = Path(scratch) / target.name
        if not packed.exists():
            raise ModelUnavailableError(f"npm pack did not produce {target.name}")
        packed.replace(target)
    return target


def _extract(archive: Path, source: SourceFile) -> bytes:
    try:
        if source.registry == "pypi":
            with zipfile.ZipFile(archive) as zf:
                return zf.read(source.inner_path)
        with tarfile.open(archive, "r:gz") as tf:
            member = tf.extractfile(source.inner_path)
            if member is None:
                raise KeyError(source.inner_path)
            return member.read()
    except (KeyError, zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
        raise ModelUnavailableError(f"cannot read {source.inner_path} from {archive}: {exc}") from exc


def load_source(source: SourceFile, cache: Path) -> bytes:
    """The bytes of one pinned input file, via the cached package; the SHA-256 must match the pin."""
    files = cache / "files"
    cached = files / f"{source.sha256}.tflite"
    if cached.exists():
        data = cached.read_bytes()
        if sha256_bytes(data) == source.sha256:
            return data
        cached.unlink()
    archive = fetch_pypi_wheel(cache) if source.registry == "pypi" else fetch_npm_tarball(cache)
    data = _extract(archive, source)
    got = sha256_bytes(data)
    if got != source.sha256:
        archive.unlink(missing_ok=True)  # a corrupt download must not stick in the cache
        raise ModelUnavailableError(
            f"{source.package} {source.version}: {source.inner_path} has SHA-256 {got[:12]}..., "
            f"expected {source.sha256[:12]}...; the cached package was removed, retry"
        )
    files.mkdir(parents=True, exist_ok=True)
    with atomic_path(cached) as tmp:
        tmp.write_bytes(data)
    return data
