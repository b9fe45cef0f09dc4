"""`cuedetect models` end to end, and a real PoseLandmarker running on the bundle it builds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cuedetect.models import provision
from tests import ports

CLI = [str(Path(sys.executable).with_name("cuedetect"))]


def refused_url() -> str:
    return ports.refused_url("pose_landmarker_{variant}.task")


def run_cli(args: list[str], models: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "CUEDETECT_MODELS_DIR": str(models), provision.URL_ENV: refused_url(), **env}
    return subprocess.run(
        [*CLI, "models", *args], env=full_env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def cli_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`cuedetect models --variant full` into an empty folder, with the official host unreachable."""
    models = tmp_path_factory.mktemp("models")
    start = time.monotonic()
    proc = run_cli(["--variant", "full"], models)
    proc.seconds = time.monotonic() - start  # type: ignore[attr-defined]
    return models, proc


def test_models_builds_the_full_bundle_offline_when_the_official_host_is_unreachable(cli_models) -> None:
    models, proc = cli_models
    assert proc.returncode == 0, proc.stderr
    bundle_path = models / "pose_landmarker_full.task"
    assert bundle_path.is_file()
    assert "built offline, verified" in proc.stdout
    assert abs(bundle_path.stat().st_size / 1e6 - 9.40) < 0.01
    assert proc.seconds < 60  # type: ignore[attr-defined]


def test_second_run_finds_the_verified_bundle(cli_models) -> None:
    models, _ = cli_models
    proc = run_cli(["--variant", "full"], models)
    assert proc.returncode == 0, proc.stderr
    assert "already present, verified" in proc.stdout


def test_a_corrupted_bundle_is_noticed_and_replaced(cli_models, tmp_path: Path) -> None:
    models, _ = cli_models
    good = (models / "pose_landmarker_full.task").read_bytes()
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "pose_landmarker_full.task").write_bytes(good[:-100])
    proc = run_cli(["--variant", "full", "--offline"], folder)
    assert proc.returncode == 0, proc.stderr
    assert "built offline, verified" in proc.stdout
    assert (folder / "pose_landmarker_full.task").read_bytes() == good


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--variant", "medium"], 2, "unknown --variant 'medium'"),
        (["--variant", "lite", "--offline"], 3, "cannot download mediapipe==0.10.21 from PyPI"),
    ],
)
def test_errors_are_one_line_with_a_nonzero_exit(tmp_path: Path, args, code, needle) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    proc = run_cli(
        args,
        tmp_path / "m",
        PATH=str(empty_bin),
        CUEDETECT_CACHE_DIR=str(tmp_path / "cache"),
        PIP_INDEX_URL=refused_url().format(variant="x"),
        PIP_RETRIES="0",
        PIP_TIMEOUT="2",
    )
    assert proc.returncode == code
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert needle in lines[0]
    assert not list((tmp_path / "m").glob("*.task")) if (tmp_path / "m").exists() else True


def test_pose_landmarker_runs_on_the_built_bundle_on_a_real_frame(cli_models, clips_dir: Path) -> None:
    """One woman facing the camera raises her right fist (frame 30): one pose, plausible joints."""
    import av
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from cuedetect.landmarks import INDEX

    models, _ = cli_models
    with av.open(str(clips_dir / "one_person_gestures.mp4")) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == 30:
                rgb = frame.to_ndarray(format="rgb24")
                break
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(models / "pose_landmarker_full.task")),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=2,
    )
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        result = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
    assert len(result.pose_landmarks) == 1
    pose = result.pose_landmarks[0]
    nose, l_sh, r_sh = pose[INDEX["nose"]], pose[INDEX["left_shoulder"]], pose[INDEX["right_shoulder"]]
    r_wrist = pose[INDEX["right_wrist"]]
    assert 0.35 < nose.x < 0.6 and 0.35 < nose.y < 0.65
    # Facing the camera: her left shoulder is on the image's right, both near the bottom edge.
    assert r_sh.x < nose.x < l_sh.x
    assert 0.8 < r_sh.y < 1.1 and 0.8 < l_sh.y < 1.1
    assert 0.3 < l_sh.x - r_sh.x < 0.55
    # The raised fist: right wrist left of her face, below the chin, clearly visible.
    assert 0.25 < r_wrist.x < 0.42 and 0.65 < r_wrist.y < 0.95
    assert r_wrist.visibility > 0.5
    assert len(result.pose_world_landmarks[0]) == 33
