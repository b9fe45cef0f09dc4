"""What a batch has to do: the settings that make a result, which recordings are already done, the jobs.

A recording is done when its folder holds a whole result (`analysis.json`) and a marker (`batch.json`,
written atomically by the driver after it registered the session) naming the same content hash and the
same settings digest. The digest covers the settings that change a result and the models that made it
(pose and hand bundles, cue classifier, cuedetect's version): after a model update every recording is
stale and a rerun redoes it; after a crash only what is missing is done.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cuedetect.io_atomic import write_json

MARKER = "batch.json"
MANIFEST = "manifest.json"  # the batch folder's own record: the last run, its outcomes and failures


@dataclass(frozen=True)
class BatchSettings:
    """The analysis settings of a batch (plain values: they cross process and machine boundaries).

    Attributes mirror `AnalyzeOptions`; each recording is analysed by one worker with one process
    (`jobs=1`), the batch's parallelism being across recordings.
    """

    fps: float | None = 15.0
    model: str = "full"
    max_persons: int = 4
    max_side: int = 1280
    hands: bool = True
    voice: bool = True
    cue_detector: str = "auto"

    def analyze_options(self, out: Path) -> Any:
        """The `AnalyzeOptions` of one recording of this batch, results into `out` (replacing them)."""
        from cuedetect.analysis.types import AnalyzeOptions

        return AnalyzeOptions(
            Path(out), fps=self.fps, model=self.model, jobs=1, overwrite=True, max_persons=self.max_persons,
            max_side=self.max_side, hands=self.hands, voice=self.voice, cue_detector=self.cue_detector,
        )  # fmt: skip


@dataclass(frozen=True)
class BatchJob:
    """One recording to analyse: where it is, where its results go, what it is (content hash)."""

    index: int
    source: str  # a path every worker can read, or a URL (fsspec)
    out: str  # the recording's results folder
    sha256: str
    settings: BatchSettings
    digest: str  # `settings_digest` of the batch
    duration_s: float = 0.0  # from the container's header (0 when unknown): progress weights only


def settings_digest(settings: BatchSettings, models: dict[str, str]) -> str:
    """sha256 over the settings, the model files' hashes and cuedetect's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("cuedetect")
    except PackageNotFoundError:
        ours = "unknown"
    doc = {"settings": asdict(settings), "models": dict(sorted(models.items())), "cuedetect": ours}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def model_hashes(settings: BatchSettings) -> dict[str, str]:
    """The content hashes of the models a batch with `settings` uses, provisioning them first (once, in
    the driver, so that workers on this machine do not race to build the same bundle)."""
    from cuedetect.cues.detect import model_folder
    from cuedetect.hashing import file_sha256
    from cuedetect.models.provision import provision

    out = {"pose": provision(settings.model).sha256}
    if settings.hands:
        from cuedetect.models.hand_provision import ensure_hand_model

        out["hands"] = file_sha256(ensure_hand_model())
    cue_model = model_folder() / "cue_classifier.skops"
    if settings.cue_detector != "baseline" and cue_model.exists():
        out["cues"] = file_sha256(cue_model)
    return out


def read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_done(folder: Path, sha256: str, digest: str) -> bool:
    """A whole result of this content with these settings is in `folder`."""
    marker = read_marker(folder)
    return (
        marker is not None
        and marker.get("source_sha256") == sha256
        and marker.get("settings_digest") == digest
        and (folder / "analysis.json").is_file()
    )


def write_marker(folder: Path, job: BatchJob, facts: dict[str, Any]) -> None:
    """The recording is done: `batch.json` in its folder (atomic), with what the summary needs."""
    write_json(folder / MARKER, {
        "source": job.source, "source_sha256": job.sha256, "settings_digest": job.digest,
        "settings": asdict(job.settings), **facts,
    })  # fmt: skip


def known_failure(manifest: dict[str, Any], job: BatchJob) -> str | None:
    """The reason an earlier run gave for this recording's failure, if the recording and the settings
    are the same and the failure was the input's fault (a broken file stays broken)."""
    rec = (manifest.get("failed") or {}).get(job.source)
    if not isinstance(rec, dict) or not rec.get("input_error"):
        return None
    if rec.get("source_sha256") == job.sha256 and rec.get("settings_digest") == job.digest:
        return str(rec.get("error"))
    return None
