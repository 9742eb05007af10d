"""Image sets whose manifold is known exactly: "on the manifold" is a distance, not a proxy.

- **lines**: 28×28 images of a line segment from the centre towards the edge at angle θ, drawn
  anti-aliased (the synthetic benchmark of Berthelot et al., ICLR 2019, "Understanding and
  Improving Interpolation in Autoencoders via an Adversarial Regularizer", at MNIST's size so
  the same models apply). One parameter, θ in [0, 2π): a closed one-dimensional manifold.
- **rotation**: the orbit of one real MNIST digit under rotation about the image centre
  (bilinear resampling). Again one parameter, the angle.

How paths are measured on them (distances, smoothness) is in
:mod:`manifoldviz.interpolation.known_manifold`.

For each, :class:`KnownManifold` holds the images on a fine grid of the parameter, and the exact
distance of any image to the manifold is the minimum over that grid (:meth:`KnownManifold.nearest
<manifoldviz.data.known_manifolds.KnownManifold.nearest>`), with the parameter where it is
reached. :func:`as_mnist_data` makes a training set that the autoencoders train on like any other
data.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.data.sources import MnistData, Source
from manifoldviz.errors import InvalidInputError
from manifoldviz.seeding import rng

KNOWN_MANIFOLDS = ("lines", "rotation")
#: Parameter grid used for exact distances: 0.05° steps.
GRID_SIZE = 7200
SIZE = 28
#: The line runs from the centre to this far from it, with this width (pixels).
LINE_LENGTH = SIZE / 2 - 1
LINE_WIDTH = 2.0
#: Sub-pixel samples per axis when drawing a line (anti-aliasing).
SUPERSAMPLE = 4


def line_images(angles: npt.ArrayLike, *, batch: int = 256) -> FloatArray:
    """Anti-aliased images of a line segment from the centre at each angle (radians).

    Each pixel's value is the share of its 4×4 sub-pixel samples within ``LINE_WIDTH / 2`` of
    the segment from the image centre to ``LINE_LENGTH`` pixels away at that angle
    (counter-clockwise from the positive x axis, y pointing up).

    Parameters
    ----------
    angles
        Angles in radians.
    batch
        Angles drawn at once (memory: batch × 12,544 floats).

    Returns
    -------
    ndarray
        (N, 28, 28) float32 in [0, 1].
    """
    angles = np.atleast_1d(np.asarray(angles, np.float64))
    offsets = (np.arange(SUPERSAMPLE) + 0.5) / SUPERSAMPLE
    rows = (np.arange(SIZE)[:, None] + offsets[None, :]).ravel()  # sub-row centres
    ys, xs = np.meshgrid(rows, rows, indexing="ij")
    centre = SIZE / 2
    px, py = xs.ravel() - centre, centre - ys.ravel()  # y up
    out = np.empty((len(angles), SIZE, SIZE), np.float32)
    for start in range(0, len(angles), batch):
        theta = angles[start : start + batch, None]
        dx, dy = np.cos(theta), np.sin(theta)
        along = np.clip(px[None] * dx + py[None] * dy, 0.0, LINE_LENGTH)
        distance = np.hypot(px[None] - along * dx, py[None] - along * dy)
        inside = (distance <= LINE_WIDTH / 2).astype(np.float32)
        pooled = inside.reshape(-1, SIZE, SUPERSAMPLE, SIZE, SUPERSAMPLE).mean(axis=(2, 4))
        out[start : start + batch] = pooled
    return out


def rotated_images(image: npt.ArrayLike, angles: npt.ArrayLike) -> FloatArray:
    """``image`` (28×28, values in [0, 1]) rotated about its centre by each angle (radians,
    counter-clockwise), bilinear, zero outside.

    Parameters
    ----------
    image
        One 28×28 image.
    angles
        Angles in radians.

    Returns
    -------
    ndarray
        (N, 28, 28) float32 in [0, 1].
    """
    from scipy.ndimage import map_coordinates

    image = np.asarray(image, np.float32).reshape(SIZE, SIZE)
    angles = np.atleast_1d(np.asarray(angles, np.float64))
    centre = (SIZE - 1) / 2
    ys, xs = np.meshgrid(np.arange(SIZE) - centre, np.arange(SIZE) - centre, indexing="ij")
    out = np.empty((len(angles), SIZE, SIZE), np.float32)
    for i, theta in enumerate(angles):
        # Output pixel (y, x) samples the input at the point rotated back by theta (y down).
        cos, sin = math.cos(theta), math.sin(theta)
        source_x = cos * xs - sin * ys + centre
        source_y = sin * xs + cos * ys + centre
        out[i] = map_coordinates(image, [source_y, source_x], order=1, mode="constant")
    return np.clip(out, 0, 1)


@dataclass(frozen=True)
class KnownManifold:
    """A one-parameter image manifold with its images on a fine grid of the parameter.

    Parameters
    ----------
    name
        ``"lines"`` or ``"rotation"``.
    grid
        The parameter's grid (radians, [0, 2π)).
    images
        (len(grid), 784) float32: the manifold's images at the grid's parameters.
    description
        What it is, for results files.
    digit
        For a rotation orbit, the digit's image (28×28, [0, 1]); None for lines.
    """

    name: str
    grid: FloatArray
    images: FloatArray
    description: str
    digit: FloatArray | None = None

    def image_at(self, angles: npt.ArrayLike) -> FloatArray:
        """The manifold's images at parameters ``angles`` (radians), (N, 784)."""
        drawn = line_images(angles) if self.digit is None else rotated_images(self.digit, angles)
        return drawn.reshape(len(drawn), -1)

    def nearest(
        self, x_flat: npt.ArrayLike, *, batch: int = 2048
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The exact distance of each image to the manifold, and where it is reached.

        The minimum over the parameter grid of (a) the root-mean-square pixel difference
        (Euclidean distance / √784) and (b) the cosine distance, the measure Berthelot et al.
        use; the parameter is the one closest in Euclidean distance.

        Parameters
        ----------
        x_flat
            (N, 784) images.
        batch
            Grid images compared at once.

        Returns
        -------
        tuple of ndarray
            RMS distances, cosine distances and the nearest parameters (radians), each (N,).
        """
        x = np.asarray(x_flat, np.float32).reshape(-1, SIZE * SIZE)
        x_sq = np.einsum("ij,ij->i", x, x)
        x_norm = np.sqrt(np.maximum(x_sq, 1e-12))
        best_sq = np.full(len(x), np.inf, np.float32)
        best_cos = np.full(len(x), np.inf, np.float32)
        best_at = np.zeros(len(x), np.int64)
        for start in range(0, len(self.grid), batch):
            block = self.images[start : start + batch]
            block_sq = np.einsum("ij,ij->i", block, block)
            dot = x @ block.T
            squared = x_sq[:, None] - 2 * dot + block_sq[None, :]
            cosine = 1 - dot / (x_norm[:, None] * np.sqrt(np.maximum(block_sq, 1e-12))[None, :])
            index = squared.argmin(axis=1)
            value = squared[np.arange(len(x)), index]
            better = value < best_sq
            best_sq = np.where(better, value, best_sq)
            best_at = np.where(better, index + start, best_at)
            best_cos = np.minimum(best_cos, cosine.min(axis=1))
        rms = np.sqrt(np.maximum(best_sq, 0) / (SIZE * SIZE)).astype(np.float32)
        return rms, best_cos.astype(np.float32), self.grid[best_at].astype(np.float32)


@functools.cache
def lines_manifold(*, grid_size: int = GRID_SIZE) -> KnownManifold:
    """The lines manifold on a grid of ``grid_size`` angles (drawn once per process)."""
    grid = np.linspace(0, 2 * np.pi, grid_size, endpoint=False).astype(np.float32)
    return KnownManifold(
        name="lines",
        grid=grid,
        images=line_images(grid).reshape(grid_size, -1),
        description=(
            f"anti-aliased line segments from the centre, length {LINE_LENGTH:g} px, width "
            f"{LINE_WIDTH:g} px, angle in [0, 2π) (Berthelot et al. 2019, at 28×28)"
        ),
    )


def rotation_manifold(digit: npt.ArrayLike, *, grid_size: int = GRID_SIZE) -> KnownManifold:
    """The rotation orbit of ``digit`` (28×28, uint8 or [0, 1]) on a grid of angles."""
    image = np.asarray(digit)
    image = image / np.float32(255) if image.dtype == np.uint8 else image.astype(np.float32)
    grid = np.linspace(0, 2 * np.pi, grid_size, endpoint=False).astype(np.float32)
    return KnownManifold(
        name="rotation",
        grid=grid,
        images=rotated_images(image, grid).reshape(grid_size, -1),
        description="rotations of one MNIST training digit about the image centre (bilinear)",
        digit=image.astype(np.float32),
    )


def known_manifold(
    name: str, data: MnistData | None = None, *, digit: int = 3, index: int = 0
) -> KnownManifold:
    """The known manifold called ``name``.

    Parameters
    ----------
    name
        ``"lines"`` or ``"rotation"``.
    data
        For ``"rotation"``: the MNIST data whose training images of ``digit`` are rotated.
    digit, index
        The ``index``-th training image of ``digit`` is the one rotated (``"rotation"``
        only; 0 is the first).

    Returns
    -------
    KnownManifold
        The manifold with its fine parameter grid.
    """
    if name == "lines":
        return lines_manifold()
    if name == "rotation":
        if data is None:
            raise InvalidInputError("the rotation orbit needs MNIST data", param="data")
        found = np.flatnonzero(data.y_train == digit)
        if not 0 <= index < len(found):
            raise InvalidInputError(
                f"the training data has {len(found)} images of digit {digit}, so no index {index}",
                param="orbit",
            )
        return rotation_manifold(data.x_train[found[index]])
    raise InvalidInputError(
        f"unknown manifold {name!r}; choose from {', '.join(KNOWN_MANIFOLDS)}", param="manifold"
    )


def as_mnist_data(
    manifold: KnownManifold,
    *,
    n_train: int,
    n_test: int,
    seed: int,
    train_on_grid: bool = False,
) -> MnistData:
    """A training and a test set drawn from the manifold, as :class:`MnistData` (uint8 images).

    Labels are the angle in ten bins of 36°. Training angles are ``n_train`` evenly spaced
    angles when ``train_on_grid`` (the issue's 720 rotations: every half degree), else uniform
    at random; test angles are always uniform at random (seeded).

    Parameters
    ----------
    manifold
        The manifold to sample.
    n_train, n_test
        Images per split.
    seed
        Seeds the angles.
    train_on_grid
        Evenly spaced training angles instead of random ones.

    Returns
    -------
    MnistData
        Its source is ``known-manifold`` with the manifold's name.
    """
    generator = rng(seed, "known-manifold", manifold.name)
    if train_on_grid:
        train_angles = np.linspace(0, 2 * np.pi, n_train, endpoint=False)
    else:
        train_angles = generator.uniform(0, 2 * np.pi, n_train)
    test_angles = generator.uniform(0, 2 * np.pi, n_test)

    def split(angles: np.ndarray) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
        images = manifold.image_at(angles).reshape(-1, SIZE, SIZE)
        labels = np.floor(angles / (2 * np.pi) * 10).astype(np.uint8) % 10
        return np.round(images * 255).astype(np.uint8), labels

    (x_train, y_train), (x_test, y_test) = split(train_angles), split(test_angles)
    return MnistData(
        x_train,
        y_train,
        x_test,
        y_test,
        Source("known-manifold", manifold.name),
        notices=(manifold.description,),
    )


def shorter_arc(start: float, end: float, n_steps: int) -> FloatArray:
    """``n_steps`` angles from ``start`` to ``end`` the shorter way round (radians)."""
    delta = (end - start + np.pi) % (2 * np.pi) - np.pi
    return (start + np.linspace(0.0, 1.0, n_steps) * delta).astype(np.float32)
