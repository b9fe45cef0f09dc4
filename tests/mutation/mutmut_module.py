"""Run mutmut on one group of core modules with the unit tests that belong to it, in a scratch copy.

    .venv/bin/python tests/mutation/mutmut_module.py store      # cuedetect/store/agreement.py
    .venv/bin/python tests/mutation/mutmut_module.py cues       # events, fusion, settings
    .venv/bin/python tests/mutation/mutmut_module.py floor --sample 300 --seed 20  # a seeded sample
    .venv/bin/python tests/mutation/mutmut_module.py --list     # the groups
    .venv/bin/python tests/mutation/mutmut_module.py palm --timeout-multiplier 1.5  # hung mutants stop sooner

Copies the checkout (`git archive` of HEAD with the uncommitted edits of tracked files: `git add` a new
test file first; plus the pose bundles) to `/tmp/cuedetect-mutmut/GROUP/`, with a `[tool.mutmut]` naming
only the group's modules and tests, runs `mutmut run --max-children 1`
niced there and prints the per-module counts (killed, survived, no tests, not checked). Scoping a run
this way keeps it to minutes on a shared 2-core machine; `mutmut results` / `mutmut show NAME` inside
the copy list and show the survivors. `--sample N` runs a seeded random sample of N of the group's
mutants instead of all (for modules too large to finish; the score is then the sample's, printed as
such). Not collected by pytest and not in CI (slow).
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "store": (("cuedetect/store/agreement.py",), ("tests/unit/store/test_store_agreement.py",)),
    "analysis": (("cuedetect/analysis/stages.py", "cuedetect/analysis/orchestrator.py"),
                 ("tests/unit/analysis/",)),
    "cues": (("cuedetect/cues/events.py", "cuedetect/cues/fusion.py", "cuedetect/cues/settings.py"),
             ("tests/unit/cues/",)),
    "cue-features": (("cuedetect/cues/rules.py", "cuedetect/cues/features.py", "cuedetect/cues/geometry.py"),
                     ("tests/unit/cues/",)),
    "rules": (("cuedetect/cues/rules.py",), ("tests/unit/cues/",)),
    "features": (("cuedetect/cues/features.py",), ("tests/unit/cues/",)),
    "tracking": (("cuedetect/pose/tracking.py",),
                 ("tests/unit/pose/test_tracking.py", "tests/unit/pose/test_tracking_identical.py",
                  "tests/unit/pose/test_tracking_motion.py")),
    "floor": (("cuedetect/pose/floor.py", "cuedetect/pose/filters.py"),
              ("tests/unit/pose/test_floor.py", "tests/unit/pose/test_floor_pairs.py",
               "tests/unit/pose/test_filters.py")),
    "floor_fit": (("cuedetect/pose/floor_fit.py",),
                  ("tests/unit/pose/test_floor.py", "tests/unit/pose/test_floor_fit.py",
                   "tests/unit/pose/test_floor_fit_map.py")),
    "geometry": (("cuedetect/cues/geometry.py",),
                 ("tests/unit/cues/test_features.py", "tests/unit/cues/test_features_table.py",
                  "tests/unit/cues/test_geometry.py")),
    # one module each, with only its own fast unit tests (session 10)
    "fusion": (("cuedetect/cues/fusion.py",), ("tests/unit/cues/test_fusion.py",)),
    "recalibrate": (("cuedetect/training/recalibrate.py",), ("tests/unit/training/test_recalibrate.py",)),
    "shape": (("cuedetect/hands/shape.py",),
              ("tests/unit/hands/test_shape.py", "tests/unit/hands/test_shape_rules.py")),
    "events": (("cuedetect/cues/events.py",),
               ("tests/unit/cues/test_events.py", "tests/unit/cues/test_event_durations.py",
                "tests/unit/cues/test_evidence.py", "tests/unit/cues/test_thresholds.py")),
    # session 11
    "still_gate": (("cuedetect/pose/still_gate.py",), ("tests/unit/pose/test_still_gate.py",)),
    "state_model": (("cuedetect/hands/state_model.py", "cuedetect/hands/state_features.py"),
                    ("tests/unit/hands/test_state_model.py",)),
    # session 13
    "palm": (("cuedetect/hands/palm.py",),
             ("tests/unit/hands/test_palm.py", "tests/unit/hands/test_palm_detector.py")),
}  # fmt: skip


def config(sources: tuple[str, ...], tests: tuple[str, ...], timeout_multiplier: float | None = None) -> str:
    q = lambda xs: "[" + ", ".join(f'"{x}"' for x in xs) + "]"  # noqa: E731
    return (
        f"[tool.mutmut]\nsource_paths = {q(sources)}\n"
        'also_copy = ["cuedetect/", "tests/", "models/", "sample_videos/"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n'
        f"pytest_add_cli_args_test_selection = {q(tests)}\n"
        + (f"timeout_multiplier = {timeout_multiplier}\n" if timeout_multiplier else "")
    )


def names_by_status(work: Path) -> dict[str, list[str]]:
    """Every mutant of the copy by its status (killed, survived, no tests, not checked, ...)."""
    out = subprocess.run(
        [BIN / "mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True
    )
    by: dict[str, list[str]] = collections.defaultdict(list)
    for line in out.stdout.splitlines():
        if ": " in line and ".x" in line:
            name, status = line.strip().rsplit(": ", 1)
            by[status].append(name)
    return by


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in GROUPS:
        print("groups:", ", ".join(GROUPS))
        return 0 if argv[:1] == ["--list"] else 2
    parser = argparse.ArgumentParser(prog="mutmut_module.py")
    parser.add_argument("group", choices=sorted(GROUPS))
    parser.add_argument("--sample", type=int, default=0, help="run a random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=20)
    # mutmut stops a mutant after (tests' time + 1 s) x multiplier x 2 CPU seconds; at its default of 15 each
    # mutant that loops forever (palm's suppression loop) costs 30 s or more; 1.5 is plenty for fast tests
    parser.add_argument("--timeout-multiplier", type=float, default=None)
    args = parser.parse_args(argv)
    sources, tests = GROUPS[args.group]
    work = Path("/tmp/cuedetect-mutmut") / args.group
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    # HEAD plus uncommitted edits of tracked files (a new test is measured before it is committed)
    stash = subprocess.run(["git", "stash", "create"], cwd=REPO, capture_output=True, text=True, check=True)
    tree = stash.stdout.strip() or "HEAD"
    archive = subprocess.run(["git", "archive", tree], cwd=REPO, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
    for bundle in (REPO / "models").glob("*.task"):
        shutil.copy2(bundle, work / "models")
    text = (work / "pyproject.toml").read_text()
    (work / "pyproject.toml").write_text(
        text[: text.index("[tool.mutmut]")] + config(sources, tests, args.timeout_multiplier)
    )
    run = ["nice", "-n", "10", BIN / "mutmut", "run", "--max-children", "1"]
    names: list[str] = []
    if args.sample:
        # Generate the mutants (and the test stats) with a filter that matches none, then sample by name.
        subprocess.run([*run, "no-such-mutant"], cwd=work, capture_output=True)
        every = sorted(n for c in names_by_status(work).values() for n in c)
        names = sorted(random.Random(args.seed).sample(every, min(args.sample, len(every))))
        print(f"sampled {len(names)} of {len(every)} mutants (random.Random({args.seed}).sample)")
    subprocess.run([*run, *names], cwd=work)
    status = names_by_status(work)
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for st, ns in status.items():
        for n in ns:
            if not names or n in names:
                per[n[: n.index(".x")]][st] += 1
    what = "of the sample " if names else ""
    for module, c in sorted(per.items()):
        total, killed = sum(c.values()), c["killed"]
        print(f"{module}: {killed} of {total} {what}killed ({100 * killed / total:.1f}%), {dict(c)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
