"""Crafted cue model files (code-execution gadgets) are refused without running anything.

Each gadget is the attack of issue 17: the committed pipeline with one node swapped for a call of
`builtins.exec`, `builtins.eval`, `os.system` or `subprocess.Popen`, and the hash beside it updated to
match. A positive control shows each gadget really runs its code when skops is told to trust the types
it lists, so the refusal is what protects the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cuedetect.cues.classifier import CueClassifier
from cuedetect.cues.detect import model_folder
from cuedetect.errors import ModelUnavailableError
from cuedetect.hashing import file_sha256

_ids = iter(range(10**15, 10**16))


def _json(value: object) -> dict:
    return {"__class__": type(value).__name__, "__module__": "builtins", "__loader__": "JsonNode",
            "content": json.dumps(value), "is_json": True, "__id__": next(_ids)}  # fmt: skip


def _seq(kind: str, items: list[dict]) -> dict:
    return {"__class__": kind, "__module__": "builtins", "__loader__": kind.capitalize() + "Node",
            "content": items, "__id__": next(_ids)}  # fmt: skip


def _call(module: str, name: str, *args: dict) -> dict:
    """A node skops builds as `module.name(*args)` (its ConstructorFromReduceNode)."""
    return {"__class__": name, "__module__": module, "__loader__": "ConstructorFromReduceNode",
            "content": _seq("tuple", list(args)), "__id__": next(_ids)}  # fmt: skip


def gadgets(marker: Path) -> dict[str, dict]:
    m = str(marker)
    return {
        "exec": _call("builtins", "exec", _json(f"open({m!r}, 'w').write('pwned')")),
        "eval": _call("builtins", "eval", _json(f"open({m!r}, 'w').write('pwned')")),
        "os.system": _call(os.system.__module__, "system", _json(f"touch {m}")),
        "subprocess.Popen": _call("subprocess", "Popen", _seq("list", [_json("touch"), _json(m)])),
    }


def hostile_model(folder: Path, gadget: dict) -> Path:
    """A model folder like the committed one whose Pipeline carries `gadget`, its hashes updated.

    The pipeline is cut to its top node (a real file's schema, protocol and metadata) so that loading
    it takes milliseconds; where the gadget sits does not matter to skops, it builds every node.
    """
    folder.mkdir(parents=True)
    committed = model_folder()
    with zipfile.ZipFile(committed / "cue_classifier.skops") as zf:
        schema = json.loads(zf.read("schema.json"))
    top = schema["content"]["content"]
    top["steps"]["content"] = []
    top["memory"] = gadget  # Pipeline(memory=...) is built while loading
    path = folder / "cue_classifier.skops"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("schema.json", json.dumps(schema))
    digest = file_sha256(path)
    meta = json.loads((committed / "cue_classifier.json").read_text())
    meta["sha256"] = digest
    (folder / "cue_classifier.json").write_text(json.dumps(meta))
    (folder / "cue_classifier.skops.sha256").write_text(f"{digest}  cue_classifier.skops\n")
    return folder


def _wait_for(path: Path, seconds: float = 5.0) -> bool:
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists():
            return True
        time.sleep(0.05)
    return path.exists()


NAMES = ["exec", "eval", "os.system", "subprocess.Popen"]


@pytest.mark.parametrize("name", NAMES)
def test_gadget_is_live_when_its_types_are_trusted(tmp_path: Path, name: str) -> None:
    """Positive control: with skops told to trust what the file lists, the gadget runs its code."""
    import skops.io as sio

    marker = tmp_path / "ran"
    folder = hostile_model(tmp_path / "model", gadgets(marker)[name])
    path = folder / "cue_classifier.skops"
    with contextlib.suppress(Exception):  # what the gadget returns may break the Pipeline: irrelevant
        sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert _wait_for(marker), f"the {name} gadget did not run: the refusal test below would prove nothing"


@pytest.mark.parametrize("name", NAMES)
def test_loader_refuses_gadget_without_running_it(tmp_path: Path, name: str) -> None:
    marker = tmp_path / "ran"
    folder = hostile_model(tmp_path / "model", gadgets(marker)[name])
    with pytest.raises(ModelUnavailableError, match="refusing to load it") as info:
        CueClassifier.load(folder)
    assert "\n" not in str(info.value)
    assert not _wait_for(marker, 0.5), f"the {name} gadget ran"


def test_cli_refuses_hostile_model_folder(tmp_path: Path) -> None:
    """`cuedetect evaluate --model DIR` (the route of issue 17): one line, exit 3, nothing run."""
    marker = tmp_path / "ran"
    folder = hostile_model(tmp_path / "model", gadgets(marker)["exec"])
    (tmp_path / "clips").mkdir()
    cli = Path(sys.executable).with_name("cuedetect")
    proc = subprocess.run([str(cli), "evaluate", str(tmp_path / "clips"), "--model", str(folder)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "builtins.exec" in lines[0] and "refusing" in lines[0], proc.stderr
    assert not marker.exists()


def test_models_dir_env_gets_the_same_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$CUEDETECT_MODELS_DIR is a user-writable folder too: `analyze`'s "auto" model refuses a gadget."""
    from cuedetect.cues.detect import resolve_model

    marker = tmp_path / "ran"
    hostile_model(tmp_path / "models" / "cues", gadgets(marker)["eval"])
    monkeypatch.setenv("CUEDETECT_MODELS_DIR", str(tmp_path / "models"))
    with pytest.raises(ModelUnavailableError, match=r"builtins\.eval"):
        resolve_model("auto")
    assert not _wait_for(marker, 0.5)
