"""Exact nearest-neighbour distances to a large reference set, without reading all of it.

Every interpolation frame is scored by its distance to the nearest training digit: a brute-force
search reads all 60,000 training images (47 MB) for every call. An index keeps, for each
reference row, its coordinates along a few principal directions and the length of the part those
directions miss. For a query, Pythagoras and the reverse triangle inequality turn these into a
lower bound on its distance to every row at once, from a few numbers per row; only rows whose
bound beats the best distance found so far are read in full. The result is the brute-force
answer (the bounds only decide what need not be read), in a few milliseconds instead of a scan.

The basis only has to be orthonormal for the bounds to hold; principal directions of a sample of
rows make them tight, so few rows are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.seeding import rng

#: Principal directions kept per reference row.
DIRECTIONS = 128
#: Reference rows the principal directions are fitted to.
FIT_ROWS = 5000
#: Queries bounded together (their bounds against every row are held at once).
QUERY_BLOCK = 256
#: Allowance for float32 rounding in the bound, relative to the squared lengths it is made of.
#: A coordinate is a sum of up to 784 products (rounding within 784 × 6e-8 ≈ 5e-5 of the sum of
#: their sizes); the bound built from them errs by a small multiple of that, so 1e-3 keeps it a
#: lower bound. A larger allowance only reads a few more rows.
SLACK = 1e-3


def nearest_distances(
    frames: FloatArray, reference: npt.NDArray[np.generic], *, batch: int = 8192
) -> FloatArray:
    """Euclidean distance from each frame to its nearest row of ``reference``, by brute force.

    The plain search every :class:`NearestIndex` answer must equal. Computed as
    ``|f|² - 2 f·r + |r|²`` in blocks, so 60,000 training images need no more than a few tens of
    MB beyond the reference itself. A uint8 ``reference`` is read as value/255, converted one
    block at a time (no full float copy of the training set).

    Parameters
    ----------
    frames
        (N, ...) float images or feature rows.
    reference
        (M, ...) rows to search, float or uint8 (read as value/255).
    batch
        Reference rows per block.

    Returns
    -------
    ndarray
        (N,) float32 distances.
    """
    frames = frames.reshape(len(frames), -1).astype(np.float32)
    scale = np.float32(255.0) if reference.dtype == np.uint8 else np.float32(1.0)
    frames = frames * scale
    best = np.full(len(frames), np.inf, dtype=np.float32)
    frame_sq = np.einsum("ij,ij->i", frames, frames)
    for start in range(0, len(reference), batch):
        block = np.asarray(
            reference[start : start + batch].reshape(-1, frames.shape[1]), dtype=np.float32
        )
        block_sq = np.einsum("ij,ij->i", block, block)
        squared = frame_sq[:, None] - 2 * frames @ block.T + block_sq[None, :]
        best = np.minimum(best, squared.min(axis=1))
    return (np.sqrt(np.maximum(best, 0)) / scale).astype(np.float32)


@dataclass(frozen=True)
class NearestIndex:
    """Reference rows, their principal coordinates and the length of what those miss.

    Parameters
    ----------
    reference
        (M, D) rows searched, uint8 (read as value/255) or float; may be memory-mapped.
    mean, basis
        The centre (D,) and an orthonormal basis (D, K) of principal directions, in the
        reference's own units.
    coordinates
        (M, K + 2): each centred row's coordinates in the basis, the length of the rest of it
        (the part the basis misses), and its squared length.
    """

    reference: npt.NDArray[np.generic]
    mean: FloatArray
    basis: FloatArray
    coordinates: FloatArray

    @property
    def scale(self) -> np.float32:
        """Reference units per query unit: 255 for uint8 rows, else 1."""
        return np.float32(255.0) if self.reference.dtype == np.uint8 else np.float32(1.0)

    @classmethod
    def build(
        cls,
        reference: npt.NDArray[np.generic],
        *,
        directions: int = DIRECTIONS,
        seed: int = 0,
        block: int = 8192,
    ) -> NearestIndex:
        """Index ``reference`` (M, ...) rows: principal directions of a seeded sample, then the
        coordinates and residual length of every row, a block at a time."""
        from threadpoolctl import threadpool_limits

        if not len(reference):
            raise ValueError("an index needs at least one reference row")
        rows = reference.reshape(len(reference), -1)
        sample = rows[np.sort(rng(seed, "nearest-index").permutation(len(rows))[:FIT_ROWS])]
        sample = np.asarray(sample, np.float64)
        mean = sample.mean(axis=0)
        k = max(1, min(directions, sample.shape[1], len(sample)))
        # One BLAS thread: on a busy machine OpenBLAS's threads wait on each other for seconds
        # over a decomposition this size, which takes a fraction of a second on one core.
        with threadpool_limits(1, user_api="blas"):
            covariance = np.cov(sample - mean, rowvar=False, bias=True).reshape(len(mean), -1)
            _, vectors = np.linalg.eigh(covariance)
        basis = np.ascontiguousarray(vectors[:, ::-1][:, :k], np.float32)
        mean32 = mean.astype(np.float32)
        coordinates = np.empty((len(rows), k + 2), np.float32)
        for start in range(0, len(rows), block):
            centred = np.asarray(rows[start : start + block], np.float32) - mean32
            inside, missed, whole = _coordinates(centred, basis)
            coordinates[start : start + block, :-2] = inside
            coordinates[start : start + block, -2] = missed
            coordinates[start : start + block, -1] = whole
        return cls(reference, mean32, basis, coordinates)

    def distances(self, frames: FloatArray) -> FloatArray:
        """Euclidean distance from each of ``frames`` (N, ...) to its nearest reference row,
        in the frames' units (a uint8 reference is read as value/255).

        Parameters
        ----------
        frames
            (N, ...) images or feature rows, flattened to the reference's width.

        Returns
        -------
        ndarray
            (N,) float32 distances: a brute-force search's, up to float32 rounding (the rows
            read are compared by direct differences, which round less than the brute-force
            expansion ``|f|² - 2 f·r + |r|²``).
        """
        x = np.asarray(frames, np.float32).reshape(len(frames), len(self.mean)) * self.scale
        best = np.concatenate(
            [self._block(x[s : s + QUERY_BLOCK]) for s in range(0, len(x), QUERY_BLOCK)]
            or [np.zeros(0, np.float64)]
        )
        return (np.sqrt(best) / self.scale).astype(np.float32)

    def _block(self, x: FloatArray) -> npt.NDArray[np.float64]:
        """Squared nearest distances of a block of queries already in reference units."""
        rows = self.reference.reshape(len(self.reference), -1)
        centred = x - self.mean
        # |x - r|² >= |p(x) - p(r)|² + (|x - p(x)| - |r - p(r)|)², p the projection on the basis,
        # which is |x̃|² + |r̃|² - 2 (p(x)·p(r) + the residual lengths' product) for centred x̃, r̃.
        # All but |x̃|² (the same for every row of a query) is one matrix product; |x̃|² moves to
        # the threshold side of each comparison.
        inside, missed, own = _coordinates(centred, self.basis)
        query = np.concatenate(
            [-2 * inside, -2 * missed[:, None], np.ones((len(x), 1), np.float32)], axis=1
        )
        partial = query @ self.coordinates.T
        slack = SLACK * (own + float(np.max(self.coordinates[:, -1])))
        queries = np.arange(len(x))
        best = np.full(len(x), np.inf)
        first = np.argmin(partial, axis=1)
        _lower_to_exact(best, x, rows, queries, first)
        threshold = (best + slack - own).astype(np.float32)
        to_read = partial <= threshold[:, None]
        to_read[queries, first] = False
        read_queries, read_rows = np.nonzero(to_read)
        _lower_to_exact(best, x, rows, read_queries, read_rows)
        return best


def _coordinates(
    centred: FloatArray, basis: FloatArray
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.float64]]:
    """Coordinates of centred rows in the basis, the length of what the basis misses, and the
    rows' squared lengths (Pythagoras, in float64: ``|missed|² = |row|² - |inside|²``)."""
    inside = centred @ basis
    whole = np.einsum("ij,ij->i", centred, centred, dtype=np.float64)
    kept = np.einsum("ij,ij->i", inside, inside, dtype=np.float64)
    missed = np.sqrt(np.maximum(whole - kept, 0)).astype(np.float32)
    return inside, missed, whole


def _lower_to_exact(
    best: npt.NDArray[np.float64],
    x: FloatArray,
    rows: npt.NDArray[np.generic],
    queries: npt.NDArray[np.intp],
    candidates: npt.NDArray[np.intp],
    chunk: int = 4096,
) -> None:
    """Lower ``best[q]`` to the squared distance from query ``q`` to row ``r``, for each pair
    ``(q, r)`` of ``queries`` and ``candidates``, by direct differences a chunk at a time."""
    order = np.argsort(candidates, kind="stable")  # rows read in file order
    queries, candidates = queries[order], candidates[order]
    for start in range(0, len(queries), chunk):
        q, r = queries[start : start + chunk], candidates[start : start + chunk]
        difference = np.asarray(rows[r], np.float32) - x[q]
        np.minimum.at(best, q, np.einsum("ij,ij->i", difference, difference))


PARTS = ("mean", "basis", "coordinates")


def save_index(index: NearestIndex, folder: Path, name: str) -> None:
    """Write the index's own arrays (not the reference) as ``<name>-<part>.npy`` in ``folder``,
    with the reference's scale, so it is never loaded over rows of another kind."""
    for part in PARTS:
        np.save(folder / f"{name}-{part}.npy", getattr(index, part), allow_pickle=False)
    np.save(folder / f"{name}-scale.npy", np.array([index.scale]), allow_pickle=False)


def load_index(reference: npt.NDArray[np.generic], folder: Path, name: str) -> NearestIndex:
    """The index saved by :func:`save_index`, over ``reference``, its arrays memory-mapped.

    Raises
    ------
    ValueError
        When ``reference`` is not what the index was built over: another number of rows, another
        width, or another kind (uint8 images against float rows).
    """
    parts = {
        part: np.load(folder / f"{name}-{part}.npy", mmap_mode="r", allow_pickle=False)
        for part in PARTS
    }
    index = NearestIndex(reference, **parts)
    scale = float(np.load(folder / f"{name}-scale.npy", allow_pickle=False)[0])
    shape = (len(reference), int(np.prod(reference.shape[1:], dtype=np.int64)))
    expected = (len(parts["coordinates"]), len(parts["mean"]))
    whole = parts["coordinates"].shape[1] == parts["basis"].shape[1] + 2
    if shape != expected or scale != index.scale or not whole:
        raise ValueError(
            f"index {name} was built over {expected[0]} rows of width {expected[1]} at scale "
            f"{scale:g}, not {shape[0]} of width {shape[1]} at scale {index.scale:g}"
        )
    return index
