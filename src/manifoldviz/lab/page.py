"""The interpolation lab as one self-contained HTML page, and the object that holds it.

:func:`explore` gets each cached autoencoder (one, or several to switch between), the
classifier and their control studies from :func:`~manifoldviz.interpolation.morph.pair_models`
(training them once if needed), picks a palette of real test digits and the map's digits (with
their codes under every model), takes a class-stratified subset of the training digits with its
Isomap graph (built once and cached), and returns an :class:`ExplorePage`. Its page carries the
models' weights and the graph, so the browser decodes, encodes and classifies any frame, any
point of the latent plane under the cursor, and finds any graph path itself: any pair, any t, a
digit drawn by hand. The view (pair, t, path, model, map) lives in the page's URL fragment, so a
copied link reopens it. The page's JavaScript and CSS live beside this module in ``static/`` and
are inlined when the page is written; it makes no request, so it opens from ``file://`` with no
network.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from manifoldviz.atomic import write_bytes_atomic
from manifoldviz.data.sources import MnistData, Source
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.figures.interpolation import PATH_COLOURS, PATH_LABELS
from manifoldviz.figures.trajectory import DIGIT_COLOURS
from manifoldviz.interpolation.control_study import ControlStudy
from manifoldviz.interpolation.latent_grid import plane_basis
from manifoldviz.interpolation.methods import GraphSource, training_graph
from manifoldviz.interpolation.morph import check_digit, pair_models
from manifoldviz.lab.page_models import (
    NOT_IN_PAGE,
    PageModel,
    check_budget,
    check_models,
    rounded,
)
from manifoldviz.lab.payload import (
    GRAPH_POINTS,
    check_page_path,
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

    The page runs its models as numpy runs ``models`` and ``classifier`` (the stacks
    themselves, their weights rounded to float16 as the page carries them), so the page and
    the library compute the same frames. ``palette_x`` are the test digits offered as endpoints
    (uint8, n×28×28); ``map_x`` the test digits drawn on the latent map (each model carries
    their codes); ``graph_x`` the training digits of the Isomap path and ``graph`` their
    neighbour graph (:meth:`graph_source` hands both to
    :func:`~manifoldviz.interpolation.methods.path`, which then computes the page's Isomap
    frames).

    Parameters
    ----------
    models
        The autoencoders the page switches between, the first shown when it opens.
    classifier
        The chapter's MLP, as the page runs it.
    palette_x, palette_y, palette_index
        The test digits offered as endpoints, their labels and test-set indices.
    map_x, map_y, map_index
        The test digits drawn on the latent map, their labels and test-set indices.
    graph_x, graph_y, graph_index
        The training digits of the Isomap graph (uint8, n×28×28), their labels and
        training-set indices.
    graph
        Their guarded k-nearest-neighbour graph.
    pair
        The digits shown when the page opens.
    settings
        What produced the page: seeds, models, data source.
    """

    models: tuple[PageModel, ...]
    classifier: DenseStack
    palette_x: npt.NDArray[np.uint8]
    palette_y: npt.NDArray[np.uint8]
    palette_index: npt.NDArray[np.int64]
    map_x: npt.NDArray[np.uint8]
    map_y: npt.NDArray[np.uint8]
    map_index: npt.NDArray[np.int64]
    graph_x: npt.NDArray[np.uint8]
    graph_y: npt.NDArray[np.uint8]
    graph_index: npt.NDArray[np.int64]
    graph: NeighbourGraph
    pair: tuple[int, int]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def encoder(self) -> DenseStack:
        """The first model's encoder (the one the page opens with)."""
        return self.models[0].encoder

    @property
    def decoder(self) -> DenseStack:
        """The first model's decoder."""
        return self.models[0].decoder

    @property
    def study(self) -> ControlStudy | None:
        """The first model's control study."""
        return self.models[0].study

    def plane(
        self, model: int, z_a: npt.ArrayLike, z_b: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """The map's plane for a pair: its origin and two orthonormal directions.

        A 2-D model's map is its latent plane itself (origin 0, the axes z₁ and z₂); a larger
        one's is the plane through A's code, B's code and the mean code of the map's digits
        (:func:`~manifoldviz.interpolation.latent_grid.plane_basis`), as ``--grid`` draws it
        (for A, B and the mean on one line the page picks its own second direction).

        Parameters
        ----------
        model
            Which of ``models``.
        z_a, z_b
            The endpoints' codes under that model.

        Returns
        -------
        tuple
            ``origin`` (latent_dim,) and ``basis`` (2, latent_dim), float64: a map point (u, v)
            decodes as ``origin + u * basis[0] + v * basis[1]``.
        """
        chosen = self.models[model]
        if chosen.latent_dim == 2:
            return np.zeros(2), np.eye(2)
        mean = chosen.mean.astype(np.float64)
        return mean, plane_basis(np.asarray(z_a), np.asarray(z_b), mean)

    def payload(self) -> dict[str, Any]:
        """The data the page reads at start: models, palette, map, measures and settings.

        Returns
        -------
        dict
            JSON-ready: the classifier and each model (packed float16 weights, the map digits'
            codes, the mean code, the measures it shows with its own control study's
            judgement), the palette and map digits, the Isomap graph
            (:func:`~manifoldviz.lab.payload.graph_payload`), the methods offered
            (:func:`~manifoldviz.lab.payload.methods_payload`), the models not offered and
            why, and settings.
        """
        return {
            "format": 4,
            "classifier": net_payload(self.classifier),
            "models": [
                {
                    "name": m.name,
                    "label": m.label,
                    "architecture": m.architecture,
                    "latent_dim": m.latent_dim,
                    "encoder": net_payload(m.encoder),
                    "decoder": net_payload(m.decoder),
                    "map_z": pack_array(m.map_z.astype(np.float16)),
                    "mean": [float(v) for v in m.mean],
                    "measures": measures_payload(m.study),
                }
                for m in self.models
            ],
            "not_in_page": [{"name": k, "reason": v} for k, v in NOT_IN_PAGE.items()],
            "palette": {
                "x": pack_array(self.palette_x.reshape(len(self.palette_x), -1)),
                "y": [int(v) for v in self.palette_y],
                "index": [int(v) for v in self.palette_index],
            },
            "map": {
                "x": pack_array(self.map_x.reshape(len(self.map_x), -1)),
                "y": [int(v) for v in self.map_y],
                "index": [int(v) for v in self.map_index],
            },
            "graph": graph_payload(self.graph_x, self.graph_y, self.graph_index, self.graph),
            "methods": methods_payload(),
            "pair": list(self.pair),
            "colours": {"digits": DIGIT_COLOURS, **PATH_COLOURS},
            "labels": PATH_LABELS,
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
        models = "; ".join(
            m.label.capitalize()
            + (f" (test reconstruction loss {m.test_loss:.4f})" if m.test_loss is not None else "")
            for m in self.models
        )
        return (
            f"{models}; the chapter's MLP classifier"
            + (f" (test accuracy {accuracy:.1%})" if accuracy is not None else "")
            + f". Trained on MNIST from {where} ({data['n_train']:,} train / "
            f"{data['n_test']:,} test digits), model seed {s['model_seed']}; weights carried as "
            f"float16. Map: {len(self.map_y):,} test digits' codes. Isomap graph: "
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
    models: Sequence[tuple[str, int]] | None = None,
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
        The autoencoder when the page carries one (``models`` not given).
    models
        The autoencoders the page carries and switches between, as ``(architecture,
        latent_dim)``, like ``[("dense", 16), ("vae", 2)]`` (the first is shown first). The
        page runs them as matrix products, so ``"dense"`` and ``"vae"`` (its mean code); two
        of the usual latent sizes (up to 32 or so) fit the 6 MB budget
        (:func:`~manifoldviz.lab.page_models.check_budget`, checked before any training).
    per_class
        Test digits of each class offered as endpoints (1-20).
    map_points
        Test digits drawn on the latent map (100-10,000; at most the test set).

    The Isomap path runs on :data:`~manifoldviz.lab.payload.GRAPH_POINTS` training digits
    (class-stratified, picked by ``seed``; all of them when there are fewer), their graph built
    as the library builds it and cached.

    Returns
    -------
    ExplorePage
        ``.save("explore.html")`` writes the page; in Jupyter it displays inline.

    Examples
    --------
    >>> lab = explore(3, 8, models=[("dense", 16), ("vae", 2)])  # doctest: +SKIP
    >>> lab.save("explore.html")  # doctest: +SKIP
    """
    a, b = check_digit(a, "a"), check_digit(b, "b")
    if models is not None:
        wanted = check_models(models)
    else:
        wanted = check_models([(model, latent_dim)], params=("model", "model", "latent_dim"))
    if not 1 <= per_class <= 20:
        raise InvalidInputError(f"per-class must be 1-20, got {per_class}", param="per_class")
    if not 100 <= map_points <= 10_000:
        raise InvalidInputError(
            f"map points must be 100-10000, got {map_points}", param="map_points"
        )
    check_budget(wanted, map_points=map_points, palette=10 * per_class, graph_points=GRAPH_POINTS)
    store = store or Store(progress=progress)
    page_models: list[PageModel] = []
    classifier: DenseStack | None = None
    accuracy = None
    for architecture, size in wanted:
        pair = pair_models(
            data,
            model=architecture,
            latent_dim=size,
            model_seed=model_seed,
            limit=limit,
            store=store,
            progress=progress,
        )
        data = pair.data  # loaded once, shared by every model
        if classifier is None:
            classifier = rounded(_as_dense(pair.classifier.predict_proba, "classifier"))
            accuracy = pair.classifier.info.get("test_accuracy")
        page_models.append(
            PageModel(
                architecture=architecture,
                latent_dim=size,
                encoder=rounded(_as_dense(pair.autoencoder.encode, "encoder")),
                decoder=rounded(_as_dense(pair.autoencoder.decode, "decoder")),
                map_z=np.zeros((0, size), np.float32),
                mean=np.zeros(size, np.float32),
                study=pair.study,
                test_loss=pair.autoencoder.info.get("test_loss"),
            )
        )
    assert isinstance(data, MnistData) and classifier is not None
    palette_index, first_pair = pick_palette(data.y_test, a, b, per_class=per_class, seed=seed)
    map_index = pick_map(data.y_test, map_points, seed=seed)
    map_x = flatten_scaled(data.x_test[map_index])
    for k, chosen in enumerate(page_models):
        map_z = chosen.encoder(map_x)
        page_models[k] = replace(chosen, map_z=map_z, mean=map_z.mean(axis=0, dtype=np.float64))
    graph_index = pick_graph(data.y_train, GRAPH_POINTS, seed=seed)
    graph_data = _graph_data(data.x_train[graph_index], data.y_train[graph_index], data.describe())
    graph = training_graph(
        graph_data, graph_data.x_train.reshape(len(graph_index), -1), store=store, progress=progress
    )
    first = page_models[0]
    settings = {
        "digit_a": a,
        "digit_b": b,
        "seed": seed,
        "model_seed": model_seed,
        "per_class": per_class,
        "map_points": len(map_index),
        "graph_points": len(graph_index),
        "models": [
            {"architecture": m.architecture, "latent_dim": m.latent_dim} for m in page_models
        ],
        "autoencoder": {"architecture": first.architecture, "latent_dim": first.latent_dim},
        "autoencoder_test_loss": first.test_loss,
        "classifier_test_accuracy": accuracy,
        "weights": "float16",
        "data": data.describe(),
    }
    return ExplorePage(
        models=tuple(page_models),
        classifier=classifier,
        palette_x=data.x_test[palette_index],
        palette_y=data.y_test[palette_index],
        palette_index=palette_index,
        map_x=data.x_test[map_index],
        map_y=data.y_test[map_index],
        map_index=map_index,
        graph_x=graph_data.x_train,
        graph_y=graph_data.y_train,
        graph_index=graph_index,
        graph=graph,
        pair=first_pair,
        settings=settings,
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
