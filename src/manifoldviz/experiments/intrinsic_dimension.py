"""Testing the manifold hypothesis on MNIST: intrinsic dimension of the digits and variants.

The chapter wonders whether anyone has checked the manifold hypothesis on real data. Here it is
checked: the intrinsic dimension of MNIST (all digits, and each digit alone) is estimated with
TwoNN and Levina-Bickel MLE over several random subsamples, next to the ambient 784 pixels.
Adding 784 all-zero channels changes nothing (ambient 1,568, same distances); adding 784
white-noise channels makes the estimate jump, because noise lies on no low-dimensional
manifold: the bridge to the noise-channel experiment. Optionally, the autoencoder's view:
reconstruction error against latent size, to compare its elbow with the estimate.

Each subsample is one unit of the engine (:mod:`manifoldviz.runs`): with an output folder, a
run interrupted after some subsamples resumes with them kept.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from manifoldviz.atomic import write_json_atomic
from manifoldviz.data.sources import MnistData, load_mnist
from manifoldviz.data.transforms import flatten_scaled, with_noise_channels, with_zero_channels
from manifoldviz.errors import InvalidInputError, ManifoldvizError
from manifoldviz.experiments.dimension_estimators import estimate, parse_estimator
from manifoldviz.progress import Progress
from manifoldviz.provenance import library_versions
from manifoldviz.runs.engine import Plan, run_units
from manifoldviz.runs.executor import Executor
from manifoldviz.runs.results_file import RESULTS, check_out_dir, load_finished, settings_key
from manifoldviz.seeding import rng

STUDY = "intrinsic-dimension"

VARIANTS = ("mnist", "zeros", "noise")
VARIANT_LABELS = {
    "mnist": "MNIST (784 pixels)",
    "zeros": "+784 zero channels",
    "noise": "+784 noise channels",
}
AMBIENT = {"mnist": 784, "zeros": 1568, "noise": 1568}
PUBLISHED_MNIST: dict[str, Any] = {
    "source": (
        "Pope, Zhu, Abdelkader, Goldblum and Goldstein, 'The Intrinsic Dimension of Images and"
        " Its Impact on Learning', ICLR 2021, Table 1"
    ),
    "estimator": "Levina-Bickel MLE averaged as MacKay and Ghahramani suggest, k = 3, 5, 10, 20",
    "estimates": {"mle-k3": 7, "mle-k5": 11, "mle-k10": 12, "mle-k20": 13},
}
"""Published MLE estimates for MNIST, quoted beside ours (same estimator family and k)."""


@dataclass(frozen=True)
class ManifoldConfig:
    """What to estimate: subsample size, repeats, estimators, and the optional autoencoder view."""

    data: str | None = None
    limit: int | None = None
    seed: int = 0
    subsample: int = 10_000
    n_repeats: int = 3
    estimators: tuple[str, ...] = ("twonn", "mle-k10", "mle-k20")
    per_digit: bool = True
    latent_sizes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name in self.estimators:
            parse_estimator(name)
        if not self.estimators:
            raise InvalidInputError("give at least one estimator", param="estimators")
        if self.n_repeats < 1:
            raise InvalidInputError(
                f"repeats must be at least 1, got {self.n_repeats}", param="n_repeats"
            )
        k_max = max([2] + [parse_estimator(e)[1] or 2 for e in self.estimators])
        smallest = 10 * (k_max + 1) if self.per_digit else k_max + 1
        if self.subsample < smallest:
            raise InvalidInputError(
                f"subsample {self.subsample} is too small for neighbourhoods of {k_max}"
                f" (needs at least {smallest})",
                param="subsample",
            )
        for size in self.latent_sizes:
            if not 1 <= size <= 784:
                raise InvalidInputError(
                    f"latent sizes must be 1-784, got {size}", param="latent_sizes"
                )


@dataclass(frozen=True)
class ManifoldResult:
    """Estimates per variant, per digit and (optionally) the autoencoder elbow.

    ``variants[v][estimator]`` and ``digits[d][estimator]`` hold one value per repeat.
    """

    settings: dict[str, Any]
    data: dict[str, Any]
    variants: dict[str, dict[str, list[float]]]
    digits: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    autoencoder: dict[str, float] = field(default_factory=dict)
    subsamples: list[dict[str, Any]] = field(default_factory=list)
    key: str = ""

    def mean(self, variant: str, estimator: str) -> float:
        return float(np.mean(self.variants[variant][estimator]))

    def summary_table(self) -> str:
        """Estimates (mean and range over subsamples) beside the ambient dimension."""
        names = list(self.settings["estimators"])
        width = 22
        lines = [f"{'':24}{'ambient':>9}" + "".join(n.rjust(width) for n in names)]
        rows = [(VARIANT_LABELS[v], AMBIENT[v], self.variants[v]) for v in self.variants]
        rows += [(f"digit {d}", 784, values) for d, values in self.digits.items()]
        for label, ambient, values in rows:
            cells = "".join(
                f"{np.mean(values[n]):.1f} ({min(values[n]):.1f}-{max(values[n]):.1f})".rjust(width)
                for n in names
            )
            lines.append(f"{label:24}{ambient:>9}{cells}")
        published = PUBLISHED_MNIST["estimates"]
        cells = "".join(
            (f"{published[n]} (published)" if n in published else "-").rjust(width) for n in names
        )
        lines.append(f"{'MNIST, Pope et al. 2021':24}{784:>9}{cells}")
        quoted = ", ".join(f"{name} {value}" for name, value in published.items())
        lines.append(f"Published MNIST estimates (Pope et al., ICLR 2021, Table 1): {quoted}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment": STUDY,
            "settings_key": self.key,
            "settings": self.settings,
            "data": self.data,
            "ambient": AMBIENT,
            "variants": self.variants,
            "digits": self.digits,
            "autoencoder_test_loss_by_latent_size": self.autoencoder,
            "published_mnist": PUBLISHED_MNIST,
            "produced_by": library_versions(),
            "subsamples": self.subsamples,
        }


def estimate_subsample(
    *, data: MnistData, config: ManifoldConfig, repeat: int, progress: Progress | None = None
) -> dict[str, Any]:
    """One unit: every estimator on one seeded subsample, its zero- and noise-channel variants
    and (with ``per_digit``) each digit alone."""
    seed = config.seed + repeat
    chosen = np.sort(
        rng(seed, "subsample").choice(len(data.y_train), config.subsample, replace=False)
    )
    x = flatten_scaled(data.x_train[chosen])
    inputs = {
        "mnist": x,
        "zeros": with_zero_channels(x),
        "noise": with_noise_channels(x, seed=seed),
    }
    variants = {
        variant: {
            name: round(value, 3) for name, value in estimate(values, config.estimators).items()
        }
        for variant, values in inputs.items()
    }
    digits = {}
    if config.per_digit:
        labels = data.y_train[chosen]
        for digit in range(10):
            found = estimate(x[labels == digit], config.estimators)
            digits[str(digit)] = {name: round(value, 3) for name, value in found.items()}
    return {"repeat": repeat, "variants": variants, "digits": digits}


def run(
    config: ManifoldConfig | None = None,
    *,
    data: MnistData | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ManifoldResult:
    """Estimate intrinsic dimensions for every variant and digit over seeded subsamples.

    Parameters
    ----------
    config
        What to estimate (default: :class:`ManifoldConfig`).
    data
        Loaded data (default: loaded as ``config`` says).
    out_dir
        Where ``results.json`` goes: subsamples already there for these settings are kept.
    progress, executor
        Progress lines, and where subsamples run (default: this process).

    Returns
    -------
    ManifoldResult
        Per variant and digit, one estimate per subsample and estimator.
    """
    config = config or ManifoldConfig()
    folder = check_out_dir(out_dir)
    if data is None:
        data = load_mnist(config.data, limit=config.limit, seed=config.seed, progress=progress)
    if config.subsample > len(data.y_train):
        raise InvalidInputError(
            f"subsample {config.subsample} exceeds the {len(data.y_train)} training images",
            param="subsample",
        )
    settings = asdict(config)
    settings["estimators"] = list(config.estimators)
    described = data.describe()
    key = settings_key(STUDY, settings, described)
    units = load_finished(folder, STUDY, key, "subsamples")
    done = {int(u["repeat"]) for u in units}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    todo = [(f"subsample {r + 1}", {"repeat": r}) for r in range(config.n_repeats) if r not in done]

    def result(autoencoder: dict[str, float]) -> ManifoldResult:
        ordered = sorted(units, key=lambda u: int(u["repeat"]))
        variants = {
            v: {e: [u["variants"][v][e] for u in ordered] for e in config.estimators}
            for v in VARIANTS
        }
        digits = {
            d: {e: [u["digits"][d][e] for u in ordered] for e in config.estimators}
            for d in (ordered[0]["digits"] if ordered else {})
        }
        return ManifoldResult(settings, described, variants, digits, autoencoder, ordered, key)

    def checkpoint() -> None:
        if folder is not None:
            write_json_atomic(folder / RESULTS, result({}).to_dict())

    failures: list[str] = []
    run_units(
        Plan(STUDY, config.n_repeats, len(done), len(config.latent_sizes) or None),
        estimate_subsample,
        {"data": data, "config": config, "progress": None},
        todo,
        on_value=lambda _key, unit: units.append(unit),
        on_failure=lambda key, error, _attempts: failures.append(f"{key}: {error}"),
        checkpoint=checkpoint,
        executor=executor,
        progress=progress,
        unit_name="subsample",
    )
    if failures:
        first = failures[0].splitlines()[0]
        raise ManifoldvizError(f"{len(failures)} subsample(s) failed; first: {first}")
    return result(_autoencoder_view(data, config, progress) if config.latent_sizes else {})


def _autoencoder_view(
    data: MnistData, config: ManifoldConfig, progress: Progress | None
) -> dict[str, float]:
    """Test reconstruction loss of the dense autoencoder at each latent size (cached models)."""
    from manifoldviz.models.cached import AutoencoderSpec, autoencoder

    losses = {}
    for size in config.latent_sizes:
        model = autoencoder(
            data, AutoencoderSpec(latent_dim=size), seed=config.seed, progress=progress
        )
        losses[str(size)] = round(float(model.info["test_loss"]), 5)
    return losses
