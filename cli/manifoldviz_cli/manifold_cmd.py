"""``manifoldviz manifold``: the intrinsic dimension of MNIST and its noise/zero variants."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz_cli.options import (
    data_options,
    examples,
    figure_format_option,
    out_dir_option,
    progress_printer,
    quiet_option,
)


def _list(kind: type) -> object:
    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple:
        if value is None or not value.strip():
            return ()
        try:
            return tuple(kind(part.strip()) for part in value.split(",") if part.strip())
        except ValueError:
            raise click.BadParameter(f"{value!r} is not a comma-separated list") from None

    return parse


@click.command(
    epilog=examples(
        "manifoldviz manifold --data ../shared/data/mnist.npz --out manifold/",
        "manifoldviz manifold --estimators twonn,mle-k5,mle-k10,mle-k20 --repeats 5",
        "manifoldviz manifold --latent-sizes 2,4,8,16,32",
    )
)
@out_dir_option("results/manifold", "results.json and the figures")
@click.option(
    "--subsample",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Images per random subsample.",
)
@click.option(
    "--repeats",
    "n_repeats",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Independent subsamples (the spread shown as error bars).",
)
@click.option(
    "--estimators",
    default="twonn,mle-k10,mle-k20",
    show_default=True,
    callback=_list(str),
    help="twonn and/or mle-kN (Levina-Bickel at k=N).",
)
@click.option(
    "--per-digit/--no-per-digit",
    default=True,
    show_default=True,
    help="Also estimate each digit alone.",
)
@click.option(
    "--latent-sizes",
    default=None,
    callback=_list(int),
    metavar="N,N,...",
    help="Also train dense autoencoders with these latent sizes (cached) and draw "
    "reconstruction loss against size.",
)
@figure_format_option
@data_options
@quiet_option
def manifold(
    out_dir: Path,
    subsample: int,
    n_repeats: int,
    estimators: tuple[str, ...],
    per_digit: bool,
    latent_sizes: tuple[int, ...],
    figure_format: str,
    seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """Test the manifold hypothesis: the intrinsic dimension of MNIST, per digit and with
    784 zero or noise channels added, next to the ambient dimension."""
    from manifoldviz.experiments.intrinsic_dimension import ManifoldConfig
    from manifoldviz.reports.studies import run_study
    from manifoldviz.runs.results_file import check_out_dir

    folder = check_out_dir(out_dir)
    config = ManifoldConfig(
        data=data,
        limit=limit,
        seed=seed,
        subsample=subsample,
        n_repeats=n_repeats,
        estimators=estimators,
        per_digit=per_digit,
        latent_sizes=latent_sizes,
    )
    report = run_study(
        "intrinsic-dimension",
        config,
        folder,
        figure_format=figure_format,
        progress=progress_printer(quiet),
    )
    if not quiet:
        click.echo(report.result.summary_table())
    click.echo(f"wrote {len(report.written)} files to {folder}")
