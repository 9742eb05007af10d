"""Options shared by several commands, declared once."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

import click

from manifoldviz.choices import FIGURE_FORMATS

F = Callable[..., Any]


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange without its gap: NaN compares false with both bounds and got through."""

    name = "float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        result = super().convert(value, param, ctx)
        if isinstance(result, float) and math.isnan(result):
            self.fail(f"{value!r} is not a number", param, ctx)
        return result


def seed_option(
    help: str = "Seeds Python, numpy and Keras; the same seed gives the same output.",
) -> Callable[[F], F]:
    """--seed: a non-negative 32-bit integer, 0 by default."""
    return click.option(
        "--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True, help=help
    )


model_seed_option = click.option(
    "--model-seed",
    type=click.IntRange(0, 2**32 - 1),
    default=0,
    show_default=True,
    help="Seeds the training of the cached models (and the --limit subset); another --seed "
    "picks other images without retraining.",
)


def autoencoder_options(
    choices: tuple[str, ...],
    help: str = "Autoencoder: dense, convolutional, or the book's VAE (paths use its mean code).",
) -> Callable[[F], F]:
    """--model (one of ``choices``, dense by default) and --latent (stored as ``latent_dim``)."""
    model = click.option(
        "--model", type=click.Choice(choices), default="dense", show_default=True, help=help
    )
    latent = click.option(
        "--latent",
        "latent_dim",
        type=click.IntRange(1, 784),
        default=16,
        show_default=True,
        help="Latent size of the autoencoder.",
    )
    return lambda func: model(latent(func))


def epochs_option(default: int, help: str = "Training epochs.") -> Callable[[F], F]:
    """--epochs N (at least 1), stored as ``n_epochs``."""
    return click.option(
        "--epochs",
        "n_epochs",
        type=click.IntRange(min=1),
        default=default,
        show_default=True,
        help=help,
    )


def executor_options(func: F) -> F:
    """--executor (the executor module's choices), --workers and --address."""
    from manifoldviz.runs.executor import EXECUTORS

    options = [
        click.option(
            "--executor",
            type=click.Choice(EXECUTORS),
            default=EXECUTORS[0],
            show_default=True,
            help="Where runs go: this process, local worker processes, or Ray.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes or Ray CPUs [default: all cores].",
        ),
        click.option(
            "--address",
            default=None,
            metavar="HOST:PORT",
            help="An existing Ray cluster (with --executor ray).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


data_option = click.option(
    "--data",
    metavar="PATH|sample",
    default=None,
    help="MNIST .npz to use, or 'sample' for the embedded 5,000 digits. Default: "
    "$MANIFOLDVIZ_MNIST, then Keras's cache, then a download, then the sample.",
)
limit_option = click.option(
    "--limit",
    type=click.IntRange(min=10),
    default=None,
    metavar="N",
    help="Use a class-stratified subset of at most N images per split.",
)
figure_format_option = click.option(
    "--format",
    "figure_format",
    type=click.Choice(FIGURE_FORMATS),
    default="svg",
    show_default=True,
    help="Vector format written beside each PNG.",
)
quiet_option = click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print only errors and the final output paths.",
)


def out_dir_option(default: str | None, what: str) -> Callable[[F], F]:
    """--out DIR for commands that write a folder of results."""
    from pathlib import Path

    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=Path(default) if default else None,
        show_default=bool(default),
        help=f"Folder for {what}.",
    )


def data_options(func: F) -> F:
    """--data, --limit and --seed: where the digits come from and how they are picked."""
    for option in (seed_option(), limit_option, data_option):
        func = option(func)
    return func


def progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """Progress on stderr: bars on a terminal; plain lines in a log (no control characters)."""
    if quiet:
        return None
    if sys.stderr.isatty():
        from manifoldviz.progress import ProgressBars

        return ProgressBars(file=sys.stderr)
    return lambda message: click.echo(message, err=True)


def examples(*lines: str) -> str:
    """An 'Examples:' epilog that click prints verbatim."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def comma_names(choices: tuple[str, ...]) -> Callable[[click.Context, click.Parameter, str], Any]:
    """A click callback: a comma-separated list of distinct names, each one of ``choices``."""

    def parse(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
        names = tuple(part.strip() for part in value.split(",") if part.strip())
        unknown = [n for n in names if n not in choices]
        if not names or unknown:
            raise click.BadParameter(
                f"{', '.join(unknown) or 'nothing'} is not one of {', '.join(choices)}"
            )
        return tuple(dict.fromkeys(names))

    return parse


def methods_option(default: tuple[str, ...], help: str) -> Callable[[F], F]:
    """--methods a,b,c: interpolation path methods (the library's choices), in order."""
    from manifoldviz.choices import METHODS

    return click.option(
        "--methods",
        default=",".join(default),
        show_default=True,
        callback=comma_names(METHODS),
        help=f"{help} Any of {', '.join(METHODS)}, comma-separated.",
    )
