"""`cuedetect analyze`'s calibration flags become a FloorCalibration, or a clear error."""

from __future__ import annotations

import pytest

from cuedetect.cli.analyze import parse_calibration
from cuedetect.errors import InputError
from cuedetect.pose.floor import FloorCalibration, KnownDistance


def test_no_flags_no_calibration():
    assert parse_calibration() is None
    assert parse_calibration(None, None, " ", "") is None


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"camera_height": 2.1}, FloorCalibration(camera_height_m=2.1)),
        ({"fov": 70.0}, FloorCalibration(fov_deg=70.0)),
        ({"person_height": "0=1.82, 1=1.65"}, FloorCalibration(person_height_m={0: 1.82, 1: 1.65})),
        ({"known_distance": "0,1@2.5=1.4"}, FloorCalibration(known_distance=KnownDistance(0, 1, 2.5, 1.4))),
        (
            {"camera_height": 1.6, "fov": 60.0, "person_height": "1=1.7"},
            FloorCalibration(fov_deg=60.0, camera_height_m=1.6, person_height_m={1: 1.7}),
        ),
    ],
)
def test_flags(kwargs, expected):
    assert parse_calibration(**kwargs) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"person_height": "0:1.8"},
        {"person_height": "a=1.8"},
        {"person_height": "0=18"},
        {"known_distance": "0-1@2=1.5"},
        {"known_distance": "0,1=1.5"},
        {"known_distance": "0,0@1=1.5"},
        {"known_distance": "0,1@1=50"},
        {"known_distance": "0,1@-3=1.5"},
    ],
)
def test_bad_flags_are_one_clear_error(kwargs):
    with pytest.raises(InputError, match=r"--(person-height|known-distance)"):
        parse_calibration(**kwargs)
