"""Uploads are streamed to disk in chunks under one limit, also when Streamlit runs from another folder."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cuedetect.dashboard.settings import MAX_UPLOAD_MB
from cuedetect.dashboard.uploads import MB, RECORDINGS
from cuedetect.errors import InputError
from cuedetect.paths import REPO_DIR

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00"


class Upload(io.BytesIO):
    """Like Streamlit's UploadedFile (a BytesIO) but counts reads and refuses whole-file copies."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return super().read(size)

    def getvalue(self) -> bytes:  # type: ignore[override]
        raise AssertionError("the upload was copied whole (getvalue)")


def test_upload_is_written_in_chunks_never_copied_whole(tmp_path: Path) -> None:
    from cuedetect.dashboard.uploads import CHUNK, store_upload

    data = MP4_HEAD + bytes(range(256)) * (3 * CHUNK // 256)
    up = Upload(data)
    path = store_upload(tmp_path, up, "clip.mp4", len(data), 100)
    assert path.read_bytes() == data and path.parent == tmp_path / RECORDINGS
    assert up.reads and all(0 < n <= CHUNK for n in up.reads), up.reads
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_a_stream_longer_than_it_said_is_cut_at_the_limit(tmp_path: Path) -> None:
    from cuedetect.dashboard.uploads import store_upload

    data = MP4_HEAD + b"\0" * (2 * MB)
    with pytest.raises(InputError, match="larger than the upload limit of 1 MB"):
        store_upload(tmp_path, Upload(data), "clip.mp4", 1000, 1)  # claims 1000 bytes
    assert list((tmp_path / RECORDINGS).iterdir()) == []


def test_limit_comes_from_the_setting_under_plain_streamlit_run(tmp_path: Path) -> None:
    """`streamlit run dashboard.py` from another folder (no .streamlit/config.toml there): the
    uploader and the server's own cap are still the setting, not Streamlit's 200 MB default."""
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "from streamlit import config\n"
        f"at = AppTest.from_file({str(REPO_DIR / 'dashboard.py')!r}, default_timeout=120).run()\n"
        "assert not at.exception, [e.value for e in at.exception]\n"
        "ups = at.get('file_uploader')\n"
        "print(ups[0].proto.max_upload_size_mb, config.get_option('server.maxUploadSize'))\n"
    )
    env_dir = tmp_path / "data"
    env_dir.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CUEDETECT_DATA_DIR": str(env_dir), "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    widget, server = map(int, proc.stdout.split()[-2:])
    assert (widget, server) == (MAX_UPLOAD_MB, MAX_UPLOAD_MB)
