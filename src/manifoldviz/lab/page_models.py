"""The autoencoders a lab page carries: which ones, how they travel, and whether they fit.

A page may carry several autoencoders (``[("dense", 16), ("vae", 2)]``), switchable in the page.
Each runs in the browser as matrix products, so only the dense stacks do (the dense autoencoder
and the VAE, whose encoder gives its mean code). Their weights travel rounded to float16: half
the bytes of float32, which is what lets two models, the classifier, the map's digits and the
Isomap graph share one page of at most :data:`PAGE_BUDGET_BYTES`. numpy runs the same rounded
weights (:func:`rounded`), so the page and the library compute the same frames from them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from manifoldviz.arrays import FloatArray
from manifoldviz.choices import ARCHITECTURES
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.models.dense_runtime import DenseStack

#: The most a page may weigh: two models, the classifier, the map's digits and the graph fit.
PAGE_BUDGET_BYTES = 6_000_000
#: Latent sizes a page shows: a plane needs two dimensions; the budget bounds the rest.
PAGE_LATENT_RANGE = (2, 64)
#: The architectures the page runs (as matrix products), and why not the others.
PAGE_ARCHITECTURES = ("dense", "vae")
NOT_IN_PAGE = {"conv": "its convolutions do not run in the page, which runs only matrix products"}
#: The chapter's MLP (784-512-10) and each autoencoder's hidden width.
_CLASSIFIER_PARAMETERS = 784 * 512 + 512 + 512 * 10 + 10
_HIDDEN = 256
#: Packed bytes per value, rounded up from the two-model page on full MNIST (its size is in
#: BENCHMARKS.md): a float16 weight or code, deflated, in base64; a uint8 digit pixel, deflated
#: (digits are mostly blank), in base64.
_BYTES_PER_WEIGHT = 2.4
_BYTES_PER_PIXEL = 0.3
#: The Isomap graph's share per graph digit (its pixels and neighbours), and the page's own code.
_BYTES_PER_GRAPH_DIGIT = 300
_PAGE_CODE_BYTES = 140_000


def parse_models(text: str) -> tuple[tuple[str, int], ...]:
    """``"dense:16,vae:2"`` as ``(("dense", 16), ("vae", 2))``, checked (:func:`check_models`).

    Parameters
    ----------
    text
        Comma-separated ``ARCHITECTURE:LATENT`` entries.

    Returns
    -------
    tuple of (str, int)
        The models, in the page's order.
    """
    models = []
    for entry in text.split(","):
        name, _, size = entry.strip().partition(":")
        if not name or not size.strip().isdecimal():
            raise InvalidInputError(
                f"each model is ARCHITECTURE:LATENT, like dense:16; got {entry.strip()!r}",
                param="models",
            )
        models.append((name.strip(), int(size)))
    return check_models(models)


def check_models(
    models: Any, *, params: tuple[str, str, str] = ("models", "models", "models")
) -> tuple[tuple[str, int], ...]:
    """The page's models as a tuple, or one clear error: unknown, not runnable, out of range.

    Parameters
    ----------
    models
        ``(architecture, latent_dim)`` pairs, at least one, none twice.
    params
        The parameters an error names: for the list, an architecture, a latent size (one model
        given as ``model`` and ``latent_dim`` names those).

    Returns
    -------
    tuple of (str, int)
        The same models.
    """
    listed, architecture, latent = params
    checked: list[tuple[str, int]] = []
    for item in models:
        try:
            name, size = item
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"each model is (architecture, latent size), got {item!r}", param=listed
            ) from None
        if name not in ARCHITECTURES:
            raise InvalidInputError(
                f"unknown model {name!r}; the page runs {' or '.join(PAGE_ARCHITECTURES)}",
                param=architecture,
            )
        if name in NOT_IN_PAGE:
            raise InvalidInputError(
                f"the {name} autoencoder: {NOT_IN_PAGE[name]}", param=architecture
            )
        low, high = PAGE_LATENT_RANGE
        if not isinstance(size, int | np.integer) or not low <= size <= high:
            raise InvalidInputError(
                f"latent size of {name} must be {low}-{high} in the page, got {size}",
                param=latent,
            )
        if (name, int(size)) in checked:
            raise InvalidInputError(f"{name}:{size} is named twice", param="models")
        checked.append((name, int(size)))
    if not checked:
        raise InvalidInputError("the page needs at least one model", param="models")
    return tuple(checked)


def estimated_page_bytes(
    models: tuple[tuple[str, int], ...], *, map_points: int, palette: int, graph_points: int
) -> int:
    """The page's size, estimated before any model is trained (a few percent above the real one).

    Parameters
    ----------
    models
        The page's ``(architecture, latent_dim)`` models.
    map_points, palette, graph_points
        Test digits on the map, test digits offered as endpoints, digits of the Isomap graph.

    Returns
    -------
    int
        Bytes, rounded up.
    """
    weights = _CLASSIFIER_PARAMETERS
    codes = 0
    for _, latent in models:
        encoder = 784 * _HIDDEN + _HIDDEN + _HIDDEN * latent + latent
        decoder = latent * _HIDDEN + _HIDDEN + _HIDDEN * 784 + 784
        weights += encoder + decoder
        codes += map_points * latent
    digits = (map_points + palette) * 784
    total = (
        (weights + codes) * _BYTES_PER_WEIGHT
        + digits * _BYTES_PER_PIXEL
        + graph_points * _BYTES_PER_GRAPH_DIGIT
        + _PAGE_CODE_BYTES
    )
    return math.ceil(total)


def check_budget(
    models: tuple[tuple[str, int], ...], *, map_points: int, palette: int, graph_points: int
) -> None:
    """One clear error, before any training, when the page would weigh over the budget."""
    size = estimated_page_bytes(
        models, map_points=map_points, palette=palette, graph_points=graph_points
    )
    if size > PAGE_BUDGET_BYTES:
        names = ",".join(f"{name}:{latent}" for name, latent in models)
        remedy = "show fewer map points"
        if len(models) > 1:
            remedy = f"drop a model or {remedy}"
        raise InvalidInputError(
            f"a page with {names} and {map_points:,} map points would weigh about "
            f"{size / 1e6:.1f} MB, over the {PAGE_BUDGET_BYTES / 1e6:.0f} MB budget; {remedy}",
            param="models" if len(models) > 1 else "map_points",
        )


def rounded(net: DenseStack) -> DenseStack:
    """The stack with its weights rounded to float16 (kept as float32): what the page runs.

    Parameters
    ----------
    net
        A cached dense stack.

    Returns
    -------
    DenseStack
        The same layers, each weight the float16 nearest it.
    """
    weights = [np.asarray(w, np.float32).astype(np.float16).astype(np.float32) for w in net.weights]
    return DenseStack(weights, list(net.activations))


@dataclass(frozen=True, eq=False)
class PageModel:
    """One autoencoder as the page carries it.

    Parameters
    ----------
    architecture, latent_dim
        Which autoencoder (``"dense"`` or ``"vae"``) and its latent size.
    encoder, decoder
        Its stacks with float16-rounded weights (:func:`rounded`); the VAE's encoder gives its
        mean code.
    map_z
        The codes of the map's test digits under this encoder (n_map, latent_dim).
    mean
        The mean of those codes: the latent plane passes through it.
    study
        This model's control study (which measures count as evidence), or ``None``.
    test_loss
        Its reconstruction loss on the test set, as training recorded it.
    """

    architecture: str
    latent_dim: int
    encoder: DenseStack
    decoder: DenseStack
    map_z: FloatArray
    mean: FloatArray
    study: ControlStudy | None = None
    test_loss: float | None = None

    @property
    def name(self) -> str:
        """``ARCHITECTURE:LATENT``, as ``--models`` takes it."""
        return f"{self.architecture}:{self.latent_dim}"

    @property
    def label(self) -> str:
        """How the page names the model."""
        kind = "VAE" if self.architecture == "vae" else f"{self.architecture} autoencoder"
        return f"{kind}, latent {self.latent_dim}"
