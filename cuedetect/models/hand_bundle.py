"""Build MediaPipe's HandLandmarker `.task` bundle offline from the PyPI `mediapipe==0.10.21` wheel.

The official `hand_landmarker.task` is a zip of two TFLite models, `hand_detector.tflite` (the palm
detector, 192x192) and `hand_landmarks_detector.tflite` (21 landmarks, presence, handedness and world
landmarks from a 224x224 hand crop). The same networks ship in the pinned mediapipe wheel as
`palm_detection_full.tflite` and `hand_landmark_full.tflite`, and unlike the pose models they already
carry the TFLite metadata MediaPipe Tasks needs (an image input normalized to [0, 1]); `check_metadata`
makes sure of that. The bundle is zipped deterministically with the pose bundle's zipper, so its SHA-256
is the same on every machine and is pinned in `models/manifest.json` (`hands`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from cuedetect.errors import ModelUnavailableError
from cuedetect.models import bundle
from cuedetect.models.bundle import PYPI_PACKAGE, PYPI_VERSION, ProgressFn, SourceFile

BUNDLE_NAME = "hand_landmarker.task"
DETECTOR_NAME = "hand_detector.tflite"
LANDMARKER_NAME = "hand_landmarks_detector.tflite"
SOURCES: dict[str, SourceFile] = {
    DETECTOR_NAME: SourceFile(
        "pypi", PYPI_PACKAGE, PYPI_VERSION, "mediapipe/modules/palm_detection/palm_detection_full.tflite",
        "1b14e9422c6ad006cde6581a46c8b90dd573c07ab7f3934b5589e7cea3f89a54",
    ),
    LANDMARKER_NAME: SourceFile(
        "pypi", PYPI_PACKAGE, PYPI_VERSION, "mediapipe/modules/hand_landmark/hand_landmark_full.tflite",
        "11c272b891e1a99ab034208e23937a8008388cf11ed2a9d776ed3d01d0ba00e3",
    ),
}  # fmt: skip
# what each model must look like for the Tasks graphs: input size and output tensor count
EXPECTED = {DETECTOR_NAME: (192, 2), LANDMARKER_NAME: (224, 4)}


def check_model(name: str, data: bytes) -> None:
    """Raise ModelUnavailableError unless `data` is the model the bundle needs under `name`.

    Checks the TFLite identifier, the input size, the number of outputs and that the metadata tells
    Tasks how to normalize the image (without it: "requires specifying NormalizationOptions").
    """
    from mediapipe.tasks.metadata import schema_py_generated as schema

    if data[4:8] != bundle.TFLITE_FILE_IDENTIFIER:
        raise ModelUnavailableError(f"{name} is not a TFLite model")
    size, n_out = EXPECTED[name]
    graph = schema.Model.GetRootAsModel(data, 0).Subgraphs(0)
    shape = graph.Tensors(graph.Inputs(0)).ShapeAsNumpy().tolist()
    if shape[1:3] != [size, size] or graph.OutputsLength() != n_out:
        n = graph.OutputsLength()
        raise ModelUnavailableError(f"{name}: input {shape}, {n} outputs; not the hand model expected")
    try:
        meta = bundle.read_metadata(data)
        units = meta.subgraphMetadata[0].inputTensorMetadata[0].processUnits or []
    except (ValueError, IndexError, TypeError) as exc:
        raise ModelUnavailableError(f"{name} has no usable TFLite metadata: {exc}") from exc
    if not any(u.options is not None and hasattr(u.options, "mean") for u in units):
        raise ModelUnavailableError(f"{name}: its metadata lacks the image NormalizationOptions")


def check_bundle(path: Path) -> None:
    """Raise ModelUnavailableError unless `path` is a hand bundle (zip with the two hand models)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = set(EXPECTED) - names
            if missing:
                raise ModelUnavailableError(f"{path.name} lacks {', '.join(sorted(missing))}")
            for name in EXPECTED:
                check_model(name, zf.read(name))
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelUnavailableError(f"{path.name} is not a valid .task bundle: {exc}") from exc


def build_hand_bundle(cache: Path, progress: ProgressFn | None = None) -> bytes:
    """`hand_landmarker.task` from the pinned wheel's palm detector and hand landmark model (zip bytes)."""
    say = progress or (lambda _msg: None)
    members = {}
    for name, source in SOURCES.items():
        say(f"fetching {source.package} {source.version} ({name})")
        data = bundle.load_source(source, cache)  # checks the pinned SHA-256
        check_model(name, data)
        members[name] = data
    say("zipping bundle")
    return bundle.zip_bundle(members)
