"""``manifoldviz gallery``: render every lecture figure and animation, with an index page."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz_cli.options import (
    examples,
    out_dir_option,
    progress_printer,
    quiet_option,
    seed_option,
)


@click.command(
    epilog=examples(
        "manifoldviz gallery --out site/",
        "manifoldviz gallery --quick --out site/",
        "manifoldviz gallery --only plot_04_interpolation --data ../shared/data/mnist.npz",
    )
)
@out_dir_option("gallery_output", "every figure, index.html and index.md")
@click.option(
    "--quick", is_flag=True, help="Small data and few epochs: every figure in a few minutes."
)
@click.option(
    "--only",
    default="",
    metavar="NAME,...",
    help="Build only the scripts whose names contain one of these words.",
)
@seed_option("Seeds every figure; the same seed gives the same bytes.")
@click.option(
    "--data",
    metavar="PATH|sample",
    default=None,
    help="MNIST .npz for every figure (default: as 'manifoldviz data' finds it; "
    "the embedded sample with --quick).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Scripts run at a time, each in a process of its own (default: 2 on two cores or "
    "more; 1 runs them one after another).",
)
@quiet_option
def gallery(
    out_dir: Path,
    quick: bool,
    only: str,
    seed: int,
    data: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Run every gallery script (models come from the cache) and write index.html/index.md.

    A failing script does not stop the others; the build then names it and exits 1.
    """
    from manifoldviz_gallery.build import build

    words = tuple(word.strip() for word in only.split(",") if word.strip())
    if data is not None and data != "sample" and not Path(data).is_file():
        raise click.BadParameter(f"{data} does not exist", param_hint="--data")
    report = build(
        out_dir,
        quick=quick,
        seed=seed,
        only=words,
        data=str(Path(data).resolve()) if data and data != "sample" else data,
        progress=progress_printer(quiet),
        **({} if jobs is None else {"jobs": jobs}),
    )
    click.echo(f"built {len(report.built)} figures; open {report.index[0]}")
