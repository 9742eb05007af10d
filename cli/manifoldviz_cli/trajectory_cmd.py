"""``manifoldviz trajectory`` and ``manifoldviz fitmorph``: training made visible."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz_cli.options import (
    FiniteFloatRange,
    data_options,
    epochs_option,
    examples,
    figure_format_option,
    out_dir_option,
    progress_printer,
    quiet_option,
    seed_option,
)


def _folder(out_dir: Path) -> Path:
    from manifoldviz.runs.results_file import check_out_dir

    return check_out_dir(out_dir)


@click.command(
    epilog=examples(
        "manifoldviz trajectory --compare shuffled --out trajectory/",
        "manifoldviz trajectory --projection umap --probe-size 2000 --data mnist.npz",
        "manifoldviz trajectory --model autoencoder --epochs 5",
    )
)
@out_dir_option("results/trajectory", "the records, results.json, GIF and figures")
@click.option(
    "--model",
    type=click.Choice(["mlp", "autoencoder", "vae"]),
    default="mlp",
    show_default=True,
    help="The chapter's MLP, the dense autoencoder, or the VAE (its mean code).",
)
@click.option("--layer", default=None, help="MLP: hidden (default) or output; autoencoder: latent.")
@epochs_option(10)
@click.option(
    "--probe-size",
    type=click.IntRange(min=10),
    default=2000,
    show_default=True,
    help="Held-out digits tracked through training (class-balanced).",
)
@click.option(
    "--projection",
    default="pca",
    show_default=True,
    help="pca, umap, umap-procrustes or aligned-umap.",
)
@click.option(
    "--compare",
    type=click.Choice(["shuffled"]),
    default=None,
    help="Also train on shuffled labels and show both side by side.",
)
@click.option(
    "--tween",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="Interpolated frames between snapshots, for smooth motion.",
)
@figure_format_option
@data_options
@quiet_option
def trajectory(
    out_dir: Path,
    model: str,
    layer: str | None,
    n_epochs: int,
    probe_size: int,
    projection: str,
    compare: str | None,
    tween: int,
    figure_format: str,
    seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """Watch held-out digits' representations and the weights move as a model trains."""
    from manifoldviz.reports.studies import run_study
    from manifoldviz.trajectories.trajectory import TrajectoryConfig

    folder = _folder(out_dir)
    config = TrajectoryConfig(
        data=data,
        limit=limit,
        seed=seed,
        n_epochs=n_epochs,
        model=model,
        layer=layer,
        probe_size=probe_size,
        projection=projection,
        compare=compare,
        tween=tween,
    )
    report = run_study(
        "trajectory", config, folder, figure_format=figure_format, progress=progress_printer(quiet)
    )
    click.echo(f"wrote {len(report.written)} files to {folder}")


@click.command(
    epilog=examples(
        "manifoldviz fitmorph --out fitmorph/",
        "manifoldviz fitmorph --noise 0.5 --epochs 3000 --seed 3",
    )
)
@out_dir_option("results/fitmorph", "results.json, the six-panel figure and the GIF")
@epochs_option(1500, "Training epochs (full batch).")
@click.option(
    "--points",
    "n_points",
    type=click.IntRange(min=20),
    default=200,
    show_default=True,
    help="Training points.",
)
@click.option(
    "--noise",
    type=FiniteFloatRange(0, 2, max_open=True),
    default=0.35,
    show_default=True,
    help="How noisy the two classes are.",
)
@seed_option("Seeds the data and the model.")
@figure_format_option
@quiet_option
def fitmorph(
    out_dir: Path,
    n_epochs: int,
    n_points: int,
    noise: float,
    seed: int,
    figure_format: str,
    quiet: bool,
) -> None:
    """From a random model to a robust fit to an overfit one, on a 2-D toy problem."""
    from manifoldviz.experiments.fitmorph import FitMorphConfig
    from manifoldviz.reports.studies import run_study

    folder = _folder(out_dir)
    config = FitMorphConfig(seed=seed, n_points=n_points, noise=noise, n_epochs=n_epochs)
    report = run_study(
        "fitmorph", config, folder, figure_format=figure_format, progress=progress_printer(quiet)
    )
    click.echo(f"wrote {len(report.written)} files to {folder}")
