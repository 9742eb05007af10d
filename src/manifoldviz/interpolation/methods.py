"""The path stage: every way from image A to image B, behind one call (``path``).

A method turns the two endpoint images into ``n_steps`` frames, using the autoencoder where it
needs one:

- ``pixel``: the straight line between the images (a cross-fade).
- ``transport``: optimal-transport displacement interpolation: ink moves instead of fading
  (:mod:`~manifoldviz.interpolation.transport`).
- ``linear``, ``slerp``: a straight line (or great circle) between the two codes, decoded.
- ``geodesic``: the shortest curve under the decoder's pull-back metric
  (:mod:`~manifoldviz.interpolation.geodesic`), decoded at even steps of image change.
- ``isomap``: the shortest path through the nearest-neighbour graph of the training images
  (:mod:`~manifoldviz.interpolation.isomap`): A, then training digits one small step apart, then
  B; their codes decoded at even steps of image change.

The Isomap graph is built in pixel space, on the training images themselves, as Isomap builds it
on data: a graph over latent codes takes shortcuts wherever the encoder folds the data onto
itself (two distant images, nearby codes). It depends on the data alone, so it is built once per
training set and kept in the model store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.choices import DEFAULT_METHODS, METHODS, Method
from manifoldviz.data.sources import MnistData
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError, PathError
from manifoldviz.interpolation import paths
from manifoldviz.progress import Progress
from manifoldviz.store import Store

#: Methods that move in pixel space; the others decode latent codes.
PIXEL_METHODS: tuple[Method, ...] = ("pixel", "transport")
LATENT_METHODS: tuple[Method, ...] = ("linear", "slerp", "geodesic", "isomap")
#: Neighbours per training image in the Isomap graph.
GRAPH_NEIGHBOURS = 10
#: Points on the discrete geodesic (stochman's choice) and decoded points per graph edge.
GEODESIC_POINTS = 20
#: Decoded points per Isomap graph edge, before the path is resampled to even steps.
GRAPH_SUBSTEPS = 4
#: Part of the graph's cache key: a change to how it is built never reuses an old one.
GRAPH_VERSION = 2


def sole_straight_latent(method: str, methods: Sequence[str]) -> bool:
    """Whether ``method`` is a straight latent path drawn as the only latent path: the classic
    two-path comparison, where it is simply "the latent path"."""
    latent = [m for m in methods if m in LATENT_METHODS]
    return method in ("linear", "slerp") and latent == [method]


def check_methods(methods: Any, *, param: str = "methods") -> tuple[Method, ...]:
    """A non-empty sequence of distinct known methods, as a tuple (one line if not)."""
    if isinstance(methods, str):
        methods = (methods,)
    chosen = tuple(methods)
    if not chosen:
        raise InvalidInputError("give at least one method", param=param)
    for method in chosen:
        if method not in METHODS:
            raise InvalidInputError(
                f"unknown method {method!r}; choose from {', '.join(METHODS)}", param=param
            )
    if len(set(chosen)) != len(chosen):
        raise InvalidInputError(f"a method is named twice in {', '.join(chosen)}", param=param)
    return chosen  # type: ignore[return-value]


@dataclass(frozen=True)
class PathFrames:
    """One method's path: its frames, the codes it decoded (latent methods), and notes.

    Parameters
    ----------
    method
        Which method made it.
    frames
        (n_steps, 784) float32 in [0, 1].
    codes
        (n_steps, d) the latent codes decoded into ``frames`` (None for pixel-space methods).
    converged
        Whether an iterative method reached its stopping rule (None for the others).
    info
        What else the method reports (the geodesic's energies, the graph path's length).
    """

    method: Method
    frames: FloatArray
    codes: FloatArray | None = None
    converged: bool | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def note(self) -> str | None:
        """One line when the method did not do what it says (an unconverged geodesic)."""
        if self.converged is False:
            return (
                f"{self.method}: the solver stopped after {self.info['n_iterations']} iterations "
                f"without converging (relative gradient {self.info['gradient_norm']:.2g}); "
                "its frames are the last iterate, not a geodesic"
            )
        return None


@dataclass
class GraphSource:
    """Where the Isomap path finds its graph: the training images and the store that keeps it.

    The graph is loaded (or built and cached) on first use only, so methods that need no graph
    never pay for it. The images stay uint8 (a view of the data, read as value/255 where
    used): a float copy of 60,000 images would cost more than the path itself.
    """

    data: MnistData
    store: Store
    progress: Progress | None = None
    _graph: Any = field(default=None, repr=False)

    @property
    def points(self) -> npt.NDArray[np.uint8]:
        """The training images, one flattened uint8 row each."""
        return self.data.x_train.reshape(len(self.data.x_train), -1)

    @property
    def graph(self) -> Any:
        if self._graph is None:
            self._graph = training_graph(
                self.data, self.points, store=self.store, progress=self.progress
            )
        return self._graph


def training_graph(
    data: MnistData,
    points: npt.NDArray[np.generic],
    *,
    store: Store,
    progress: Progress | None = None,
) -> Any:
    """The nearest-neighbour graph of the training images: from the store, or built once.

    Parameters
    ----------
    data
        The data (its fingerprint keys the entry).
    points
        Its flattened training images (uint8 rows are read as value/255).
    store
        The model store.
    progress
        Says when the graph is built (minutes on full MNIST, once).

    Returns
    -------
    NeighbourGraph
        The guarded k-nearest-neighbour graph.
    """
    from manifoldviz.interpolation.isomap import NeighbourGraph, neighbour_graph

    spec = {"data": data.fingerprint(), "k": GRAPH_NEIGHBOURS, "version": GRAPH_VERSION}

    def build(folder: Path) -> dict[str, Any]:
        if progress:
            progress(
                f"isomap graph: the {GRAPH_NEIGHBOURS} nearest neighbours of "
                f"{len(points):,} training images (once; kept in the cache)"
            )
        # A training set of a handful of images still gets a graph (each point linked to all).
        graph = neighbour_graph(points, k=min(GRAPH_NEIGHBOURS, len(points) - 1), progress=progress)
        arrays: dict[str, Any] = graph.to_arrays()
        np.savez(folder / "graph.npz", **arrays)
        return {"n_points": len(points), "k": GRAPH_NEIGHBOURS, "cutoff": float(graph.cutoff)}

    entry = store.get_or_build("isomap-graph", spec, build)
    with np.load(entry.file("graph.npz"), allow_pickle=False) as arrays:
        return NeighbourGraph.from_arrays(dict(arrays))


def _decoded(autoencoder: Any, codes: FloatArray) -> FloatArray:
    return np.clip(autoencoder.decode(np.asarray(codes, np.float32)), 0, 1).astype(np.float32)


def path(
    method: str,
    autoencoder: Any,
    x_a: FloatArray,
    x_b: FloatArray,
    n_steps: int,
    *,
    graph: GraphSource | None = None,
    z_ab: FloatArray | None = None,
) -> PathFrames:
    """``n_steps`` frames from image ``x_a`` to image ``x_b`` by ``method``.

    Parameters
    ----------
    method
        One of :data:`~manifoldviz.choices.METHODS`.
    autoencoder
        Has ``encode`` and ``decode`` on flattened [0, 1] images (a VAE's mean code).
    x_a, x_b
        The endpoint images, (784,) in [0, 1]: where pixel-space methods start and end, and what
        latent methods encode.
    n_steps
        Frames, endpoints included (2-200).
    graph
        The training graph (needed by ``isomap`` only).
    z_ab
        The two endpoint codes, when the caller has them already (2, d).

    Returns
    -------
    PathFrames
        The frames, the decoded codes and, for iterative methods, whether they converged.
    """
    check_methods((method,), param="method")
    paths.check_steps(n_steps)
    x_a = np.asarray(x_a, np.float32).ravel()
    x_b = np.asarray(x_b, np.float32).ravel()
    if method == "pixel":
        return PathFrames("pixel", paths.linear_path(x_a, x_b, n_steps))
    if method == "transport":
        from manifoldviz.interpolation.transport import transport_path

        return PathFrames("transport", transport_path(x_a, x_b, n_steps))
    if z_ab is None:
        z_ab = autoencoder.encode(np.stack([x_a, x_b]))
    z_a, z_b = np.asarray(z_ab[0], np.float32), np.asarray(z_ab[1], np.float32)
    if method in ("linear", "slerp"):
        codes = paths.PATHS[method](z_a, z_b, n_steps)
        return PathFrames(method, _decoded(autoencoder, codes), codes)  # type: ignore[arg-type]
    if method == "geodesic":
        return _geodesic(autoencoder, z_a, z_b, n_steps)
    if graph is None:
        raise InvalidInputError("the isomap method needs the training graph", param="graph")
    return _isomap(autoencoder, x_a, x_b, z_a, z_b, n_steps, graph)


def draw_paths(
    methods: tuple[str, ...],
    autoencoder: Any,
    x_ab: FloatArray,
    n_steps: int,
    *,
    endpoints: str = "original",
    graph: GraphSource | None = None,
    failures: dict[str, str] | None = None,
) -> dict[str, PathFrames]:
    """Every method's path between the two images ``x_ab`` (2, 784), encoded once.

    With ``endpoints="reconstructed"`` pixel-space methods run between the autoencoder's
    reconstructions, where latent methods start and end, so the paths differ only in the path.
    A method that cannot draw this pair (an Isomap graph that does not connect A to B) raises
    its one-line error, or, when ``failures`` is a dict, is left out and its error recorded
    there under its name (a study of many pairs notes the pair and goes on).
    """
    x_ab = np.asarray(x_ab, np.float32).reshape(2, -1)
    codes = autoencoder.encode(x_ab)
    if endpoints == "reconstructed":
        x_ab = _decoded(autoencoder, codes)
    drawn = {}
    for m in methods:
        try:
            drawn[m] = path(m, autoencoder, x_ab[0], x_ab[1], n_steps, graph=graph, z_ab=codes)
        except PathError as exc:
            if failures is None:
                raise
            failures[m] = str(exc)
    return drawn


def _geodesic(autoencoder: Any, z_a: FloatArray, z_b: FloatArray, n_steps: int) -> PathFrames:
    from manifoldviz.interpolation.geodesic import geodesic_curve, resample_by_arclength

    solution = geodesic_curve(autoencoder.decode, z_a, z_b, n_points=GEODESIC_POINTS)
    codes = resample_by_arclength(solution.z, _decoded(autoencoder, solution.z), n_steps)
    info = {
        "energy": solution.energy,
        "initial_energy": solution.initial_energy,
        "n_iterations": solution.n_iterations,
        "gradient_norm": solution.gradient_norm,
        "reason": solution.reason,
    }
    return PathFrames("geodesic", _decoded(autoencoder, codes), codes, solution.converged, info)


def _isomap(
    autoencoder: Any,
    x_a: FloatArray,
    x_b: FloatArray,
    z_a: FloatArray,
    z_b: FloatArray,
    n_steps: int,
    graph: GraphSource,
) -> PathFrames:
    from manifoldviz.interpolation.geodesic import resample_by_arclength
    from manifoldviz.interpolation.isomap import graph_path

    chain = graph_path(graph.graph, graph.points, x_a, x_b)
    nodes = np.concatenate(
        [z_a[None], autoencoder.encode(flatten_scaled(graph.data.x_train[chain])), z_b[None]]
    ).astype(np.float32)
    # Each edge decoded at a few points, so the resampling follows the decoded curve.
    t = np.linspace(0, 1, GRAPH_SUBSTEPS, endpoint=False, dtype=np.float32)[:, None]
    dense = np.concatenate(
        [nodes[i] + t * (nodes[i + 1] - nodes[i]) for i in range(len(nodes) - 1)] + [nodes[-1:]]
    )
    codes = resample_by_arclength(dense, _decoded(autoencoder, dense), n_steps)
    info = {"chain": [int(i) for i in chain], "n_training_images": len(chain)}
    return PathFrames("isomap", _decoded(autoencoder, codes), codes, None, info)


__all__ = [
    "DEFAULT_METHODS",
    "LATENT_METHODS",
    "METHODS",
    "PIXEL_METHODS",
    "GraphSource",
    "Method",
    "PathFrames",
    "check_methods",
    "draw_paths",
    "path",
    "sole_straight_latent",
    "training_graph",
]
