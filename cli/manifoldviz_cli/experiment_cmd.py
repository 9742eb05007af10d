"""``manifoldviz experiment NAME``: the chapter's generalization experiments."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from manifoldviz_cli.options import (
    data_options,
    epochs_option,
    examples,
    executor_options,
    figure_format_option,
    out_dir_option,
    progress_printer,
    quiet_option,
)


def _common(default_epochs: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Options every experiment shares, declared once."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        out_dir_option(None, "results.json, figures and GIFs [default: results/EXPERIMENT]"),
        click.option(
            "--seeds",
            "n_seeds",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Repeat each condition with this many seeds.",
        ),
        epochs_option(default_epochs),
        figure_format_option,
        executor_options,
        data_options,
        quiet_option,
    ]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _settings(options: dict[str, Any]) -> dict[str, Any]:
    """The options every experiment's config takes."""
    return {key: options[key] for key in ("data", "limit", "seed", "n_seeds", "n_epochs")}


def _run(name: str, settings: Any, options: dict[str, Any]) -> None:
    """Build the executor, run and report; failed runs make the exit status 1."""
    from manifoldviz.reports.studies import run_study
    from manifoldviz.runs.executor import make_executor
    from manifoldviz.runs.results_file import check_out_dir

    quiet = options["quiet"]
    folder = check_out_dir(options["out_dir"] or Path("results") / name)
    executor = make_executor(
        options["executor"], workers=options["workers"], address=options["address"]
    )
    report = run_study(
        name,
        settings,
        folder,
        figure_format=options["figure_format"],
        progress=progress_printer(quiet),
        executor=executor,
    )
    result, written = report.result, report.written
    if not quiet:
        if result.extra.get("estimates"):
            for protocol, values in result.extra["estimates"].items():
                spread = statistics.pstdev(values["estimate"])
                click.echo(
                    f"{protocol}: estimate {statistics.mean(values['estimate']):.4f} "
                    f"(sd {spread:.4f} over {len(values['estimate'])} runs)"
                )
        else:
            for condition in result.conditions:
                keys = [
                    k for k in result.runs[0].final if k.endswith("accuracy") or k == "best_epoch"
                ]
                summary = "  ".join(f"{k} {result.finals(condition, k).mean():.4f}" for k in keys)
                click.echo(f"{condition}: {summary}")
    click.echo(f"wrote {len(written)} files to {folder}")
    if result.failures:
        total = len(result.failures) + len(result.runs)
        raise click.ClickException(
            f"{len(result.failures)} of {total} runs failed (errors in "
            f"{folder / 'results.json'}); run the same command again to retry them"
        )


@click.group(
    epilog=examples(
        "manifoldviz experiment noise-channels --data ../shared/data/mnist.npz --out noise/",
        "manifoldviz experiment shuffled-labels --epochs 100",
        "manifoldviz experiment validation --executor processes --workers 2",
        "manifoldviz experiment baseline --digit 3 --imbalance 0.05",
    )
)
def experiment() -> None:
    """The chapter's generalization experiments: figures, GIFs and results.json.

    An interrupted run resumes: finished seeds, conditions and folds in --out are kept.
    """


@experiment.command(
    "noise-channels",
    epilog=examples(
        "manifoldviz experiment noise-channels --out noise/",
        "manifoldviz experiment noise-channels --seeds 3 --data ../shared/data/mnist.npz",
    ),
)
@_common(default_epochs=10)
def noise_channels(**options: Any) -> None:
    """White-noise versus all-zero channels, as in the chapter (validation accuracy)."""
    from manifoldviz.experiments.noise_channels import NoiseChannelsConfig

    _run("noise-channels", NoiseChannelsConfig(**_settings(options)), options)


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
def shuffled_labels(label_noise: tuple[float, ...], **options: Any) -> None:
    """Train on shuffled labels: training accuracy climbs, validation stays at chance."""
    from manifoldviz.experiments.shuffled_labels import ShuffledLabelsConfig

    config = ShuffledLabelsConfig(**_settings(options), label_noise=label_noise)
    _run("shuffled-labels", config, options)


@experiment.command(
    "overfitting",
    epilog=examples(
        "manifoldviz experiment overfitting",
        "manifoldviz experiment overfitting --train-size 500 --epochs 40 --seeds 3",
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
def overfitting(train_size: int, **options: Any) -> None:
    """The canonical train-versus-validation loss curve, with the best epoch and regions."""
    from manifoldviz.experiments.overfitting import OverfittingConfig

    _run("overfitting", OverfittingConfig(**_settings(options), train_size=train_size), options)


@experiment.command(
    "validation",
    epilog=examples(
        "manifoldviz experiment validation",
        "manifoldviz experiment validation --k 5 --repetitions 3 --repeats 5 --limit 2000",
        "manifoldviz experiment validation --executor ray --address 127.0.0.1:6379",
    ),
)
@click.option("--k", type=int, default=4, show_default=True, help="Folds (K ≥ 2).")
@click.option(
    "--repetitions",
    "iterations",
    type=int,
    default=2,
    show_default=True,
    help="Shufflings P of iterated K-fold (P×K models per run).",
)
@click.option(
    "--repeats",
    "n_repeats",
    type=int,
    default=3,
    show_default=True,
    help="Times each whole protocol is run, to show the spread of its estimate.",
)
@_common(default_epochs=10)
def validation(k: int, iterations: int, n_repeats: int, **options: Any) -> None:
    """Hold-out, K-fold and iterated K-fold on scarce data (default --limit 1000): estimates,
    their spread over repeated runs, per-fold curves and the split diagram."""
    from manifoldviz.experiments.validation import ValidationConfig

    settings = _settings(options)
    if settings["limit"] is None:
        settings["limit"] = 1000
    config = ValidationConfig(**settings, k=k, iterations=iterations, n_repeats=n_repeats)
    _run("validation", config, options)


@experiment.command(
    "baseline",
    epilog=examples(
        "manifoldviz experiment baseline",
        "manifoldviz experiment baseline --digit 3 --imbalance 0.05 --data mnist.npz",
    ),
)
@click.option(
    "--digit",
    type=click.IntRange(0, 9),
    default=8,
    show_default=True,
    help="The minority class of the imbalanced task.",
)
@click.option(
    "--imbalance",
    type=float,
    default=0.1,
    show_default=True,
    help="Its share of the imbalanced task, in (0, 1).",
)
@_common(default_epochs=5)
def baseline(digit: int, imbalance: float, **options: Any) -> None:
    """Common-sense baselines beside the trained MLP: accuracy versus balanced accuracy."""
    from manifoldviz.experiments.baselines import BaselineConfig

    _run(
        "baseline", BaselineConfig(**_settings(options), digit=digit, imbalance=imbalance), options
    )
