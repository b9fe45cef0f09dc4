"""`cuedetect cues`, `cuedetect train`, `cuedetect evaluate`: the cue catalogue, training and scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuedetect.cli._common import user_errors


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def cues(
        markdown: Annotated[
            bool, typer.Option("--markdown", help="Print the catalogue as a Markdown table.")
        ] = False,
    ) -> None:
        """Print the cue catalogue: what each cue is, why trainers care, how it is detected."""
        from cuedetect.cues.catalogue import CATALOGUE, catalogue_markdown
        from cuedetect.cues.settings import CueSettings

        if markdown:
            typer.echo(catalogue_markdown())
            return
        s = CueSettings()
        for c in CATALOGUE:
            typer.echo(f"{c.id:15s} {c.kind:13s} {c.scope:6s} {c.detector:10s} {c.definition}")
            typer.echo(f"{'':15s} why: {c.reason}")
        typer.echo(
            f"\nsettings: too_close below {s.too_close_m} m, safe distance from {s.safe_distance_m} m, "
            f"rapid_approach above {s.closing_speed_mps} m/s"
        )

    @app.command()
    @user_errors
    def detect(
        analysis: Annotated[
            Path, typer.Argument(metavar="ANALYSIS", help="An analysis folder (with poses.parquet).")
        ],
        role: Annotated[
            list[str] | None,
            typer.Option(metavar="ID=ROLE", help="Override a role, e.g. --role 0=trainee --role 1=client."),
        ] = None,
        baseline: Annotated[
            bool, typer.Option("--baseline", help="Use the geometric baseline instead of the model.")
        ] = False,
    ) -> None:
        """Detect the cues again in an analysis folder; write ANALYSIS/events.json.

        Roles are guessed unless given with --role.
        """
        from cuedetect.cues.detect import detect_from_folder

        overrides = {}
        for item in role or []:
            pid, _, r = item.partition("=")
            overrides[pid.strip()] = r.strip()
        result = detect_from_folder(analysis, roles=overrides, model="baseline" if baseline else "auto")
        typer.echo(
            f"{len(result.events)} events ({result.detector}); roles: "
            + ", ".join(f"{p['id']}={p['role']}" for p in result.persons)
        )
        for e in result.events:
            other = f" -> {e.other}" if e.other is not None else ""
            typer.echo(
                f"{e.start:6.1f}-{e.end:6.1f} s  person {e.person}{other}  {e.cue:15s} "
                f"{e.confidence:.2f}  {e.evidence}"
            )
        typer.echo(f"wrote {analysis / 'events.json'}")

    @app.command()
    @user_errors
    def train(
        data: Annotated[
            list[Path] | None,
            typer.Argument(
                metavar="FOLDER",
                help="Folders with studio clips (gt.json [+ poses.parquet]) or reviewed sessions.",
            ),
        ] = None,
        synthetic: Annotated[int, typer.Option(help="Add this many stick-figure synthetic clips.")] = 0,
        studio_sim: Annotated[
            int, typer.Option(help="Add this many studio-choreography clips seen by a simulated pose model.")
        ] = 0,
        sim_cache: Annotated[
            Path | None, typer.Option(help="Cache of simulated clips (default: models/.work/cues_sim).")
        ] = None,
        out: Annotated[Path | None, typer.Option(help="Model folder (default: models/cues).")] = None,
        folds: Annotated[int, typer.Option(help="Grouped cross-validation folds (0: skip).")] = 4,
        augment: Annotated[int, typer.Option(help="Augmented copies per clip.")] = 2,
        iterations: Annotated[int, typer.Option(help="Boosting iterations per cue.")] = 150,
        seed: Annotated[int, typer.Option(help="Random seed (training is reproducible for a seed).")] = 0,
        gt_joints: Annotated[
            bool,
            typer.Option(
                "--gt-joints", help="Also train on the exact gt.json joints of clips that have poses.parquet."
            ),
        ] = False,
        validation_fraction: Annotated[
            float,
            typer.Option(
                help="Share of clips held out of the fit for calibration and thresholds (0: none): "
                "of the rendered style-catalogue `train` clips when there are any, else of all."
            ),
        ] = 0.2,
        rendered_weight: Annotated[
            float,
            typer.Option(
                help="Weight of each row of rendered corpus clips (MediaPipe on renders) against "
                "simulated ones (1)."
            ),
        ] = 4.0,
        calibration_folds: Annotated[
            int,
            typer.Option(
                help="Cross-fitted calibration: maps and thresholds from this many models, each "
                "fitted without one fold of the rendered style clips, then the final model fitted "
                "on all clips (0: hold --validation-fraction out of the fit instead)."
            ),
        ] = 0,
        calibration_groups: Annotated[
            str,
            typer.Option(
                help="Cross-fitted calibration: draw the folds by clip, or by framing (camera set-up: "
                "each fold model is fitted without every rendered and simulated clip of the framings "
                "it scores, so the maps and thresholds see camera set-ups new to the model)."
            ),
        ] = "clip",
        sim_noise: Annotated[
            str,
            typer.Option(
                help="How simulated clips are degraded: measured (the pose engine's errors measured on "
                "rendered training clips, training/pose_noise.json), learned (its pose-dependent errors "
                "learned from paired rendered training clips, training/pose_residuals.py, plus the measured "
                "random errors), learned-only (without them), learned-sample (one near training pose's "
                "residual, drawn per 0.5-1 s), mixed (learned on half the simulated clips) or simple."
            ),
        ] = "simple",
        distortion_from: Annotated[
            list[Path] | None,
            typer.Option(
                metavar="FOLDER",
                help="--sim-noise learned*|mixed: learn the distortion from the rendered clips in these "
                "folders (training splits only; default: the FOLDER arguments).",
            ),
        ] = None,
        jobs: Annotated[int, typer.Option(help="Cross-fitted calibration: models fitted at once.")] = 2,
        mirror: Annotated[
            bool,
            typer.Option(
                "--mirror",
                help="Add one mirrored copy of every clip (x flipped, left and right swapped), besides "
                "the --augment copies: the model then sees each cue on both sides of the picture.",
            ),
        ] = False,
        calibrate_on: Annotated[
            list[Path] | None,
            typer.Option(
                metavar="FOLDER",
                help="Fit the calibration maps and per-cue thresholds on the final model's own scores of "
                "these held-out clip folders (rendered clips with poses, none in the fit), e.g. the style "
                "dev split; those clips then no longer score the model honestly.",
            ),
        ] = None,
    ) -> None:
        """Train the cue classifier (grouped cross-validation); write it with its card to models/cues/."""
        import shlex
        import sys

        from cuedetect.cues.detect import model_folder
        from cuedetect.errors import InputError
        from cuedetect.training.crossfit import CALIBRATION_GROUPS
        from cuedetect.training.dataset import discover, synthetic_clips
        from cuedetect.training.pose_residuals import distortion_for
        from cuedetect.training.trainer import cross_validate, fit_calibrated, model_card, save_model

        if calibration_groups not in CALIBRATION_GROUPS:
            raise InputError(
                f"--calibration-groups is one of {', '.join(CALIBRATION_GROUPS)}, not {calibration_groups!r}"
            )
        if calibrate_on and calibration_folds:
            raise InputError("--calibrate-on and --calibration-folds are two ways to calibrate: give one")
        from cuedetect.training.recalibrate import folder_words, heldout_clips

        distortion = distortion_for(sim_noise, distortion_from or data or [], log=typer.echo)
        heldout = heldout_clips(calibrate_on) if calibrate_on else None
        clips = []
        for folder in data or []:
            clips += discover(folder)
            if gt_joints:
                clips += [c for c in discover(folder, use_poses=False) if c.source == "gt-joints"]
        if synthetic:
            clips += synthetic_clips(synthetic)
        if studio_sim:
            from cuedetect.paths import models_dir
            from cuedetect.training.studio_sim import simulated_clips

            clips += simulated_clips(sim_cache or models_dir() / ".work" / "cues_sim", studio_sim)
        if not clips:
            raise InputError(
                "no training clips: give folders with gt.json or reviewed sessions, or --synthetic N"
            )
        typer.echo(f"{len(clips)} clips: " + ", ".join(sorted({f"{c.source}" for c in clips})))
        weights = {"corpus": rendered_weight}
        cv = (cross_validate(clips, folds, augment, seed, iterations, log=typer.echo, weights=weights,
                             sim_noise=sim_noise, mirrored=mirror, distortion=distortion)
              if folds else None)  # fmt: skip
        if cv:
            for src in cv.model:
                typer.echo(cv.model[src].table(f"trained classifier on {src} clips"))
                typer.echo(cv.baseline[src].table(f"geometric baseline on {src} clips"))
        from cuedetect.cli._progress import StageProgress, wants_progress

        with StageProgress(enabled=wants_progress()) as progress:
            progress.on_stage(f"fitting the final model on {len(clips)} clips, then calibrating")
            clf, calibration, validation = fit_calibrated(
                clips,
                augment,
                seed,
                iterations,
                validation_fraction,
                log=typer.echo,
                weights=weights,
                calibration_folds=calibration_folds,
                sim_noise=sim_noise,
                processes=jobs,
                calibration_groups=calibration_groups,
                mirrored=mirror,
                calibrate_on=heldout,
                calibrate_on_words=folder_words(calibrate_on or []),
                distortion=distortion,
            )
        folder = out or model_folder()
        command = "cuedetect train " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        card = model_card(clf, clips, cv, command, calibration, validation)
        path = save_model(clf, folder, card)
        typer.echo(f"saved {path} and {folder / 'model_card.md'}")

    @app.command()
    @user_errors
    def evaluate(
        gt_dir: Annotated[
            Path,
            typer.Argument(
                metavar="CLIPS_OR_LABELS",
                help="Folder of studio clips with gt.json (and poses.parquet or events.json), or a real-clip "
                "labels.json (or its folder).",
            ),
        ],
        more: Annotated[
            list[Path] | None,
            typer.Argument(metavar="LABELS", help="More labels.json files (or folders) scored together."),
        ] = None,
        baseline: Annotated[
            bool, typer.Option("--baseline", help="Score the geometric baseline instead of the model.")
        ] = False,
        model: Annotated[Path | None, typer.Option(help="Model folder (default: models/cues).")] = None,
        use_events: Annotated[
            bool, typer.Option("--use-events", help="Score the events.json files there, detecting nothing.")
        ] = False,
        json_out: Annotated[
            Path | None, typer.Option("--json", help="Also write the scores as JSON here.")
        ] = None,
        simulated_heldout: Annotated[
            int,
            typer.Option(
                help="Instead: score N studio-sim clips of the style catalogue's held-out split, made "
                "(once) into CLIPS_OR_LABELS as a cache, seeds 900000 on."
            ),
        ] = 0,
        card: Annotated[
            bool,
            typer.Option(
                "--card",
                help="Score the model and the baseline and write both into the model's card as its "
                "held-out section, with the calibration (Brier scores, reliability) on the frames of "
                "matched persons (for a folder of clips the model never saw); for real labels.json "
                "files, its real dev set section.",
            ),
        ] = False,
    ) -> None:
        """Score cue events against ground truth: P/R/F1 per cue (IoU >= 0.3) and frame F1.

        Prints a table per cue; --json and --card also write the scores.
        """
        import json

        from cuedetect.cues.detect import load_model
        from cuedetect.cues.evaluate import Scores, relabel, scoring_times
        from cuedetect.errors import InputError
        from cuedetect.io_atomic import write_json
        from cuedetect.training.dataset import analysis_folder, discover, gt_view_times
        from cuedetect.training.labels import match_persons
        from cuedetect.training.real_labels import is_real_labels
        from cuedetect.training.scoring import heldout_calibration, score_clips

        cache: dict = {}  # each clip's features, built once for the model, the baseline and calibration
        if simulated_heldout:
            from cuedetect.training.studio_sim import HELDOUT_FIRST_SEED, simulated_clips

            sims = simulated_clips(gt_dir, simulated_heldout, HELDOUT_FIRST_SEED, split="heldout")
            typer.echo(f"{len(sims)} studio-sim clips of the held-out styles in {gt_dir}")
            clf = load_model(model)
            scores = score_clips(sims, clf, feature_cache=cache)
            base = score_clips(sims, None, feature_cache=cache)
            typer.echo(scores.table("model"))
            typer.echo(base.table("baseline"))
            if card:
                cal = heldout_calibration(sims, clf, cache)
                _write_heldout_card(scores, base, f"{gt_dir} (simulated)", model, cal, simulated=True)
            return
        if is_real_labels(gt_dir):
            _evaluate_real([gt_dir, *(more or [])], model, json_out, card)
            return
        if more:
            raise InputError("only real-clip labels.json files are scored together; give one studio folder")
        if card and (baseline or use_events):
            raise InputError("--card scores the model and the baseline itself; drop --baseline/--use-events")
        if use_events:
            import pandas as pd

            scores = Scores()
            for gt_path in sorted(gt_dir.rglob("gt.json")):
                found = analysis_folder(gt_path.parent)
                if found is None or not (found / "events.json").exists():
                    continue
                ev_path, poses_path = found / "events.json", found / "poses.parquet"
                gt = json.loads(gt_path.read_text())
                poses = pd.read_parquet(poses_path, columns=None)
                mapping = match_persons(poses, gt)
                pred = relabel(json.loads(ev_path.read_text())["events"], mapping, keep_unmatched=True)
                analysed = {p: g["t"].to_numpy(float) for p, g in poses.groupby("person")}
                scores.add_clip(pred, gt["events"], scoring_times(analysed, mapping, gt_view_times(gt)))
        else:
            clips = [c for c in discover(gt_dir) if c.source in ("corpus", "gt-joints")]
            clf = None if baseline else load_model(model)
            scores = score_clips(clips, clf, feature_cache=cache)
        if scores.clips == 0:
            raise InputError(f"no clips with gt.json to score under {gt_dir}")
        typer.echo(scores.table("baseline" if baseline else "model"))
        if json_out:
            write_json(json_out, scores.to_json())
        if card:
            base = score_clips(clips, None, feature_cache=cache)
            typer.echo(base.table("baseline"))
            _write_heldout_card(scores, base, str(gt_dir), model, heldout_calibration(clips, clf, cache))


def _evaluate_real(paths: list[Path], model: Path | None, json_out: Path | None, card: bool = False) -> None:
    """`cuedetect evaluate labels.json...`: the model and the baseline on real clips with by-eye labels."""
    from cuedetect.cues.detect import load_model
    from cuedetect.io_atomic import write_json
    from cuedetect.training.real_eval import score_real_clips
    from cuedetect.training.real_labels import IOU_MIN_REAL, load_real_labels, mistakes_list, side_by_side

    clips = [c for p in paths for c in load_real_labels(p)]
    typer.echo(f"{len(clips)} real clips; poses by the analysis pipeline, cached in .cache/real_clips")
    scores = score_real_clips(clips, {"model": load_model(model), "baseline": None}, log=typer.echo)
    m, b = scores["model"], scores["baseline"]
    typer.echo(f"\nevents matched by cue and time (IoU >= {IOU_MIN_REAL}); absent cues are false alarms\n")
    typer.echo(side_by_side(m, b))
    typer.echo("\nmodel: every false alarm and miss")
    typer.echo(mistakes_list(m))
    typer.echo("\nbaseline: every false alarm and miss")
    typer.echo(mistakes_list(b))
    if json_out:
        write_json(json_out, {"model": m.to_json(), "baseline": b.to_json()})
    if card:
        import shlex
        import sys

        from cuedetect.cues.detect import model_folder
        from cuedetect.training.card_sections import real_section, write_card_section

        card_path = (model or model_folder()) / "model_card.md"
        command = "cuedetect evaluate " + " ".join(shlex.quote(a) for a in sys.argv[2:])
        write_card_section(card_path, real_section(m, b, len(clips), command))
        typer.echo(f"real dev set section written into {card_path}")


def _write_heldout_card(
    scores, base, folder: str, model: Path | None, calibration, simulated: bool = False
) -> None:
    """Write the held-out section of the model card (`evaluate --card`), with the calibration on the clips."""
    import shlex
    import sys

    from cuedetect.cues.detect import model_folder
    from cuedetect.training.card_sections import heldout_section, write_card_section

    card_path = (model or model_folder()) / "model_card.md"
    command = "cuedetect evaluate " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    section = heldout_section(scores, base, folder, command, simulated, calibration)
    typer.echo(calibration.markdown())
    write_card_section(card_path, section)
    typer.echo(f"held-out section written into {card_path}")
