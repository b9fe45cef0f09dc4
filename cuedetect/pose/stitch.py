"""Joining the time chunks of a parallel run into one set of stable ids.

Consecutive chunks overlap by about a second. A track of the later chunk takes the id of the earlier
chunk's track whose landmarks it matches on the shared frames (Hungarian on the mean landmark distance);
a track with no overlap partner takes the id of a track that ended shortly before the boundary and has
the same torso colours (the 2 s re-identification window, across chunks). Rows in the overlap come from
the earlier chunk. Finally ids are renumbered from 0 in order of first appearance and tracks shorter
than `min_track_s` (detector flukes) are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from cuedetect.pose.sources import VideoInfo
from cuedetect.pose.tracked import Tracks
from cuedetect.pose.tracking import appearance_distance, keypoint_distance


def _select(res: Tracks, keep: np.ndarray) -> Tracks:
    return Tracks(
        res.analysed, res.analysed_t, res.frame[keep], res.t[keep], res.person[keep], res.xy[keep],
        res.vis[keep], res.world[keep], res.appearance, res.size, res.timings, res.calls,
    )  # fmt: skip


def _overlap_cost(prev: Tracks, cur: Tracks, frames: np.ndarray, aspect: float) -> tuple:
    pids = sorted({int(p) for p in prev.person[np.isin(prev.frame, frames)]})
    cids = sorted({int(p) for p in cur.person[np.isin(cur.frame, frames)]})
    cost = np.full((len(pids), len(cids)), np.inf)
    for i, g in enumerate(pids):
        for j, lid in enumerate(cids):
            ds = []
            for f in frames:
                a = np.flatnonzero((prev.frame == f) & (prev.person == g))
                b = np.flatnonzero((cur.frame == f) & (cur.person == lid))
                if len(a) and len(b):
                    xy = prev.xy[a[0]]
                    height = max(float(np.nanmax(xy[:, 1]) - np.nanmin(xy[:, 1])), 0.05)
                    ds.append(keypoint_distance(xy, cur.xy[b[0]], aspect) / height)
            if ds:
                cost[i, j] = float(np.median(ds))
    return pids, cids, cost


def stitch(
    results: Sequence[Tracks],
    owns: Sequence[int],
    info: VideoInfo,
    max_distance: float = 0.25,
    reid_window_s: float = 2.0,
    max_colour_distance: float = 0.35,
    min_track_s: float = 0.3,
) -> Tracks:
    """One `Tracks` with global ids from per-chunk results (`owns[k]`: first frame chunk k owns)."""
    size = results[0].size
    aspect = size[0] / size[1] if size[1] else 1.0
    merged = results[0]
    appearance = dict(merged.appearance)
    next_id = int(merged.person.max()) + 1 if len(merged.person) else 0
    for res, own in zip(results[1:], owns[1:], strict=True):
        overlap = res.analysed[res.analysed < own]
        pids, cids, cost = _overlap_cost(merged, res, overlap, aspect)
        mapping: dict[int, int] = {}
        if cost.size:
            finite = np.where(np.isfinite(cost), cost, 1e6)
            for i, j in zip(*linear_sum_assignment(finite), strict=True):
                if cost[i, j] <= max_distance:
                    mapping[cids[j]] = pids[i]
        own_t = float(info.times[own])
        for lid in sorted({int(p) for p in res.person}):
            if lid in mapping:
                continue
            # No overlap partner: someone who left shortly before the boundary, with the same colours?
            best, best_d = None, max_colour_distance
            for g in {int(p) for p in merged.person} - set(mapping.values()):
                last_t = float(merged.t[merged.person == g].max())
                if own_t - reid_window_s <= last_t and g in appearance and lid in res.appearance:
                    d = appearance_distance(appearance[g], res.appearance[lid])
                    if d < best_d:
                        best, best_d = g, d
            if best is None:
                best, next_id = next_id, next_id + 1
            mapping[lid] = best
        for lid, g in mapping.items():
            if lid in res.appearance:
                appearance[g] = res.appearance[lid]
        later = res.frame >= own
        cut = merged.frame < own
        merged = Tracks(
            np.concatenate([merged.analysed[merged.analysed < own], res.analysed[res.analysed >= own]]),
            np.concatenate([merged.analysed_t[merged.analysed < own], res.analysed_t[res.analysed >= own]]),
            np.concatenate([merged.frame[cut], res.frame[later]]),
            np.concatenate([merged.t[cut], res.t[later]]),
            np.concatenate([merged.person[cut], [mapping[int(p)] for p in res.person[later]]]).astype(int),
            np.concatenate([merged.xy[cut], res.xy[later]]),
            np.concatenate([merged.vis[cut], res.vis[later]]),
            np.concatenate([merged.world[cut], res.world[later]]),
            appearance, size, merged.timings, merged.calls,
        )  # fmt: skip
    return renumber(merged, min_track_s)


def renumber(res: Tracks, min_track_s: float = 0.3) -> Tracks:
    """Drop tracks spanning less than `min_track_s`; ids 0, 1, ... in order of first appearance."""
    keep = np.ones(len(res.person), bool)
    firsts = []
    for p in np.unique(res.person):
        sel = res.person == p
        if res.t[sel].max() - res.t[sel].min() < min_track_s:
            keep &= ~sel
        else:
            firsts.append((float(res.t[sel].min()), int(p)))
    new_ids = {p: k for k, (_, p) in enumerate(sorted(firsts))}
    out = _select(res, keep)
    out.person = np.asarray([new_ids[int(p)] for p in out.person], np.int64)
    out.appearance = {new_ids[p]: a for p, a in res.appearance.items() if p in new_ids}
    order = np.lexsort((out.person, out.frame))
    return _select(out, order)
