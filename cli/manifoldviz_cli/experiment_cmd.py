"""``manifoldviz experiment NAME``: the chapter's generalization experiments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from manifoldviz_cli.options import data_options, examples, progress_printer, quiet_option


def _common(default_epochs: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--out, --seeds, --epochs, --format plus the data options, declared once."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        options = [
            click.option(
                "--out",
                "out_dir",
                type=click.Path(path_type=Path),
                default=None,
                help="Folder for results.json, figures and GIFs [default: results/EXPERIMENT].",
            ),
            click.option(
                "--seeds",
                "n_seeds",
                type=click.IntRange(min=1),
                default=1,
                show_default=True,
                help="Repeat each condition with this many seeds.",
            ),
            click.option(
                "--epochs",
                "n_epochs",
                type=click.IntRange(min=1),
                default=default_epochs,
                show_default=True,
                help="Training epochs.",
            ),
            click.option(
                "--format",
                "figure_format",
                type=click.Choice(["svg", "pdf"]),
                default="svg",
                show_default=True,
                help="Vector format written beside each PNG.",
            ),
            data_options,
            quiet_option,
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _run(name: str, settings: Any, out_dir: Path | None, figure_format: str, quiet: bool) -> None:
    from manifoldviz.experiments.common import check_out_dir
    from manifoldviz.reports import run_experiment

    folder = check_out_dir(out_dir or Path("results") / name)
    result, written = run_experiment(
        name, settings, folder, figure_format=figure_format, progress=progress_printer(quiet)
    )
    if not quiet:
        for condition in result.conditions:
            finals = {k: v for k, v in result.runs[0].final.items()}
            keys = [k for k in finals if k.endswith("accuracy") or k == "best_epoch"]
            summary = "  ".join(f"{k} {result.finals(condition, k).mean():.4f}" for k in keys)
            click.echo(f"{condition}: {summary}")
    click.echo(f"wrote {len(written)} files to {folder}")


@click.group(
    epilog=examples(
        "manifoldviz experiment noise-channels --data ../shared/data/mnist.npz --out noise/",
        "manifoldviz experiment shuffled-labels --epochs 100",
        "manifoldviz experiment overfitting --seeds 3",
    )
)
def experiment() -> None:
    """The chapter's generalization experiments: figures, GIFs and results.json.

    An interrupted run resumes: finished seeds and conditions in --out are kept.
    """


@experiment.command(
    "noise-channels",
    epilog=examples(
        "manifoldviz experiment noise-channels --out noise/",
        "manifoldviz experiment noise-channels --seeds 3 --data ../shared/data/mnist.npz",
    ),
)
@_common(default_epochs=10)
def noise_channels(
    out_dir: Path | None,
    n_seeds: int,
    n_epochs: int,
    figure_format: str,
    seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """White-noise versus all-zero channels, as in the chapter (validation accuracy)."""
    from manifoldviz.experiments.noise_channels import NoiseChannelsConfig

    settings = NoiseChannelsConfig(
        data=data, limit=limit, seed=seed, n_seeds=n_seeds, n_epochs=n_epochs
    )
    _run("noise-channels", settings, out_dir, figure_format, quiet)


def _fractions(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, ...]:
    try:
        fractions = tuple(float(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of numbers") from None
    if not fractions or any(not 0 <= f <= 1 for f in fractions):
        raise click.BadParameter(f"values must be in [0, 1], got {value!r}")
    return fractions


@experiment.command(
    "shuffled-labels",
    epilog=examples(
        "manifoldviz experiment shuffled-labels --epochs 100",
        "manifoldviz experiment shuffled-labels --label-noise 0,0.2,0.4,0.6,0.8,1.0",
    ),
)
@click.option(
    "--label-noise",
    default="1.0",
    show_default=True,
    callback=_fractions,
    help="Comma-separated fractions of training labels to shuffle.",
)
@_common(default_epochs=10)
def shuffled_labels(
    label_noise: tuple[float, ...],
    out_dir: Path | None,
    n_seeds: int,
    n_epochs: int,
    figure_format: str,
    seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """Train on shuffled labels: training accuracy climbs, validation stays at chance."""
    from manifoldviz.experiments.shuffled_labels import ShuffledLabelsConfig

    settings = ShuffledLabelsConfig(
        data=data,
        limit=limit,
        seed=seed,
        n_seeds=n_seeds,
        n_epochs=n_epochs,
        label_noise=label_noise,
    )
    _run("shuffled-labels", settings, out_dir, figure_format, quiet)


@experiment.command(
    "overfitting",
    epilog=examples(
        "manifoldviz experiment overfitting",
        "manifoldviz experiment overfitting --train-size 500 --epochs 40",
    ),
)
@click.option(
    "--train-size",
    type=click.IntRange(min=10),
    default=1000,
    show_default=True,
    help="Training images (small, so the large model overfits quickly).",
)
@_common(default_epochs=30)
def overfitting(
    train_size: int,
    out_dir: Path | None,
    n_seeds: int,
    n_epochs: int,
    figure_format: str,
    seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """The canonical train-versus-validation loss curve, with the best epoch and regions."""
    from manifoldviz.experiments.overfitting import OverfittingConfig

    settings = OverfittingConfig(
        data=data, limit=limit, seed=seed, n_seeds=n_seeds, n_epochs=n_epochs, train_size=train_size
    )
    _run("overfitting", settings, out_dir, figure_format, quiet)
