"""``five_ways``: every path method between two points of a manifold known exactly, beside the
same methods between two MNIST digits, as one lecture figure, one GIF and a results file.

On the known manifold (the rotation orbit of a digit, or lines at angle θ) each frame's distance
to the manifold is exact, and the model's floor (its own reconstructions of the true path) says
how close any decoded path could get; on MNIST only the classifier can say what a frame looks
like. The figure shows both, so a lecture can point at the path that stays on the manifold.
"""

from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.atomic import write_json_atomic
from manifoldviz.choices import METHODS
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.errors import InvalidInputError
from manifoldviz.figures.five_ways import draw_five_ways
from manifoldviz.figures.frames import Panel, compose_frame, sequence_with_holds, write_animation
from manifoldviz.figures.interpolation import METHOD_COLOURS, METHOD_LABELS
from manifoldviz.figures.style import lecture_style, new_figure, save_figure
from manifoldviz.interpolation.known_manifold import FLOOR_FACTOR, evaluate_known
from manifoldviz.interpolation.methods import check_methods
from manifoldviz.interpolation.paths import step_times
from manifoldviz.progress import Progress
from manifoldviz.reports.interpolation import InterpolationResult, interpolate
from manifoldviz.store import Store


@dataclass(frozen=True)
class FiveWays:
    """Every method on a known manifold and on an MNIST pair.

    Parameters
    ----------
    known
        :func:`~manifoldviz.interpolation.known_manifold.evaluate_known` of one pair, with its
        frames.
    mnist
        The MNIST interpolation by the same methods.
    settings
        What produced it.
    """

    known: dict[str, Any]
    mnist: InterpolationResult
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def methods(self) -> tuple[str, ...]:
        return self.mnist.methods

    @property
    def floor(self) -> float:
        return float(self.known["pairs"][0]["floor"])

    def distances(self) -> dict[str, list[float]]:
        """Each method's per-frame exact distance to the known manifold.

        Returns
        -------
        dict
            Method (and ``"true"``) -> one RMS distance per frame.
        """
        values = self.known["pairs"][0]["values"]
        return {m: list(values[m]["per_frame"]) for m in (*self.methods, "true")}

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: settings, the known pair's numbers per method and the MNIST evidence.

        Returns
        -------
        dict
            What ``results.json`` holds.
        """
        pair = self.known["pairs"][0]
        return {
            "settings": self.settings,
            "known": {
                "manifold": self.known["manifold"],
                "model": self.known["model"],
                "pair": pair,
            },
            "mnist": self.mnist.to_dict(),
        }

    def save(
        self, out_dir: str | os.PathLike[str], *, scale: int = 5, fps: float = 6
    ) -> list[Path]:
        """Write ``five_ways.png`` (and ``.svg``), ``five_ways.gif`` and ``results.json``.

        Parameters
        ----------
        out_dir
            The folder (made if missing); each file is replaced atomically.
        scale, fps
            The GIF's screen pixels per MNIST pixel and frames per second.

        Returns
        -------
        list of Path
            The files written.
        """
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        written = [write_json_atomic(folder / "results.json", self.to_dict())]
        t = list(self.mnist.t)
        distances = self.distances()
        captions = {
            m: [f"{e.predicted} {e.confidence:.0%}" for e in self.mnist.evidence[m]]
            for m in self.methods
        }
        a, b = self.mnist.digits
        known_frames = self.known["frames"][0]
        with lecture_style():
            figure = new_figure(2.6 * len(t) + 3, 1.9 * len(self.methods) + 2.2)
            draw_five_ways(
                figure,
                known_frames,
                distances,
                self.floor,
                dict(self.mnist.frames),
                captions,
                t,
                known_title=f"{self.settings['dataset']}: truth known exactly",
                mnist_title=f"MNIST: {a} → {b}",
            )
            for suffix in ("png", "svg"):
                written.append(save_figure(figure, folder / f"five_ways.{suffix}"))
        written.append(self.save_gif(folder / "five_ways.gif", scale=scale, fps=fps))
        return written

    def save_gif(self, path: str | os.PathLike[str], *, scale: int = 5, fps: float = 6) -> Path:
        """A looping GIF: the known manifold's frames on top, the MNIST frames below, one panel
        per method, each known frame captioned with its distance to the manifold.

        Parameters
        ----------
        path
            The .gif file; replaced atomically.
        scale, fps
            Screen pixels per MNIST pixel, and frames per second.

        Returns
        -------
        Path
            ``path``.
        """
        distances = self.distances()
        a, b = self.mnist.digits
        frames = []
        for i, t in enumerate(self.mnist.t):
            rows = []
            for source, title in (("known", self.settings["dataset"]), ("mnist", f"{a} → {b}")):
                panels = []
                for m in self.methods:
                    if source == "known":
                        image = self.known["frames"][0][m][i]
                        near = (
                            "near the floor" if distances[m][i] <= FLOOR_FACTOR * self.floor else ""
                        )
                        caption: tuple[str, ...] = (f"distance {distances[m][i]:.3f}", near)
                    else:
                        image = self.mnist.frames[m][i]
                        e = self.mnist.evidence[m][i]
                        caption = (f"looks like {e.predicted} ({e.confidence:.0%})", "")
                    panels.append(Panel(image, METHOD_LABELS[m], METHOD_COLOURS[m], caption))
                rows.append(compose_frame(panels, title=f"{title}    t = {t:.2f}", scale=scale))
            frames.append(np.vstack(rows))
        order, durations = sequence_with_holds(len(frames), fps=fps)
        return write_animation(path, [frames[i] for i in order], durations)

    def _repr_html_(self) -> str:
        """Show the animation inline in Jupyter."""
        with tempfile.TemporaryDirectory() as folder:
            gif = self.save_gif(Path(folder) / "five_ways.gif", scale=3)
            encoded = base64.b64encode(gif.read_bytes()).decode("ascii")
        return f'<img src="data:image/gif;base64,{encoded}" alt="ways from A to B"/>'


def five_ways(
    a: int = 3,
    b: int = 8,
    *,
    methods: tuple[str, ...] | list[str] = METHODS,
    dataset: str = "rotation",
    model: str = "dense",
    latent_dim: int = 16,
    n_steps: int = 9,
    seed: int = 0,
    model_seed: int = 0,
    orbit: tuple[int, int] = (3, 0),
    data: str | os.PathLike[str] | MnistData | None = None,
    limit: int | None = None,
    quick: bool = False,
    store: Store | None = None,
    progress: Progress | None = None,
) -> FiveWays:
    """Every path method on a manifold known exactly and between two MNIST digits.

    Parameters
    ----------
    a, b
        The MNIST digits.
    methods
        The methods (:data:`~manifoldviz.choices.METHODS`, all by default).
    dataset
        The known manifold: ``"rotation"`` or ``"lines"``.
    model, latent_dim
        The autoencoder used on both.
    n_steps
        Frames per path.
    seed, model_seed
        Pick the pairs, and train the models.
    orbit
        (digit, index) of the training image whose rotations make the ``rotation`` manifold.
    data, limit
        The MNIST source and subset size, or loaded data.
    quick
        The known manifold's smaller training set and fewer epochs (tests, quick galleries).
    store, progress
        The model cache and progress lines.

    Returns
    -------
    FiveWays
        Both interpolations, with ``save(out_dir)`` and an inline view in Jupyter.
    """
    chosen = check_methods(methods)
    step_times(n_steps)
    if not isinstance(data, MnistData):
        data = load_mnist(data, limit=limit, seed=model_seed, progress=progress)
    store = store or Store(progress=progress)
    known = evaluate_known(
        dataset,
        model,
        latent_dim,
        seed=model_seed,
        mnist=data,
        n_pairs=1,
        n_steps=n_steps,
        methods=chosen,
        orbit=orbit,
        store=store,
        progress=progress,
        quick=quick,
    )
    failed = known["pairs"][0].get("failed", {})
    if failed:
        method, error = next(iter(failed.items()))
        raise InvalidInputError(f"{dataset}: {method}: {error}", param="methods")
    mnist = interpolate(
        a,
        b,
        methods=chosen,
        n_steps=n_steps,
        seed=seed,
        model_seed=model_seed,
        data=data,
        model=model,
        latent_dim=latent_dim,
        store=store,
        progress=progress,
    )
    settings = {
        "methods": list(chosen),
        "dataset": dataset,
        "model": model,
        "latent_dim": latent_dim,
        "n_steps": n_steps,
        "seed": seed,
        "model_seed": model_seed,
        "orbit": list(orbit),
        "quick": quick,
        "data": data.describe(),
    }
    return FiveWays(known, mnist, settings)
