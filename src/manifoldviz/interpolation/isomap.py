"""Interpolation through the data: the shortest path in a nearest-neighbour graph (numpy/scipy).

Isomap's idea (Tenenbaum, de Silva & Langford, Science 2000, "A global geometric framework for
nonlinear dimensionality reduction"): distances along a manifold are approximated by shortest
paths in a graph that links each sample to its nearest neighbours. Between two images, the
chain of training images along that path is an interpolation that never leaves the data; graph
solvers of this kind are the baselines of Arvanitidis, Hansen & Hauberg (ICLR 2018) and Chen et
al. (2019, "Fast approximate geodesics for deep generative models"). The points are whatever the
caller gives: the training images in pixel space (flattened) or their latent codes.

A graph path is only as good as its edges: one edge across a gap between two parts of the data
(two arms of a "C", two digits far apart along the manifold but close in pixels) is a shortcut,
and the path jumps instead of morphing. Three guards, each shown to be needed in
``tests/interpolation/test_isomap.py`` on a horseshoe whose arms (sampled every 0.02) face each
other across a gap:

1. **Small k, symmetric graph.** Each point links to its ``k`` (default 10) nearest neighbours,
   an edge kept when either end chose it. With k = 70, edges reach across a gap of 0.5 and
   textbook Isomap (Euclidean edge lengths, no cutoff) takes one; across a gap of 0.3 even
   squared weights take one with k = 20, while k = 10 goes round.
2. **Squared-distance weights.** A path costs the sum of its squared steps, a density-based
   distance (Bijral, Ratliff & Srebro, UAI 2011): one jump of length ``L`` costs ``L²``, the
   same distance walked in ``n`` short steps ``L²/n``, so paths keep to dense regions. With
   k = 70 and the gap of 0.5, this alone keeps the path on the arms.
3. **A length cutoff.** An edge longer than ``CUTOFF_FACTOR`` × the ``CUTOFF_QUANTILE``
   quantile of all k-th-neighbour distances is dropped. One stray point in the gap (noise, an
   odd digit) otherwise bridges it with two medium edges that beat the long way round even with
   squared weights and k = 10. On 4,000 real MNIST training digits (k = 10) the default cutoff
   drops no edge and the graph is connected; a factor of 1.0 instead of 1.5 would drop 5.7 % of
   the edges and split off 48 components, 45 of them single digits.

Cost of the exact graph: ``2 n² D`` flops in float32 matrix products (``|x|² - 2x·y + |y|²``,
block against block), plus re-ranking the candidates by exact differences; about twice the bare
products' time, growing as ``n²`` (the 60,000 MNIST training images: 5.6 Tflop, under a minute
on two cores, BENCHMARKS.md), with about 100 MB of working memory beyond the images at the
default block of 2,048. Build it once and keep it (:meth:`NeighbourGraph.to_arrays`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError, PathError
from manifoldviz.progress import report_step

#: Edges longer than CUTOFF_FACTOR × this quantile of the k-th-neighbour distances are dropped.
CUTOFF_QUANTILE = 0.9
CUTOFF_FACTOR = 1.5
#: Extra candidates kept by the float32 search before exact re-ranking (ties within rounding).
MARGIN = 8
#: Weight of an edge between identical points (a weight of 0 would be no edge to scipy).
TINY_WEIGHT = 1e-300


@dataclass(frozen=True)
class NeighbourGraph:
    """The guarded k-nearest-neighbour graph of ``n`` points, as plain arrays.

    Parameters
    ----------
    indices
        (n, k) int32: each point's k nearest other points, nearest first; -1 where the edge was
        dropped by the cutoff.
    distances
        (n, k) float32 Euclidean distances of those edges; ``inf`` where dropped.
    k
        Neighbours per point.
    cutoff
        The longest edge kept (``inf`` when no cutoff was applied).
    """

    indices: npt.NDArray[np.int32]
    distances: npt.NDArray[np.float32]
    k: int
    cutoff: float

    @property
    def n(self) -> int:
        """Points in the graph."""
        return len(self.indices)

    def to_arrays(self) -> dict[str, Any]:
        """The graph as plain arrays for ``np.savez`` (no pickles).

        Typed ``Any`` like the library's other ``to_arrays``: ``np.savez(path, **arrays)`` then
        type-checks (mypy reads a ``dict[str, ndarray]`` as possibly holding ``allow_pickle``).
        """
        return {
            "indices": self.indices,
            "distances": self.distances,
            "k": np.array(self.k, np.int64),
            "cutoff": np.array(self.cutoff, np.float64),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> NeighbourGraph:
        """The graph saved by :meth:`to_arrays` (a dict or an opened ``.npz``), checked."""
        missing = {"indices", "distances", "k", "cutoff"} - set(arrays.keys())
        if missing:
            raise InvalidInputError(
                f"a neighbour graph needs arrays {', '.join(sorted(missing))}", param="graph"
            )
        indices = np.asarray(arrays["indices"])
        distances = np.asarray(arrays["distances"])
        k = int(np.asarray(arrays["k"]))
        if (
            indices.ndim != 2
            or indices.shape != distances.shape
            or indices.shape[1] != k
            or not np.issubdtype(indices.dtype, np.integer)
            or (indices.size and not -1 <= indices.min() <= indices.max() < len(indices))
        ):
            raise InvalidInputError(
                f"not a neighbour graph: indices {indices.shape}, distances {distances.shape}, "
                f"k={k}",
                param="graph",
            )
        return cls(
            indices.astype(np.int32),
            distances.astype(np.float32),
            k,
            float(np.asarray(arrays["cutoff"])),
        )

    def adjacency(self, extra: int = 0) -> csr_matrix:
        """The symmetric graph as a sparse matrix of squared-distance weights.

        An edge is kept when either end chose it. ``extra`` appends that many unlinked nodes
        (for endpoints attached by :func:`graph_path`).
        """
        rows = np.repeat(np.arange(self.n), self.k)
        cols = self.indices.ravel().astype(np.int64)
        keep = cols >= 0
        weights = np.maximum(self.distances.ravel()[keep].astype(np.float64) ** 2, TINY_WEIGHT)
        size = self.n + extra
        directed = coo_matrix((weights, (rows[keep], cols[keep])), shape=(size, size)).tocsr()
        return csr_matrix(directed.maximum(directed.T))


def neighbour_graph(
    points: npt.NDArray[np.generic],
    *,
    k: int = 10,
    progress: Callable[[str], None] | None = None,
    batch: int = 2048,
    cutoff_factor: float | None = CUTOFF_FACTOR,
) -> NeighbourGraph:
    """The exact k-nearest-neighbour graph of ``points``, guarded against shortcut edges.

    Exact: each block of ``batch`` points is compared with every block of ``batch`` points by
    ``|x|² - 2x·y + |y|²`` in float32 (a matrix product), the ``k + MARGIN`` best kept, and
    those re-ranked by their exact float64 distances (ties by index), so float32 rounding
    cannot change which neighbours are found. Memory: a few ``batch × batch`` blocks (about
    100 MB at 2048). See the module docstring for the guards and for the cost.

    Parameters
    ----------
    points
        (n, ...) points, flattened per row; uint8 rows (images) are read as value/255.
    k
        Neighbours per point (small: the first guard).
    progress
        Called with a line such as ``"neighbour graph: 4,096 of 60,000 points"`` per block.
    batch
        Points per block.
    cutoff_factor
        Drop edges longer than this × the ``CUTOFF_QUANTILE`` quantile of the k-th-neighbour
        distances; None keeps every edge.

    Returns
    -------
    NeighbourGraph
        The graph with its cutoff.
    """
    rows = _rows(points)
    if not 1 <= k < len(rows):
        raise InvalidInputError(
            f"k must be between 1 and the number of points - 1 ({len(rows) - 1}), got {k}",
            param="k",
        )
    if batch < 1:
        raise InvalidInputError(f"batch must be >= 1, got {batch}", param="batch")
    if cutoff_factor is not None and not cutoff_factor > 0:
        raise InvalidInputError(
            f"cutoff_factor must be > 0 or None, got {cutoff_factor}", param="cutoff_factor"
        )
    # Identical points (lines drawn at nearly the same angle rasterise to the same image) would
    # fill each other's neighbour lists with zero-length edges and cut the graph into islands of
    # copies: the graph is built on the distinct points, and each copy is tied to its original.
    distinct, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if len(distinct) < len(rows):
        if len(distinct) < 2:
            raise InvalidInputError("every point is the same: there is no graph", param="points")
        order = np.sort(first)  # the distinct points, in their original order
        graph = neighbour_graph(
            rows[order],
            k=min(k, len(order) - 1),
            progress=progress,
            batch=batch,
            cutoff_factor=cutoff_factor,
        )
        return _with_copies(graph, order, inverse, first, k)
    indices = np.empty((len(rows), k), np.int32)
    distances = np.empty((len(rows), k), np.float32)
    squares = _squares(rows, batch)
    for start in range(0, len(rows), batch):
        block = _block(rows, start, start + batch)
        found, lengths = _nearest(rows, squares, block, k, batch, first=start)
        indices[start : start + len(block)] = found
        distances[start : start + len(block)] = lengths
        done = min(start + batch, len(rows))
        report_step(
            progress,
            f"neighbour graph: {done:,} of {len(rows):,} points",
            label="neighbour graph",
            done=done,
            total=len(rows),
            unit="point",
        )
    cutoff = np.inf
    if cutoff_factor is not None:
        cutoff = cutoff_factor * float(np.quantile(distances[:, -1], CUTOFF_QUANTILE))
        dropped = distances > cutoff
        indices[dropped] = -1
        distances[dropped] = np.inf
    return NeighbourGraph(indices, distances, k, float(cutoff))


def _with_copies(
    graph: NeighbourGraph,
    order: npt.NDArray[np.intp],
    inverse: npt.NDArray[np.intp],
    first: npt.NDArray[np.intp],
    k: int,
) -> NeighbourGraph:
    """The graph of the distinct points ``order`` spread back over every point: an original
    keeps its neighbours; a copy gets its original (at distance 0) and the original's first
    ``k - 1`` neighbours."""
    n = len(inverse)
    original = first[inverse]  # each point's first occurrence, an index into all points
    mapped = np.where(graph.indices >= 0, order[np.maximum(graph.indices, 0)], -1)
    row_of = np.empty(n, np.intp)
    row_of[order] = np.arange(len(order))
    indices = np.full((n, k), -1, np.int32)
    distances = np.full((n, k), np.inf, np.float32)
    kept = graph.indices.shape[1]
    indices[order, :kept] = mapped
    distances[order, :kept] = graph.distances
    copies = np.flatnonzero(original != np.arange(n))
    source = row_of[original[copies]]
    indices[copies, 0] = original[copies]
    distances[copies, 0] = 0.0
    width = min(k - 1, kept)
    indices[copies, 1 : 1 + width] = mapped[source, :width]
    distances[copies, 1 : 1 + width] = graph.distances[source, :width]
    return NeighbourGraph(indices, distances, k, graph.cutoff)


def graph_path(
    graph: NeighbourGraph,
    points: npt.NDArray[np.generic],
    start: FloatArray,
    end: FloatArray,
    *,
    k_attach: int | None = None,
) -> npt.NDArray[np.intp]:
    """The chain of points on the shortest graph path from ``start`` to ``end``.

    ``start`` and ``end`` (e.g. two test images, not in ``points``) are attached to their
    ``k_attach`` nearest points (default the graph's k) by edges no longer than the graph's
    cutoff, and Dijkstra's algorithm finds the path of least total squared step length. The two
    are never linked to each other directly: the chain always holds at least one point, so the
    path is made of data however close the endpoints are.

    Parameters
    ----------
    graph
        The graph of ``points`` from :func:`neighbour_graph`.
    points
        The (n, ...) points the graph was built on (uint8 rows read as value/255).
    start, end
        One point each, in the units of ``points`` (images in [0, 1] for uint8 images).
    k_attach
        Points each endpoint may attach to.

    Returns
    -------
    ndarray
        Indices into ``points`` of the chain from ``start`` to ``end``, endpoints excluded.

    Raises
    ------
    InvalidInputError
        When an endpoint is farther than the cutoff from every point, or the graph does not
        connect the two.
    """
    rows = _rows(points)
    if len(rows) != graph.n:
        raise InvalidInputError(
            f"the graph has {graph.n} points but {len(rows)} were given", param="points"
        )
    ends = np.stack([np.asarray(start, np.float32).ravel(), np.asarray(end, np.float32).ravel()])
    if ends.shape[1] != rows.shape[1]:
        raise InvalidInputError(
            f"start and end have {ends.shape[1]} values, the points {rows.shape[1]}", param="start"
        )
    attach = min(graph.k if k_attach is None else k_attach, graph.n)
    if attach < 1:
        raise InvalidInputError(f"k_attach must be >= 1, got {k_attach}", param="k_attach")
    found, lengths = _nearest(rows, _squares(rows, 2048), ends, attach, 2048)
    near = lengths <= graph.cutoff
    for side, name in enumerate(("start", "end")):
        if not near[side].any():
            raise PathError(
                f"the {name} is {lengths[side, 0]:.3g} from its nearest point, beyond the "
                f"graph's cutoff {graph.cutoff:.3g} (k={graph.k})"
            )
    # The endpoints are nodes n and n + 1, linked (both ways) to their near points only.
    sides, slots = np.nonzero(near)
    ends_at = graph.n + sides
    linked = found[sides, slots].astype(np.int64)
    weights = np.maximum(lengths[sides, slots].astype(np.float64) ** 2, TINY_WEIGHT)
    size = graph.n + 2
    attached = coo_matrix(
        (np.concatenate([weights, weights]), (np.r_[ends_at, linked], np.r_[linked, ends_at])),
        shape=(size, size),
    )
    adjacency = (graph.adjacency(extra=2) + attached).tocsr()
    costs, previous = dijkstra(adjacency, directed=True, indices=graph.n, return_predecessors=True)
    if not np.isfinite(costs[graph.n + 1]):
        raise PathError(
            f"the neighbour graph does not connect start to end (k={graph.k}, cutoff "
            f"{graph.cutoff:.3g}): they lie in different components; choose endpoints in one "
            "part of the data or build the graph with a larger k"
        )
    chain = []
    node = int(previous[graph.n + 1])
    while node != graph.n:
        chain.append(node)
        node = int(previous[node])
    return np.array(chain[::-1], np.intp)


def _rows(points: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    """``points`` as (n, D) rows (a view; no float copy of a large uint8 set)."""
    array = np.asarray(points)
    if array.ndim < 2 or not len(array):
        raise InvalidInputError(
            f"points must be (n, ...) with n >= 1, got shape {array.shape}", param="points"
        )
    return array.reshape(len(array), -1)


def _block(rows: npt.NDArray[np.generic], start: int, stop: int) -> FloatArray:
    """Rows ``start:stop`` as float32, uint8 read as value/255."""
    block = np.asarray(rows[start:stop], np.float32)
    return block / np.float32(255) if rows.dtype == np.uint8 else block


def _squares(rows: npt.NDArray[np.generic], batch: int) -> FloatArray:
    """Squared length of every row (float32), a block at a time."""
    return np.concatenate(
        [
            np.einsum("ij,ij->i", block, block)
            for block in (_block(rows, s, s + batch) for s in range(0, len(rows), batch))
        ]
    )


def _nearest(
    rows: npt.NDArray[np.generic],
    squares: FloatArray,
    queries: FloatArray,
    k: int,
    batch: int,
    *,
    first: int | None = None,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
    """The exact ``k`` nearest rows of each query, nearest first.

    ``first`` says the queries are rows ``first:first + len(queries)`` themselves, which are
    then not their own neighbours.
    """
    n = len(rows)
    keep = min(k + MARGIN, n - (first is not None))
    query_squares = np.einsum("ij,ij->i", queries, queries)
    best = np.full((len(queries), 0), np.inf, np.float32)
    best_at = np.zeros((len(queries), 0), np.int64)
    for start in range(0, n, batch):
        block = _block(rows, start, start + batch)
        squared = queries @ block.T  # then |q|² - 2 q·r + |r|², in place (one block held)
        squared *= -2
        squared += query_squares[:, None]
        squared += squares[start : start + batch]
        if first is not None:
            own = np.arange(len(queries)) + first - start
            inside = (own >= 0) & (own < len(block))
            squared[np.flatnonzero(inside), own[inside]] = np.inf
        at = np.broadcast_to(np.arange(start, start + len(block)), squared.shape)
        if squared.shape[1] > keep:
            chosen = np.argpartition(squared, keep - 1, axis=1)[:, :keep]
            at = chosen + start
            squared = np.take_along_axis(squared, chosen, axis=1)
        best = np.concatenate([best, squared], axis=1)
        best_at = np.concatenate([best_at, at], axis=1)
        if best.shape[1] > keep:
            chosen = np.argpartition(best, keep - 1, axis=1)[:, :keep]
            best = np.take_along_axis(best, chosen, axis=1)
            best_at = np.take_along_axis(best_at, chosen, axis=1)
    exact = np.empty(best_at.shape, np.float64)
    for start in range(0, len(queries), 256):
        chosen_rows = np.asarray(best_at[start : start + 256])
        flat = _gather(rows, chosen_rows.ravel()).reshape(*chosen_rows.shape, -1)
        difference = flat.astype(np.float64) - queries[start : start + 256, None, :]
        exact[start : start + 256] = np.einsum("qkd,qkd->qk", difference, difference)
    order = np.lexsort((best_at, exact), axis=1)[:, :k]
    indices = np.take_along_axis(best_at, order, axis=1).astype(np.int32)
    distances = np.sqrt(np.take_along_axis(exact, order, axis=1)).astype(np.float32)
    return indices, distances


def _gather(rows: npt.NDArray[np.generic], which: npt.NDArray[np.int64]) -> FloatArray:
    """Rows ``which`` as float32 (uint8 read as value/255)."""
    picked = np.asarray(rows[which], np.float32)
    return picked / np.float32(255) if rows.dtype == np.uint8 else picked
