"""What the interpolation lab's page carries, decided and packed in pure functions.

The page holds the models' weights, a palette of test digits, the map's digits (and each
model's codes of them), the measures it shows (named, labelled and judged as in
:mod:`manifoldviz.interpolation.measures`), the path methods it offers (and why not the others),
and for the Isomap path a class-stratified subset of the training digits with their guarded
neighbour graph. Arrays travel as base64 of zlib data (float32, float16 and int32 split into
byte planes first, which compresses better); the page inflates them with the browser's own
``DecompressionStream``.
"""

from __future__ import annotations

import base64
import math
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from manifoldviz.choices import METHODS
from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.figures.interpolation import METHOD_COLOURS, METHOD_LABELS
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.interpolation.methods import GRAPH_SUBSTEPS
from manifoldviz.models.dense_runtime import DenseStack
from manifoldviz.seeding import rng

if TYPE_CHECKING:  # scipy.sparse is imported only when a graph is built or loaded
    from manifoldviz.interpolation.isomap import NeighbourGraph

PAGE_SUFFIXES = (".html", ".htm")
#: The measures the page computes for every frame (``SCORES`` in static/nets.js), in the order
#: its charts show them (each with its catalogue label and unit).
SHOWN_MEASURES = ("confidence", "entropy", "endpoint_mass", "reconstruction_error")
#: What the page says under a measure's chart, beside its label.
MEASURE_HINTS = {
    "entropy": f"0: sure; {math.log(10):.2f}: no idea",
    "endpoint_mass": "a good morph may hesitate between A and B, not look like a third digit",
}
#: The latent paths the page computes itself (beside the pixel path), in the selector's order.
LATENT_METHODS = ("linear", "slerp", "isomap")
#: The methods the page does not offer, and why: every method is either here or offered.
NOT_OFFERED = {
    "transport": "POT's exact solver does not run in the page",
    "geodesic": "its iterative solver is not run in the page",
}
#: Training digits the page's Isomap graph is built on: 3,000 keep the default page under 6 MB
#: (about 0.85 MB of deflated digits and graph) and a new pair's path in a few milliseconds.
GRAPH_POINTS = 3000


def pack_array(array: npt.NDArray[Any]) -> dict[str, Any]:
    """A float32, float16, int32 or uint8 array as ``{"dtype", "shape", "data"}`` for the page.

    ``data`` is base64 of zlib-compressed bytes: uint8 as they are, the wider dtypes
    little-endian with their bytes split into planes (every first byte, then every second
    byte...).

    Parameters
    ----------
    array
        A float32, float16, int32 or uint8 array of any shape.

    Returns
    -------
    dict
        JSON-ready; :func:`unpack_array` and the page's ``unpackArray`` read it back exactly.
    """
    a = np.ascontiguousarray(array)
    if a.dtype in (np.float32, np.int32, np.float16):
        dtype = str(a.dtype)
        width = a.dtype.itemsize
        raw = a.astype(_LAYOUTS[dtype]).view(np.uint8).reshape(-1, width).T.tobytes()
    elif a.dtype == np.uint8:
        raw = a.tobytes()
        dtype = "uint8"
    else:
        raise TypeError(f"the page stores float32, float16, int32 or uint8 arrays, not {a.dtype}")
    return {
        "dtype": dtype,
        "shape": list(a.shape),
        "data": base64.b64encode(zlib.compress(raw, 6)).decode("ascii"),
    }


def unpack_array(packed: dict[str, Any]) -> npt.NDArray[Any]:
    """The array :func:`pack_array` packed, bit for bit.

    Parameters
    ----------
    packed
        A dict from :func:`pack_array`.

    Returns
    -------
    numpy.ndarray
        float32, float16, int32 or uint8, in the packed shape.
    """
    raw = np.frombuffer(zlib.decompress(base64.b64decode(packed["data"])), np.uint8)
    shape = tuple(packed["shape"])
    if packed["dtype"] == "uint8":
        return raw.reshape(shape)
    layout = np.dtype(_LAYOUTS[packed["dtype"]])
    planes = raw.reshape(layout.itemsize, -1).T.copy()
    return planes.view(layout).astype(packed["dtype"]).reshape(shape)


#: The little-endian layouts of the multi-byte dtypes the page reads.
_LAYOUTS = {"float32": "<f4", "int32": "<i4", "float16": "<f2"}


def net_payload(net: DenseStack) -> dict[str, Any]:
    """A dense stack for the page: its activations and its packed ``[W0, b0, W1, b1, ...]``.

    The weights travel as float16 (the page's models are rounded to it, see
    :func:`~manifoldviz.lab.page_models.rounded`, so nothing is lost on the way).

    Parameters
    ----------
    net
        The model as the page runs it.

    Returns
    -------
    dict
        ``{"activations": [...], "weights": [packed, ...]}``.
    """
    return {
        "activations": list(net.activations),
        "weights": [pack_array(np.asarray(w, np.float16)) for w in net.weights],
    }


def measures_payload(study: ControlStudy | None) -> list[dict[str, Any]]:
    """The measures the page shows, in chart order, in the catalogue's words.

    Parameters
    ----------
    study
        The control study of these models (``None``: no measure counts as evidence).

    Returns
    -------
    list of dict
        Per measure of :data:`SHOWN_MEASURES`: ``name``, ``label``, ``higher_is_better`` and
        ``by_construction`` from :data:`~manifoldviz.interpolation.measures.MEASURES`, the
        ``unit``, ``evidence`` (it passed the controls and does not favour a path by
        construction), the study's ``reason`` and a ``hint``.
    """
    checks = {c.name: c for c in study.checks} if study is not None else {}
    shown = []
    for name in SHOWN_MEASURES:
        measure = MEASURES[name]
        check = checks.get(name)
        if check is not None:
            reason = check.reason
        elif measure.by_construction:
            reason = "not used: favours one path by construction"
        else:
            reason = "not checked on the controls"
        shown.append(
            {
                "name": name,
                "label": measure.label,
                "unit": measure.unit,
                "higher_is_better": measure.higher_is_better,
                "by_construction": measure.by_construction,
                "evidence": bool(check is not None and check.kept and not measure.by_construction),
                "reason": reason,
                "hint": MEASURE_HINTS.get(name, ""),
            }
        )
    return shown


def methods_payload() -> dict[str, Any]:
    """The path methods the page offers and those it does not, in the figures' words.

    Returns
    -------
    dict
        ``pixel`` and ``latent`` (the offered methods, each ``name``, ``label`` and ``colour``
        from :data:`~manifoldviz.figures.interpolation.METHOD_LABELS` and ``METHOD_COLOURS``),
        and ``not_offered`` (each ``name``, ``label`` and ``reason``, in the order of
        :data:`~manifoldviz.choices.METHODS`).
    """
    offered = {"pixel", *LATENT_METHODS}
    unplaced = set(METHODS) - offered - set(NOT_OFFERED)
    if unplaced:  # a new method must be offered or say why not
        raise ManifoldvizError(f"the lab neither offers nor excuses {', '.join(sorted(unplaced))}")

    def described(name: str) -> dict[str, str]:
        return {"name": name, "label": METHOD_LABELS[name], "colour": METHOD_COLOURS[name]}

    missing = [m for m in METHODS if m in NOT_OFFERED]
    return {
        "pixel": described("pixel"),
        "latent": [described(name) for name in LATENT_METHODS],
        "not_offered": [{**described(m), "reason": NOT_OFFERED[m]} for m in missing],
    }


def graph_payload(
    x: npt.NDArray[np.uint8],
    y: npt.NDArray[np.integer],
    index: npt.NDArray[np.integer],
    graph: NeighbourGraph,
) -> dict[str, Any]:
    """The Isomap graph for the page: its training digits and the guarded neighbour graph.

    Parameters
    ----------
    x, y, index
        The graph's training digits (uint8, n×28×28), their labels and training-set indices.
    graph
        Their neighbour graph from :func:`~manifoldviz.interpolation.isomap.neighbour_graph`.

    Returns
    -------
    dict
        Packed ``x`` (n, 784), ``y``, ``index``, ``indices`` (n, k) int32 (-1: dropped) and
        ``distances`` (n, k) float32, with ``k``, ``cutoff`` and ``substeps`` (decoded points
        per graph edge, as :data:`~manifoldviz.interpolation.methods.GRAPH_SUBSTEPS`).
    """
    if graph.n != len(x):
        raise InvalidInputError(
            f"the graph has {graph.n} points for {len(x)} digits", param="graph"
        )
    return {
        "x": pack_array(np.asarray(x, np.uint8).reshape(len(x), -1)),
        "y": pack_array(np.asarray(y, np.uint8)),
        "index": pack_array(np.asarray(index, np.int32)),
        "indices": pack_array(graph.indices.astype(np.int32)),
        "distances": pack_array(graph.distances.astype(np.float32)),
        "k": graph.k,
        "cutoff": graph.cutoff,
        "substeps": GRAPH_SUBSTEPS,
    }


def pick_palette(
    y: npt.NDArray[np.integer], a: int, b: int, *, per_class: int, seed: int
) -> tuple[npt.NDArray[np.int64], tuple[int, int]]:
    """Test digits to offer as endpoints: up to ``per_class`` of each class, seeded.

    Parameters
    ----------
    y
        Test labels.
    a, b
        The digits of the first pair shown.
    per_class
        How many of each class (fewer when the data has fewer).
    seed
        Seeds the pick.

    Returns
    -------
    tuple
        The chosen test indices (class by class, in label order) and the positions in them of
        the first pair: the first ``a`` and the first ``b``, or the second when ``a == b``.
    """
    generator = rng(seed, "explore-palette")
    chosen: list[int] = []
    for digit in range(10):
        candidates = np.flatnonzero(y == digit)
        take = min(per_class, len(candidates))
        chosen += sorted(int(i) for i in generator.choice(candidates, size=take, replace=False))
    index = np.array(chosen, dtype=np.int64)
    labels = np.asarray(y)[index]
    first: list[int] = []
    for digit, name in ((a, "a"), (b, "b")):
        spots = [int(p) for p in np.flatnonzero(labels == digit) if int(p) not in first]
        if not spots:
            raise InvalidInputError(
                f"no other test image of digit {digit} in this data", param=name
            )
        first.append(spots[0])
    return index, (first[0], first[1])


def pick_map(y: npt.NDArray[np.integer], n: int, *, seed: int) -> npt.NDArray[np.int64]:
    """A seeded, class-stratified choice of ``n`` test digits for the latent map (sorted).

    Parameters
    ----------
    y
        Test labels.
    n
        How many (all of them when the test set is smaller).
    seed
        Seeds the choice.

    Returns
    -------
    numpy.ndarray
        Sorted test indices.
    """
    return _stratified(y, n, "explore-map", seed)


def pick_graph(y: npt.NDArray[np.integer], n: int, *, seed: int) -> npt.NDArray[np.int64]:
    """A seeded, class-stratified choice of ``n`` training digits for the Isomap graph (sorted).

    Parameters
    ----------
    y
        Training labels.
    n
        How many (all of them when the training set is smaller).
    seed
        Seeds the choice (a stream of its own: not the map's digits).

    Returns
    -------
    numpy.ndarray
        Sorted training indices.
    """
    return _stratified(y, n, "explore-graph", seed)


def _stratified(
    y: npt.NDArray[np.integer], n: int, stream: str, seed: int
) -> npt.NDArray[np.int64]:
    """``n`` indices of ``y``, every class in proportion, seeded on its own ``stream``."""
    if n >= len(y):
        return np.arange(len(y), dtype=np.int64)
    generator = rng(seed, stream)
    order = generator.permutation(len(y))
    # Round-robin over classes in a shuffled order keeps every class in proportion.
    ranks = np.empty(len(y), dtype=np.int64)
    labels = np.asarray(y)[order]
    for digit in np.unique(labels):
        members = np.flatnonzero(labels == digit)
        ranks[members] = np.arange(len(members)) * len(y) // len(members)
    keep = order[np.argsort(ranks, kind="stable")[:n]]
    return np.sort(keep).astype(np.int64)


def check_page_path(path: str | os.PathLike[str]) -> Path:
    """The page's path must end in ``.html`` and its folder must exist and be writable.

    Parameters
    ----------
    path
        Where the page is to be written.

    Returns
    -------
    pathlib.Path
        The same path.
    """
    target = Path(path)
    if target.suffix.lower() not in PAGE_SUFFIXES:
        raise InvalidInputError(f"{target}: the page is written as .html", param="out")
    if target.is_dir():
        raise InvalidInputError(f"{target} is a folder; give a file name", param="out")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInputError(f"folder {folder} does not exist", param="out")
    if not os.access(folder, os.W_OK):
        raise InvalidInputError(f"folder {folder} is not writable", param="out")
    return target
