"""The interpolation lab as one self-contained HTML page, and the object that holds it.

:func:`explore` gets the cached dense autoencoder, classifier and control study from
:func:`~manifoldviz.interpolation.morph.pair_models` (training them once if needed), picks a
palette of real test digits, fits the latent map's projection, takes a class-stratified subset
of the training digits with its Isomap graph (built once and cached), and returns an
:class:`ExplorePage`. Its page carries the models' weights and the graph, so the browser
decodes, encodes and classifies any frame and finds any graph path itself: any pair, any t, a
digit drawn by hand. The page's JavaScript and CSS live beside this module in ``static/`` and
are inlined when the page is written; it makes no request, so it opens from ``file://`` with no
network.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.atomic import write_bytes_atomic
from manifoldviz.data.sources import MnistData, Source
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.figures.interpolation import PATH_COLOURS, PATH_LABELS
from manifoldviz.figures.trajectory import DIGIT_COLOURS
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.interpolation.methods import GraphSource, training_graph
from manifoldviz.interpolation.morph import check_digit, pair_models
from manifoldviz.lab.payload import (
    GRAPH_POINTS,
    LatentProjection,
    check_page_path,
    fit_projection,
    graph_payload,
    measures_payload,
    methods_payload,
    net_payload,
    pack_array,
    pick_graph,
    pick_map,
    pick_palette,
)
from manifoldviz.models.dense_runtime import DenseStack
from manifoldviz.progress import Progress
from manifoldviz.store import Store

if TYPE_CHECKING:  # scipy.sparse is imported only when a graph is built or loaded
    from manifoldviz.interpolation.isomap import NeighbourGraph

#: The static files inlined into every page, in this order.
STATIC_SCRIPTS = ("nets.js", "lab.js")
STATIC_STYLE = "lab.css"
STATIC_TEMPLATE = "page.html"
#: Markers in page.html replaced by the inlined files and the data.
_MARKERS = {
    "style": "/* manifoldviz:style */",
    "script": "/* manifoldviz:script */",
    "data": "/* manifoldviz:data */",
    "title": "<!-- manifoldviz:title -->",
}


@cache
def _static(name: str) -> str:
    return resources.files("manifoldviz.lab").joinpath("static", name).read_text("utf-8")


@dataclass(frozen=True, eq=False)
class ExplorePage:
    """Everything the interpolation lab shows, and ways to save and display it.

    The models are the cached dense stacks themselves (``encoder``, ``decoder``,
    ``classifier``), so the page computes exactly what :mod:`manifoldviz.models.dense_runtime`
    computes. ``palette_x`` are the test digits offered as endpoints (uint8, n×28×28);
    ``map_xy`` the projected latent codes of the map's test digits, ``projection`` the map
    itself (any ``z`` lands at ``projection(z)``); ``graph_x`` the training digits of the
    Isomap path and ``graph`` their neighbour graph (:meth:`graph_source` hands both to
    :func:`~manifoldviz.interpolation.methods.path`, which then computes the page's Isomap
    frames); ``study`` the control study that says which of the page's measures count as
    evidence.

    Parameters
    ----------
    encoder, decoder, classifier
        The cached dense models, run in the page as they run in numpy.
    palette_x, palette_y, palette_index
        The test digits offered as endpoints, their labels and test-set indices.
    map_x, map_y, map_index
        The test digits drawn on the latent map, their labels and test-set indices.
    map_xy
        Their latent codes, projected to the map's plane.
    projection
        The fitted linear projection of latent codes onto the map.
    graph_x, graph_y, graph_index
        The training digits of the Isomap graph (uint8, n×28×28), their labels and
        training-set indices.
    graph
        Their guarded k-nearest-neighbour graph.
    pair
        The digits shown when the page opens.
    settings
        What produced the page: seeds, models, data source.
    study
        The models' control study (``None``: the page counts no measure as evidence).
    """

    encoder: DenseStack
    decoder: DenseStack
    classifier: DenseStack
    palette_x: npt.NDArray[np.uint8]
    palette_y: npt.NDArray[np.uint8]
    palette_index: npt.NDArray[np.int64]
    map_x: npt.NDArray[np.uint8]
    map_y: npt.NDArray[np.uint8]
    map_index: npt.NDArray[np.int64]
    map_xy: FloatArray
    projection: LatentProjection
    graph_x: npt.NDArray[np.uint8]
    graph_y: npt.NDArray[np.uint8]
    graph_index: npt.NDArray[np.int64]
    graph: NeighbourGraph
    pair: tuple[int, int]
    settings: dict[str, Any] = field(default_factory=dict)
    study: ControlStudy | None = None

    def payload(self) -> dict[str, Any]:
        """The data the page reads at start: models, palette, map, measures and settings.

        Returns
        -------
        dict
            JSON-ready: packed weights, palette and map digits, the projection, the Isomap graph
            (:func:`~manifoldviz.lab.payload.graph_payload`), the methods offered
            (:func:`~manifoldviz.lab.payload.methods_payload`), the measures shown
            (:func:`~manifoldviz.lab.payload.measures_payload`), settings.
        """
        return {
            "format": 3,
            "nets": {
                "encoder": net_payload(self.encoder),
                "decoder": net_payload(self.decoder),
                "classifier": net_payload(self.classifier),
            },
            "palette": {
                "x": pack_array(self.palette_x.reshape(len(self.palette_x), -1)),
                "y": [int(v) for v in self.palette_y],
                "index": [int(v) for v in self.palette_index],
            },
            "map": {
                "x": pack_array(self.map_x.reshape(len(self.map_x), -1)),
                "y": [int(v) for v in self.map_y],
                "index": [int(v) for v in self.map_index],
                "xy": pack_array(self.map_xy),
                "mean": [float(v) for v in self.projection.mean],
                "components": [[float(v) for v in row] for row in self.projection.components],
                "explained": [round(float(v), 4) for v in self.projection.explained],
            },
            "graph": graph_payload(self.graph_x, self.graph_y, self.graph_index, self.graph),
            "methods": methods_payload(),
            "pair": list(self.pair),
            "colours": {"digits": DIGIT_COLOURS, **PATH_COLOURS},
            "labels": PATH_LABELS,
            "measures": measures_payload(self.study),
            "provenance": self.provenance(),
            "settings": self.settings,
        }

    def provenance(self) -> str:
        """One line saying which models and data the page holds.

        Returns
        -------
        str
            Models, their test accuracy and loss, data source and seeds.
        """
        s = self.settings
        data = s["data"]
        where = Path(str(data["location"])).name if data["source"] != "sample" else "sample"
        accuracy = s.get("classifier_test_accuracy")
        loss = s.get("autoencoder_test_loss")
        models = (
            f"Dense autoencoder (latent {s['autoencoder']['latent_dim']}"
            + (f", test reconstruction loss {loss:.4f}" if loss is not None else "")
            + ") and the chapter's MLP classifier"
            + (f" (test accuracy {accuracy:.1%})" if accuracy is not None else "")
        )
        return (
            f"{models}, trained on MNIST from {where} ({data['n_train']:,} train / "
            f"{data['n_test']:,} test digits), model seed {s['model_seed']}. "
            f"Map: {len(self.map_y):,} test digits, principal components of their latent codes "
            f"({sum(self.projection.explained):.0%} of the variance). Isomap graph: "
            f"{self.graph.n:,} training digits, k = {self.graph.k}. Palette seed {s['seed']}."
        )

    def graph_data(self) -> MnistData:
        """The Isomap graph's training digits as data of their own (no test split).

        Returns
        -------
        MnistData
            ``x_train`` and ``y_train`` are ``graph_x`` and ``graph_y``, in the page's
            order (a graph path's indices are rows of them).
        """
        return _graph_data(self.graph_x, self.graph_y, self.settings.get("data", {}))

    def graph_source(self, store: Store | None = None) -> GraphSource:
        """The page's Isomap graph for :func:`~manifoldviz.interpolation.methods.path`.

        ``path("isomap", autoencoder, x_a, x_b, n_steps, graph=page.graph_source())`` computes
        the frames the page shows for that pair (its slider at ``t = k / (n_steps - 1)``).

        Parameters
        ----------
        store
            Where the graph would be cached if it were rebuilt (it never is: the page's own is
            handed over).

        Returns
        -------
        GraphSource
            :meth:`graph_data` with ``graph``.
        """
        return GraphSource(self.graph_data(), store or Store(), _graph=self.graph)

    def html(self) -> str:
        """The whole page as one string: markup, style, scripts and data inlined.

        Returns
        -------
        str
            A self-contained HTML document (no request leaves it).
        """
        data = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), allow_nan=False)
        # Inside <script>, "</" could close the element early; "<\/" reads the same in JSON.
        data = data.replace("</", "<\\/")
        script = "\n".join(_static(name) for name in STATIC_SCRIPTS)
        page = _static(STATIC_TEMPLATE)
        a, b = (int(self.palette_y[i]) for i in self.pair)
        for key, value in (
            ("style", _static(STATIC_STYLE)),
            ("script", script.replace("</script", "<\\/script")),
            ("title", html.escape(f"Interpolation lab: {a} → {b}, pixel space vs latent space")),
            ("data", data),
        ):
            page = page.replace(_MARKERS[key], value, 1)
        return page

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path``, atomically.

        Parameters
        ----------
        path
            An ``.html`` file in an existing folder.

        Returns
        -------
        Path
            ``path``.
        """
        target = check_page_path(path)
        return write_bytes_atomic(target, self.html().encode("utf-8"))

    def _repr_html_(self) -> str:
        """Show the lab inline in Jupyter (the page in a sandboxed frame, scripts allowed)."""
        return (
            f'<iframe srcdoc="{html.escape(self.html(), quote=True)}" '
            'sandbox="allow-scripts" style="width:100%;height:1400px;border:0" '
            'title="interpolation lab"></iframe>'
        )


def explore(
    a: int = 3,
    b: int = 8,
    *,
    seed: int = 0,
    model_seed: int = 0,
    data: str | os.PathLike[str] | MnistData | None = None,
    limit: int | None = None,
    model: str = "dense",
    latent_dim: int = 16,
    per_class: int = 5,
    map_points: int = 5000,
    store: Store | None = None,
    progress: Progress | None = None,
) -> ExplorePage:
    """Build the interpolation lab: a page where any pair, any t, or a drawn digit runs live.

    Parameters
    ----------
    a, b
        The digits of the pair shown first (0-9); the page offers every digit.
    seed
        Picks the palette of test digits and the map's digits. Changing it never retrains.
    model_seed
        Seeds model training (and the ``limit`` subset): the cached models are reused as long
        as it stays the same.
    data, limit
        The MNIST source and subset size (see :func:`manifoldviz.load_mnist`), or loaded data.
    model, latent_dim
        Autoencoder architecture and latent size. The page runs the models as matrix products,
        so it needs the ``"dense"`` autoencoder.
    per_class
        Test digits of each class offered as endpoints (1-20).
    map_points
        Test digits drawn on the latent map (100-10,000; at most the test set). The default
        page stays under 6 MB.

    The Isomap path runs on :data:`~manifoldviz.lab.payload.GRAPH_POINTS` training digits
    (class-stratified, picked by ``seed``; all of them when there are fewer), their graph built
    as the library builds it and cached.

    Returns
    -------
    ExplorePage
        ``.save("explore.html")`` writes the page; in Jupyter it displays inline.

    Examples
    --------
    >>> lab = explore(3, 8, data="sample")     # doctest: +SKIP
    >>> lab.save("explore.html")              # doctest: +SKIP
    """
    a, b = check_digit(a, "a"), check_digit(b, "b")
    if model != "dense":
        raise InvalidInputError(
            f"the explore page runs the autoencoder in the browser and needs a dense model, "
            f"not {model!r}",
            param="model",
        )
    if not 1 <= per_class <= 20:
        raise InvalidInputError(f"per-class must be 1-20, got {per_class}", param="per_class")
    if not 100 <= map_points <= 10_000:
        raise InvalidInputError(
            f"map points must be 100-10000, got {map_points}", param="map_points"
        )
    store = store or Store(progress=progress)
    models = pair_models(
        data,
        model=model,
        latent_dim=latent_dim,
        model_seed=model_seed,
        limit=limit,
        store=store,
        progress=progress,
    )
    data, ae, mlp = models.data, models.autoencoder, models.classifier
    encoder, decoder = _as_dense(ae.encode, "encoder"), _as_dense(ae.decode, "decoder")
    mlp_stack = _as_dense(mlp.predict_proba, "classifier")

    palette_index, pair = pick_palette(data.y_test, a, b, per_class=per_class, seed=seed)
    z_test = encoder(flatten_scaled(data.x_test))
    projection = fit_projection(z_test)
    map_index = pick_map(data.y_test, map_points, seed=seed)
    graph_index = pick_graph(data.y_train, GRAPH_POINTS, seed=seed)
    graph_data = _graph_data(data.x_train[graph_index], data.y_train[graph_index], data.describe())
    graph = training_graph(
        graph_data, graph_data.x_train.reshape(len(graph_index), -1), store=store, progress=progress
    )
    settings = {
        "digit_a": a,
        "digit_b": b,
        "seed": seed,
        "model_seed": model_seed,
        "per_class": per_class,
        "map_points": len(map_index),
        "graph_points": len(graph_index),
        "autoencoder": {"architecture": ae.spec.architecture, "latent_dim": ae.spec.latent_dim},
        "autoencoder_test_loss": ae.info.get("test_loss"),
        "classifier_test_accuracy": mlp.info.get("test_accuracy"),
        "data": data.describe(),
    }
    return ExplorePage(
        encoder=encoder,
        decoder=decoder,
        classifier=mlp_stack,
        palette_x=data.x_test[palette_index],
        palette_y=data.y_test[palette_index],
        palette_index=palette_index,
        map_x=data.x_test[map_index],
        map_y=data.y_test[map_index],
        map_index=map_index,
        map_xy=projection(z_test[map_index]),
        projection=projection,
        graph_x=graph_data.x_train,
        graph_y=graph_data.y_train,
        graph_index=graph_index,
        graph=graph,
        pair=pair,
        settings=settings,
        study=models.study,
    )


def _graph_data(
    x: npt.NDArray[np.uint8], y: npt.NDArray[np.uint8], data: dict[str, Any]
) -> MnistData:
    """Training digits as data of their own, so the graph is built and cached as for any data."""
    where = f"{len(x):,} training digits of MNIST {data.get('fingerprint', '')}".rstrip()
    empty = np.zeros((0, *x.shape[1:]), np.uint8)
    return MnistData(x, y, empty, np.zeros(0, np.uint8), Source("subset", where))


def _as_dense(net: Any, name: str) -> DenseStack:
    if not isinstance(net, DenseStack):
        raise ManifoldvizError(f"the cached {name} does not run as a dense stack; rebuild it")
    return net
