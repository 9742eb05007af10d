"""Interpolation on manifolds known exactly: how far each path's frames are from the manifold.

For a known one-parameter manifold (:mod:`manifoldviz.data.known_manifolds`) an autoencoder is
trained on images sampled from it, like any other data (the cached-model path). Between pairs of
test parameters four paths are drawn: the pixel path, the decoded latent paths (linear and
slerp) and the true on-manifold path (the shorter arc of the parameter). For every frame the
exact distance to the manifold is the minimum over a fine grid of the parameter; a path's
smoothness is Berthelot et al.'s (2019), from the parameter of each frame's nearest manifold
point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.data.known_manifolds import (
    KnownManifold,
    as_mnist_data,
    known_manifold,
    shorter_arc,
    smoothness,
)
from manifoldviz.data.sources import MnistData
from manifoldviz.interpolation import paths
from manifoldviz.models.cached import AutoencoderSpec, autoencoder
from manifoldviz.progress import Progress
from manifoldviz.seeding import rng
from manifoldviz.store import Store

#: The paths drawn between two points of a known manifold.
KNOWN_PATHS = ("pixel", "lerp", "slerp", "true")
#: Per-path numbers (all: lower is better). ``distance`` is the RMS pixel distance to the
#: manifold averaged over the interior frames, ``mid_distance`` over the middle half of the path
#: (0.25 <= t <= 0.75), ``cosine_distance`` Berthelot et al.'s cosine distance over the interior.
KNOWN_MEASURES = ("distance", "mid_distance", "cosine_distance", "smoothness")


@dataclass(frozen=True)
class KnownRecipe:
    """How a known manifold is sampled and its autoencoders trained.

    ``train_on_grid`` takes evenly spaced training parameters (the rotation orbit's 720
    half-degree rotations); the epochs give each model a few thousand updates.
    """

    n_train: int
    n_test: int
    train_on_grid: bool
    n_epochs: int
    batch_size: int


RECIPES = {
    "lines": KnownRecipe(
        n_train=10_000, n_test=1_000, train_on_grid=False, n_epochs=30, batch_size=128
    ),
    "rotation": KnownRecipe(
        n_train=720, n_test=360, train_on_grid=True, n_epochs=200, batch_size=64
    ),
}


def known_data(
    name: str, mnist: MnistData | None, *, seed: int, quick: bool = False
) -> tuple[KnownManifold, MnistData, KnownRecipe]:
    """The manifold, its training/test images as data, and the training recipe.

    Parameters
    ----------
    name
        ``"lines"`` or ``"rotation"``.
    mnist
        MNIST (the rotation orbit's digit is its first training "3").
    seed
        Seeds the sampled angles.
    quick
        A tenth of the training images (at least 200) and half the epochs: for tests.

    Returns
    -------
    tuple
        The manifold, the data and the recipe.
    """
    manifold = known_manifold(name, mnist)
    recipe = RECIPES[name]
    if quick:
        recipe = KnownRecipe(
            max(200, recipe.n_train // 10),
            max(100, recipe.n_test // 10),
            recipe.train_on_grid,
            max(5, recipe.n_epochs // 2),
            recipe.batch_size,
        )
    data = as_mnist_data(
        manifold,
        n_train=recipe.n_train,
        n_test=recipe.n_test,
        seed=seed,
        train_on_grid=recipe.train_on_grid,
    )
    return manifold, data, recipe


def pair_angles(n_pairs: int, *, seed: int) -> FloatArray:
    """``n_pairs`` pairs of parameters (radians) between 45° and 180° apart, seeded."""
    generator = rng(seed, "known-pairs")
    start = generator.uniform(0, 2 * np.pi, n_pairs)
    gap = generator.uniform(np.pi / 4, np.pi, n_pairs) * generator.choice([-1.0, 1.0], n_pairs)
    return np.stack([start, (start + gap) % (2 * np.pi)], axis=1).astype(np.float32)


def path_numbers(manifold: KnownManifold, frames: FloatArray, t: FloatArray) -> dict[str, Any]:
    """Every :data:`KNOWN_MEASURES` number of one path, and its per-frame distances."""
    rms, cosine, at = manifold.nearest(frames)
    inner = slice(1, -1) if len(t) > 2 else slice(None)
    middle = (t >= 0.25) & (t <= 0.75)
    return {
        "distance": round(float(rms[inner].mean()), 5),
        "mid_distance": round(float(rms[middle].mean() if middle.any() else rms.mean()), 5),
        "cosine_distance": round(float(cosine[inner].mean()), 5),
        "smoothness": _json_number(smoothness(at)),
        "per_frame": [round(float(v), 5) for v in rms],
        "angles": [round(float(v), 5) for v in at],
    }


def _json_number(value: float) -> float | None:
    """``value`` rounded, or None where it is undefined (JSON has no NaN)."""
    return round(value, 5) if np.isfinite(value) else None


def evaluate_known(
    name: str,
    architecture: str,
    latent_dim: int,
    *,
    seed: int,
    mnist: MnistData | None,
    n_pairs: int,
    n_steps: int,
    endpoints: str = "original",
    store: Store | None = None,
    progress: Progress | None = None,
    quick: bool = False,
    keep_frames: int = 1,
) -> dict[str, Any]:
    """Train (or load) one autoencoder on a known manifold and measure every path of many pairs.

    Parameters
    ----------
    name
        ``"lines"`` or ``"rotation"``.
    architecture, latent_dim
        The autoencoder.
    seed
        Seeds the training data, the model and the pairs.
    mnist
        MNIST, for the rotation orbit's digit.
    n_pairs, n_steps
        Pairs of test parameters, and frames per path (endpoints included).
    endpoints
        ``"original"``: the pixel path runs between the manifold's images; ``"reconstructed"``:
        between their reconstructions, where the latent paths start and end.
    store, progress
        The model cache and progress lines.
    quick
        Smaller data and fewer epochs (tests).
    keep_frames
        How many pairs keep their frames (for figures).

    Returns
    -------
    dict
        ``pairs`` (per pair: angles and, per path, :data:`KNOWN_MEASURES` with per-frame
        distances), ``frames`` (the first ``keep_frames`` pairs' images per path, as arrays),
        ``model`` (its test loss and epochs) and ``manifold`` (its description).
    """
    manifold, data, recipe = known_data(name, mnist, seed=seed, quick=quick)
    spec = AutoencoderSpec(
        architecture=architecture,
        latent_dim=latent_dim,
        n_epochs=recipe.n_epochs,
        batch_size=recipe.batch_size,
    )
    ae = autoencoder(data, spec, seed=seed, store=store or Store(), progress=progress)
    t = paths.step_times(n_steps)
    pairs, frames = [], []
    for i, (angle_a, angle_b) in enumerate(pair_angles(n_pairs, seed=seed)):
        images = manifold.image_at([angle_a, angle_b])
        codes = ae.encode(images)
        drawn: dict[str, FloatArray] = {
            "lerp": paths.linear_path(codes[0], codes[1], n_steps),
            "slerp": paths.slerp_path(codes[0], codes[1], n_steps),
        }
        drawn = {k: np.clip(ae.decode(v), 0, 1).astype(np.float32) for k, v in drawn.items()}
        if endpoints == "reconstructed":
            images = drawn["lerp"][[0, -1]]
        drawn["pixel"] = paths.linear_path(images[0], images[1], n_steps)
        drawn["true"] = manifold.image_at(shorter_arc(float(angle_a), float(angle_b), n_steps))
        numbers = {k: path_numbers(manifold, drawn[k], t) for k in KNOWN_PATHS}
        pairs.append({"pair": i, "a": float(angle_a), "b": float(angle_b), "values": numbers})
        if i < keep_frames:
            frames.append({k: drawn[k].reshape(-1, 28, 28) for k in KNOWN_PATHS})
    return {
        "pairs": pairs,
        "frames": frames,
        "model": {"test_loss": ae.info.get("test_loss"), "n_epochs": ae.info.get("n_epochs")},
        "manifold": manifold.description,
    }


def path_means(pairs: list[Mapping[str, Any]], path: str, measure: str) -> FloatArray:
    """One value per pair of ``measure`` on ``path`` (NaN where undefined)."""
    values = [p["values"][path][measure] for p in pairs]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
