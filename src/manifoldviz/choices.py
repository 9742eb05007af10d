"""Every set of choices the product offers, declared once as a ``Literal`` type beside its tuple.

The library validates against these tuples and the command line takes its ``click.Choice``
lists from them, so a new choice is added in one place. This module imports nothing, so the
command line can read it before any heavy import.
"""

from __future__ import annotations

from typing import Literal, get_args

Method = Literal["pixel", "transport", "linear", "slerp", "geodesic", "isomap"]
#: Every interpolation path method, in the order figures show them.
METHODS: tuple[Method, ...] = get_args(Method)
#: What an interpolation draws unless asked otherwise.
DEFAULT_METHODS: tuple[Method, ...] = ("pixel", "linear")
#: What the scoreboard compares unless asked otherwise (each with the pixel path).
BOARD_METHODS: tuple[Method, ...] = ("pixel", "linear", "slerp")

Architecture = Literal["dense", "conv", "vae"]
#: The autoencoders: dense, convolutional, and the book's VAE (paths use its mean code).
ARCHITECTURES: tuple[Architecture, ...] = get_args(Architecture)

Dataset = Literal["mnist", "lines", "rotation"]
#: What the scoreboard runs on: MNIST and the manifolds known exactly.
DATASETS: tuple[Dataset, ...] = get_args(Dataset)

FigureFormat = Literal["svg", "pdf"]
#: Vector formats written beside each PNG.
FIGURE_FORMATS: tuple[FigureFormat, ...] = get_args(FigureFormat)

Endpoints = Literal["original", "reconstructed"]
#: Where pixel-space paths start and end: the test images, or their reconstructions.
ENDPOINTS: tuple[Endpoints, ...] = get_args(Endpoints)
