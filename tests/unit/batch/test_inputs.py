"""Which recordings a batch's inputs name, and the results folder each gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuedetect.batch.inputs import find_recordings, is_url, output_names, read_list_file, source_sha256
from cuedetect.errors import InputError


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    for rel in ("a/one.mp4", "a/two.MOV", "b/one.mp4", "b/notes.txt", "b/deep/three.mkv", "c/readme.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(rel.encode())
    return tmp_path


def names(found: list[str], root: Path) -> list[str]:
    return [str(Path(f).relative_to(root)) for f in found]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (["a"], ["a/one.mp4", "a/two.MOV"]),
        (["b"], ["b/deep/three.mkv", "b/one.mp4"]),  # recursive, videos only, name order
        (["*/one.mp4"], ["a/one.mp4", "b/one.mp4"]),
        (["**/*.mkv"], ["b/deep/three.mkv"]),
        (["a/two.MOV", "a", "a/one.mp4"], ["a/two.MOV", "a/one.mp4"]),  # each once, first mention's order
    ],
)
def test_folders_globs_and_files(archive: Path, monkeypatch: pytest.MonkeyPatch, inputs, expected) -> None:
    monkeypatch.chdir(archive)
    assert names(find_recordings(inputs), archive) == expected


def test_list_file_paths_relative_to_it_comments_and_urls(archive: Path) -> None:
    listing = archive / "b" / "todo.lst"
    listing.write_text(f"# cohort 7\n\none.mp4\n  ../a/two.MOV  \n{archive / 'a' / 'one.mp4'}\n"
                       "s3://bucket/x.mp4\n")  # fmt: skip
    assert read_list_file(listing)[-1] == "s3://bucket/x.mp4"
    found = find_recordings([str(listing)])
    assert names(found[:3], archive) == ["b/one.mp4", "a/two.MOV", "a/one.mp4"]
    assert found[3] == "s3://bucket/x.mp4"


@pytest.mark.parametrize("item", ["missing.mp4", "nothing/*.mp4", "c"])
def test_an_input_naming_nothing_is_one_line(archive: Path, monkeypatch: pytest.MonkeyPatch, item) -> None:
    monkeypatch.chdir(archive)
    with pytest.raises(InputError) as err:
        find_recordings([item])
    assert item in str(err.value) and "\n" not in str(err.value)


def test_output_names_are_stems_unless_they_clash() -> None:
    got = output_names(["/x/a/one.mp4", "/x/b/one.mp4", "/x/b/two.mp4", "s3://bkt/c/three.mp4"])
    assert got == {"/x/a/one.mp4": "a-one", "/x/b/one.mp4": "b-one", "/x/b/two.mp4": "two",
                   "s3://bkt/c/three.mp4": "three"}  # fmt: skip


@given(st.lists(st.sampled_from(["/r/a/x.mp4", "/r/b/x.mp4", "/s/a/x.mp4", "/r/a/x.mkv", "/r/a/y.mp4",
                                 "s3://r/a/x.mp4"]), unique=True))  # fmt: skip
def test_output_names_never_collide(sources: list[str]) -> None:
    got = output_names(sources)
    assert set(got) == set(sources) and len(set(got.values())) == len(sources)
    assert all("/" not in n for n in got.values())


def test_url_detection_and_local_hash(tmp_path: Path) -> None:
    assert is_url("s3://b/k.mp4") and is_url("https://h/k.mp4") and not is_url("file:///x.mp4")
    f = tmp_path / "v.mp4"
    f.write_bytes(b"abc")
    assert source_sha256(str(f)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_urls_through_fsspec_are_found_hashed_and_copied_for_the_worker() -> None:
    import hashlib

    import fsspec

    from cuedetect.batch.work import local_copy

    fs = fsspec.filesystem("memory")
    for name, data in (("a.mp4", b"first"), ("b.mp4", b"second"), ("notes.txt", b"x")):
        fs.pipe(f"/cohort/{name}", data)
    found = find_recordings(["memory://cohort/*.mp4"])
    assert [f.removeprefix("memory://").lstrip("/") for f in found] == ["cohort/a.mp4", "cohort/b.mp4"]
    assert all(is_url(f) for f in found)
    assert source_sha256(found[1]) == hashlib.sha256(b"second").hexdigest()
    with local_copy(found[0]) as path:
        assert path.read_bytes() == b"first" and path.name == "a.mp4"
    assert not path.exists() and not path.parent.exists()
