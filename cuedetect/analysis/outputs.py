"""From tracked rows to the files of `cuedetect analyze`: cleaning, floor geometry, tables, atomic commit.

Files are first written into `DIR/.partial-<pid>/`; `commit` then removes the old `analysis.json` (the
marker of a whole result), moves the new data files into place and moves `analysis.json` in last. So a
run that dies at any point leaves either the earlier complete result or no `analysis.json` at all.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from cuedetect.errors import InputError
from cuedetect.landmarks import NUM_LANDMARKS
from cuedetect.pose.tracked import Tracks

_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}
RESULT_FILES = (
    "poses.parquet", "pairs.parquet", "hands.parquet", "events.json", "annotated.mp4", "analysis.json"
)


def clean(res: Tracks) -> tuple[Tracks, np.ndarray, dict[int, list[dict[str, Any]]]]:
    """Smooth each person's landmarks and fill short gaps on the analysis grid (filters.clean_track).

    Returns the cleaned rows (filled frames added), a bool per row marking filled rows, and each
    person's processing log.
    """
    from cuedetect.pose.filters import clean_track

    grid, grid_t = res.analysed, res.analysed_t
    parts: list[tuple] = []
    logs: dict[int, list[dict[str, Any]]] = {}
    for p in np.unique(res.person):
        sel = np.flatnonzero(res.person == p)
        lo, hi = np.searchsorted(grid, res.frame[sel].min()), np.searchsorted(grid, res.frame[sel].max())
        frames, ts = grid[lo : hi + 1], grid_t[lo : hi + 1]
        pos = np.searchsorted(frames, res.frame[sel])
        n = len(frames)
        xy = np.full((n, NUM_LANDMARKS, 2), np.nan)
        vis = np.full((n, NUM_LANDMARKS), np.nan, np.float32)
        world = np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32)
        xy[pos], vis[pos], world[pos] = res.xy[sel], res.vis[sel], res.world[sel]
        present = np.zeros(n, bool)
        present[pos] = True
        cleaned, log = clean_track(xy, vis, ts)
        logs[int(p)] = [asdict(r) for r in log]
        keep = present | np.isfinite(cleaned).any(axis=(1, 2))
        parts.append((frames[keep], ts[keep], np.full(keep.sum(), p), cleaned[keep].astype(np.float32),
                      vis[keep], world[keep], ~present[keep]))  # fmt: skip
    if not parts:
        return res, np.zeros(0, bool), logs
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    order = np.lexsort((cols[2], cols[0]))
    cols = [c[order] for c in cols]
    out = Tracks(res.analysed, res.analysed_t, cols[0], cols[1], cols[2].astype(np.int64), cols[3],
                      cols[4], cols[5], res.appearance, res.size, res.timings, res.calls)  # fmt: skip
    return out, cols[6], logs


def floor_geometry(
    res: Tracks, options: Any = None, calibration: Any = None
) -> tuple[np.ndarray, list[Any], dict[str, Any]]:
    """Floor position (x, y, sd per row; NaN where unknown), pair distances and the camera estimate.

    `options` is a `cuedetect.pose.floor.FloorOptions` (default: its defaults); live mode asks for fewer
    Monte Carlo draws. `calibration` is a `FloorCalibration`: known values that replace the priors.
    """
    from cuedetect.pose.floor import PersonTrack, estimate_floor, pair_distances

    floor = np.full((len(res.person), 3), np.nan)
    tracks = []
    for p in np.unique(res.person):
        sel = res.person == p
        tracks.append(
            PersonTrack(int(p), res.frame[sel], res.t[sel], res.xy[sel], res.vis[sel], res.world[sel])
        )
    if not tracks:
        return floor, [], {}
    est = estimate_floor(tracks, res.size, calibration=calibration, options=options)
    for p, ft in est.tracks.items():
        rows = np.flatnonzero(res.person == p)
        pos = {int(f): k for k, f in enumerate(ft.frame)}
        for r in rows:
            k = pos.get(int(res.frame[r]))
            if k is not None:
                floor[r] = (*ft.xy_m[k], ft.sd_m[k])
    camera = {**asdict(est.camera), "stature_m": {str(k): float(v) for k, v in est.stature_m.items()}}
    return floor, pair_distances(est), camera


def poses_table(res: Tracks, filled: np.ndarray, floor: np.ndarray) -> Any:
    import pandas as pd

    from cuedetect.pose.keypoints import KeyPoints

    cols: dict[str, Any] = {"frame": res.frame.astype(np.int64), "t": res.t, "person": res.person}
    cols.update(KeyPoints(res.xy, res.vis, res.world).to_flat() if len(res.person) else _empty_flat())
    cols["interpolated"] = filled.astype(bool)
    cols["floor_x_m"], cols["floor_y_m"], cols["floor_sd_m"] = floor[:, 0], floor[:, 1], floor[:, 2]
    return pd.DataFrame(cols)


def _empty_flat() -> dict[str, np.ndarray]:
    from cuedetect.pose.keypoints import KeyPoints

    return KeyPoints.empty().to_flat()


def pairs_table(pairs: list[Any]) -> Any:
    import pandas as pd

    cols = ("frame", "t", "person", "other", "distance_m", "distance_sd_m")
    if not pairs:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("frame", "person", "other") else "float64")
                             for c in cols})  # fmt: skip
    return pd.DataFrame([asdict(p) for p in pairs], columns=list(cols))


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
    """Move finished files from `tmp` into `out`, analysis.json last; stale files of the old result go."""
    marker = out / "analysis.json"
    marker.unlink(missing_ok=True)
    for name in RESULT_FILES[:-1]:
        new = tmp / name
        if new.exists():
            with open(new, "rb") as fh:
                os.fsync(fh.fileno())
            new.chmod(0o644)
            os.replace(new, out / name)
        else:
            (out / name).unlink(missing_ok=True)
    (tmp / "analysis.json").chmod(0o644)
    os.replace(tmp / "analysis.json", marker)
