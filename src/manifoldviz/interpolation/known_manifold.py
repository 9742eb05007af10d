"""Interpolation on manifolds known exactly: how far each path's frames are from the manifold.

For a known one-parameter manifold (:mod:`manifoldviz.data.known_manifolds`) an autoencoder is
trained on images sampled from it, like any other data (the cached-model path). Between pairs of
test parameters every method's path is drawn (:mod:`~manifoldviz.interpolation.methods`), beside
the true on-manifold path (the shorter arc of the parameter). For every frame the exact distance
to the manifold is the minimum over a fine grid of the parameter; a path's smoothness is
Berthelot et al.'s (2019), from the parameter of each frame's nearest manifold point.

Each pair also gets the model's **floor**: the mid-path distance of its own reconstructions of
the true path's frames, which is how close any decoded path could get. A method's frames are
then compared with that floor (the share of interior frames within 1.5 times it), and its
length in pixel space with the linear latent path's (Michelis & Becker 2021).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.choices import BOARD_METHODS
from manifoldviz.data.known_manifolds import (
    KnownManifold,
    as_mnist_data,
    known_manifold,
    shorter_arc,
)
from manifoldviz.data.sources import MnistData
from manifoldviz.interpolation import paths
from manifoldviz.interpolation.methods import GraphSource, draw_paths
from manifoldviz.models.cached import AutoencoderSpec, autoencoder
from manifoldviz.progress import Progress
from manifoldviz.seeding import rng
from manifoldviz.store import Store

#: The path every known-manifold pair also gets: the shorter arc on the manifold itself.
TRUE_PATH = "true"
#: Per-path numbers, and whether higher is better (None: descriptive, never tested: a path on
#: a curved manifold is rightly longer than a straight one). ``distance`` is the RMS pixel
#: distance to the manifold averaged over the interior frames, ``mid_distance`` over the
#: middle half of the path (0.25 <= t <= 0.75), ``cosine_distance`` Berthelot et al.'s cosine
#: distance over the interior; ``within_floor`` the share of interior frames within
#: :data:`FLOOR_FACTOR` times the pair's floor; ``relative_length`` the path's pixel-space
#: length over the linear latent path's (Michelis & Becker 2021).
KNOWN_MEASURES: dict[str, bool | None] = {
    "distance": False,
    "mid_distance": False,
    "cosine_distance": False,
    "smoothness": False,
    "within_floor": True,
    "relative_length": None,
}
#: A frame "reaches the floor" within this factor of the model's own reconstruction distance.
FLOOR_FACTOR = 1.5


def smoothness(angles: npt.ArrayLike) -> float:
    """Berthelot et al.'s smoothness of one interpolation, from the parameter of each frame.

    The angles are unwrapped; each step's absolute change is divided by the total change from
    the first frame to the last, and the score is the largest of these minus ``1 / (n - 1)``:
    0 when every step moves the same amount, up to 1 - 1/(n - 1) when one step makes the whole
    change (as a pixel blend of two lines does). NaN when the total change is zero.

    Parameters
    ----------
    angles
        (n,) parameters (radians) of the frames, in path order.

    Returns
    -------
    float
        The smoothness score (lower is smoother).
    """
    unwrapped = np.unwrap(np.asarray(angles, np.float64))
    total = abs(unwrapped[-1] - unwrapped[0])
    if len(unwrapped) < 3 or total < 1e-4:
        return float("nan")
    steps = np.abs(np.diff(unwrapped)) / total
    return float(steps.max() - 1.0 / (len(unwrapped) - 1))


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
    name: str,
    mnist: MnistData | None,
    *,
    seed: int,
    quick: bool = False,
    orbit: tuple[int, int] = (3, 0),
) -> tuple[KnownManifold, MnistData, KnownRecipe]:
    """The manifold, its training/test images as data, and the training recipe.

    Parameters
    ----------
    name
        ``"lines"`` or ``"rotation"``.
    mnist
        MNIST (the rotation orbit's digit comes from its training images).
    seed
        Seeds the sampled angles.
    quick
        A tenth of the training images (at least 200) and half the epochs: for tests.
    orbit
        (digit, index): the rotation orbit is that of the ``index``-th training image of
        ``digit``.

    Returns
    -------
    tuple
        The manifold, the data and the recipe.
    """
    manifold = known_manifold(name, mnist, digit=orbit[0], index=orbit[1])
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


def path_length(frames: npt.ArrayLike) -> float:
    """The pixel-space length of a path: the sum of its steps' Euclidean lengths."""
    flat = np.asarray(frames, np.float64).reshape(len(np.asarray(frames)), -1)
    return float(np.linalg.norm(np.diff(flat, axis=0), axis=1).sum())


def _middle(t: FloatArray) -> npt.NDArray[np.bool_]:
    middle = (t >= 0.25) & (t <= 0.75)
    return middle if middle.any() else np.ones_like(middle)


def floor_distance(
    manifold: KnownManifold, ae: Any, true_frames: FloatArray, t: FloatArray
) -> float:
    """The model's floor on one pair: the mid-path distance to the manifold of its own
    reconstructions of the true path's frames (how close any decoded path could get)."""
    flat = np.asarray(true_frames, np.float32).reshape(len(t), -1)
    rebuilt = np.clip(ae.decode(ae.encode(flat)), 0, 1)
    rms, _, _ = manifold.nearest(rebuilt)
    return float(rms[_middle(t)].mean())


def path_numbers(
    manifold: KnownManifold,
    frames: FloatArray,
    t: FloatArray,
    *,
    floor: float | None = None,
    linear_length: float | None = None,
) -> dict[str, Any]:
    """Every :data:`KNOWN_MEASURES` number of one path, and its per-frame distances."""
    rms, cosine, at = manifold.nearest(frames)
    inner = slice(1, -1) if len(t) > 2 else slice(None)
    within = float((rms[inner] <= FLOOR_FACTOR * floor).mean()) if floor is not None else None
    length = path_length(frames)
    relative = length / linear_length if linear_length else None
    return {
        "distance": round(float(rms[inner].mean()), 5),
        "mid_distance": round(float(rms[_middle(t)].mean()), 5),
        "cosine_distance": round(float(cosine[inner].mean()), 5),
        "smoothness": _json_number(smoothness(at)),
        "within_floor": None if within is None else round(within, 5),
        "relative_length": None if relative is None else _json_number(relative),
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
    methods: tuple[str, ...] = BOARD_METHODS,
    endpoints: str = "original",
    orbit: tuple[int, int] = (3, 0),
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
    methods
        The paths drawn (:data:`~manifoldviz.choices.METHODS`); the true path is drawn too.
    endpoints
        ``"original"``: pixel-space paths run between the manifold's images;
        ``"reconstructed"``: between their reconstructions, where the latent paths start and end.
    orbit
        (digit, index) of the training image whose rotations make the ``rotation`` manifold.
    store, progress
        The model cache and progress lines.
    quick
        Smaller data and fewer epochs (tests).
    keep_frames
        How many pairs keep their frames (for figures).

    Returns
    -------
    dict
        ``pairs`` (per pair: angles, the floor, per path :data:`KNOWN_MEASURES` with per-frame
        distances, and whether iterative methods converged), ``frames`` (the first
        ``keep_frames`` pairs' images per path, as arrays), ``model`` (its test loss and epochs)
        and ``manifold`` (its description).
    """
    manifold, data, recipe = known_data(name, mnist, seed=seed, quick=quick, orbit=orbit)
    spec = AutoencoderSpec(
        architecture=architecture,
        latent_dim=latent_dim,
        n_epochs=recipe.n_epochs,
        batch_size=recipe.batch_size,
    )
    store = store or Store()
    ae = autoencoder(data, spec, seed=seed, store=store, progress=progress)
    graph = GraphSource(data, store, progress)
    drawn_methods = tuple(dict.fromkeys(("linear", *methods)))  # linear: the length reference
    t = paths.step_times(n_steps)
    pairs, frames = [], []
    for i, (angle_a, angle_b) in enumerate(pair_angles(n_pairs, seed=seed)):
        images = manifold.image_at([angle_a, angle_b])
        failed: dict[str, str] = {}
        computed = draw_paths(
            drawn_methods, ae, images, n_steps, endpoints=endpoints, graph=graph, failures=failed
        )
        drawn = {m: computed[m].frames for m in methods if m in computed}
        drawn[TRUE_PATH] = manifold.image_at(shorter_arc(float(angle_a), float(angle_b), n_steps))
        floor = floor_distance(manifold, ae, drawn[TRUE_PATH], t)
        linear_length = path_length(computed["linear"].frames)
        numbers = {
            k: path_numbers(manifold, v, t, floor=floor, linear_length=linear_length)
            for k, v in drawn.items()
        }
        converged = {
            m: c.converged for m, c in computed.items() if m in methods and c.converged is not None
        }
        pairs.append(
            {
                "pair": i,
                "a": float(angle_a),
                "b": float(angle_b),
                "floor": round(floor, 5),
                "values": numbers,
                **({"converged": converged} if converged else {}),
                **({"failed": failed} if failed else {}),
            }
        )
        if i < keep_frames:
            frames.append({k: v.reshape(-1, 28, 28) for k, v in drawn.items()})
    return {
        "pairs": pairs,
        "frames": frames,
        "model": {"test_loss": ae.info.get("test_loss"), "n_epochs": ae.info.get("n_epochs")},
        "manifold": manifold.description,
    }


def path_means(pairs: list[Mapping[str, Any]], path: str, measure: str) -> FloatArray:
    """One value per pair of ``measure`` on ``path`` (NaN where undefined)."""
    values = [p["values"].get(path, {}).get(measure) for p in pairs]
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
