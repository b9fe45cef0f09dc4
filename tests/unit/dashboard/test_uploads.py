"""Upload checks: nothing may be written outside the data directory; bad files are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuedetect.dashboard.uploads import (
    MB,
    check_local_path,
    check_upload,
    destination,
    inside,
    safe_name,
    save_upload,
    sniff_video,
)
from cuedetect.errors import InputError

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("clip.mp4", "clip.mp4"),
        ("../../etc/passwd", "passwd"),
        ("../../../tmp/evil.MP4", "evil.mp4"),
        ("C:\\Users\\x\\film 1.mov", "film_1.mov"),
        ("/abs/path/a.mkv", "a.mkv"),
        ("..", "recording"),
        ("", "recording"),
        (".hidden.mp4", "hidden.mp4"),
        ("ré sumé?.mp4", "re_sume.mp4"),
        ("a\x00b.mp4", "a_b.mp4"),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected


@given(st.text(max_size=200), st.text(alphabet="0123456789abcdef", min_size=12, max_size=64))
@settings(max_examples=300)
def test_destination_always_inside_data_dir(name, digest):
    root = Path("/tmp/cuedetect-data")
    path = destination(root, name, digest.ljust(12, "0"))
    assert inside(root / "recordings", path)
    assert "/" not in path.name and "\\" not in path.name and path.name not in (".", "..")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (MP4_HEAD, "mp4"),
        (b"\x1a\x45\xdf\xa3" + b"\0" * 12, "matroska"),
        (b"RIFF\0\0\0\0AVI LIST", "avi"),
        (b"%PDF-1.7\n", None),
        (b"", None),
        (b"hello world, not a video", None),
    ],
)
def test_sniff(head, kind):
    assert sniff_video(head) == kind


@pytest.mark.parametrize(
    ("name", "size", "head", "message"),
    [
        ("empty.mp4", 0, b"", "empty"),
        ("huge.mp4", 2 * 1024 * MB, MP4_HEAD, "2.0 GB; the upload limit is 1024 MB"),
        ("big.mp4", 300 * MB, MP4_HEAD, "300 MB; the upload limit is 200 MB"),
        ("notes.txt", 10, b"just text", "not a video file"),
        ("fake.mp4", 10, b"just text here!!", "does not look like a video"),
    ],
)
def test_check_upload_refuses(name, size, head, message):
    limit = 200 if name == "big.mp4" else 1024
    with pytest.raises(InputError, match=message.replace(".", r"\.")):
        check_upload(name, size, head, limit)


def test_check_upload_accepts_and_cleans_name():
    assert check_upload("../x/y.mp4", 100, MP4_HEAD, 10).name == "y.mp4"


def test_save_upload_stays_inside_and_dedups(tmp_path):
    data = tmp_path / "data"
    outside = tmp_path / "evil.mp4"
    first = save_upload(data, "../../evil.mp4", [MP4_HEAD, b"x" * 100], max_mb=1)
    again = save_upload(data, "../../evil.mp4", [MP4_HEAD, b"x" * 100], max_mb=1)
    assert first == again and first.read_bytes() == MP4_HEAD + b"x" * 100
    assert inside(data, first) and not outside.exists()
    assert [p.name for p in (data / "recordings").iterdir()] == [first.name]


def test_save_upload_too_long_leaves_nothing(tmp_path):
    with pytest.raises(InputError, match="larger than the upload limit"):
        save_upload(tmp_path, "a.mp4", [MP4_HEAD, b"x" * MB], max_mb=1)
    assert list((tmp_path / "recordings").iterdir()) == []


def test_check_local_path(tmp_path):
    good = tmp_path / "a.mp4"
    good.write_bytes(MP4_HEAD + b"rest")
    assert check_local_path(f'  "{good}" ') == good.resolve()
    (tmp_path / "empty.mp4").write_bytes(b"")
    (tmp_path / "t.mp4").write_text("not a video at all")
    for text, message in [
        ("", "give the path"),
        (str(tmp_path / "nope.mp4"), "does not exist"),
        (str(tmp_path), "not a file"),
        (str(tmp_path / "empty.mp4"), "empty"),
        (str(tmp_path / "t.mp4"), "not a video"),
    ]:
        with pytest.raises(InputError, match=message):
            check_local_path(text)
