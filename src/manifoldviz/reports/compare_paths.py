"""``compare_paths``: the scoreboard of pixel versus latent paths, run, resumed and drawn.

Every unit (dataset × model × latent size × seed, see
:mod:`~manifoldviz.interpolation.scoreboard`) runs on the chosen executor (this process, local
worker processes, or Ray); each finished unit is appended to ``results.json`` at once (written
atomically), so an interrupted run resumes where it stopped. The report adds a table figure of
the paired differences, a small-multiples figure of the best and worst MNIST pairs, and for the
known manifolds an example pair beside its true path and the latent-size sweep.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.atomic import write_json_atomic
from manifoldviz.choices import ENDPOINTS, FIGURE_FORMATS
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError
from manifoldviz.figures.known_manifold import draw_known_example, draw_latent_sweep
from manifoldviz.figures.scoreboard import draw_difference_table, draw_pair_multiples
from manifoldviz.figures.style import lecture_style, new_figure, save_figure
from manifoldviz.interpolation import scoreboard
from manifoldviz.interpolation.controls import JUDGES_VERSION
from manifoldviz.interpolation.known_manifold import evaluate_known
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.interpolation.methods import GraphSource, check_methods, draw_paths
from manifoldviz.interpolation.paths import check_steps, step_times
from manifoldviz.models.cached import AutoencoderSpec, autoencoder
from manifoldviz.progress import Progress
from manifoldviz.provenance import library_versions
from manifoldviz.runs.engine import Plan, run_units
from manifoldviz.runs.executor import Executor, SequentialExecutor
from manifoldviz.runs.results_file import RESULTS, check_out_dir, load_finished, settings_key
from manifoldviz.store import Store

STUDY = "compare-paths"
#: Pairs shown at each end of the small-multiples figure.
N_SHOWN = 3


@dataclass(frozen=True)
class ScoreboardSettings:
    """What a scoreboard covers; ``seed`` is the first model seed, unit i uses ``seed + i``."""

    models: tuple[str, ...] = ("dense", "conv", "vae")
    latent_dims: tuple[int, ...] = (2, 16)
    datasets: tuple[str, ...] = scoreboard.DATASETS
    n_pairs: int = 100
    n_seeds: int = 3
    seed: int = 0
    n_steps: int = 9
    endpoints: str = "original"
    methods: tuple[str, ...] = scoreboard.BOARD_METHODS
    orbit: tuple[int, int] = (3, 0)
    data: str | None = None
    limit: int | None = None
    quick: bool = False

    def __post_init__(self) -> None:
        scoreboard.check_choices(self.datasets, self.models, self.latent_dims)
        methods = check_methods(self.methods)
        # Every path is compared with the pixel path, pair by pair: it is always drawn, first.
        object.__setattr__(self, "methods", tuple(dict.fromkeys(("pixel", *methods))))
        digit, index = self.orbit
        if not 0 <= digit <= 9 or index < 0:
            raise InvalidInputError(
                f"orbit must be a digit 0-9 and an index of 0 or more, got {self.orbit}",
                param="orbit",
            )
        if self.n_pairs < 1:
            raise InvalidInputError(
                f"pairs must be at least 1, got {self.n_pairs}", param="n_pairs"
            )
        if self.n_seeds < 1:
            raise InvalidInputError(
                f"seeds must be at least 1, got {self.n_seeds}", param="n_seeds"
            )
        if self.endpoints not in ENDPOINTS:
            raise InvalidInputError(
                f"endpoints must be one of {', '.join(ENDPOINTS)}, got {self.endpoints!r}",
                param="endpoints",
            )
        check_steps(self.n_steps)

    @property
    def units(self) -> list[scoreboard.Unit]:
        return [
            scoreboard.Unit(dataset, model, latent_dim, self.seed + i)
            for dataset in self.datasets
            for model in self.models
            for latent_dim in self.latent_dims
            for i in range(self.n_seeds)
        ]


@dataclass(frozen=True)
class Scoreboard:
    """Every unit's pairs, their summary and the sentence on what is significant.

    Parameters
    ----------
    settings
        The :class:`ScoreboardSettings` as a dict.
    data
        What MNIST data was used.
    units
        :func:`~manifoldviz.interpolation.scoreboard.evaluate_unit` results.
    summary
        :func:`~manifoldviz.interpolation.scoreboard.summarise` of the units.
    failures
        Units that failed after their retry, with the error.
    written
        The files the report wrote.
    """

    settings: dict[str, Any]
    data: dict[str, Any]
    units: list[dict[str, Any]]
    summary: dict[str, Any]
    failures: list[dict[str, Any]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """One sentence naming the differences that are significant."""
        return str(self.summary["sentence"])

    def to_dict(self, key: str = "") -> dict[str, Any]:
        """JSON-able: settings, data, versions, every unit's pairs, summary and failures.

        Parameters
        ----------
        key
            The settings key that a resumed run must match.

        Returns
        -------
        dict
            What ``results.json`` holds.
        """
        return {
            "experiment": STUDY,
            "settings": self.settings,
            "settings_key": key,
            "data": self.data,
            "produced_by": library_versions(),
            "units": self.units,
            "summary": self.summary,
            "failures": self.failures,
        }

    def save(
        self,
        out_dir: str | os.PathLike[str],
        *,
        data: MnistData | None = None,
        store: Store | None = None,
        figure_format: str = "svg",
    ) -> list[Path]:
        """Write ``results.json`` and the figures into ``out_dir``, as ``compare-paths`` does.

        Parameters
        ----------
        out_dir
            The folder (made if missing); each file is replaced atomically.
        data
            The MNIST data the board was computed on (default: loaded again from its settings;
            needed when the board was computed on data passed in memory).
        store
            The model cache the example pairs are redrawn from (default: the user's cache).
        figure_format
            ``svg`` or ``pdf``, written beside each PNG.

        Returns
        -------
        list of Path
            ``results.json``, then the figures.
        """
        if figure_format not in FIGURE_FORMATS:
            raise InvalidInputError(
                f"figure format must be svg or pdf, got {figure_format}", param="figure_format"
            )
        if data is None:
            data = load_mnist(
                self.settings["data"], limit=self.settings["limit"], seed=self.settings["seed"]
            )
        if data.describe()["fingerprint"] != self.data["fingerprint"]:
            raise InvalidInputError(
                "the data differs from the data this board was computed on; pass that as data",
                param="data",
            )
        folder = check_out_dir(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        key = settings_key(STUDY, self.settings, self.data, study_versions())
        written = [write_json_atomic(folder / RESULTS, self.to_dict(key))]
        return written + save_figures(
            self, folder, data=data, store=store or Store(), figure_format=figure_format
        )

    def table(self) -> str:
        """A text table: per configuration and path, the mean of each measure that counts.

        Returns
        -------
        str
            One block per configuration.
        """
        lines = []
        for config, entry in self.summary["configs"].items():
            if entry["dataset"] == "mnist":
                keys = [f"mean_{m}" for m in entry["kept"] or []] + ["mean_reconstruction_error"]
            else:
                keys = ["mid_distance", "smoothness", "within_floor", "relative_length"]
            lines.append(f"{config} ({entry['n_pairs']} pairs)")
            header = f"  {'path':<10}" + "".join(f"{k.removeprefix('mean_'):>22}" for k in keys)
            lines.append(header)
            for path, values in entry["paths"].items():
                cells = "".join(_cell(values[k]) for k in keys)
                lines.append(f"  {path:<10}{cells}")
            if "floor" in entry:
                lines.append(
                    f"  {'floor':<10}{_cell(entry['floor'])}  (the model's own "
                    "reconstructions of the true path, mid-path distance)"
                )
            for method, rate in entry.get("convergence", {}).items():
                lines.append(f"  {method} solver converged on {rate:.0%} of pairs")
            for method, n_drawn in entry.get("n_drawn", {}).items():
                if n_drawn < entry["n_pairs"]:
                    lines.append(
                        f"  {method} drawn for {n_drawn} of {entry['n_pairs']} pairs (the "
                        "others are noted in results.json; its means are over those drawn)"
                    )
        return "\n".join(lines)


def _cell(interval: list[float | None]) -> str:
    """``mean [low,high]`` in 22 characters; a dash where undefined."""
    mean, low, high = interval
    if mean is None or low is None or high is None:
        return "–".rjust(22)
    return f"{mean:.3f} [{low:.3f},{high:.3f}]".rjust(22)


def _numbers(interval: list[float | None]) -> tuple[float, float, float]:
    """An interval with undefined ends as NaN (for figures)."""
    a, b, c = (np.nan if v is None else float(v) for v in interval)
    return a, b, c


def study_versions() -> dict[str, Any]:
    """What a scoreboard unit computes with besides its settings: the judges' and the graph's
    versions, the paths' own constants and the known manifolds' training recipes."""
    from manifoldviz.interpolation import known_manifold, methods

    return {
        "judges": JUDGES_VERSION,
        "graph": methods.GRAPH_VERSION,
        "geodesic_points": methods.GEODESIC_POINTS,
        "graph_substeps": methods.GRAPH_SUBSTEPS,
        "floor_factor": known_manifold.FLOOR_FACTOR,
        "known_recipes": {name: asdict(r) for name, r in known_manifold.RECIPES.items()},
    }


def compare_paths(
    models: tuple[str, ...] | list[str] = ("dense", "conv", "vae"),
    latent_dims: tuple[int, ...] | list[int] = (2, 16),
    *,
    datasets: tuple[str, ...] | list[str] = scoreboard.DATASETS,
    n_pairs: int = 100,
    n_seeds: int = 3,
    seed: int = 0,
    n_steps: int = 9,
    endpoints: str = "original",
    methods: tuple[str, ...] | list[str] = scoreboard.BOARD_METHODS,
    orbit: tuple[int, int] = (3, 0),
    data: str | os.PathLike[str] | MnistData | None = None,
    limit: int | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    executor: Executor | None = None,
    store: Store | None = None,
    figure_format: str = "svg",
    quick: bool = False,
    progress: Progress | None = None,
) -> Scoreboard:
    """Pixel versus latent paths over many pairs, models, latent sizes and seeds, with intervals.

    Parameters
    ----------
    models, latent_dims
        Autoencoders (``dense``, ``conv``, ``vae``) and latent sizes: every combination runs.
    datasets
        ``mnist`` and the known manifolds ``lines`` and ``rotation``.
    n_pairs, n_seeds, seed
        Pairs per unit, model seeds per configuration, and the first seed.
    n_steps, endpoints
        Frames per path, and where the pixel path starts and ends (``original`` or
        ``reconstructed``).
    methods
        The paths drawn (:data:`~manifoldviz.choices.METHODS`); each is compared with the pixel
        path, which is always drawn.
    orbit
        (digit, index): the ``rotation`` manifold is the orbit of the ``index``-th training
        image of ``digit`` (default the first "3").
    data, limit
        The MNIST source and subset size (see :func:`manifoldviz.load_mnist`), or loaded data.
    out_dir
        Where ``results.json`` and the figures go; a run with the same settings resumes there.
    executor
        Where units run (default: this process); see
        :func:`manifoldviz.runs.executor.make_executor`.
    store
        The model cache (default: the per-user cache, or ``$MANIFOLDVIZ_CACHE``).
    figure_format
        Vector format written beside each PNG (``svg`` or ``pdf``).
    quick
        Known manifolds with smaller data and fewer epochs (tests, quick gallery builds).
    progress
        Receives one line per finished unit (and training epochs, in-process).

    Returns
    -------
    Scoreboard
        Every pair's numbers, the summary with 95% bootstrap intervals, the sentence naming the
        significant differences, and the files written.

    Examples
    --------
    >>> board = compare_paths(("dense", "vae"), (2, 16), n_pairs=20, n_seeds=1,
    ...                       data="sample", out_dir="scoreboard")          # doctest: +SKIP
    >>> print(board.sentence)                                               # doctest: +SKIP
    """
    if figure_format not in FIGURE_FORMATS:
        raise InvalidInputError(
            f"figure format must be svg or pdf, got {figure_format}", param="figure_format"
        )
    settings = ScoreboardSettings(
        models=tuple(models),
        latent_dims=tuple(int(d) for d in latent_dims),
        datasets=tuple(datasets),
        n_pairs=n_pairs,
        n_seeds=n_seeds,
        seed=seed,
        n_steps=n_steps,
        endpoints=endpoints,
        methods=tuple(methods),
        orbit=(int(orbit[0]), int(orbit[1])),
        data=None if isinstance(data, MnistData) or data is None else str(data),
        limit=limit,
        quick=quick,
    )
    folder = check_out_dir(out_dir)
    if not isinstance(data, MnistData):
        data = load_mnist(data, limit=limit, seed=seed, progress=progress)
    digit, index = settings.orbit
    n_images = int(np.count_nonzero(data.y_train == digit))
    if "rotation" in settings.datasets and index >= n_images:
        raise InvalidInputError(
            f"the training data has {n_images} images of digit {digit}, so no index {index}",
            param="orbit",
        )
    store = store or Store(progress=progress)
    plain = asdict(settings)
    described = data.describe()
    key = settings_key(STUDY, plain, described, study_versions())
    units = load_finished(folder, STUDY, key, "units")
    done = {scoreboard.Unit(**u["unit"]).key for u in units}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    todo = []
    for unit in settings.units:
        if unit.key not in done:
            todo.append((unit.key, asdict(unit)))
        elif progress:
            progress(f"{STUDY}: {unit.key} already done; kept")
    failures: list[dict[str, Any]] = []

    def write(summary: dict[str, Any]) -> None:
        if folder is not None:
            board = Scoreboard(plain, described, units, summary, failures)
            write_json_atomic(folder / RESULTS, board.to_dict(key))

    in_process = executor is None or isinstance(executor, SequentialExecutor)
    shared = {
        "data": data,
        "n_pairs": settings.n_pairs,
        "n_steps": settings.n_steps,
        "endpoints": settings.endpoints,
        "methods": settings.methods,
        "orbit": settings.orbit,
        "cache_root": str(store.root),
        "quick": settings.quick,
        "progress": progress if in_process else None,
    }
    run_units(
        Plan(
            STUDY,
            len(settings.units),
            len(done),
            scoreboard.models_to_train(
                [u for u in settings.units if u.key not in done], data, store
            ),
        ),
        scoreboard.evaluate_unit,
        shared,
        todo,
        on_value=lambda _key, value: units.append(value),
        on_failure=lambda unit, error, attempts: failures.append(
            {"unit": unit, "error": error, "attempts": attempts}
        ),
        checkpoint=lambda: write({"configs": {}, "significant": [], "sentence": "(incomplete)"}),
        executor=executor,
        progress=progress,
    )
    order = {unit.key: i for i, unit in enumerate(settings.units)}
    units.sort(key=lambda u: order.get(scoreboard.Unit(**u["unit"]).key, len(order)))
    summary = scoreboard.summarise(units, seed=settings.seed)
    board = Scoreboard(plain, described, units, summary, failures)
    if folder is None:
        return board
    written = board.save(folder, data=data, store=store, figure_format=figure_format)
    return Scoreboard(plain, described, units, summary, failures, written)


# ---------------------------------------------------------------------------------------------
# Figures


def _shown_path(methods: list[str]) -> str:
    """The path the example figures rank and sweep: the linear latent path, else the first
    compared one."""
    others = scoreboard.compared(methods)
    return "linear" if "linear" in others else (others[0] if others else "pixel")


def _pair_advantages(unit: dict[str, Any], kept: list[str], shown: str) -> list[float]:
    """Each pair's advantage of the ``shown`` path, averaged over the kept measures in units of
    their spread over real digits (positive: it does better than the pixel path)."""
    checks = {c["name"]: c for c in unit["controls"]["checks"]}
    out = []
    for pair in unit["pairs"]:
        total = 0.0
        for name in kept:
            sign = 1.0 if MEASURES[name].higher_is_better else -1.0
            spread = checks[name]["real_spread"] or 1.0
            other = scoreboard.pair_value(pair, shown, f"mean_{name}")
            pixel = scoreboard.pair_value(pair, "pixel", f"mean_{name}")
            total += sign * (other - pixel) / spread
        out.append(total / max(len(kept), 1))
    return out


def _mnist_examples(
    board: Scoreboard, data: MnistData, store: Store
) -> list[tuple[str, dict[str, np.ndarray]]]:
    """The best and worst MNIST pairs (by the shown path's mean advantage), redrawn."""
    shown = _shown_path(list(board.settings["methods"]))
    ranked: list[tuple[float, dict[str, Any], dict[str, Any]]] = []
    for unit in board.units:
        if unit["unit"]["dataset"] != "mnist":
            continue
        config = scoreboard.Unit(**unit["unit"]).config
        kept = board.summary["configs"][config]["kept"] or []
        if not kept:
            continue
        advantages = _pair_advantages(unit, kept, shown)
        for pair, advantage in zip(unit["pairs"], advantages, strict=True):
            if np.isfinite(advantage):  # a pair the shown path could not draw is not ranked
                ranked.append((advantage, unit, pair))
    ranked.sort(key=lambda item: item[0])
    chosen = ranked[-N_SHOWN:][::-1] + ranked[:N_SHOWN] if len(ranked) > 2 * N_SHOWN else ranked
    examples = []
    for advantage, unit, pair in chosen:
        u = unit["unit"]
        ae = autoencoder(
            data, AutoencoderSpec(u["model"], u["latent_dim"]), seed=u["seed"], store=store
        )
        drawn = draw_paths(
            ("pixel", shown),
            ae,
            flatten_scaled(data.x_test[[pair["a"], pair["b"]]]),
            board.settings["n_steps"],
            endpoints=board.settings["endpoints"],
            graph=GraphSource(data, store),
        )
        a, b = pair["digits"]
        label = f"{u['model']}-{u['latent_dim']} seed {u['seed']}: {a}→{b}, {advantage:+.2f}"
        examples.append((label, {k: v.frames.reshape(-1, 28, 28) for k, v in drawn.items()}))
    return examples


def save_figures(
    board: Scoreboard,
    folder: Path,
    *,
    data: MnistData,
    store: Store,
    figure_format: str = "svg",
) -> list[Path]:
    """Draw the table, the best and worst MNIST pairs, and the known-manifold figures.

    Parameters
    ----------
    board
        The scoreboard.
    folder
        Where the figures go.
    data, store
        MNIST and the model cache (pairs are redrawn from the cached models).
    figure_format
        ``svg`` or ``pdf``, written beside each PNG.

    Returns
    -------
    list of Path
        The files written.
    """
    written: list[Path] = []

    def save(figure: Any, stem: str) -> None:
        for suffix in ("png", figure_format):
            written.append(save_figure(figure, folder / f"{stem}.{suffix}"))

    configs = board.summary["configs"]
    if not configs:
        return written
    with lecture_style():
        rows = sum(len(entry["differences"]) for entry in configs.values())
        figure = new_figure(20, 2.2 + 0.55 * rows)
        draw_difference_table(figure, configs)
        save(figure, "table")
        shown = _shown_path(list(board.settings["methods"]))
        examples = _mnist_examples(board, data, store)
        if examples:
            figure = new_figure(1.4 * board.settings["n_steps"] + 3, 2.9 * len(examples))
            draw_pair_multiples(
                figure,
                examples,
                list(step_times(board.settings["n_steps"])),
                title=f"MNIST pairs where the {shown} path did best (top) and worst (bottom)",
                rows=("pixel", shown),
            )
            save(figure, "pairs")
        _known_figures(board, data=data, store=store, save=save)
    return written


def _known_figures(board: Scoreboard, *, data: MnistData, store: Store, save: Any) -> None:
    """The latent-size sweep of every known manifold, and one example pair of each."""
    configs = board.summary["configs"]
    known = [d for d in board.settings["datasets"] if d != "mnist"]
    if not known:
        return
    t = list(step_times(board.settings["n_steps"]))
    shown = _shown_path(list(board.settings["methods"]))
    figure = new_figure(8 * len(known), 6.5)
    axes = np.atleast_1d(figure.subplots(1, len(known)))
    for ax, dataset in zip(axes, known, strict=True):
        sweep: dict[str, dict[int, tuple[float, float, float]]] = {}
        pixel: tuple[float, float, float] = (np.nan, np.nan, np.nan)
        for entry in configs.values():
            if entry["dataset"] != dataset:
                continue
            if shown not in entry["paths"]:
                continue
            sweep.setdefault(entry["model"], {})[int(entry["latent_dim"])] = _numbers(
                entry["paths"][shown]["mid_distance"]
            )
            pixel = _numbers(entry["paths"]["pixel"]["mid_distance"])
        draw_latent_sweep(ax, sweep, pixel, title=f"{dataset}: latent size decides")
    save(figure, "known_sweep")
    for dataset in known:
        model, latent_dim = board.settings["models"][0], min(board.settings["latent_dims"])
        example = evaluate_known(
            dataset,
            model,
            latent_dim,
            seed=board.settings["seed"],
            mnist=data,
            n_pairs=1,
            n_steps=board.settings["n_steps"],
            methods=tuple(board.settings["methods"]),
            endpoints=board.settings["endpoints"],
            orbit=tuple(board.settings["orbit"]),
            store=store,
            quick=board.settings["quick"],
        )
        values = example["pairs"][0]["values"]
        drawn = example["frames"][0]
        rows = tuple(r for r in ("true", *board.settings["methods"]) if r in drawn)
        figure = new_figure(1.5 * len(t) + 2, 4.5 + 1.9 * len(rows))
        draw_known_example(
            figure,
            example["frames"][0],
            {k: v["per_frame"] for k, v in values.items()},
            t,
            title=f"{dataset}, {model} latent {latent_dim}: each frame's distance to the manifold",
            rows=rows,
            floor=example["pairs"][0]["floor"],
        )
        save(figure, f"known_{dataset}")
