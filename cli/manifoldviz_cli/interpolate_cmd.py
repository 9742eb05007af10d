"""``manifoldviz interpolate A B``: pixel space versus latent space (or any methods) as a GIF."""

from __future__ import annotations

from pathlib import Path

import click

from manifoldviz.choices import ARCHITECTURES, DEFAULT_METHODS, ENDPOINTS
from manifoldviz_cli.options import (
    FiniteFloatRange,
    autoencoder_options,
    data_option,
    examples,
    limit_option,
    methods_option,
    model_seed_option,
    progress_printer,
    quiet_option,
    seed_option,
)

OUTPUT_PATH = click.Path(dir_okay=True, path_type=Path)


@click.command(
    epilog=examples(
        "manifoldviz interpolate 3 8 --out morph.gif",
        "manifoldviz interpolate 3 8 --methods pixel,transport,linear,geodesic,isomap "
        "--out five.gif",
        "manifoldviz interpolate 4 4 --steps 16 --path slerp --scale 10 --out four.gif",
        "manifoldviz interpolate 1 7 --strip strip.png --metrics evidence.json --plot evidence.png",
        "manifoldviz interpolate 3 8 --model conv --data ../shared/data/mnist.npz",
        "manifoldviz interpolate 0 6 --model vae --latent 2 --grid map.png",
        "manifoldviz interpolate 4 9 --endpoints reconstructed --plot evidence.png",
    ),
)
@click.argument("a", type=click.IntRange(0, 9))
@click.argument("b", type=click.IntRange(0, 9))
@click.option(
    "--out",
    type=OUTPUT_PATH,
    default=Path("morph.gif"),
    show_default=True,
    help="Animation to write (.gif; .mp4 with imageio-ffmpeg).",
)
@click.option(
    "--strip",
    type=OUTPUT_PATH,
    default=None,
    help="Also write the static strip figure (.png, .svg, .pdf; .mp4 animates).",
)
@click.option(
    "--metrics",
    type=OUTPUT_PATH,
    default=None,
    help="Also write the per-frame evidence and settings as JSON.",
)
@click.option(
    "--plot",
    type=OUTPUT_PATH,
    default=None,
    help="Also draw the per-frame evidence (.png, .svg, .pdf).",
)
@click.option(
    "--grid",
    type=OUTPUT_PATH,
    default=None,
    help="Also draw the latent map with the path on it (.png, .svg, .pdf): the whole plane "
    "for a 2-D latent, else the plane through A, B and the mean code.",
)
@click.option(
    "--steps",
    type=click.IntRange(2, 200),
    default=12,
    show_default=True,
    help="Frames on each path, endpoints included.",
)
@click.option(
    "--fps",
    type=FiniteFloatRange(0.5, 50),
    default=8,
    show_default=True,
    help="Frames per second (the ends are held a little longer).",
)
@click.option(
    "--loop",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="How many times the GIF repeats; 0 loops forever.",
)
@click.option(
    "--bounce/--no-bounce",
    default=True,
    show_default=True,
    help="Play back to the start after reaching the end (a seamless loop).",
)
@click.option(
    "--scale",
    type=click.IntRange(1, 32),
    default=8,
    show_default=True,
    help="Nearest-neighbour upscaling of the 28x28 digits, for projectors.",
)
@autoencoder_options(ARCHITECTURES)
@methods_option(
    DEFAULT_METHODS,
    "Paths to draw, one row each: pixel (cross-fade), transport (optimal transport), linear "
    "and slerp (straight in latent space), geodesic (the decoder's shortest curve), isomap "
    "(through the training digits' neighbour graph).",
)
@click.option(
    "--path",
    "path_kind",
    type=click.Choice(["linear", "slerp"]),
    default=None,
    help="The latent path beside the pixel path: linear (the default) or slerp; the same as "
    "--methods pixel,KIND.",
)
@click.option(
    "--endpoints",
    type=click.Choice(ENDPOINTS),
    default="original",
    show_default=True,
    help="Where the pixel path starts and ends: the test images, or their reconstructions "
    "(where the latent path starts and ends: both paths then share their endpoints).",
)
@click.option(
    "--index-a",
    type=click.IntRange(min=0),
    default=None,
    help="Use this test-set image as the start (must be a digit A).",
)
@click.option(
    "--index-b",
    type=click.IntRange(min=0),
    default=None,
    help="Use this test-set image as the end (must be a digit B).",
)
@seed_option("Picks the two test images: another seed, another pair (the models stay).")
@limit_option
@data_option
@model_seed_option
@quiet_option
def interpolate(
    a: int,
    b: int,
    out: Path,
    strip: Path | None,
    metrics: Path | None,
    plot: Path | None,
    grid: Path | None,
    steps: int,
    fps: float,
    loop: int,
    bounce: bool,
    scale: int,
    model: str,
    latent_dim: int,
    methods: tuple[str, ...],
    path_kind: str | None,
    endpoints: str,
    index_a: int | None,
    index_b: int | None,
    seed: int,
    model_seed: int,
    limit: int | None,
    data: str | None,
    quiet: bool,
) -> None:
    """Morph digit A into digit B in pixel space and in latent space, side by side.

    Averaging pixels gives a ghostly double exposure; walking the autoencoder's latent space
    may or may not give digits all the way; --methods adds the paths the literature proposes
    (optimal transport, the decoder's geodesic, the Isomap graph path), one row each. Each
    frame is scored by measures that were first checked on controls (real, blurred, blended
    and decoded digits); the verdict rests only on those that passed, and says so when they
    favour the pixel path. Models train once and are cached.
    """
    from manifoldviz.figures.output_paths import check_animation_path, check_figure_path
    from manifoldviz.reports.interpolation import interpolate as run_interpolation

    if path_kind is not None:
        if methods != DEFAULT_METHODS:
            raise click.UsageError("give --path or --methods, not both")
        methods = ("pixel", path_kind)
    check_animation_path(out, param="out")
    if strip is not None:
        if strip.suffix.lower() == ".mp4":
            check_animation_path(strip, param="strip")
        else:
            check_figure_path(strip, param="strip")
    if plot is not None:
        check_figure_path(plot, param="plot")
    if grid is not None:
        check_figure_path(grid, param="grid")
    if metrics is not None:
        from manifoldviz.figures.output_paths import check_output_path

        check_output_path(metrics, param="metrics")

    result = run_interpolation(
        a,
        b,
        n_steps=steps,
        seed=seed,
        model_seed=model_seed,
        data=data,
        limit=limit,
        model=model,
        latent_dim=latent_dim,
        methods=methods,
        endpoints=endpoints,
        index_a=index_a,
        index_b=index_b,
        progress=progress_printer(quiet),
    )
    written = [result.save_gif(out, fps=fps, scale=scale, loop=loop, bounce=bounce)]
    if strip is not None:
        if strip.suffix.lower() == ".mp4":
            written.append(result.save_gif(strip, fps=fps, scale=scale, loop=loop, bounce=bounce))
        else:
            written.append(result.save_strip(strip))
    if metrics is not None:
        written.append(result.save_metrics(metrics))
    if plot is not None:
        written.append(result.plot_evidence(plot))
    if grid is not None:
        written.append(result.save_latent_grid(grid))
    if not quiet:
        click.echo(result.table())
        click.echo(result.verdict)
    for path in written:
        click.echo(f"wrote {path}")
