"""`cuedetect analyze VIDEO --out DIR`: poses, ids, floor positions and pair distances for one video."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cuedetect.cli._common import user_errors

if TYPE_CHECKING:
    from cuedetect.pose.floor import FloorCalibration


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def analyze(
        video: Annotated[Path, typer.Argument(help="Video file (mp4, avi, mov, mkv, webm).")],
        out: Annotated[Path, typer.Option("--out", help="Folder for the results.")],
        fps: Annotated[float, typer.Option(help="Analysis rate in frames/s (0 = every frame).")] = 15.0,
        model: Annotated[str, typer.Option(help="Pose model: lite, full or heavy.")] = "full",
        jobs: Annotated[int, typer.Option(help="Processes to use (0 = all cores).")] = 0,
        annotate: Annotated[bool, typer.Option(help="Also write annotated.mp4.")] = False,
        overwrite: Annotated[bool, typer.Option(help="Replace an earlier analysis in --out.")] = False,
        max_persons: Annotated[int, typer.Option(help="Most people looked for at once (1-4).")] = 4,
        roles: Annotated[
            str, typer.Option(help="Who is who, overriding the guess, e.g. '0=trainee,1=client'.")
        ] = "",
        cues: Annotated[bool, typer.Option(help="Detect cues into events.json.")] = True,
        register: Annotated[
            bool, typer.Option(help="Register the result as a session in the session store.")
        ] = True,
        store: Annotated[
            Path | None,
            typer.Option(help="Session store file (default: the user data folder).", dir_okay=False),
        ] = None,
        trainee: Annotated[str | None, typer.Option(help="The trainee's name, for the session.")] = None,
        scenario: Annotated[str | None, typer.Option(help="The role-play scenario, for the session.")] = None,
        camera_height: Annotated[
            float | None,
            typer.Option(help="Calibration: the camera's height above the floor in metres.", min=0.1),
        ] = None,
        fov: Annotated[
            float | None,
            typer.Option(
                help="Calibration: the camera's horizontal field of view in degrees.", min=5, max=170
            ),
        ] = None,
        person_height: Annotated[
            str, typer.Option(help="Calibration: known body heights, e.g. '0=1.82,1=1.65' (metres).")
        ] = "",
        known_distance: Annotated[
            str,
            typer.Option(
                help="Calibration: two people's measured floor distance at a time, 'A,B@T=D', e.g. "
                "'0,1@2.0=1.5' (persons 0 and 1 were 1.5 m apart 2.0 s in)."
            ),
        ] = "",
    ) -> None:
        """Find every person in every analysed frame, give each a stable id, and place them on the floor.

        Writes DIR/poses.parquet, DIR/pairs.parquet, DIR/events.json, DIR/analysis.json (and
        DIR/annotated.mp4), all at once at the end: an interrupted run leaves any earlier result in DIR as
        it was. The result is then registered as a session in the session store (same recording twice:
        one session), ready for review in `cuedetect dashboard`.

        Floor positions come from body-size priors and a camera fitted to the people. Known facts make
        them better: --camera-height, --fov, --person-height, --known-distance (person ids as in a first
        run's output: they are numbered in order of first appearance).
        """
        import os

        os.environ.setdefault("GLOG_minloglevel", "2")
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from cuedetect.errors import InputError
        from cuedetect.pose.analyze import AnalyzeOptions
        from cuedetect.pose.analyze import analyze as run
        from cuedetect.pose.detector import quiet_native_logs

        if not 1 <= max_persons <= 4:
            raise InputError(f"--max-persons must be 1 to 4, not {max_persons}")
        if fps < 0:
            raise InputError(f"--fps must be positive (or 0 for every frame), not {fps}")
        if model not in ("lite", "full", "heavy"):
            raise InputError(f"--model must be lite, full or heavy, not {model!r}")
        options = AnalyzeOptions(
            video, out, fps or None, model, jobs or None, annotate, overwrite, max_persons,
            cues=cues, roles=parse_roles(roles),
            calibration=parse_calibration(camera_height, fov, person_height, known_distance),
        )  # fmt: skip
        # MediaPipe/LiteRT write chatter straight to file descriptor 2: send that to /dev/null while
        # the progress bar (and any error, printed after the block) goes to the real stderr.
        err = os.fdopen(os.dup(2), "w", buffering=1)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("frames"),
                   TextColumn("ETA"), TimeRemainingColumn())  # fmt: skip
        with (
            err,
            quiet_native_logs(),
            Progress(*columns, console=Console(file=err), transient=True) as progress,
        ):
            task = progress.add_task("analysing", total=None)

            def on_progress(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            def on_stage(msg: str) -> None:
                progress.update(task, description=msg)

            result = run(options, on_progress=on_progress, on_stage=on_stage)
        persons = result["persons"]
        total = result["timings_s"]["total_s"]
        typer.echo(
            f"{len(persons)} person(s) in {result['analysed_frames']} frames at "
            f"{result['analysed_fps']:.1f} fps ({result['duration_s']:.1f} s of video in {total:.1f} s, "
            f"{result['realtime_factor']:.2f}x real time)"
        )
        for p in persons:
            span = f"{p['first_t']:.1f}-{p['last_t']:.1f} s"
            typer.echo(f"  person {p['id']}: {p['frames_detected']} frames, {span}")
        files = ["poses.parquet", "pairs.parquet", *(["events.json"] if cues else []), "analysis.json",
                 *(["annotated.mp4"] if annotate else [])]  # fmt: skip
        typer.echo(f"results in {out}/ ({', '.join(files)})")
        if cues:
            _print_events(out)
        if register and cues:
            from cuedetect.store import import_analysis

            sid = import_analysis(out, store_path=store, trainee=trainee, scenario=scenario)
            typer.echo(f"registered as session {sid} (review it with `cuedetect dashboard`)")


def parse_roles(text: str) -> dict[int, str] | None:
    """'0=trainee,1=client' -> {0: 'trainee', 1: 'client'}."""
    from cuedetect.errors import InputError

    if not text.strip():
        return None
    out: dict[int, str] = {}
    for part in text.split(","):
        person, _, role = part.partition("=")
        if not person.strip().isdigit() or role.strip() not in ("trainee", "client"):
            raise InputError(
                f"--roles takes 'ID=trainee' or 'ID=client' pairs, e.g. '0=trainee,1=client'; got {part!r}"
            )
        out[int(person)] = role.strip()
    return out


def parse_calibration(
    camera_height: float | None = None,
    fov: float | None = None,
    person_height: str = "",
    known_distance: str = "",
) -> FloorCalibration | None:
    """The calibration flags as a `FloorCalibration` (None when none is given).

    `person_height` is 'ID=METRES,...'; `known_distance` is 'A,B@SECONDS=METRES'.
    """
    from cuedetect.errors import InputError
    from cuedetect.pose.floor import FloorCalibration, KnownDistance

    heights: dict[int, float] = {}
    for part in filter(None, (x.strip() for x in person_height.split(","))):
        pid, _, value = part.partition("=")
        try:
            heights[int(pid)] = h = float(value)
        except ValueError:
            raise InputError(
                f"--person-height takes 'ID=METRES' pairs, e.g. '0=1.82'; got {part!r}"
            ) from None
        if not 1.0 <= h <= 2.3:
            raise InputError(f"--person-height {part!r}: a standing adult is 1.0 to 2.3 m tall")
    known = None
    if known_distance.strip():
        try:
            who, _, rest = known_distance.partition("@")
            a, b = (int(x) for x in who.split(","))
            t, _, d = rest.partition("=")
            known = KnownDistance(a, b, float(t), float(d))
        except ValueError:
            raise InputError(
                f"--known-distance takes 'A,B@SECONDS=METRES', e.g. '0,1@2.0=1.5'; got {known_distance!r}"
            ) from None
        if a == b or known.t < 0 or not 0.1 <= known.distance_m <= 20:
            raise InputError(f"--known-distance {known_distance!r}: two different people, 0.1 to 20 m apart")
    if camera_height is None and fov is None and not heights and known is None:
        return None
    return FloorCalibration(fov_deg=fov, camera_height_m=camera_height, person_height_m=heights,
                            known_distance=known)  # fmt: skip


def _print_events(out: Path) -> None:
    import json

    doc = json.loads((out / "events.json").read_text())
    roles = {p["id"]: p["role"] for p in doc["persons"]}
    typer.echo(f"{len(doc['events'])} cue events; roles: "
               + ", ".join(f"person {k} = {v}" for k, v in roles.items()))  # fmt: skip
    for e in doc["events"]:
        other = f" -> {e['other']}" if e.get("other") is not None else ""
        typer.echo(f"  {e['start']:6.1f}-{e['end']:6.1f} s  person {e['person']}{other}  {e['cue']}"
                   f"  ({e['confidence']:.2f})")  # fmt: skip
