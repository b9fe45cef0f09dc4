"""The cue model allow-list: the committed model loads; anything outside the exact list is refused."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from cuedetect.cues import model_types
from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.detect import model_folder
from cuedetect.errors import ModelUnavailableError
from cuedetect.hashing import file_sha256


def test_committed_model_loads_and_is_listed_as_shipped() -> None:
    """If this fails after retraining: review `python -m cuedetect.cues.model_types FILE` and extend
    ALLOWED_NODES / KNOWN_MODELS in cuedetect/cues/model_types.py."""
    path = model_folder() / "cue_classifier.skops"
    assert model_types.file_nodes(path) <= model_types.ALLOWED_NODES
    digest = file_sha256(path)
    assert model_types.is_known(digest), f"add {digest} to KNOWN_MODELS"
    clf = CueClassifier.load(model_folder())
    assert clf.shipped and clf.pipeline is not None


def test_allow_list_is_exact_names_not_prefixes() -> None:
    for loader, name in model_types.ALLOWED_NODES:
        assert not name.endswith(".") and "*" not in name and name.count(".") >= 1, (loader, name)
    assert all(t in model_types.ALLOWED_TYPES for _, t in model_types.ALLOWED_NODES)


def _with_node(tmp_path: Path, node: dict) -> Path:
    with zipfile.ZipFile(model_folder() / "cue_classifier.skops") as zf:
        schema = json.loads(zf.read("schema.json"))
    schema["content"]["content"]["memory"] = node
    path = tmp_path / "m.skops"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("schema.json", json.dumps(schema))
    return path


@pytest.mark.parametrize(
    ("loader", "module", "cls"),
    [
        ("ObjectNode", "sklearn.preprocessing._data", "StandardScaler"),  # a real sklearn type, unlisted
        ("ObjectNode", "numpy", "ndarray"),  # a listed type through another loader
        ("FunctionNode", "builtins", "exec"),
        ("TypeNode", "collections", "OrderedDict"),
    ],
)
def test_anything_else_is_refused_in_one_line(tmp_path: Path, loader: str, module: str, cls: str) -> None:
    path = _with_node(tmp_path, {"__class__": cls, "__module__": module, "__loader__": loader, "__id__": 7})
    with pytest.raises(ModelUnavailableError, match=f"{module}.{cls}") as info:
        model_types.check_model_file(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_unreadable_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "m.skops"
    path.write_bytes(content)
    with pytest.raises(ModelUnavailableError, match="not a readable skops model"):
        model_types.check_model_file(path)
