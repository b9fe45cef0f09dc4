"""Bodies: hair frames the face and never hangs over it (a fringe over the eyes hides the face)."""

from __future__ import annotations

import numpy as np
import pytest

from cuedetect.landmarks import INDEX
from cuedetect.studio.body import HAIR, BodyShape, build_body


@pytest.mark.parametrize("hair", ["long", "short"])
def test_no_hair_in_front_of_the_eyes_or_below_them(hair):
    body = build_body(BodyShape(sex=0.2, hair=hair))
    centres = body.verts[body.faces].mean(axis=1)
    on_head = centres[body.face_material == HAIR]
    assert len(on_head) > 50  # there is hair
    eyes = body.anchors[[INDEX["left_eye"], INDEX["right_eye"]]].mean(axis=0)
    over_face = (on_head[:, 1] > eyes[1] - 0.03) & (on_head[:, 2] < eyes[2] + 0.04)
    assert not over_face.any()


def test_long_hair_still_falls_below_the_ears_and_short_hair_does_not():
    def lowest(hair):
        body = build_body(BodyShape(sex=0.2, hair=hair))
        return body.verts[body.faces][body.face_material == HAIR][..., 2].min()

    eyes_z = build_body(BodyShape(sex=0.2)).anchors[INDEX["left_eye"], 2]
    assert lowest("long") < eyes_z - 0.1 < lowest("short")
    assert np.isfinite(lowest("long"))
