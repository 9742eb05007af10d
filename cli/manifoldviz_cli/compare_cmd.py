"""``manifoldviz compare-paths``: the scoreboard of pixel versus latent paths, with intervals."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz.choices import ARCHITECTURES, BOARD_METHODS, DATASETS, ENDPOINTS
from manifoldviz_cli.options import (
    comma_names,
    data_options,
    examples,
    executor_options,
    figure_format_option,
    methods_option,
    out_dir_option,
    progress_printer,
    quiet_option,
)


def _sizes(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of integers") from None
    if not sizes or any(not 1 <= s <= 784 for s in sizes):
        raise click.BadParameter(f"latent sizes must be 1-784, got {value!r}")
    return tuple(dict.fromkeys(sizes))


def _orbit(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    digit, _, index = value.partition(":")
    try:
        chosen = int(digit), int(index or 0)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not DIGIT or DIGIT:INDEX") from None
    if not 0 <= chosen[0] <= 9 or chosen[1] < 0:
        raise click.BadParameter(f"{value!r}: the digit must be 0-9 and the index 0 or more")
    return chosen


@click.command(
    "compare-paths",
    epilog=examples(
        "manifoldviz compare-paths --models dense,conv,vae --pairs 100 --seeds 3 --out board/",
        "manifoldviz compare-paths --models dense,vae --latents 2,4,8,16 --datasets rotation",
        "manifoldviz compare-paths --data ../shared/data/mnist.npz --executor processes",
        "manifoldviz compare-paths --endpoints reconstructed --datasets mnist --pairs 50",
        "manifoldviz compare-paths --methods pixel,transport,linear,geodesic,isomap "
        "--datasets lines,rotation --orbit 3:5",
    ),
)
@click.option(
    "--models",
    default="dense,conv,vae",
    show_default=True,
    callback=comma_names(ARCHITECTURES),
    help="Autoencoders to compare (comma-separated: dense, conv, vae).",
)
@click.option(
    "--latents",
    "latent_dims",
    default="2,16",
    show_default=True,
    callback=_sizes,
    help="Latent sizes (comma-separated); every model is trained at each.",
)
@click.option(
    "--datasets",
    default="mnist,lines,rotation",
    show_default=True,
    callback=comma_names(DATASETS),
    help="MNIST and the known manifolds: lines at angle θ, the rotation orbit of a digit.",
)
@click.option(
    "--pairs",
    "n_pairs",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Pairs of endpoints per trained model.",
)
@click.option(
    "--seeds",
    "n_seeds",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Models trained with this many seeds per configuration (pairs pooled).",
)
@click.option(
    "--steps",
    "n_steps",
    type=click.IntRange(3, 200),
    default=9,
    show_default=True,
    help="Frames per path, endpoints included.",
)
@click.option(
    "--endpoints",
    type=click.Choice(ENDPOINTS),
    default="original",
    show_default=True,
    help="Where the pixel path starts and ends: the images, or their reconstructions.",
)
@methods_option(
    BOARD_METHODS,
    "Paths to compare, each with the pixel path (always drawn), pair by pair.",
)
@click.option(
    "--orbit",
    default="3:0",
    show_default=True,
    callback=_orbit,
    help="The rotation manifold's digit, DIGIT[:INDEX]: the INDEX-th training image of DIGIT "
    "(0 is the first).",
)
@out_dir_option("results/compare-paths", "results.json and the figures")
@figure_format_option
@executor_options
@data_options
@quiet_option
def compare_paths(
    models: tuple[str, ...],
    latent_dims: tuple[int, ...],
    datasets: tuple[str, ...],
    n_pairs: int,
    n_seeds: int,
    n_steps: int,
    endpoints: str,
    methods: tuple[str, ...],
    orbit: tuple[int, int],
    out_dir: Path,
    figure_format: str,
    executor: str,
    workers: int | None,
    address: str | None,
    seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """Pixel versus latent paths (or any methods) over many pairs, models, latent sizes and seeds.

    On MNIST every path is scored by the measures that passed the controls (real, blurred,
    blended and decoded digits); on the known manifolds by the exact distance to the manifold,
    the smoothness of Berthelot et al. (2019), the share of frames near the model's floor (its
    own reconstructions of the true path) and the length relative to the linear path. Means
    come with 95% bootstrap intervals; the last line says which paired differences are
    significant. An interrupted run resumes.
    """
    from manifoldviz.reports.compare_paths import compare_paths as run_board
    from manifoldviz.runs.executor import make_executor
    from manifoldviz.runs.results_file import check_out_dir

    folder = check_out_dir(out_dir)
    board = run_board(
        models,
        latent_dims,
        datasets=datasets,
        n_pairs=n_pairs,
        n_seeds=n_seeds,
        seed=seed,
        n_steps=n_steps,
        endpoints=endpoints,
        methods=methods,
        orbit=orbit,
        data=data,
        limit=limit,
        out_dir=folder,
        executor=make_executor(executor, workers=workers, address=address),
        figure_format=figure_format,
        progress=progress_printer(quiet),
    )
    if not quiet:
        click.echo(board.table())
    click.echo(board.sentence)
    click.echo(f"wrote {len(board.written)} files to {folder}")
    if board.failures:
        total = len(board.failures) + len(board.units)
        raise click.ClickException(
            f"{len(board.failures)} of {total} units failed (errors in "
            f"{folder / 'results.json'}); run the same command again to retry them"
        )
