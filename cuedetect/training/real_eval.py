"""The real dev set end to end: poses by the analysis pipeline (cached), cues found, scored against labels.

Poses of the real clips are extracted by the same pipeline as `cuedetect analyze` (default settings)
and cached per clip under a folder named by the video's content hash, so a rerun costs seconds. Nothing
derived from the clips belongs in the repository: the cache lives in the git-ignored `.cache/`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.settings import CueSettings
from cuedetect.hashing import file_sha256
from cuedetect.training.real_labels import RealClip, RealScores, match_clip

DEFAULT_CACHE = Path(".cache") / "real_clips"


def cached_analysis(
    video: Path, cache: Path = DEFAULT_CACHE, *, fps: float = 15.0, model: str = "full", jobs: int = 1,
    redo: bool = False,
) -> Path:  # fmt: skip
    """The analysis folder of `video` (poses.parquet, pairs.parquet, analysis.json), analysed if needed.

    The folder is `cache/<stem>-<sha256[:12]>`; an analysis made at another rate or with another pose
    model is redone. The pipeline writes atomically, so an interrupted run leaves no half result.
    """
    from cuedetect.analysis import AnalyzeOptions, analyze

    out = cache_folder(video, cache)
    meta_path = out / "analysis.json"
    if not redo and _is_cached(out, fps, model):
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    # no voice or speech: cues are scored from poses, pairs and hands (`found_events`)
    record = analyze(Path(video), AnalyzeOptions(out, fps=fps, model=model, jobs=jobs, overwrite=True,
                                                 cues=False, voice=False)).record  # fmt: skip
    record["requested_fps"] = fps
    meta_path.write_text(json.dumps(record, indent=1))
    return out


def cache_folder(video: Path, cache: Path) -> Path:
    return Path(cache) / f"{Path(video).stem}-{file_sha256(video)[:12]}"


def _is_cached(out: Path, fps: float, model: str) -> bool:
    meta_path = out / "analysis.json"
    if not (meta_path.exists() and (out / "poses.parquet").exists()):
        return False
    meta = json.loads(meta_path.read_text())
    return meta.get("requested_fps", fps) == fps and meta.get("model", {}).get("variant") == model


def cache_analyses(videos: Iterable[Path], cache: Path = DEFAULT_CACHE, processes: int = 2) -> None:
    """`cached_analysis` of every video not cached yet, `processes` videos at a time.

    Each video is analysed in one process of its own (`jobs=1`), as `cached_analysis` alone would, so
    the cache holds the same results however many run at once; on a fresh machine this fills it about
    `processes` times faster.
    """
    todo = [v for v in videos if not _is_cached(cache_folder(v, cache), 15.0, "full")]
    if processes <= 1 or len(todo) < 2:
        for video in todo:
            cached_analysis(video, cache)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    with ProcessPoolExecutor(min(processes, len(todo)), mp_context=mp.get_context("spawn")) as pool:
        list(pool.map(partial(cached_analysis, cache=cache), todo))


def found_events(
    folder: Path, detector: CueClassifier | None, settings: CueSettings | None = None
) -> list[dict]:
    """Cue events in an analysis folder by the classifier (or the geometric baseline, None) + pair rules."""
    from cuedetect.cues.detect import aspect_from_analysis, find_events
    from cuedetect.cues.features import build_features
    from cuedetect.cues.tracks import tracks_from_poses

    settings = settings or CueSettings()
    meta = json.loads((folder / "analysis.json").read_text())
    poses = pd.read_parquet(folder / "poses.parquet")
    pairs_path = folder / "pairs.parquet"
    pairs = pd.read_parquet(pairs_path) if pairs_path.exists() else None
    tracks = tracks_from_poses(poses)
    hands_path = folder / "hands.parquet"  # the analysis reads hands by default: score what it ships
    hands = pd.read_parquet(hands_path) if hands_path.exists() else None
    aspect = aspect_from_analysis(meta)
    feats = build_features(tracks, pairs, aspect, settings)
    return [e.to_dict() for e in find_events(tracks, pairs, feats, detector, settings, aspect, hands)]


def score_real_clips(
    clips: Iterable[RealClip],
    detectors: dict[str, CueClassifier | None],
    cache: Path = DEFAULT_CACHE,
    settings: CueSettings | None = None,
    log: Callable[[str], None] = lambda _m: None,
    processes: int = 1,
) -> dict[str, RealScores]:
    """Scores of each named detector (a classifier, or None for the baseline) on the real clips.

    Clips not analysed yet are analysed first, `processes` at a time (`cache_analyses`).
    """
    clips = list(clips)
    cache_analyses([clip.video for clip in clips], cache, processes)
    scores = {name: RealScores() for name in detectors}
    for clip in clips:
        folder = cached_analysis(clip.video, cache)
        for name, det in detectors.items():
            scores[name].add(match_clip(found_events(folder, det, settings), clip))
        log(f"{clip.name}: " + ", ".join(
            f"{n} {len(s.clips[-1].false_alarms)} false alarms, {len(s.clips[-1].misses)} misses"
            for n, s in scores.items()
        ))  # fmt: skip
    return scores
