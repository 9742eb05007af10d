"""Projecting a trajectory's snapshots to 2-D so that points move smoothly between frames.

Methods (see BENCHMARKS.md for their cost and alignment):

- ``pca``: one PCA fitted on all snapshots pooled, applied to each; deterministic and fast,
  and frames share axes by construction (the default).
- ``umap``: one UMAP of all snapshots pooled, so every snapshot lives in one shared map (faster
  than fitting the last snapshot and ``transform``-ing the others, which was measured at about
  twice the time: UMAP's transform costs nearly a fit per snapshot).
- ``umap-procrustes``: a UMAP per snapshot, each rotated/reflected/scaled onto the previous one
  (orthogonal Procrustes), so frames do not flip or spin.
- ``aligned-umap``: umap's AlignedUMAP over all snapshots (best alignment, slowest).

Before any UMAP, the snapshots are reduced to 50 principal components fitted on all of them.

Two measured choices keep UMAP fast (BENCHMARKS.md): the neighbour graph is computed exactly
(scikit-learn, brute force) and handed to UMAP, which skips pynndescent and the ~27 s numba
spends compiling it in every fresh process; and umap's own numba functions are cached on disk,
so only the first projection on a machine pays their compilation.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError

METHODS = ("pca", "umap", "umap-procrustes", "aligned-umap")


def check_method(method: str) -> str:
    if method not in METHODS:
        raise InvalidInputError(
            f"unknown projection {method!r}; choose from {', '.join(METHODS)}", param="projection"
        )
    return method


def pca_pooled(snapshots: FloatArray, *, seed: int = 0) -> tuple[FloatArray, list[float]]:
    """PCA fitted on every snapshot's points at once; returns the projections and the
    explained-variance ratio of the two axes."""
    from sklearn.decomposition import PCA

    n_snapshots, n_points, n_features = snapshots.shape
    pca = PCA(n_components=2, random_state=seed, svd_solver="randomized")
    pooled = snapshots.reshape(-1, n_features)
    projected = pca.fit_transform(pooled).reshape(n_snapshots, n_points, 2)
    return projected.astype(np.float32), [float(v) for v in pca.explained_variance_ratio_]


def reduce_pooled(snapshots: FloatArray, *, n_components: int, seed: int = 0) -> FloatArray:
    """PCA to ``n_components`` fitted on all snapshots pooled (UMAP's usual first step).

    Neighbour search and UMAP's ``transform`` scale with the input width; 50 pooled principal
    components keep the neighbourhoods and cut the projection time severalfold.
    """
    from sklearn.decomposition import PCA

    n_snapshots, n_points, n_features = snapshots.shape
    if n_features <= n_components:
        return snapshots
    pca = PCA(n_components=n_components, random_state=seed, svd_solver="randomized")
    reduced = pca.fit_transform(snapshots.reshape(-1, n_features))
    return reduced.reshape(n_snapshots, n_points, n_components).astype(np.float32)


def procrustes_onto(reference: FloatArray, moving: FloatArray) -> FloatArray:
    """``moving`` rotated/reflected, scaled and shifted to best match ``reference``."""
    ref_mean, mov_mean = reference.mean(axis=0), moving.mean(axis=0)
    a, b = reference - ref_mean, moving - mov_mean
    u, s, vt = np.linalg.svd(b.T @ a)
    rotation = u @ vt
    scale = s.sum() / max(float((b**2).sum()), 1e-12)
    return (scale * b @ rotation + ref_mean).astype(np.float32)


def umap_module() -> Any:
    """Import umap without its optional ParametricUMAP, whose import loads TensorFlow (~4 s)."""
    import sys

    if "umap" in sys.modules:
        return sys.modules["umap"]
    blocked = "umap.parametric_umap" not in sys.modules
    if blocked:
        sys.modules["umap.parametric_umap"] = None  # type: ignore[assignment]
    try:
        import umap
    finally:
        if blocked:
            del sys.modules["umap.parametric_umap"]
    return umap


UMAP_NEIGHBOURS = 15
UMAP_MIN_DIST = 0.3  # a little above umap's 0.1, so digits spread into readable clouds
UMAP_MODULES = ("umap.umap_", "umap.layouts", "umap.utils", "umap.spectral", "umap.aligned_umap")


def cache_umap_compilation() -> int:
    """Turn on numba's on-disk cache for umap's compiled functions; returns how many.

    umap declares most of its numba functions without ``cache=True``, so every fresh process
    recompiles them (about 9 s before the first layout epoch). ``enable_caching`` is what
    ``cache=True`` does; numba keeps the files beside umap or in its user-wide cache folder.
    """
    import sys

    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher
    from numba.core.errors import NumbaWarning

    warnings.filterwarnings("ignore", message=".*[Cc]annot cache", category=NumbaWarning)
    enabled = 0
    modules = [sys.modules[name] for name in UMAP_MODULES if name in sys.modules]
    for module in modules:
        for function in vars(module).values():
            if isinstance(function, Dispatcher) and isinstance(
                getattr(function, "_cache", None), NullCache
            ):
                try:
                    function.enable_caching()
                except RuntimeError:  # no writable cache folder: compile as umap would
                    continue
                enabled += 1
    return enabled


def cached_umap_module() -> Any:
    """umap, imported without TensorFlow and with its numba compilation cached on disk."""
    umap = umap_module()
    cache_umap_compilation()  # a no-op for functions already cached
    return umap


def exact_neighbours(points: FloatArray, n_neighbors: int) -> tuple[Any, Any]:
    """Exact k nearest neighbours in UMAP's layout: each point first, at distance 0.

    scikit-learn's brute-force search keeps a small heap per row, which for 50 columns and
    k = 15 is about twice as fast as our blocked matrix product plus a partial sort
    (benchmarks/bench_projection.py).
    """
    from sklearn.neighbors import NearestNeighbors

    search = NearestNeighbors(n_neighbors=n_neighbors, algorithm="brute").fit(points)
    distances, indices = search.kneighbors(points)
    return indices, distances.astype(np.float32)


POOLED_UMAP_EPOCHS = 100
"""Layout epochs for the pooled fit (umap picks 200 above 10,000 points). Measured on a
14 x 2,000-point trajectory (benchmarks/bench_projection.py): 11 s instead of 21 s, with the
last snapshot's 10-NN digit accuracy 0.932 versus 0.935 and trustworthiness 0.916 versus 0.929."""


def umap_embedding(points: FloatArray, *, seed: int, n_epochs: int | None = None) -> FloatArray:
    """A seeded 2-D UMAP of ``points`` on their exact neighbour graph (``n_epochs``: umap's
    default when None)."""
    umap = cached_umap_module()
    n_neighbors = min(UMAP_NEIGHBOURS, len(points) - 1)
    reducer = umap.UMAP(
        n_components=2,
        n_neighbors=n_neighbors,
        min_dist=UMAP_MIN_DIST,
        random_state=seed,
        n_jobs=1,
        n_epochs=n_epochs,
        precomputed_knn=(*exact_neighbours(points, n_neighbors), None),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "transform unavailable without a search index"
        return np.asarray(reducer.fit_transform(points), dtype=np.float32)


def describe(method: str) -> dict[str, Any]:
    """The settings behind a projection method, for results files."""
    check_method(method)
    if method == "pca":
        return {"method": method, "fitted_on": "all snapshots pooled", "components": 2}
    details: dict[str, Any] = {
        "method": method,
        "pre_reduction": "PCA to 50 components fitted on all snapshots pooled",
        "n_neighbors": UMAP_NEIGHBOURS,
        "min_dist": UMAP_MIN_DIST,
    }
    if method == "umap":
        details.update(
            fitted_on="all snapshots pooled",
            neighbours="exact (brute force)",
            layout_epochs=POOLED_UMAP_EPOCHS,
        )
    elif method == "umap-procrustes":
        details.update(
            fitted_on="each snapshot",
            neighbours="exact (brute force)",
            alignment="orthogonal Procrustes onto the next",
        )
    else:
        details.update(alignment="umap.AlignedUMAP")
    return details


def project(snapshots: FloatArray, method: str = "pca", *, seed: int = 0) -> FloatArray:
    """Project (n_snapshots, n_points, n_features) to (n_snapshots, n_points, 2), aligned."""
    check_method(method)
    if method == "pca":
        return pca_pooled(snapshots, seed=seed)[0]
    snapshots = reduce_pooled(snapshots, n_components=50, seed=seed)
    n_snapshots, n_points, _ = snapshots.shape
    if method == "umap":
        pooled = snapshots.reshape(n_snapshots * n_points, -1)
        embedded = umap_embedding(pooled, seed=seed, n_epochs=POOLED_UMAP_EPOCHS)
        return embedded.reshape(n_snapshots, n_points, 2)
    if method == "umap-procrustes":
        frames: list[FloatArray] = []
        for snapshot in snapshots[::-1]:  # from the trained state back to initialisation
            embedded = umap_embedding(snapshot, seed=seed)
            frames.append(procrustes_onto(frames[-1], embedded) if frames else embedded)
        return np.asarray(frames[::-1], dtype=np.float32)
    identity = {i: i for i in range(n_points)}
    aligned = cached_umap_module().AlignedUMAP(
        n_neighbors=min(UMAP_NEIGHBOURS, n_points - 1), min_dist=UMAP_MIN_DIST, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="n_jobs value", category=UserWarning)
        aligned.fit(list(snapshots), relations=[identity] * (n_snapshots - 1))
    return np.asarray(aligned.embeddings_, dtype=np.float32)


def tween(frames: FloatArray, times: list[float], n_between: int) -> tuple[FloatArray, list[float]]:
    """Insert ``n_between`` linearly interpolated frames between consecutive ones (smoothness)."""
    if n_between < 0:
        raise InvalidInputError("in-between frames must be 0 or more", param="tween")
    out, out_times = [frames[0]], [times[0]]
    for i in range(1, len(frames)):
        for j in range(1, n_between + 2):
            w = j / (n_between + 1)
            out.append((1 - w) * frames[i - 1] + w * frames[i])
            out_times.append((1 - w) * times[i - 1] + w * times[i])
    return np.asarray(out, dtype=np.float32), out_times
