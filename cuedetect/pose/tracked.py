"""The one track container: every tracked person in every analysed frame, as plain arrays (NaN = missing).

`Tracks` is what the tracking workers return (one per time chunk), what `stitch` joins, what cleaning
and floor placement refine, what cue detection reads and what `poses.parquet` is written from. Rows are
(frame, person) pairs. `PersonTrack` is one person's view of it (the floor fit and the cue features
work person by person).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from cuedetect.landmarks import NUM_LANDMARKS


@dataclass
class PersonTrack:
    """One person's landmarks over the analysed frames, sorted by time.

    Attributes:
        person: the id (int in analyses, letter in ground truth).
        frame: (n,) frame indices in the source video.
        t: (n,) seconds from the start of the video.
        xy: (n, 33, 2) normalized image coordinates, NaN where missing.
        vis: (n, 33) visibility 0..1, NaN where unknown (ground truth has none).
        world: (n, 33, 3) MediaPipe world landmarks (metres, hip-centred, camera axes), NaN if absent.
        floor: (n, 2) hip midpoint on the floor in metres (x right, second axis away from the camera),
            NaN where unknown (before the floor stage, or not placeable).
    """

    person: int | str
    frame: np.ndarray
    t: np.ndarray
    xy: np.ndarray
    vis: np.ndarray
    world: np.ndarray
    floor: np.ndarray = field(default_factory=lambda: np.full((0, 2), np.nan))

    def __post_init__(self) -> None:
        if len(self.floor) != len(self.t):
            self.floor = np.full((len(self.t), 2), np.nan)

    def __len__(self) -> int:
        return len(self.t)


@dataclass
class Tracks:
    """Tracked poses of a video (or of one time chunk of it, with chunk-local ids).

    Attributes:
        analysed: (F,) frame indices analysed, in order; analysed_t: (F,) their times.
        frame, t, person: (n,) per row.
        xy: (n, 33, 2) normalized image coordinates; vis: (n, 33); world: (n, 33, 3) metres.
        appearance: person id -> torso colour histogram (re-identification across chunks).
        size: (width, height) of the analysed picture, rotation applied.
        timings, calls: what the tracking spent (seconds per step, model calls per kind).
        interpolated: (n,) the row was filled across a short gap (cleaning), else all False.
        floor: (n, 3) floor x, y and their sd in metres (floor stage), NaN where unknown.
    """

    analysed: np.ndarray
    analysed_t: np.ndarray
    frame: np.ndarray
    t: np.ndarray
    person: np.ndarray
    xy: np.ndarray
    vis: np.ndarray
    world: np.ndarray
    appearance: dict[int, np.ndarray] = field(default_factory=dict)
    size: tuple[int, int] = (0, 0)
    timings: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    interpolated: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    floor: np.ndarray = field(default_factory=lambda: np.full((0, 3), np.nan))

    def __post_init__(self) -> None:
        self._fit_row_fields()

    def _fit_row_fields(self) -> None:
        """`interpolated` and `floor` follow the rows when code replaced the row arrays after creation."""
        n = len(self.person)
        if len(self.interpolated) != n:
            self.interpolated = np.zeros(n, bool)
        if len(self.floor) != n:
            self.floor = np.full((n, 3), np.nan)

    def __len__(self) -> int:
        return len(self.person)

    @classmethod
    def empty(cls, size: tuple[int, int] = (0, 0)) -> Tracks:
        z = np.zeros(0)
        return cls(
            np.zeros(0, np.int64), z, np.zeros(0, np.int64), z, np.zeros(0, np.int64),
            np.zeros((0, NUM_LANDMARKS, 2), np.float32), np.zeros((0, NUM_LANDMARKS), np.float32),
            np.zeros((0, NUM_LANDMARKS, 3), np.float32), size=size,
        )  # fmt: skip

    def select(self, keep: np.ndarray) -> Tracks:
        """The rows where `keep` (a bool mask or indices) holds; everything per video is kept."""
        self._fit_row_fields()
        return replace(
            self, frame=self.frame[keep], t=self.t[keep], person=self.person[keep], xy=self.xy[keep],
            vis=self.vis[keep], world=self.world[keep], interpolated=self.interpolated[keep],
            floor=self.floor[keep],
        )  # fmt: skip

    @property
    def aspect(self) -> float:
        """Width / height of the analysed picture (16:9 if unknown)."""
        return self.size[0] / self.size[1] if self.size[1] else 16 / 9

    def person_ids(self) -> list[int]:
        return [int(p) for p in np.unique(self.person)]

    def person_tracks(self) -> list[PersonTrack]:
        """One `PersonTrack` per person (sorted by id, rows by time), as float64 arrays."""
        self._fit_row_fields()
        out = []
        for p in self.person_ids():
            sel = np.flatnonzero(self.person == p)
            sel = sel[np.argsort(self.t[sel], kind="stable")]
            out.append(PersonTrack(
                person=p, frame=self.frame[sel].astype(int), t=self.t[sel].astype(float),
                xy=self.xy[sel].astype(float), vis=self.vis[sel].astype(float),
                world=self.world[sel].astype(float), floor=self.floor[sel, :2].astype(float),
            ))  # fmt: skip
        return out

    def to_table(self) -> Any:
        """The `poses.parquet` table: frame, t, person, x/y/v0..32, wx/wy/wz0..32, interpolated, floor."""
        import pandas as pd

        from cuedetect.pose.keypoints import KeyPoints

        self._fit_row_fields()
        cols: dict[str, Any] = {"frame": self.frame.astype(np.int64), "t": self.t, "person": self.person}
        kp = KeyPoints(self.xy, self.vis, self.world) if len(self) else KeyPoints.empty()
        cols.update(kp.to_flat())
        cols["interpolated"] = self.interpolated.astype(bool)
        for k, name in enumerate(("floor_x_m", "floor_y_m", "floor_sd_m")):
            cols[name] = self.floor[:, k]
        return pd.DataFrame(cols)

    @classmethod
    def from_table(cls, table: Any, size: tuple[int, int]) -> Tracks:
        """Inverse of `to_table`: a `poses.parquet` table (and the analysed picture's size) as `Tracks`."""
        from cuedetect.pose.keypoints import KeyPoints

        kp = KeyPoints.from_flat(table)
        frame = np.asarray(table["frame"], np.int64)
        analysed, first = np.unique(frame, return_index=True)
        t = np.asarray(table["t"], float)
        world = kp.world if kp.world is not None else np.full((len(frame), NUM_LANDMARKS, 3), np.nan)
        n = len(frame)
        cols = ("floor_x_m", "floor_y_m", "floor_sd_m")
        floor = np.stack([np.asarray(table[c], float) for c in cols], axis=1) if cols[0] in table else None
        filled = np.asarray(table["interpolated"], bool) if "interpolated" in table else np.zeros(n, bool)
        return cls(
            analysed, t[first], frame, t, np.asarray(table["person"], np.int64), kp.xy, kp.visibility, world,
            size=(int(size[0]), int(size[1])), interpolated=filled,
            floor=np.full((n, 3), np.nan) if floor is None else floor,
        )  # fmt: skip
