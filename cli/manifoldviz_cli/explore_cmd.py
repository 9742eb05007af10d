"""``manifoldviz explore``: the interpolation lab, one HTML page that works offline."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz_cli.options import (
    autoencoder_options,
    data_option,
    examples,
    limit_option,
    model_seed_option,
    progress_printer,
    quiet_option,
    seed_option,
)


@click.command(
    epilog=examples(
        "manifoldviz explore --out explore.html",
        "manifoldviz explore --models dense:16,vae:2 --out explore.html",
        "manifoldviz explore --pair 4 9 --per-class 8 --seed 1 --out lab.html",
        "manifoldviz explore --data ../shared/data/mnist.npz --map-points 3000",
    ),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("explore.html"),
    show_default=True,
    help="The page to write (.html).",
)
@click.option(
    "--pair",
    nargs=2,
    type=click.IntRange(0, 9),
    default=(3, 8),
    show_default=True,
    metavar="A B",
    help="The pair shown when the page opens; the page offers every digit.",
)
@click.option(
    "--per-class",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Test digits of each class offered as endpoints.",
)
@click.option(
    "--map-points",
    type=click.IntRange(100, 10_000),
    default=5000,
    show_default=True,
    help="Test digits drawn on the latent map (the default page stays under 6 MB).",
)
@autoencoder_options(
    ("dense", "vae", "conv"),
    "Autoencoder architecture; the page runs dense and vae (conv does not run in the page).",
)
@click.option(
    "--models",
    metavar="ARCH:LATENT,...",
    default=None,
    help="Several autoencoders in one page, switchable in it, like dense:16,vae:2 "
    "(instead of --model/--latent; two of the usual sizes fit the 6 MB budget).",
)
@seed_option(
    "Picks the palette and the map's digits: another seed, another pick (the models stay)."
)
@limit_option
@data_option
@model_seed_option
@quiet_option
def explore(
    out: Path,
    pair: tuple[int, int],
    per_class: int,
    map_points: int,
    model: str,
    latent_dim: int,
    models: str | None,
    seed: int,
    limit: int | None,
    data: str | None,
    model_seed: int,
    quiet: bool,
) -> None:
    """Write the interpolation lab: one HTML page, no server, no network.

    Pick A and B from real test digits (or type two digits, or draw one), move t with the
    slider or the arrow keys, and watch the pixel-space and latent-space frames side by side
    with the classifier's verdict, the per-frame evidence curves and both paths on a map of the
    test set's latent plane (hover anywhere to decode it). The models run in the page, so
    every frame is computed live; --models puts several in one page, switchable in it. The
    view (pair, t, path, model) is kept in the page's link, so a copied link reopens it.
    --seed picks the palette digits; --model-seed trains the cached models (changing --seed
    never retrains).
    """
    from manifoldviz.lab.page import explore as build_page
    from manifoldviz.lab.page_models import parse_models
    from manifoldviz.lab.payload import check_page_path

    context = click.get_current_context()
    if models is not None and any(
        context.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT
        for name in ("model", "latent_dim")
    ):
        raise click.UsageError("give --models or --model/--latent, not both")
    check_page_path(out)
    chosen = parse_models(models) if models is not None else None
    page = build_page(
        *pair,
        seed=seed,
        model_seed=model_seed,
        data=data,
        limit=limit,
        model=model,
        latent_dim=latent_dim,
        models=chosen,
        per_class=per_class,
        map_points=map_points,
        progress=progress_printer(quiet),
    )
    written = page.save(out)
    size = written.stat().st_size / 1e6
    click.echo(f"wrote {written} ({size:.1f} MB; open it in a browser, no server needed)")
