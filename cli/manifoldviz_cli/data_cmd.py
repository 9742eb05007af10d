"""``manifoldviz data``: which MNIST source would be used, and what it holds."""

from __future__ import annotations

import click

from manifoldviz_cli.options import data_options, examples, progress_printer, quiet_option


@click.command(
    epilog=examples(
        "manifoldviz data",
        "manifoldviz data --data ../shared/data/mnist.npz",
        "manifoldviz data --data sample --limit 500",
    ),
)
@data_options
@quiet_option
def data(data: str | None, limit: int | None, seed: int, quiet: bool) -> None:
    """Load MNIST as the other commands would, validate it and describe it."""
    import numpy as np

    from manifoldviz.data.sources import load_mnist

    mnist = load_mnist(data, limit=limit, seed=seed, progress=progress_printer(quiet))
    click.echo(f"source: {mnist.source.kind} ({mnist.source.location})")
    for split, y in (("train", mnist.y_train), ("test", mnist.y_test)):
        counts = np.bincount(y, minlength=10)
        click.echo(f"{split}: {len(y)} images; per digit " + " ".join(map(str, counts)))
    click.echo(f"fingerprint: {mnist.fingerprint()}")
