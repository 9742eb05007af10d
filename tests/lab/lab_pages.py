"""Lab pages for the tests: pages of the real shape without training, and a page opened in a
real browser with its console errors and requests recorded."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.interpolation.isomap import NeighbourGraph, neighbour_graph
from manifoldviz.interpolation.methods import GRAPH_NEIGHBOURS
from manifoldviz.lab.page import ExplorePage
from manifoldviz.lab.page_models import PageModel, rounded
from manifoldviz.lab.payload import GRAPH_POINTS, pick_graph, pick_palette
from manifoldviz.models.dense_runtime import DenseStack


def _stack(generator: np.random.Generator, sizes: list[int], activations: list[str]) -> DenseStack:
    weights: list[np.ndarray] = []
    for n_in, n_out in itertools.pairwise(sizes):
        weights.append(
            (generator.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        )
        weights.append((0.1 * generator.standard_normal(n_out)).astype(np.float32))
    return DenseStack(weights, activations)


def page_model(
    generator: np.random.Generator, architecture: str, latent: int, map_x: np.ndarray
) -> PageModel:
    """A model of the real shape, untrained, rounded as the page carries it."""
    encoder = rounded(_stack(generator, [784, 256, latent], ["relu", "linear"]))
    decoder = rounded(_stack(generator, [latent, 256, 784], ["relu", "sigmoid"]))
    map_z = encoder(flatten_scaled(map_x))
    return PageModel(architecture, latent, encoder, decoder, map_z, map_z.mean(0, dtype=np.float64))


def page_of_shape(
    mnist: Any,
    *,
    n_map: int,
    seed: int = 0,
    n_graph: int = GRAPH_POINTS,
    graph: NeighbourGraph | None = None,
    models: tuple[tuple[str, int], ...] = (("dense", 16),),
) -> ExplorePage:
    """A page with the real models' shapes and untrained weights, on real digits."""
    generator = np.random.default_rng(seed)
    mlp = rounded(_stack(generator, [784, 512, 10], ["relu", "softmax"]))
    x = np.concatenate([mnist.x_test, mnist.x_train])[:n_map]
    y = np.concatenate([mnist.y_test, mnist.y_train])[:n_map]
    index, pair = pick_palette(mnist.y_test, 3, 8, per_class=5, seed=seed)
    graph_index = pick_graph(mnist.y_train, n_graph, seed=seed)
    graph_x = mnist.x_train[graph_index]
    return ExplorePage(
        models=tuple(page_model(generator, name, size, x) for name, size in models),
        classifier=mlp,
        palette_x=mnist.x_test[index],
        palette_y=mnist.y_test[index],
        palette_index=index,
        map_x=x,
        map_y=y,
        map_index=np.arange(len(x)),
        graph_x=graph_x,
        graph_y=mnist.y_train[graph_index],
        graph_index=graph_index,
        graph=graph or neighbour_graph(graph_x, k=GRAPH_NEIGHBOURS),
        pair=pair,
        settings={
            "seed": seed,
            "model_seed": 0,
            "autoencoder": {"architecture": "dense", "latent_dim": 16},
            "data": mnist.describe(),
        },
    )


@dataclass
class OpenPage:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def text(self, element_id: str) -> str:
        return str(self.page.inner_text(f"#{element_id}"))

    def pixels(self, selector: str) -> list[int]:
        return list(
            self.page.evaluate(
                "s => Array.from(document.querySelector(s).getContext('2d')"
                ".getImageData(0, 0, 28, 28).data)",
                selector,
            )
        )

    def check_clean(self) -> None:
        assert self.errors == []
        leaving = [u for u in self.requests if not u.startswith(("file:", "data:"))]
        assert leaving == []


def open_page(browser: Any, path: Path, fragment: str = "") -> OpenPage:
    page = browser.new_page(viewport={"width": 1320, "height": 1000})
    opened = OpenPage(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(path.as_uri() + fragment)
    page.wait_for_function(
        "window.lab && (window.lab.loaded || document.getElementById('status')"
        ".textContent.startsWith('The page could not'))",
        timeout=60_000,
    )
    assert page.evaluate("window.lab.loaded"), opened.text("status")
    return opened
