"""The interpolation as users hold it: the result of :func:`interpolate` and how it is saved.

:class:`InterpolationResult` is the computed :class:`~manifoldviz.interpolation.morph.Morph` plus
its outputs: the side-by-side GIF, the strip figure, the evidence plot, the metrics file, and an
inline view in Jupyter.
"""

from __future__ import annotations

import base64
import functools
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import ParamSpec

import numpy as np
import numpy.typing as npt

from manifoldviz.atomic import write_json_atomic
from manifoldviz.errors import InvalidInputError
from manifoldviz.figures.frames import Panel, compose_frame, sequence_with_holds, write_animation
from manifoldviz.figures.interpolation import (
    draw_path_metric,
    draw_strip,
    method_colour,
    method_label,
)
from manifoldviz.figures.latent_grid import draw_latent_grid
from manifoldviz.figures.style import lecture_style, new_figure, save_figure
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.interpolation.morph import Morph, morph

P = ParamSpec("P")


@dataclass(frozen=True)
class InterpolationResult(Morph):
    """Every path drawn, the per-frame evidence, and ways to save and show them.

    ``frames[method]`` is a float32 array (n_steps, 28, 28) in [0, 1] for each method drawn;
    ``pixel`` and ``latent`` are the pixel path's and the first latent path's. ``evidence``
    maps each method to one :class:`~manifoldviz.interpolation.evidence.FrameEvidence` per
    frame.

    Parameters
    ----------
    frames
        Method -> its frames, (n_steps, 28, 28) float32 in [0, 1].
    t
        The interpolation parameter of each frame, 0 to 1.
    evidence, summary, verdict
        Per-frame measures of every path, their per-path summary and the printed verdict.
    settings
        What produced the result: digits, indices, seeds, methods, models, data source.
    controls, grid, notes
        The control study, the latent map and any method that did not do what it says.
    """

    def save(
        self, out_dir: str | os.PathLike[str], *, scale: int = 8, fps: float = 8
    ) -> list[Path]:
        """Write every output into ``out_dir``: the GIF, the strip (PNG and SVG), the evidence
        figure, the latent map (when there is one) and ``results.json``.

        Parameters
        ----------
        out_dir
            The folder (made if missing); each file is replaced atomically.
        scale, fps
            The GIF's screen pixels per MNIST pixel and frames per second.

        Returns
        -------
        list of Path
            The files written, ``results.json`` first.
        """
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        written = [self.save_metrics(folder / "results.json")]
        written.append(self.save_gif(folder / "morph.gif", scale=scale, fps=fps))
        written += [self.save_strip(folder / f"strip.{suffix}") for suffix in ("png", "svg")]
        written.append(self.plot_evidence(folder / "evidence.png"))
        if self.grid is not None:
            written.append(self.save_latent_grid(folder / "latent_map.png"))
        return written

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

    def animation_frames(self, *, scale: int = 8) -> list[npt.NDArray[np.uint8]]:
        """One labelled RGB frame per step: one panel per method, left to right.

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
                    image=self.frames[name][i],
                    heading=method_label(name, self.methods),
                    colour=method_colour(name),
                    caption=(
                        f"looks like {self.evidence[name][i].predicted} "
                        f"({self.evidence[name][i].confidence:.0%})",
                        f"mid-grey ink {self.evidence[name][i].grey_share:.0%}",
                    ),
                )
                for name in self.methods
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
        frames = self.animation_frames(scale=scale)
        order, durations = sequence_with_holds(len(frames), fps=fps, bounce=bounce)
        return write_animation(path, [frames[i] for i in order], durations, loop=loop)

    def save_strip(self, path: str | os.PathLike[str]) -> Path:
        """The static strip figure: every path frame by frame, with the classifier's verdicts.

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
            for name in self.methods
        }
        if self.methods == ("pixel", "linear"):
            title = f"Interpolating {a} → {b}: pixel space vs latent space"
        elif len(self.methods) > 3:
            title = f"Interpolating {a} → {b}: {len(self.methods)} ways"
        else:
            title = f"Interpolating {a} → {b}: " + " vs ".join(
                method_label(m, self.methods) for m in self.methods
            )
        with lecture_style():
            figure = new_figure(1.25 * len(self.t) + 1.5, 0.8 + 1.9 * len(self.methods))
            draw_strip(figure, dict(self.frames), list(self.t), captions, title=title)
            return save_figure(figure, path)

    def plot_evidence(self, path: str | os.PathLike[str]) -> Path:
        """Per-frame evidence against t for every path, each panel saying whether its measure
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
                series = {n: [getattr(e, key) for e in self.evidence[n]] for n in self.methods}
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


def _returning_result(compute: Callable[P, Morph]) -> Callable[P, InterpolationResult]:
    """``compute`` with the same parameters and docstring, returning an InterpolationResult."""

    @functools.wraps(compute)
    def run(*args: P.args, **kwargs: P.kwargs) -> InterpolationResult:
        computed = compute(*args, **kwargs)
        return InterpolationResult(**{f.name: getattr(computed, f.name) for f in fields(Morph)})

    return run


interpolate = _returning_result(morph)
interpolate.__name__ = interpolate.__qualname__ = "interpolate"
interpolate.__doc__ = (morph.__doc__ or "").replace(
    "    Morph\n        Each method's frames, their per-frame evidence and the verdict.",
    "    InterpolationResult\n        Each method's frames, their per-frame evidence and the "
    "verdict, with ways to\n        save and show them (inline in Jupyter).",
)
