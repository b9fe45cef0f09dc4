"""The package layout stays the pipeline's: no import circles, pose/ below cues/, runtime code apart
from training and studio code, no module over 450 lines.

Every `import` counts, including ones inside functions and under `TYPE_CHECKING`: a lazy import
still ties two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cuedetect"
MAX_LINES = 450
# Packages (or top-level modules) that run when someone analyses, reviews or goes live.
RUNTIME = (
    "cuedetect.pose", "cuedetect.cues", "cuedetect.models", "cuedetect.analysis", "cuedetect.annotate",
    "cuedetect.store", "cuedetect.export", "cuedetect.dashboard", "cuedetect.live", "cuedetect.hands",
    "cuedetect.overlay", "cuedetect.procs", "cuedetect.batch",
)  # fmt: skip


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        out[".".join(parts)] = (path, is_pkg)
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module of ours that `import name` loads last (a name inside a module resolves to the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    path, is_pkg = MODULES[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            names = [f"{source}.{a.name}" for a in node.names] if source.startswith("cuedetect") else []
        else:
            continue
        found |= {r for n in names if n.startswith("cuedetect") and (r := _resolve(n))}
    found.discard(module)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[v] = min(low[v], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_the_graph_sees_imports() -> None:
    """A parser that found nothing would make every rule below pass."""
    assert "cuedetect.cues.features" in GRAPH["cuedetect.cues.detect"]
    assert "cuedetect.pose.sources" in GRAPH["cuedetect.pose.pipeline"]
    assert len(MODULES) > 100


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b", "c"}, "b": {"c"}, "c": {"b"}}, [["b", "c"]]),
    ],
)
def test_circle_finder(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert import_circles(graph) == expected


def test_no_import_circles() -> None:
    assert import_circles(GRAPH) == []


USERS_OF_CUES = (
    "cuedetect.analysis", "cuedetect.store", "cuedetect.dashboard", "cuedetect.live", "cuedetect.cli",
)  # fmt: skip


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        (("cuedetect.pose",), ("cuedetect.cues", "cuedetect.annotate", *USERS_OF_CUES)),
        (("cuedetect.cues",), USERS_OF_CUES),
        (RUNTIME, ("cuedetect.training", "cuedetect.studio")),
        (("cuedetect.models",), ("cuedetect.pose", "cuedetect.cues")),
    ],
    ids=["pose-below-cues", "cues-below-its-users", "runtime-apart-from-training-and-studio", "models-alone"],
)
def test_layering(importer: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    bad = sorted(
        f"{m} -> {d}"
        for m, deps in GRAPH.items()
        if _within(m, importer)
        for d in deps
        if _within(d, forbidden)
    )
    assert bad == []


def test_modules_are_small() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path, _ in MODULES.values()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
