"""`cuedetect analyze VIDEO --out DIR`: poses, ids, floor positions, pair distances and cues of one video."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cuedetect.cli import _common as shared
from cuedetect.cli._common import check_analysis_flags, user_errors
from cuedetect.hands import DEFAULT_HAND_STATES

if TYPE_CHECKING:
    from cuedetect.pose.floor import FloorCalibration


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def analyze(
        video: Annotated[
            Path, typer.Argument(metavar="VIDEO", help="Video file (mp4, avi, mov, mkv, webm).")
        ],
        out: shared.OutDir,
        fps: shared.Fps = 15.0,
        model: shared.PoseModel = "full",
        jobs: Annotated[int, typer.Option(help="Processes to use (0 = all cores).")] = 0,
        annotate: Annotated[
            bool, typer.Option("--annotate", help="Also write annotated.mp4 (skeletons, roles, cues).")
        ] = False,
        overwrite: Annotated[
            bool, typer.Option("--overwrite", help="Replace an earlier analysis in DIR.")
        ] = False,
        max_persons: shared.MaxPersons = 4,
        roles: Annotated[
            str, typer.Option(help="Who is who, overriding the guess, e.g. 0=trainee,1=client.")
        ] = "",
        no_cues: Annotated[
            bool, typer.Option("--no-cues", help="Poses only: no events.json, no session.")
        ] = False,
        no_hands: shared.NoHands = False,
        hand_states: Annotated[
            str,
            typer.Option(
                "--hand-states",
                help="What reads each hand's state: learned (the committed hand-state model, the "
                "default), rules (hand-written) or learned-thumb (the model, with the rules' thumb test "
                "deciding thumbs-up); analysis.json says which.",
            ),
        ] = DEFAULT_HAND_STATES,
        still_poses: Annotated[
            bool,
            typer.Option(
                "--still-poses",
                help="Keep a person's last pose reading while their crop has not changed since it "
                "(faster on people standing still, but it can change hand states).",
            ),
        ] = False,
        no_register: shared.NoRegister = False,
        store: shared.StorePath = None,
        trainee: Annotated[str | None, typer.Option(help="The trainee's name, for the session.")] = None,
        scenario: shared.Scenario = None,
        camera_height: Annotated[
            float | None,
            typer.Option(help="Calibration: the camera's height above the floor.", min=0.1, metavar="METRES"),
        ] = None,
        fov: Annotated[
            float | None,
            typer.Option(
                help="Calibration: the camera's horizontal field of view.", min=5, max=170, metavar="DEGREES"
            ),
        ] = None,
        person_height: Annotated[
            str, typer.Option(help="Calibration: known body heights, e.g. '0=1.82,1=1.65' (metres).")
        ] = "",
        known_distance: Annotated[
            str,
            typer.Option(
                help="Calibration: two people's measured floor distance at a time, A,B@T=D, e.g. "
                "0,1@2.0=1.5 (persons 0 and 1 were 1.5 m apart 2.0 s in)."
            ),
        ] = "",
        quiet: shared.Quiet = False,
        no_voice: shared.NoVoice = False,
        voice_channels: Annotated[
            str,
            typer.Option(
                help="One microphone per person: whose voice each audio channel carries, by person id or "
                "role, e.g. 0=trainee,1=client or 0=1,1=0. Without it such voices are unattributed."
            ),
        ] = "",
        no_speech: Annotated[
            bool, typer.Option("--no-speech", help="Do not transcribe: no words.parquet, no verbal cues.")
        ] = False,
        no_transcript: Annotated[
            bool,
            typer.Option(
                "--no-transcript", help="Spot the verbal cues but store no transcript (no words.parquet)."
            ),
        ] = False,
        phrases: Annotated[
            Path | None,
            typer.Option(
                help="Your own phrase list for the verbal cues (a TOML file laid out like the shipped "
                "phrases.toml), checked against the recogniser's dictionary before the analysis starts."
            ),
        ] = None,
    ) -> None:
        """Track everyone in VIDEO, detect cues, write DIR/ and register a session.

        Writes DIR/poses.parquet (every person, every analysed frame, a stable id), pairs.parquet (floor
        distances), hands.parquet (each hand's shape: fist, open palm, pointing, thumbs-up), events.json
        (cues), words.parquet (the transcript: words, times, speakers; not with --no-transcript),
        analysis.json (what ran, timings, versions) and, with --annotate, annotated.mp4. All
        appear at once at the end: an interrupted run leaves DIR as it was. The session store then gets
        the session (the same recording twice is one session): open it with `cuedetect
        dashboard`.

        Floor positions come from body-size priors and a camera fitted to the people. Known facts make
        them better: --camera-height, --fov, --person-height, --known-distance (person ids as in a first
        run's output: they are numbered in order of first appearance).

        Example: `cuedetect analyze role-play.mp4 --out out/rp --annotate --trainee Sam`
        """
        import contextlib
        import os
        import shlex

        os.environ.setdefault("GLOG_minloglevel", "2")
        from cuedetect.analysis import STAGES, AnalyzeOptions
        from cuedetect.analysis import analyze as run
        from cuedetect.cli._progress import StageProgress, wants_progress
        from cuedetect.pose.detector import quiet_native_logs
        from cuedetect.speech.settings import SpeechSettings

        check_analysis_flags(max_persons, fps, model)
        if phrases is not None and not (no_speech or no_voice):  # a bad list fails now, not after the poses
            from cuedetect.speech.phrases import load_phrases
            from cuedetect.speech.recognisers import create_recogniser

            with create_recogniser(SpeechSettings().recogniser, load_phrases(phrases).keyphrases()):
                pass  # pocketsphinx refuses a word its dictionary lacks
        if not no_hands:  # an unknown choice or a missing model file stops here, before any decoding
            from cuedetect.hands.state_model import state_reader

            state_reader(hand_states)
        cues, register = not no_cues, not no_register
        if overwrite and video.is_file():  # sessions own their results (cuedetect.store.maintenance)
            from cuedetect.store.db import default_store_path
            from cuedetect.store.maintenance import refuse_foreign_overwrite

            refuse_foreign_overwrite(store or default_store_path(), out, video)
        options = AnalyzeOptions(
            out, fps or None, model, jobs or None, annotate, overwrite, max_persons,
            cues=cues, roles=parse_roles(roles), hands=not no_hands, hand_states=hand_states,
            still_poses=still_poses,
            calibration=parse_calibration(camera_height, fov, person_height, known_distance),
            trainee=trainee, scenario=scenario,
            voice=not no_voice, voice_channels=parse_voice_channels(voice_channels),
            speech=not no_speech, speech_settings=SpeechSettings(store_transcript=not no_transcript,
                                                                 phrases_path=phrases),
        )  # fmt: skip
        # MediaPipe/LiteRT write chatter straight to file descriptor 2: send that to /dev/null while
        # the progress bar (and any error, printed after the block) goes to the real stderr.
        err = os.fdopen(os.dup(2), "w", buffering=1)
        with contextlib.ExitStack() as stack:
            stack.enter_context(err)
            stack.enter_context(quiet_native_logs())
            show = StageProgress("frames", enabled=wants_progress(err, quiet), file=err)
            progress = stack.enter_context(show)
            session_store = None
            if register and cues:
                from cuedetect.store import SessionStore, StoreOptions

                opened = SessionStore.create_from_options(StoreOptions(path=store))
                session_store = stack.enter_context(opened)

            def on_progress(stage: str, done: int, total: int) -> None:
                """Frames for the pose stage once its length is known (it starts as 0 of 1)."""
                progress(STAGES[stage], done, total if stage == "poses" and total > 1 else None)

            result = run(video, options, store=session_store, progress=on_progress)
        from cuedetect.cli._report import print_analysis

        print_analysis(result.record, out, events=cues)
        if result.session_id is not None:
            typer.echo(f"registered as session {result.session_id} in the session store: open it with "
                       f"`cuedetect dashboard --session {shlex.quote(Path(video).stem)}`")  # fmt: skip


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


def parse_voice_channels(text: str) -> dict[int, int | str] | None:
    """'0=trainee,1=client' or '0=1,1=0' -> {0: 'trainee', 1: 'client'} / {0: 1, 1: 0}."""
    from cuedetect.errors import InputError

    if not text.strip():
        return None
    out: dict[int, int | str] = {}
    for part in text.split(","):
        ch, _, who = (x.strip() for x in part.partition("="))
        if not ch.isdigit() or not (who.isdigit() or who in ("trainee", "client")):
            raise InputError(
                f"--voice-channels takes 'CHANNEL=PERSON' or 'CHANNEL=trainee|client' pairs, e.g. "
                f"'0=trainee,1=client'; got {part!r}"
            )
        out[int(ch)] = int(who) if who.isdigit() else who
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
