"""The outputs stage: the results folder of an analysis, written atomically.

Files are first written into `DIR/.partial-<pid>/` and flushed to disk; `commit` then removes the old
`analysis.json` (the marker of a whole result), moves the new data files into place and moves
`analysis.json` in last, with SIGTERM and Ctrl-C held back for those renames. So a run stopped at any
point leaves the earlier whole result or the new one; only a SIGKILL within the renames' microseconds
can leave no `analysis.json` at all.
"""

from __future__ import annotations

import contextlib
import errno
import os
import platform
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cuedetect.errors import InputError
from cuedetect.hashing import file_sha256
from cuedetect.io_atomic import write_json
from cuedetect.procs import signals_deferred

if TYPE_CHECKING:
    import pandas as pd

    from cuedetect.analysis.types import Analysis, AnalyzeOptions
    from cuedetect.pose.floor import FloorCalibration
    from cuedetect.pose.tracked import Tracks

_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}
RESULT_FILES = (
    "poses.parquet", "pairs.parquet", "hands.parquet", "voice.parquet", "words.parquet", "events.json",
    "annotated.mp4", "analysis.json",
)  # fmt: skip


def check_out_dir(out: Path, overwrite: bool) -> None:
    """Refuse an output folder that holds anything but leftovers of interrupted runs, unless overwriting."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder")
    if out.is_dir() and not overwrite:
        entries = [e for e in out.iterdir() if not e.name.startswith((".partial-", ".write-test-"))]
        if entries:
            raise InputError(f"{out} is not empty; pass --overwrite to replace its analysis")


def prepare_out_dir(out: Path, overwrite: bool) -> None:
    """Check, create and test-write the output folder before any decoding or model load.

    A folder this creates is removed again (a failed first run leaves no trace); `partial_dir` makes it
    when the results are written.

    Raises:
        InputError: one line naming the path: not empty without `overwrite`, not a folder, cannot be
            created or written (permissions, a path under a file, a read-only or full file system).
    """
    check_out_dir(out, overwrite)
    made: list[Path] = [p for p in (out, *out.parents) if not p.exists()]
    probe = out / f".write-test-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as fh:
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise InputError(f"cannot write the results to {out}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
        for folder in made:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()


@contextlib.contextmanager
def partial_dir(out: Path) -> Iterator[Path]:
    """`out/.partial-<pid>/`, removed on the way out whatever happens (commit moves the files first)."""
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".partial-*"):  # left by a run that was killed outright
        if not _pid_alive(stale.name.removeprefix(".partial-")):
            shutil.rmtree(stale, ignore_errors=True)
    tmp = out / f".partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    ok = False
    try:
        yield tmp
        ok = True
    except OSError as exc:
        if exc.errno in _WRITE_ERRNOS or "No space left" in str(exc):
            what = "no space left on its file system" if "No space left" in str(exc) else exc.strerror
            raise InputError(
                f"cannot write the results to {out}: {what}; any earlier result is kept"
            ) from None
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not ok:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty: leave no trace of a failed first run


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def commit(tmp: Path, out: Path) -> None:
    """Move finished files from `tmp` into `out`, analysis.json last; stale files of the old result go.

    Everything slow comes first, while the old result is still whole: each new file is flushed to disk
    (fsync) and made readable. Only then does the old `analysis.json` go, and the files are renamed into
    place with SIGTERM and Ctrl-C held back (`signals_deferred`): a stop by either lands before or after
    the renames, never between them, so `out` holds the old whole result or the new one. Only a SIGKILL
    inside those few microseconds of renames can leave no `analysis.json` (a rerun redoes it).
    """
    for name in RESULT_FILES:
        new = tmp / name
        if new.exists():
            with open(new, "rb") as fh:
                os.fsync(fh.fileno())
            new.chmod(0o644)
    marker = out / "analysis.json"
    with signals_deferred():
        marker.unlink(missing_ok=True)
        for name in RESULT_FILES[:-1]:
            new = tmp / name
            if new.exists():
                os.replace(new, out / name)
            else:
                (out / name).unlink(missing_ok=True)
        os.replace(tmp / "analysis.json", marker)


def write_outputs(analysis: Analysis, folder: Path, options: AnalyzeOptions, started: float) -> None:
    """Write the results of `analysis` into `folder` (the run's `.partial-<pid>/`): poses.parquet,
    pairs.parquet, events.json (with cues), annotated.mp4 (with `annotate`) and analysis.json last."""
    tracks, info = analysis.tracks, analysis.info
    assert tracks is not None and info is not None
    tracks.to_table().to_parquet(folder / "poses.parquet", index=False)
    analysis.pairs.to_parquet(folder / "pairs.parquet", index=False)
    if analysis.hands is not None:
        analysis.hands.to_parquet(folder / "hands.parquet", index=False)
    if analysis.voice is not None:
        analysis.voice.frames.to_parquet(folder / "voice.parquet", index=False)
    stored = options.speech_settings is None or options.speech_settings.store_transcript
    if analysis.speech is not None and stored:  # off: cues only, no transcript on disk
        analysis.speech.words.to_parquet(folder / "words.parquet", index=False)
    if analysis.events is not None:
        from cuedetect.cues.detect import write_events_json

        write_events_json(folder / "events.json", analysis.events, analysis.video.name)
    fps = analysed_fps(tracks)
    if options.annotate:
        t = time.perf_counter()
        write_annotated(folder / "annotated.mp4", analysis, max(fps, 1.0), options.max_side)
        analysis.timings["annotate_s"] = time.perf_counter() - t
    analysis.timings["total_s"] = time.perf_counter() - started
    analysis.files = [*sorted(p.name for p in folder.iterdir()), "analysis.json"]
    analysis.record = analysis_record(analysis, options, fps)
    write_json(folder / "analysis.json", analysis.record)


def analysed_fps(tracks: Tracks) -> float:
    if len(tracks.analysed) < 2:
        return 0.0
    return (len(tracks.analysed) - 1) / float(np.ptp(tracks.analysed_t))


def analysis_record(analysis: Analysis, options: AnalyzeOptions, fps: float) -> dict[str, Any]:
    """The content of analysis.json: what was run on what, how long it took, who was found."""
    info, tracks, model = analysis.info, analysis.tracks, analysis.pose_model
    assert info is not None and tracks is not None and model is not None
    total = analysis.timings.get("total_s", 0.0)
    return {
        "source": str(analysis.video.resolve()),
        "source_sha256": file_sha256(info.path),
        "duration_s": info.duration,
        "source_fps": info.average_fps,
        "source_size": [info.width, info.height],
        "rotation": info.rotation,
        "frames_in_source": info.frame_count,
        "analysed_fps": fps,
        "analysed_frames": len(tracks.analysed),
        "working_size": list(tracks.size),
        "model": {"variant": options.model, "bundle_sha256": model.sha256, "route": model.route},
        "versions": _versions(),
        "jobs": analysis.tracking.get("chunks"),
        "timings_s": dict(analysis.timings),
        "worker_timings_s": analysis.tracking.get("worker_timings_s", {}),
        "cpu_s": dict(analysis.cpu),
        "model_calls": analysis.tracking.get("model_calls", {}),
        "realtime_factor": info.duration / total if total else None,
        "persons": _persons(tracks),
        "camera": analysis.camera,
        "floor_calibration": _calibration_json(options.calibration),
        "cleaning": {str(k): v for k, v in analysis.cleaning_log.items()},
        "hands": {"state_classifier": analysis.hand_states} if analysis.hand_states else None,
        "audio": analysis.audio,
        "speech": analysis.speech_section,
        "analysed_frame_index": [int(i) for i in tracks.analysed],
        "files": analysis.files,
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("cuedetect", "mediapipe", "av", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def _persons(tracks: Tracks) -> list[dict[str, Any]]:
    out = []
    for p in tracks.person_ids():
        sel = tracks.person == p
        out.append({
            "id": p,
            "frames_detected": int((sel & ~tracks.interpolated).sum()),
            "frames_interpolated": int((sel & tracks.interpolated).sum()),
            "first_t": float(tracks.t[sel].min()),
            "last_t": float(tracks.t[sel].max()),
        })  # fmt: skip
    return out


def _calibration_json(cal: FloorCalibration | None) -> dict[str, Any] | None:
    if cal is None:
        return None
    out = asdict(cal)
    out["person_height_m"] = {str(k): v for k, v in cal.person_height_m.items()}
    return out


def write_annotated(path: Path, analysis: Analysis, fps: float, max_side: int) -> None:
    """Re-decode the analysed frames and draw the debrief overlay on them: skeletons in role colours, roles
    and ids, pair distances and the cues active at each moment (from the run's own events)."""
    from cuedetect.annotate import AnnotatedVideoWriter
    from cuedetect.hands.annotate import HandAnnotator
    from cuedetect.overlay import DebriefOverlay
    from cuedetect.pose.sources import VideoFileSource, VideoSourceOptions

    tracks, info, found = analysis.tracks, analysis.info, analysis.events
    assert tracks is not None and info is not None
    events = [e.to_dict() for e in found.events] if found is not None else []
    roles = {int(p["id"]): p.get("role", "unknown") for p in found.persons} if found is not None else {}
    overlay = DebriefOverlay(events, roles, color_order="rgb")  # the frames are RGB
    hand, hand_rows = HandAnnotator(color_order="rgb"), _hand_rows_by_frame(analysis.hands)
    by_frame: dict[int, list[tuple[int, int, float, float]]] = {}
    for p in analysis.pairs.itertuples(index=False):
        by_frame.setdefault(int(p.frame), []).append(
            (int(p.person), int(p.other), float(p.distance_m), float(p.distance_sd_m))
        )
    opts = VideoSourceOptions(info.path, max_side=max_side, indices=tracks.analysed, info=info)
    source = VideoFileSource.create_from_options(opts)
    with source, AnnotatedVideoWriter(path, fps=fps, size=source.size, channels="rgb24") as writer:
        for frame in source:
            sel = tracks.frame == frame.index
            scene = np.array(frame.image)
            pairs_now = by_frame.get(frame.index, [])
            overlay.annotate(scene, tracks.xy[sel], tracks.person[sel], pairs_now, frame.t)
            if frame.index in hand_rows:
                hand.annotate(scene, *hand_rows[frame.index])
            writer.write(scene)


def _hand_rows_by_frame(hands: pd.DataFrame | None) -> dict[int, tuple[np.ndarray, list[int], list[Any]]]:
    """hands.parquet rows with landmarks, grouped by frame: (landmarks (n, 21, 2), persons, states)."""
    if hands is None or len(hands) == 0:
        return {}
    h = hands[hands["status"].isin(["read", "held"])]
    cols = [f"h{a}{j}" for j in range(21) for a in "xy"]
    xy = h[cols].to_numpy(dtype=float).reshape(len(h), 21, 2)
    out: dict[int, tuple[np.ndarray, list[int], list[Any]]] = {}
    for f in np.unique(h["frame"].to_numpy()):
        sel = (h["frame"] == f).to_numpy()
        out[int(f)] = (xy[sel], h.loc[sel, "person"].astype(int).tolist(), h.loc[sel, "state"].tolist())
    return out
