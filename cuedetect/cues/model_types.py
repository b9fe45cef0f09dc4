"""What a cue model file may contain: the one allow-list of object types, checked before skops loads it.

A `.skops` file is a zip with a `schema.json` tree; every node names a loader and a `module.Class` that
skops would import and call. `check_model_file` reads that tree and refuses the file (one-line
`ModelUnavailableError`) unless every (loader, type) pair is one the committed pipeline itself uses
(`ALLOWED_NODES`), so `builtins.exec`, `posix.system`, `subprocess.Popen` and the like are refused
before anything is imported or called. The same check applies to user-trained models
(`cuedetect train`, `--model DIR`, `$CUEDETECT_MODELS_DIR`).

Adding an estimator (e.g. calibration) to the pipeline: run
`python -m cuedetect.cues.model_types models/cues/cue_classifier.skops`, review the pairs it prints
and add the new ones here; `tests/unit/cues/test_model_types.py` checks that the committed model loads.

Hashes: `KNOWN_MODELS` (in the package, not in any model folder) lists the SHA-256 of the committed
model files. A file with a listed hash is the one this release shipped. A user-trained model is not
listed: for it, the `.skops.sha256` / `.json` hash beside the file only detects accidental corruption
(anyone who can change the file can change its sidecar); what keeps it from running code is the type
check above, which applies to every file.
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cuedetect.errors import ModelUnavailableError

# (skops loader, module.Class) pairs of the committed pipeline: Pipeline > MultiOutputClassifier >
# HistGradientBoostingClassifier, derived from models/cues/cue_classifier.skops (no prefixes).
_PIPELINE_NODES = {
    ("ObjectNode", "sklearn.pipeline.Pipeline"),
    ("ObjectNode", "sklearn.multioutput.MultiOutputClassifier"),
    (
        "ObjectNode",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    ),
    ("ObjectNode", "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper"),
    ("ObjectNode", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"),
    ("ObjectNode", "sklearn.preprocessing._label.LabelEncoder"),
    ("ObjectNode", "sklearn._loss.loss.HalfBinomialLoss"),
    ("ObjectNode", "sklearn._loss.link.LogitLink"),
    ("ObjectNode", "sklearn._loss.link.Interval"),
    ("LossNode", "sklearn._loss._loss.CyHalfBinomialLoss"),
    ("RandomGeneratorNode", "numpy.random._generator.Generator"),
    ("NdArrayNode", "numpy.ndarray"),
    ("NdArrayNode", "numpy.uint64"),
    ("DictNode", "builtins.dict"),
    ("ListNode", "builtins.list"),
    ("TupleNode", "builtins.tuple"),
    ("TypeNode", "builtins.str"),
}
# Plain JSON values (hyper-parameters of a model trained with other settings): data, never called.
_JSON_NODES = {("JsonNode", f"builtins.{t}") for t in ("str", "int", "float", "bool", "NoneType")}
ALLOWED_NODES: frozenset[tuple[str, str]] = frozenset(_PIPELINE_NODES | _JSON_NODES)
# Exact names handed to skops as `trusted` (every type above; skops still checks its own rules).
ALLOWED_TYPES: tuple[str, ...] = tuple(sorted({t for _, t in ALLOWED_NODES}))

# SHA-256 of the cue model files this release ships in models/cues/ (see the module docstring).
KNOWN_MODELS: dict[str, str] = {
    "93ec02f4224aa855ce4bf3df6efc64a85511aa90706d20e0fc2d730de1b5094f": "cue_classifier (committed)",
}
_MAX_SCHEMA_BYTES = 64 * 1024 * 1024


def _nodes(tree: Any) -> Iterator[tuple[str, str]]:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__loader__" in node:
                yield str(node["__loader__"]), f"{node.get('__module__')}.{node.get('__class__')}"
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def file_nodes(path: Path) -> set[tuple[str, str]]:
    """Every (loader, module.Class) pair named in a `.skops` file, read without importing any of them.

    Raises:
        ModelUnavailableError: the file is not a readable skops zip.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("schema.json")
            if info.file_size > _MAX_SCHEMA_BYTES:
                raise ModelUnavailableError(
                    f"{path}: its schema is {info.file_size} bytes; refusing to load it"
                )
            tree = json.loads(zf.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise ModelUnavailableError(
            f"{path} is not a readable skops model file ({exc}); refusing to load it"
        ) from None
    return set(_nodes(tree))


def check_model_file(path: Path) -> list[str]:
    """Refuse a model file naming anything outside `ALLOWED_NODES`; returns the exact types to trust.

    Raises:
        ModelUnavailableError: one line naming the file and the first unexpected types.
    """
    found = file_nodes(path)
    bad = sorted(found - ALLOWED_NODES)
    if bad:
        shown = ", ".join(
            t if loader in ("ObjectNode", "JsonNode") else f"{t} ({loader})" for loader, t in bad[:3]
        )
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise ModelUnavailableError(
            f"{path} holds object types a cue model never has ({shown}{more}); refusing to load it"
        )
    return sorted({t for _, t in found})


def is_known(sha256: str) -> bool:
    """Whether a model file is one this release ships (its hash is listed in the package)."""
    return sha256 in KNOWN_MODELS


if __name__ == "__main__":  # print a model file's pairs, to review before extending the allow-list
    for loader, type_name in sorted(file_nodes(Path(sys.argv[1]))):
        flag = "" if (loader, type_name) in ALLOWED_NODES else "   <- not allowed"
        print(f"{loader:<20} {type_name}{flag}")
