"""The scoreboard: every path method against the pixel path over many pairs, models, latent
sizes and seeds.

A *unit* is one dataset × model × latent size × seed: one trained autoencoder (and, on MNIST,
one classifier and its judges) and ``n_pairs`` pairs measured on every path. On MNIST the paths
(the methods asked for, the pixel path always among them) are scored by every measure of
:mod:`~manifoldviz.interpolation.measures` (each unit's control study says which ones passed);
on a known manifold the true path is added and the numbers are exact distances to the manifold
and Berthelot et al.'s smoothness (:mod:`~manifoldviz.interpolation.known_manifold`).

:func:`evaluate_unit` is the module-level function executors run; :func:`summarise` turns the
units into means with 95% bootstrap intervals, paired differences against the pixel path, and
one sentence naming the differences that are significant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.choices import BOARD_METHODS
from manifoldviz.choices import DATASETS as _DATASETS
from manifoldviz.data.sources import MnistData
from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation import evidence, paths
from manifoldviz.interpolation.control_study import control_pairs
from manifoldviz.interpolation.known_manifold import KNOWN_MEASURES, TRUE_PATH, evaluate_known
from manifoldviz.interpolation.measures import MEASURES
from manifoldviz.interpolation.methods import draw_paths
from manifoldviz.interpolation.morph import measure, pair_models
from manifoldviz.models.architectures import ARCHITECTURES
from manifoldviz.models.cached import (
    AutoencoderSpec,
    ClassifierSpec,
    is_cached,
)
from manifoldviz.progress import Progress
from manifoldviz.seeding import rng
from manifoldviz.statistics import bootstrap_mean
from manifoldviz.store import Store

DATASETS = _DATASETS
#: What every other path is compared with, pair by pair.
REFERENCE = "pixel"


@dataclass(frozen=True)
class Unit:
    """One trained model's share of the scoreboard."""

    dataset: str
    model: str
    latent_dim: int
    seed: int

    @property
    def key(self) -> str:
        return f"{self.dataset}|{self.model}|{self.latent_dim}|{self.seed}"

    @property
    def config(self) -> str:
        """The unit's configuration, seeds pooled: ``dataset/model-latent``."""
        return f"{self.dataset}/{self.model}-{self.latent_dim}"


def check_choices(
    datasets: Sequence[str], models: Sequence[str], latent_dims: Sequence[int]
) -> None:
    """Refuse unknown datasets or models and impossible latent sizes, naming the option."""
    for name in datasets:
        if name not in DATASETS:
            raise InvalidInputError(
                f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}", param="datasets"
            )
    for name in models:
        if name not in ARCHITECTURES:
            raise InvalidInputError(
                f"unknown model {name!r}; choose from {', '.join(ARCHITECTURES)}", param="models"
            )
    for size in latent_dims:
        if not 1 <= size <= 784:
            raise InvalidInputError(f"latent sizes must be 1-784, got {size}", param="latent_dims")
    if not datasets or not models or not latent_dims:
        raise InvalidInputError("give at least one dataset, model and latent size", param="models")


def mnist_pairs(
    y: npt.NDArray[np.integer], n_pairs: int, *, seed: int
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """``n_pairs`` pairs of test images of different classes, seeded apart from the controls."""
    return control_pairs(y, n_pairs, seed=int(rng(seed, "scoreboard-pairs").integers(2**31)))


def compared(methods: Sequence[str]) -> list[str]:
    """The paths compared with the reference, pair by pair (all but it and the true path)."""
    return [m for m in methods if m not in (REFERENCE, TRUE_PATH)]


def evaluate_mnist(
    unit: Unit,
    data: MnistData,
    *,
    n_pairs: int,
    n_steps: int,
    endpoints: str,
    store: Store,
    methods: tuple[str, ...] = BOARD_METHODS,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """One MNIST unit: its models and judges, then every path of ``n_pairs`` pairs scored."""
    models = pair_models(
        data,
        model=unit.model,
        latent_dim=unit.latent_dim,
        model_seed=unit.seed,
        store=store,
        progress=progress,
    )
    first, second = mnist_pairs(data.y_test, n_pairs, seed=unit.seed)
    t = paths.step_times(n_steps)
    pairs = []
    for p, (i, j) in enumerate(zip(first, second, strict=True)):
        failed: dict[str, str] = {}
        computed = draw_paths(
            methods,
            models.autoencoder,
            flatten_scaled(data.x_test[[i, j]]),
            n_steps,
            endpoints=endpoints,
            graph=models.graph,
            failures=failed,
        )
        digits = (int(data.y_test[i]), int(data.y_test[j]))
        scored = measure(models, {m: c.frames for m, c in computed.items()}, t, digits)
        converged = {m: c.converged for m, c in computed.items() if c.converged is not None}
        pairs.append(
            {
                "pair": p,
                "a": int(i),
                "b": int(j),
                "digits": list(digits),
                "values": {m: evidence.path_summary(ev) for m, ev in scored.items()},
                **({"converged": converged} if converged else {}),
                **({"failed": failed} if failed else {}),
            }
        )
    return {
        "pairs": pairs,
        "controls": models.study.to_dict(),
        "model": {
            "autoencoder_test_loss": models.autoencoder.info.get("test_loss"),
            "classifier_test_accuracy": models.classifier.info.get("test_accuracy"),
        },
    }


def models_to_train(units: list[Unit], data: MnistData, store: Store) -> int:
    """How many models the units will train at most: MNIST autoencoders and classifiers not in
    the cache, and every known-manifold autoencoder (its training data is made by the unit)."""
    needed = set()
    for unit in units:
        if unit.dataset != "mnist":
            needed.add(unit.key)
            continue
        spec = AutoencoderSpec(unit.model, unit.latent_dim)
        if not is_cached(data, spec, seed=unit.seed, store=store):
            needed.add(unit.key)
        if not is_cached(data, ClassifierSpec(), seed=unit.seed, store=store):
            needed.add(f"classifier seed {unit.seed}")
    return len(needed)


def evaluate_unit(
    *,
    dataset: str,
    model: str,
    latent_dim: int,
    seed: int,
    data: MnistData,
    n_pairs: int,
    n_steps: int,
    endpoints: str,
    cache_root: str | None,
    methods: tuple[str, ...] = BOARD_METHODS,
    orbit: tuple[int, int] = (3, 0),
    quick: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate one unit (what an executor runs): train or load its models, measure its pairs.

    Parameters
    ----------
    dataset, model, latent_dim, seed
        The unit.
    data
        MNIST (also the source of the rotation orbit's digit).
    n_pairs, n_steps, endpoints
        Pairs, frames per path, and where the pixel path starts and ends.
    cache_root
        The model store's folder (None: the default).
    methods
        The paths drawn between each pair (the pixel path among them).
    orbit
        (digit, index) of the training image whose rotations make the ``rotation`` manifold.
    quick
        Known manifolds: smaller data and fewer epochs (tests).
    progress
        Progress lines (in-process executors only).

    Returns
    -------
    dict
        ``unit`` (its settings), ``pairs`` (every pair's numbers per path), ``model`` and, on
        MNIST, ``controls``.
    """
    from pathlib import Path

    unit = Unit(dataset, model, latent_dim, seed)
    store = Store(Path(cache_root) if cache_root else None, progress=progress)
    if dataset == "mnist":
        result = evaluate_mnist(
            unit,
            data,
            n_pairs=n_pairs,
            n_steps=n_steps,
            endpoints=endpoints,
            store=store,
            methods=methods,
            progress=progress,
        )
    else:
        result = evaluate_known(
            dataset,
            model,
            latent_dim,
            seed=seed,
            mnist=data,
            n_pairs=n_pairs,
            n_steps=n_steps,
            methods=methods,
            endpoints=endpoints,
            orbit=orbit,
            store=store,
            progress=progress,
            quick=quick,
            keep_frames=0,
        )
        result.pop("frames")
    return {
        "unit": {"dataset": dataset, "model": model, "latent_dim": latent_dim, "seed": seed},
        **result,
    }


# ---------------------------------------------------------------------------------------------
# Statistics


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def pair_value(pair: Mapping[str, Any], path: str, key: str) -> float:
    """One pair's ``key`` on ``path``; NaN where the path could not be drawn for the pair.

    Parameters
    ----------
    pair
        One pair of a unit's ``pairs``.
    path, key
        The path and the measure.

    Returns
    -------
    float
        The value, or NaN.
    """
    return _number(pair["values"].get(path, {}).get(key))


def _rounded(value: float) -> float | None:
    """Rounded for JSON; None where undefined (JSON has no NaN)."""
    return round(value, 5) if np.isfinite(value) else None


def _measures_of(dataset: str) -> dict[str, bool | None]:
    """Measure key in a pair's values -> whether higher is better (None: not compared)."""
    if dataset == "mnist":
        return {f"mean_{m.name}": m.higher_is_better for m in MEASURES.values()}
    return dict(KNOWN_MEASURES)


def _label(dataset: str, key: str) -> str:
    if dataset == "mnist":
        return MEASURES[key.removeprefix("mean_")].label
    return {
        "distance": "distance to the manifold",
        "mid_distance": "mid-path distance to the manifold",
        "cosine_distance": "cosine distance to the manifold",
        "smoothness": "smoothness score",
        "within_floor": "share of frames near the floor",
        "relative_length": "length relative to the linear path",
    }[key]


def summarise(units: Sequence[Mapping[str, Any]], *, seed: int = 0) -> dict[str, Any]:
    """Means with 95% bootstrap intervals, paired differences against the pixel path, and the
    sentence naming which differences are significant.

    Pairs are pooled over a configuration's seeds. A difference is the latent path's advantage
    over the pixel path on the same pair (positive: the latent path does better, whatever the
    measure's direction); it is significant when its interval excludes zero. On MNIST only the
    measures that passed the controls in every unit of a configuration enter the sentence; the
    autoencoder's own error never does.

    Parameters
    ----------
    units
        :func:`evaluate_unit` results.
    seed
        Seeds the bootstrap.

    Returns
    -------
    dict
        ``configs`` (per configuration: ``paths`` -> measure -> [mean, low, high];
        ``differences`` -> compared path -> measure -> {mean, low, high, significant, better};
        ``kept``; ``n_pairs``; ``convergence`` -> iterative path -> share of pairs converged;
        on known manifolds ``floor`` -> [mean, low, high]), ``significant`` (a list of the
        significant differences) and ``sentence``.
    """
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for unit in units:
        u = unit["unit"]
        config = Unit(u["dataset"], u["model"], int(u["latent_dim"]), int(u["seed"])).config
        grouped.setdefault(config, []).append(unit)
    configs: dict[str, Any] = {}
    significant: list[dict[str, Any]] = []
    for config, members in grouped.items():
        dataset = members[0]["unit"]["dataset"]
        pairs = [p for unit in members for p in unit["pairs"]]
        measures = _measures_of(dataset)
        kept: list[str] | None = None
        if dataset == "mnist":
            kept_sets = [set(unit["controls"]["kept"]) for unit in members]
            kept = [m for m in MEASURES if all(m in k for k in kept_sets)]
        entry: dict[str, Any] = {
            "dataset": dataset,
            "model": members[0]["unit"]["model"],
            "latent_dim": members[0]["unit"]["latent_dim"],
            "seeds": sorted(int(u["unit"]["seed"]) for u in members),
            "n_pairs": len(pairs),
            "kept": kept,
            "paths": {},
            "differences": {},
        }
        drawn = list(dict.fromkeys(m for p in pairs for m in p["values"]))
        if dataset != "mnist":
            entry["floor"] = [
                _rounded(v)
                for v in bootstrap_mean([_number(p.get("floor")) for p in pairs], seed=seed)
            ]
        iterative = sorted({m for p in pairs for m in p.get("converged", {})})
        entry["convergence"] = {
            m: round(
                float(
                    np.mean([bool(p["converged"][m]) for p in pairs if m in p.get("converged", {})])
                ),
                4,
            )
            for m in iterative
        }
        # Pairs a path could be drawn for (its means are over these; differences are paired).
        entry["n_drawn"] = {
            m: sum(m in p["values"] for p in pairs)
            for m in dict.fromkeys(m for p in pairs for m in p["values"])
        }
        for path in drawn:
            entry["paths"][path] = {
                key: [
                    _rounded(v)
                    for v in bootstrap_mean([pair_value(p, path, key) for p in pairs], seed=seed)
                ]
                for key in measures
            }
        for path in compared(drawn):
            entry["differences"][path] = {}
            for key, higher in measures.items():
                if higher is None:
                    continue
                sign = 1.0 if higher else -1.0
                advantage = [
                    sign * (pair_value(p, path, key) - pair_value(p, REFERENCE, key)) for p in pairs
                ]
                mean, low, high = bootstrap_mean(advantage, seed=seed)
                is_significant = bool(np.isfinite(low) and (low > 0 or high < 0))
                better = ("latent" if low > 0 else "pixel") if is_significant else None
                entry["differences"][path][key] = {
                    "mean": _rounded(mean),
                    "low": _rounded(low),
                    "high": _rounded(high),
                    "significant": is_significant,
                    "better": better,
                }
                counts = dataset != "mnist" or (kept is not None and key[5:] in kept)
                if is_significant and counts:
                    significant.append(
                        {
                            "config": config,
                            "path": path,
                            "measure": key,
                            "label": _label(dataset, key),
                            "better": better,
                        }
                    )
        configs[config] = entry
    return {
        "configs": configs,
        "significant": significant,
        "sentence": sentence(configs, significant),
    }


def sentence(configs: Mapping[str, Any], significant: Sequence[Mapping[str, Any]]) -> str:
    """One sentence naming the significant differences (95% intervals of the paired differences
    excluding zero), grouped by which path does better."""
    tested = 0
    for entry in configs.values():
        n_measures = (
            len(entry["kept"] or [])
            if entry["dataset"] == "mnist"
            else sum(higher is not None for higher in KNOWN_MEASURES.values())
        )
        tested += n_measures * len(entry["differences"])
    if not any(entry["differences"] for entry in configs.values()):
        return "Only the pixel path was drawn, so no path was compared with it."
    if not tested:
        return "No measure passed the controls, so no difference was tested."

    def listed(better: str) -> str:
        # per configuration, each path's measures; paths whose measures are the same are named
        # together ("linear+slerp"), any other path on its own
        by_config: dict[str, dict[str, list[str]]] = {}
        for s in significant:
            if s["better"] != better:
                continue
            labels = by_config.setdefault(s["config"], {}).setdefault(s["path"], [])
            if s["label"] not in labels:
                labels.append(s["label"])
        parts = []
        for config, measured in by_config.items():
            together: dict[tuple[str, ...], list[str]] = {}
            for path, labels in measured.items():
                together.setdefault(tuple(labels), []).append(path)
            parts += [f"{config} {'+'.join(p)}: {', '.join(m)}" for m, p in together.items()]
        return "; ".join(parts) or "none"

    n_latent = sum(s["better"] == "latent" for s in significant)
    n_pixel = sum(s["better"] == "pixel" for s in significant)
    return (
        f"Of {tested} paired comparisons (each path vs the pixel path, on measures that passed "
        f"the controls, 95% bootstrap intervals), {n_latent} significantly favour the other "
        f"path ({listed('latent')}), {n_pixel} significantly favour the pixel path "
        f"({listed('pixel')}), and the other {tested - n_latent - n_pixel} are not significant."
    )
