"""The interpolation as users hold it: the result of :func:`interpolate` and how it is saved.

:class:`InterpolationResult` is the computed :class:`~manifoldviz.interpolation.morph.Morph` plus
its outputs: the side-by-side GIF, the strip figure, the evidence plot, the metrics file, and an
inline view in Jupyter.
"""

from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt

from manifoldviz.atomic import write_json_atomic
from manifoldviz.data.sources import MnistData
from manifoldviz.errors import InvalidInputError
from manifoldviz.figures.frames import Panel, compose_frame, sequence_with_holds, write_animation
from manifoldviz.figures.interpolation import (
    PATH_COLOURS,
    PATH_LABELS,
    draw_path_metric,
    draw_strip,
)
from manifoldviz.figures.latent_grid import draw_latent_grid
from manifoldviz.figures.style import lecture_style, new_figure, save_figure
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.interpolation.morph import PATH_NAMES, Morph, morph
from manifoldviz.progress import Progress
from manifoldviz.store import Store


@dataclass(frozen=True)
class InterpolationResult(Morph):
    """Both interpolation paths, the per-frame evidence, and ways to save and show them.

    ``pixel`` and ``latent`` are float32 arrays (n_steps, 28, 28) in [0, 1]; ``pixel`` starts
    and ends exactly at the two endpoint images. ``evidence`` maps each path name to one
    :class:`~manifoldviz.interpolation.evidence.FrameEvidence` per frame.

    Parameters
    ----------
    pixel, latent
        The two paths' frames, (n_steps, 28, 28) float32 in [0, 1].
    t
        The interpolation parameter of each frame, 0 to 1.
    evidence, summary, verdict
        Per-frame measures of both paths, their per-path summary and the printed verdict.
    settings
        What produced the result: digits, indices, seeds, models, data source.
    """

    def save_metrics(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_dict` as JSON, atomically.

        Parameters
        ----------
        path
            The .json file to write (replaced whole, never half-written).

        Returns
        -------
        Path
            ``path``.
        """
        return write_json_atomic(path, self.to_dict())

    def frames(self, *, scale: int = 8) -> list[npt.NDArray[np.uint8]]:
        """One labelled RGB frame per step: pixel path left, latent path right.

        Parameters
        ----------
        scale
            Screen pixels per MNIST pixel.

        Returns
        -------
        list of ndarray
            One (height, width, 3) uint8 image per step.
        """
        a, b = self.digits
        out = []
        for i, t in enumerate(self.t):
            panels = [
                Panel(
                    image=getattr(self, name)[i],
                    heading=PATH_LABELS[name],
                    colour=PATH_COLOURS[name],
                    caption=(
                        f"looks like {self.evidence[name][i].predicted} "
                        f"({self.evidence[name][i].confidence:.0%})",
                        f"mid-grey ink {self.evidence[name][i].grey_share:.0%}",
                    ),
                )
                for name in PATH_NAMES
            ]
            out.append(compose_frame(panels, title=f"{a} → {b}    t = {t:.2f}", scale=scale))
        return out

    def save_gif(
        self,
        path: str | os.PathLike[str],
        *,
        fps: float = 8,
        scale: int = 8,
        loop: int = 0,
        bounce: bool = True,
    ) -> Path:
        """Write the side-by-side animation (.gif, or .mp4 with imageio-ffmpeg), atomically.

        The ends are held briefly; ``bounce`` plays back to the start so the loop is seamless.

        Parameters
        ----------
        path
            A .gif (or .mp4) file; replaced atomically.
        fps
            Frames per second between the held ends.
        scale
            Screen pixels per MNIST pixel (1-32).
        loop
            0 repeats forever; N plays N times.
        bounce
            Play back to the start after reaching the end.

        Returns
        -------
        Path
            ``path``.
        """
        if not 1 <= scale <= 32:
            raise InvalidInputError(f"scale must be 1-32, got {scale}", param="scale")
        if loop < 0:
            raise InvalidInputError(f"loop must be 0 (forever) or more, got {loop}", param="loop")
        frames = self.frames(scale=scale)
        order, durations = sequence_with_holds(len(frames), fps=fps, bounce=bounce)
        return write_animation(path, [frames[i] for i in order], durations, loop=loop)

    def save_strip(self, path: str | os.PathLike[str]) -> Path:
        """The static strip figure: both paths frame by frame, with the classifier's verdicts.

        Parameters
        ----------
        path
            A .png, .svg or .pdf file; the format follows the suffix.

        Returns
        -------
        Path
            ``path``.
        """
        a, b = self.digits
        captions = {
            name: [f"{e.predicted} {e.confidence:.0%}" for e in self.evidence[name]]
            for name in PATH_NAMES
        }
        with lecture_style():
            figure = new_figure(1.25 * len(self.t) + 1.5, 4.6)
            draw_strip(
                figure,
                {"pixel": self.pixel, "latent": self.latent},
                list(self.t),
                captions,
                title=f"Interpolating {a} → {b}: pixel space vs latent space",
            )
            return save_figure(figure, path)

    def plot_evidence(self, path: str | os.PathLike[str]) -> Path:
        """Per-frame evidence against t for both paths, each panel saying whether its measure
        passed the controls (the autoencoder's own error is shown, marked as not evidence).

        Parameters
        ----------
        path
            A .png, .svg or .pdf file; the format follows the suffix.

        Returns
        -------
        Path
            ``path``.
        """
        kept = set(self.controls.get("kept", []))
        panels = [
            ("confidence", "max probability"),
            ("endpoint_mass", "probability"),
            ("feature_distance", "× a real digit's"),
            ("grey_share", "share of ink pixels"),
            ("ink_atypicality", "IQRs from real digits"),
            ("reconstruction_error", "mean squared error"),
        ]
        with lecture_style():
            figure = new_figure(18, 10)
            axes = figure.subplots(2, 3).ravel()
            for ax, (key, ylabel) in zip(axes, panels, strict=True):
                measure = MEASURES[key]
                name = f"{measure.label[:1].upper()}{measure.label[1:]}"
                if measure.by_construction:
                    name = "Autoencoder's own error"
                    status = "not evidence: favours latent by construction"
                else:
                    status = "passed the controls" if key in kept else "failed the controls"
                series = {n: [getattr(e, key) for e in self.evidence[n]] for n in PATH_NAMES}
                draw_path_metric(
                    ax,
                    list(self.t),
                    series,
                    ylabel=ylabel,
                    title=f"{name}\n({status})",
                )
                ax.title.set_fontsize(15)
            a, b = self.digits
            figure.suptitle(f"{a} → {b}: how digit-like is each frame?")
            return save_figure(figure, path)

    def save_latent_grid(self, path: str | os.PathLike[str]) -> Path:
        """The decoder's latent map with this pair's latent path drawn on it.

        A 2-D latent space is shown whole, its grid spaced by the prior's inverse CDF (the
        book's chapter-12 figure); a larger one on the plane through A, B and the mean code.

        Parameters
        ----------
        path
            A .png, .svg or .pdf file; the format follows the suffix.

        Returns
        -------
        Path
            ``path``.
        """
        if self.grid is None:
            raise InvalidInputError("this result has no latent grid", param="grid")
        a, b = self.digits
        spec = self.settings["autoencoder"]
        where = (
            "the whole latent plane"
            if self.grid.kind == "prior"
            else "the plane through A, B and the mean code"
        )
        with lecture_style():
            figure = new_figure(11, 11.5)
            draw_latent_grid(
                figure.add_subplot(),
                self.grid,
                title=f"{spec['architecture']}, latent {spec['latent_dim']}: {where}\n"
                f"{a} (A) → {b} (B) along the latent path",
            )
            return save_figure(figure, path)

    def _repr_html_(self) -> str:
        """Show the animation inline in Jupyter."""
        with tempfile.TemporaryDirectory() as folder:
            gif = self.save_gif(Path(folder) / "morph.gif", scale=5)
            encoded = base64.b64encode(gif.read_bytes()).decode("ascii")
        return (
            f'<img src="data:image/gif;base64,{encoded}" alt="interpolation"/><p>{self.verdict}</p>'
        )


def interpolate(
    a: int,
    b: int,
    *,
    n_steps: int = 12,
    seed: int = 0,
    model_seed: int = 0,
    data: str | os.PathLike[str] | MnistData | None = None,
    limit: int | None = None,
    model: str = "dense",
    latent_dim: int = 16,
    path: str = "linear",
    endpoints: str = "original",
    index_a: int | None = None,
    index_b: int | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> InterpolationResult:
    """Interpolate from a test image of digit ``a`` to one of digit ``b``, both ways.

    Parameters
    ----------
    a, b
        The endpoint digits (0-9); may be equal (two different images of that digit).
    n_steps
        Frames on each path, endpoints included (2-200).
    seed
        Picks the endpoint images (a new seed is a new pair; the models stay the same).
    model_seed
        Seeds the training of the cached models and the ``limit`` subset: changing the pair
        never retrains.
    data, limit
        The MNIST source and subset size (see :func:`manifoldviz.load_mnist`), or loaded data.
    model, latent_dim
        Autoencoder architecture (``"dense"``, ``"conv"`` or ``"vae"``) and latent size; a VAE's
        paths use its encoder's mean code.
    path
        Latent-space path: ``"linear"`` or ``"slerp"``.
    endpoints
        ``"original"``: the pixel path runs between the two test images; ``"reconstructed"``:
        between the autoencoder's reconstructions of them, where the latent path starts and
        ends too, so the two paths differ only in the path itself.
    index_a, index_b
        Exact test-set indices of the endpoint images instead of a seeded pick.

    store
        The model cache (default: the per-user cache, or ``$MANIFOLDVIZ_CACHE``).
    progress
        Receives one line per step of long work (loading, training epochs).

    Returns
    -------
    InterpolationResult
        Both paths, their per-frame evidence and verdict, with methods to save and show them.

    Examples
    --------
    >>> result = interpolate(3, 8, n_steps=10, data="sample")   # doctest: +SKIP
    >>> result.save_gif("morph.gif")                             # doctest: +SKIP
    """
    computed = morph(
        a,
        b,
        n_steps=n_steps,
        seed=seed,
        model_seed=model_seed,
        data=data,
        limit=limit,
        model=model,
        latent_dim=latent_dim,
        path=path,
        endpoints=endpoints,
        index_a=index_a,
        index_b=index_b,
        store=store,
        progress=progress,
    )
    return InterpolationResult(**{f.name: getattr(computed, f.name) for f in fields(Morph)})
