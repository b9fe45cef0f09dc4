"""Re-read the hands of rendered clips already analysed by `eval_hands.py`, with the current hand stage.

Tuning aid: the poses (`an/poses.parquet`) are kept, only the hand stage runs again (one process), so a
change to crops, re-reads or state rules is scored in a minute instead of a re-analysis. Prints the
accuracy per clip and pooled, as `eval_hands.py` scores it. The split stays `eval_hands.py`'s: tune on
`TUNING`, report on `eval_hands.HELD_OUT`.

    .venv/bin/python bench/tune_hands.py [--clips hands_tune,...] [--save] [--hand-states learned]
    .venv/bin/python bench/tune_hands.py --real [--set NAME=VALUE ...]
    .venv/bin/python bench/tune_hands.py --search rules.closed=0.62,0.7,0.78 --search rules.tuck_weight=0.25,1

`--search` reads each clip once and re-classifies its hands under every combination of the listed state
rules (`StateRules` fields; landmarks and crops do not depend on them): hands right per clip and pooled,
the best combinations, and each clip left out in turn (the rules chosen on the others, scored on it) beside
the current rules. Check a winner with the real clips too: `--real`, `tests/integration/test_hands_analyze.py`
and `test_live_hands.py` (live mode reads a thumbs-up at other instants than the analysis does).

`--set palm_search=True` (or `--set palm.every_s=0.5`, any `PalmSearchOptions` field) turns on the palm
search, off by default. Why the hands left unread are not read: `bench/diagnose_hand_misses.py`.

`--real` re-reads the hands of the real dev set's cached analyses (`.cache/real_clips`, filled by the
floors test or `cuedetect evaluate`) and scores their cue events with the committed model, beside the
events of the cached hands.parquet: a change to the stage must not make the real clips' events worse.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_hands

TUNING = ("hands_tune", "hands_tune_b", "hands_eval_a", "train_00050", "train_00002", "train_00025",
          "train_00038")  # fmt: skip


def reread(d: Path, options=None, video: Path | None = None, analysis: Path | None = None,
           raw_poses: bool = True) -> tuple[pd.DataFrame, dict]:  # fmt: skip
    """hands.parquet of clip folder `d` read again from its poses with the current stage.

    `video` and `analysis` default to a rendered clip's `d/<name>.mp4` and `d/an`. With `raw_poses` the
    arm points cleaning dropped come from `d/raw_tracks.npz` when it exists, as `cuedetect analyze` gives
    them to the stage; without, the stage sees only the cleaned poses (as before 2026-12-07 08:30).
    """
    from cuedetect.hands.crops import with_faint_arms
    from cuedetect.hands.stage import hands_table
    from cuedetect.hands.video import read_chunk
    from cuedetect.models.hand_provision import ensure_hand_model
    from cuedetect.pose.sources import probe_video

    analysis = analysis or d / "an"
    poses = pd.read_parquet(analysis / "poses.parquet").sort_values(["frame", "person"])
    info = probe_video(video or d / f"{d.name}.mp4")
    xy = np.stack([poses[[f"x{j}" for j in range(33)]].to_numpy(float),
                   poses[[f"y{j}" for j in range(33)]].to_numpy(float)], axis=-1)  # fmt: skip
    vis = poses[[f"v{j}" for j in range(33)]].to_numpy(float)
    if raw_poses and (d / "raw_tracks.npz").exists():  # poses before cleaning (`save_raw_tracks`)
        raw = np.load(d / "raw_tracks.npz")
        xy = with_faint_arms(poses["frame"].to_numpy(), poses["person"].to_numpy(), xy, raw["frame"],
                             raw["person"], raw["xy"])  # fmt: skip
    frames = np.unique(poses["frame"].to_numpy(np.int64))
    res = read_chunk(info, frames, poses["person"].to_numpy(np.int64), poses["frame"].to_numpy(np.int64),
                     xy, vis, ensure_hand_model(), 1280, options)  # fmt: skip
    return hands_table(res.rows, res.size), {**res.timings, **res.calls, "frames": len(frames)}


def real(options, log=print) -> None:
    """The real dev set's cue events with the cached hands and with hands re-read by `options`."""
    import json
    import shutil
    import tempfile

    from cuedetect.cues.detect import load_model
    from cuedetect.training.real_eval import DEFAULT_CACHE, cache_folder, found_events
    from cuedetect.training.real_labels import RealScores, load_real_labels, match_clip

    clips_dir = eval_hands.REPO.parent / "shared" / "clips"
    if not clips_dir.is_dir():
        clips_dir = Path("/work/shared/clips")
    clips = load_real_labels(clips_dir / "labels.json") + load_real_labels(clips_dir / "dev" / "labels.json")
    model = load_model(None)
    before, after = RealScores(), RealScores()
    reads = {"cached": 0, "now": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for clip in clips:
            folder = cache_folder(clip.video, eval_hands.REPO / DEFAULT_CACHE)
            if not (folder / "hands.parquet").exists():
                log(f"{clip.name}: not in the cache, skipped")
                continue
            work = Path(tmp) / folder.name
            work.mkdir()
            for f in ("poses.parquet", "pairs.parquet", "analysis.json", "raw_tracks.npz"):
                if (folder / f).exists():
                    shutil.copy(folder / f, work / f)
            hands, _ = reread(work, options, video=clip.video, analysis=work)
            hands.to_parquet(work / "hands.parquet")
            old = pd.read_parquet(folder / "hands.parquet")
            reads["cached"] += int(old["state"].notna().sum())
            reads["now"] += int(hands["state"].notna().sum())
            a = match_clip(found_events(folder, model), clip)
            b = match_clip(found_events(work, model), clip)
            before.add(a)
            after.add(b)
            fa, fb = [e["cue"] for e in a.false_alarms], [e["cue"] for e in b.false_alarms]
            if fa != fb or len(a.misses) != len(b.misses):
                log(
                    f"{clip.name}: false alarms {[e['cue'] for e in a.false_alarms]} -> "
                    f"{[e['cue'] for e in b.false_alarms]}, misses {len(a.misses)} -> {len(b.misses)}"
                )
    for name, s in (("cached hands", before), ("re-read hands", after)):
        t = s.total()
        per = {c: round(s.events[c].f1, 2) for c in s.cues()}
        log(f"{name}: P {t.precision:.2f} R {t.recall:.2f} ({t.tp}/{t.fp}/{t.fn}); F1 {json.dumps(per)}")
    log(f"hand rows with a state: cached {reads['cached']}, re-read {reads['now']}")


def search_rules(clips: dict[str, tuple[Path, pd.DataFrame]], grid: dict[str, list], base, min_px: float,
                 log=print) -> pd.DataFrame:  # fmt: skip
    """Hands right per clip under every combination of `grid` (StateRules field -> values) from `base`.

    `clips`: name -> (clip folder with gt.json, its hands table read once). Rows read or held are
    classified again from their landmarks; unread rows stay wrong. Returns one row per combination.
    """
    import dataclasses
    import itertools
    import json

    from cuedetect.hands.shape import classify

    prepared = {}
    for name, (d, hands) in clips.items():
        df = eval_hands.score(d, hands)
        df["row"] = np.arange(len(df))
        ev = eval_hands.scorable(df, min_px)
        w, h = json.loads((d / "gt.json").read_text())["size"]
        lm = hands[[f"h{a}{j}" for a in "xyz" for j in range(21)]].to_numpy(float).reshape(-1, 3, 21)
        lm = lm.transpose(0, 2, 1)[ev["row"].to_numpy()] * [w, h, w]
        prepared[name] = (ev["gt"].to_numpy(object), lm, hands["side"].to_numpy(object)[ev["row"].to_numpy()])
    rows = []
    for values in [(), *itertools.product(*grid.values())]:
        if not values:
            rules, label = base, {k: getattr(base, k) for k in grid}
        else:
            label = dict(zip(grid, values, strict=True))
            rules = dataclasses.replace(base, **label)
        row = {**label, "current": not values}
        for name, (gt, lm, side) in prepared.items():
            ok = np.isfinite(lm).all(axis=(1, 2))
            row[name] = sum(classify(lm[k], side[k], rules).state == gt[k] for k in np.flatnonzero(ok))
        rows.append(row)
    table = pd.DataFrame(rows)
    names = list(clips)
    n = {name: len(prepared[name][0]) for name in names}
    table["pooled"] = table[names].sum(axis=1) / sum(n.values())
    current = table[table["current"]].iloc[0]
    log(f"hands scored: {n}")
    log(table.drop(columns="current").sort_values("pooled", ascending=False).head(10).round(3).to_string())
    log(f"current rules: pooled {current['pooled']:.3f}")
    if len(names) > 1:  # each clip left out: the rules chosen on the others, scored on it
        chosen = []
        for name in names:
            others = [o for o in names if o != name]
            best = table.loc[table[others].sum(axis=1).idxmax()]
            chosen.append(best[name])
            log(f"  left out {name}: {best[name]} of {n[name]} right (current {current[name]}) with "
                + ", ".join(f"{k}={best[k]}" for k in grid))  # fmt: skip
        total = sum(n.values())
        log(f"left out in turn: {sum(chosen) / total:.3f} against the current rules' "
            f"{current[names].sum() / total:.3f}")  # fmt: skip
    return table


def save_raw_tracks(d: Path, video: Path, analysis: Path, fps: float = 15.0) -> None:
    """Track the poses of `video` again and keep them before cleaning (`d/raw_tracks.npz`), as
    `cuedetect analyze` hands them to the hand stage; checked against `analysis/poses.parquet`."""
    import json

    from cuedetect.analysis import stages
    from cuedetect.analysis.types import AnalyzeOptions

    meta = json.loads((analysis / "analysis.json").read_text())
    info = stages.probe(video)
    _, tracks, _ = stages.poses(info, AnalyzeOptions(d / "unused", fps=meta.get("requested_fps", fps),
                                                     jobs=meta.get("jobs", 1)))  # fmt: skip
    clean, _ = stages.clean(tracks)
    poses = pd.read_parquet(analysis / "poses.parquet").sort_values(["frame", "person"])
    if not (np.array_equal(clean.frame, poses["frame"]) and np.array_equal(clean.person, poses["person"])):
        raise SystemExit(f"{d.name}: the poses tracked again differ from the analysis's")
    np.savez(d / "raw_tracks.npz", frame=tracks.frame, person=tracks.person, xy=tracks.xy, vis=tracks.vis)


def options_from(hand_states: str, settings: list[str]):
    """HandStageOptions with the `--hand-states` reader and `--set NAME=VALUE` overrides (a Python literal;
    crops.NAME, rules.NAME, palm.NAME: a CropOptions, StateRules or PalmSearchOptions field; palm_search=True
    turns the palm search on with its defaults)."""
    import ast
    import dataclasses

    from cuedetect.hands.stage import HandStageOptions
    from cuedetect.hands.state_model import state_reader

    options = HandStageOptions(state_model=state_reader(hand_states))
    for item in settings:
        key, value = item.split("=", 1)
        if key.startswith("crops."):  # a CropOptions field
            crops = dataclasses.replace(options.crops, **{key[6:]: ast.literal_eval(value)})
            options = dataclasses.replace(options, crops=crops)
        elif key.startswith("rules."):  # a StateRules field
            rules = dataclasses.replace(options.rules, **{key[6:]: ast.literal_eval(value)})
            options = dataclasses.replace(options, rules=rules)
        elif key == "palm_search" or key.startswith("palm."):  # on (True), off (None) or a field
            from cuedetect.hands.palm import PalmSearchOptions

            if key == "palm_search":
                palm = PalmSearchOptions() if ast.literal_eval(value) else None
            else:
                palm = dataclasses.replace(options.palm_search or PalmSearchOptions(),
                                           **{key[5:]: ast.literal_eval(value)})  # fmt: skip
            options = dataclasses.replace(options, palm_search=palm)
        else:
            options = dataclasses.replace(options, **{key: ast.literal_eval(value)})
    return options


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=eval_hands.REPO / ".cache" / "eval_hands")
    ap.add_argument("--clips", default=",".join(TUNING))
    ap.add_argument("--min-px", type=float, default=40.0)
    ap.add_argument("--save", action="store_true", help="write each clip's an/hands.parquet")
    ap.add_argument("--real", action="store_true", help="score the real dev set's events instead")
    ap.add_argument("--hand-states", default="rules", help="what reads the states: rules, learned or "
                    "learned-thumb (`cuedetect analyze --hand-states`)")  # fmt: skip
    ap.add_argument("--raw", action="store_true", help="first track each clip's poses again, kept uncleaned")
    ap.add_argument("--no-raw", action="store_true", help="ignore the raw poses (the cleaned ones only)")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a HandStageOptions field (a Python literal; crops.NAME, rules.NAME: "
        "a CropOptions or StateRules field)",
    )
    ap.add_argument(
        "--search",
        action="append",
        default=[],
        metavar="rules.NAME=V1,V2,...",
        help="search these StateRules values on hands read once (repeat for a grid)",
    )
    args = ap.parse_args()
    import ast

    options = options_from(args.hand_states, args.set)
    os.environ.setdefault("GLOG_minloglevel", "2")
    if args.real:
        real(options)
        return
    if args.search:
        grid = {}
        for item in args.search:
            key, values = item.split("=", 1)
            grid[key.removeprefix("rules.")] = [ast.literal_eval(v) for v in values.split(",")]
        tables = {n: (args.out / n, reread(args.out / n, options, raw_poses=not args.no_raw)[0])
                  for n in args.clips.split(",")}  # fmt: skip
        search_rules(tables, grid, options.rules, args.min_px)
        return
    scored, cpu, crops, frames = [], 0.0, 0, 0
    for name in args.clips.split(","):
        d = args.out / name
        if args.raw and not (d / "raw_tracks.npz").exists():
            save_raw_tracks(d, d / f"{name}.mp4", d / "an")
        t0 = time.process_time()
        hands, run = reread(d, options, raw_poses=not args.no_raw)
        cpu += time.process_time() - t0
        crops, frames = crops + run["hand_crops"], frames + run["frames"]
        if args.save:
            hands.to_parquet(d / "an" / "hands.parquet")
        df = eval_hands.score(d, hands)
        ev = eval_hands.scorable(df, args.min_px)
        print(f"{name:<15} {(ev['pred'] == ev['gt']).mean():.3f} of {len(ev)}", flush=True)
        scored.append(df)
    ev = eval_hands.scorable(pd.concat(scored), args.min_px)
    unread = (ev["pred"] == "(none)").mean()
    print(
        f"pooled {(ev['pred'] == ev['gt']).mean():.3f} of {len(ev)} (not read {unread:.1%}); "
        f"{crops / frames:.2f} crops and {1000 * cpu / frames:.1f} ms CPU per frame"
    )
    print(pd.crosstab(ev["gt"], ev["pred"]).to_string())


if __name__ == "__main__":
    main()
