"""Run mutmut on one group of core modules with the unit tests that belong to it, in a scratch copy.

    .venv/bin/python tests/mutation/mutmut_module.py store      # cuedetect/store/agreement.py
    .venv/bin/python tests/mutation/mutmut_module.py cues       # events, fusion, settings
    .venv/bin/python tests/mutation/mutmut_module.py --list     # the groups

Copies the checkout (`git archive` of HEAD with the uncommitted edits of tracked files: `git add` a new
test file first; plus the pose bundles) to `/tmp/cuedetect-mutmut/GROUP/`, with a `[tool.mutmut]` naming
only the group's modules and tests, runs `mutmut run --max-children 1`
niced there and prints the per-module counts (killed, survived, no tests, not checked). Scoping a run
this way keeps it to minutes on a shared 2-core machine; `mutmut results` / `mutmut show NAME` inside
the copy list and show the survivors. Not collected by pytest and not in CI (slow).
"""

from __future__ import annotations

import collections
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
    "tracking": (("cuedetect/pose/tracking.py",), ("tests/unit/pose/",)),
    "floor": (("cuedetect/pose/floor.py", "cuedetect/pose/floor_fit.py"), ("tests/unit/pose/test_floor.py",)),
}  # fmt: skip


def config(sources: tuple[str, ...], tests: tuple[str, ...]) -> str:
    q = lambda xs: "[" + ", ".join(f'"{x}"' for x in xs) + "]"  # noqa: E731
    return (
        f"[tool.mutmut]\nsource_paths = {q(sources)}\n"
        'also_copy = ["cuedetect/", "tests/", "models/", "sample_videos/"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n'
        f"pytest_add_cli_args_test_selection = {q(tests)}\n"
    )


def counts(work: Path) -> dict[str, collections.Counter]:
    out = subprocess.run(
        [BIN / "mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True
    )
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in out.stdout.splitlines():
        if ": " in line and ".x" in line:
            name, status = line.strip().rsplit(": ", 1)
            per[name[: name.index(".x")]][status] += 1
    return per


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in GROUPS:
        print("groups:", ", ".join(GROUPS))
        return 0 if argv[:1] == ["--list"] else 2
    sources, tests = GROUPS[argv[0]]
    work = Path("/tmp/cuedetect-mutmut") / argv[0]
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
    (work / "pyproject.toml").write_text(text[: text.index("[tool.mutmut]")] + config(sources, tests))
    subprocess.run(["nice", "-n", "10", BIN / "mutmut", "run", "--max-children", "1"], cwd=work)
    for module, c in sorted(counts(work).items()):
        total = sum(c.values())
        print(f"{module}: {c['killed']} of {total} killed ({100 * c['killed'] / total:.1f}%), {dict(c)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
