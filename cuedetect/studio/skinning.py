"""Linear blend skinning. Imports only numpy: Blender's own Python runs this module too."""

from __future__ import annotations

import numpy as np


def skin(
    verts: np.ndarray,
    rest_heads: np.ndarray,
    rotations: np.ndarray,
    heads: np.ndarray,
    weight_bones: np.ndarray,
    weight_values: np.ndarray,
) -> np.ndarray:
    """Deform rest vertices by posed bones.

    Args:
        verts: (V, 3) rest vertices.
        rest_heads: (B, 3) bone heads at rest.
        rotations: (B, 3, 3) each bone's rotation from rest to posed (in the frame `heads` is in).
        heads: (B, 3) posed bone heads.
        weight_bones: (V, K) bone indices; weight_values: (V, K) weights summing to 1.

    Returns:
        (V, 3) posed vertices: sum_k w_k (R_k (v - h_k) + p_k).
    """
    out = np.zeros_like(verts, dtype=np.float64)
    for k in range(weight_bones.shape[1]):
        b = weight_bones[:, k]
        local = verts - rest_heads[b]
        moved = np.einsum("vij,vj->vi", rotations[b], local) + heads[b]
        out += weight_values[:, k : k + 1] * moved
    return out


def transform_points(
    points: np.ndarray, bones: np.ndarray, rest_heads: np.ndarray, rotations: np.ndarray, heads: np.ndarray
) -> np.ndarray:
    """Move rest points that ride rigidly on one bone each (landmark anchors)."""
    local = points - rest_heads[bones]
    return np.einsum("nij,nj->ni", rotations[bones], local) + heads[bones]
