"""Training trajectories: how held-out digits' representations and the weights move in training.

:func:`run` trains the chapter's MLP (or the dense autoencoder) while a recorder snapshots a
fixed, class-balanced probe set of held-out test digits, the weights and the metrics; then it
projects the representations to 2-D (aligned across snapshots) and the weights onto their
principal plane with the loss surface and a random-walk control. ``compare="shuffled"`` trains
the same model on shuffled labels too: with true labels the probe digits pull apart by class;
with shuffled labels they do not (UMAP still groups look-alike digits, which the hidden layer
inherits from the inputs).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from manifoldviz.data.sources import MnistData, load_mnist, stratified_subset
from manifoldviz.data.transforms import flatten_scaled, shuffled_labels
from manifoldviz.errors import InvalidInputError
from manifoldviz.progress import Progress
from manifoldviz.provenance import library_versions
from manifoldviz.runs.engine import Plan, run_units
from manifoldviz.runs.executor import SequentialExecutor
from manifoldviz.store import Store
from manifoldviz.training.recording import Trajectory, TrajectoryRecorder
from manifoldviz.trajectories import projection as proj
from manifoldviz.trajectories import weightspace

MODELS = ("mlp", "autoencoder", "vae")
LAYERS = {"mlp": ("hidden", "output"), "autoencoder": ("latent",), "vae": ("latent",)}


#: The study's name in the engine's plan and progress lines.
STUDY = "trajectory"


@dataclass(frozen=True)
class TrajectoryConfig:
    """What to train and record, and how to project it."""

    data: str | None = None
    limit: int | None = None
    seed: int = 0
    n_epochs: int = 10
    batch_size: int = 128
    model: str = "mlp"
    layer: str | None = None
    probe_size: int = 2000
    first_epoch_snapshots: int = 3
    projection: str = "pca"
    compare: str | None = None
    tween: int = 2

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise InvalidInputError(
                f"unknown model {self.model!r}; choose from {', '.join(MODELS)}", param="model"
            )
        if self.layer is not None and self.layer not in LAYERS[self.model]:
            raise InvalidInputError(
                f"unknown layer {self.layer!r} for {self.model}; choose from "
                f"{', '.join(LAYERS[self.model])}",
                param="layer",
            )
        if self.n_epochs < 1:
            raise InvalidInputError(
                f"epochs must be at least 1, got {self.n_epochs}", param="n_epochs"
            )
        if self.probe_size < 10:
            raise InvalidInputError(
                f"probe size must be at least 10, got {self.probe_size}", param="probe_size"
            )
        if self.compare not in (None, "shuffled"):
            raise InvalidInputError(
                f"--compare takes 'shuffled', got {self.compare!r}", param="compare"
            )
        if self.compare and self.model != "mlp":
            raise InvalidInputError(
                "--compare shuffled needs labels: use --model mlp", param="compare"
            )
        proj.check_method(self.projection)

    @property
    def layer_name(self) -> str:
        return self.layer or LAYERS[self.model][0]


@dataclass(frozen=True)
class TrajectoryResult:
    """Recorded runs ("true", and "shuffled" with ``compare``), their aligned 2-D projections
    and the weight-space view of each."""

    settings: dict[str, Any]
    data: dict[str, Any]
    runs: dict[str, Trajectory]
    frames: dict[str, np.ndarray]
    weight_paths: dict[str, weightspace.WeightPath]
    control_paths: dict[str, weightspace.WeightPath]
    surfaces: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "projection": proj.describe(self.settings["projection"]),
            "data": self.data,
            "produced_by": library_versions(),
            "runs": {
                name: {"snapshots": run.snapshots, **self._weight_numbers(name)}
                for name, run in self.runs.items()
            },
        }

    def _weight_numbers(self, name: str) -> dict[str, Any]:
        """The weight-space numbers of run ``name``, when they were computed."""
        if name not in self.weight_paths:
            return {}
        return {
            "weight_path_explained_variance": self.weight_paths[name].explained,
            "random_walk_explained_variance": self.control_paths[name].explained,
        }


def probe_indices(y_test: np.ndarray, size: int, *, seed: int) -> np.ndarray:
    """A class-balanced probe set of held-out digits; every digit must be present."""
    if size > len(y_test):
        raise InvalidInputError(
            f"probe size {size} is larger than the {len(y_test)} held-out images",
            param="probe_size",
        )
    missing = sorted(set(range(10)) - set(np.unique(y_test).tolist()))
    if missing:
        raise InvalidInputError(
            f"no held-out examples of digit(s) {missing} for the probe set", param="probe_size"
        )
    return stratified_subset(y_test, size, seed=seed)


def _record(
    data: MnistData,
    config: TrajectoryConfig,
    labels: np.ndarray,
    probe: np.ndarray,
    probe_labels: np.ndarray,
    seed: int,
    progress: Progress | None,
) -> Trajectory:
    """Train one model with the recorder attached; return its trajectory."""
    from manifoldviz.models import architectures as models
    from manifoldviz.models.dense_runtime import DenseStack
    from manifoldviz.seeding import seed_everything
    from manifoldviz.training.loop import fit

    seed_everything(seed)
    x = flatten_scaled(data.x_train)
    if config.model == "mlp":
        model = models.mlp_classifier()
        output = config.layer_name == "output"

        def represent(m: Any, p: np.ndarray) -> np.ndarray:
            stack = DenseStack.from_keras(m)
            if output:
                return stack(p)
            return np.maximum(p @ stack.weights[0] + stack.weights[1], 0)

    else:
        # The VAE's latent view is its encoder's mean code, the code interpolation paths use.
        architecture = "dense" if config.model == "autoencoder" else "vae"
        model, encoder, _ = models.autoencoder(architecture, 16)

        def represent(m: Any, p: np.ndarray) -> np.ndarray:
            return DenseStack.from_keras(encoder)(p)

    steps = math.ceil(len(x) * 0.8 / config.batch_size)
    recorder = TrajectoryRecorder(
        model,
        probe,
        probe_labels,
        represent,
        steps_per_epoch=steps,
        first_epoch_snapshots=config.first_epoch_snapshots,
    )
    fit(
        model,
        x,
        labels if config.model == "mlp" else None,
        task="classify" if config.model == "mlp" else "reconstruct",
        n_epochs=config.n_epochs,
        batch_size=config.batch_size,
        seed=seed,
        validation_split=0.2,
        label=config.model,
        progress=progress,
        on_epoch_end=recorder.on_epoch_end,
        first_epoch_marks=recorder.first_epoch_marks(),
        on_mark=recorder.on_mark,
    )
    info = {
        "model": config.model,
        "layer": config.layer_name,
        "shapes": [list(w.shape) for w in model.trainable_weights],
        "activations": [layer.get_config().get("activation", "linear") for layer in model.layers],
    }
    return recorder.trajectory(info)


def _record_kind(config: TrajectoryConfig) -> str:
    """The store kind of a model's recordings."""
    return f"trajectory-{config.model}"


def _record_spec(
    data: MnistData, config: TrajectoryConfig, name: str, probe_at: np.ndarray
) -> dict[str, Any]:
    """The store key of a recording: what was trained and what was probed, not the projection."""
    from manifoldviz.models.cached import TRAINING_RECIPE

    return {
        "labels": name,
        "model": config.model,
        "layer": config.layer_name,
        "n_epochs": config.n_epochs,
        "batch_size": config.batch_size,
        "first_epoch_snapshots": config.first_epoch_snapshots,
        "probe": [int(i) for i in probe_at],
        "seed": config.seed,
        "data": data.fingerprint(),
        "recipe": TRAINING_RECIPE,
    }


def recorded(
    data: MnistData,
    config: TrajectoryConfig,
    name: str,
    labels: np.ndarray,
    probe_at: np.ndarray,
    *,
    store: Store,
    progress: Progress | None = None,
) -> Trajectory:
    """The recorded run ``name`` ("true" or "shuffled"): from the store, or trained and kept.

    A recording depends only on what was trained and what was probed, not on how it is later
    projected, so another projection (or another figure of the same run) never retrains. The
    record is always read back from the store, so a first run and a cached one give the same
    bytes.
    """
    spec = _record_spec(data, config, name, probe_at)

    def build(folder: Path) -> dict[str, Any]:
        if progress:
            progress(f"training on {name} labels, recording {len(probe_at)} probe digits")
        probe = flatten_scaled(data.x_test[probe_at])
        record = _record(data, config, labels, probe, data.y_test[probe_at], config.seed, progress)
        record.save(folder / "record")
        return {"n_snapshots": len(record.snapshots)}

    entry = store.get_or_build(_record_kind(config), spec, build)
    return Trajectory.load(entry.file("record"))


def record_unit(
    data: MnistData,
    config: TrajectoryConfig,
    probe_at: np.ndarray,
    store: Store,
    name: str,
    labels: np.ndarray,
    progress: Progress | None = None,
) -> str:
    """One unit of the engine: the run ``name`` trained, recorded and kept in the store."""
    recorded(data, config, name, labels, probe_at, store=store, progress=progress)
    return name


def run(
    config: TrajectoryConfig | None = None,
    *,
    data: MnistData | None = None,
    progress: Progress | None = None,
    store: Store | None = None,
    weight_space: bool = True,
) -> TrajectoryResult:
    """Train (and compare), record, and project; see the module docstring.

    Parameters
    ----------
    config
        What to train, record and project.
    data
        Loaded MNIST (default: loaded as ``config`` says).
    progress
        Receives one line per step of long work.
    store
        Where recorded runs are kept (default: the model cache): a run already recorded with
        the same training settings is reused, whatever the projection.
    weight_space
        False leaves out the weights' principal paths, their random-walk controls and the loss
        surfaces (a figure of the representations alone needs none of them).

    Returns
    -------
    TrajectoryResult
        The recorded runs, their 2-D projections and the weight-space views.
    """
    config = config or TrajectoryConfig()
    store = store or Store(progress=progress)
    if data is None:
        data = load_mnist(config.data, limit=config.limit, seed=config.seed, progress=progress)
    chosen = probe_indices(data.y_test, config.probe_size, seed=config.seed)
    variants: dict[str, np.ndarray] = {"true": data.y_train}
    if config.compare == "shuffled":
        variants["shuffled"] = shuffled_labels(data.y_train, fraction=1.0, seed=config.seed)
    # The recordings are the units (the store keeps each, so an interrupted run resumes);
    # projecting them is quick and happens after. A failed recording ends the study as it was
    # raised: the other run alone would not be the study asked for.
    kind = _record_kind(config)
    kept = [n for n in variants if store.get(kind, _record_spec(data, config, n, chosen))]
    todo = [(n, {"name": n, "labels": labels}) for n, labels in variants.items() if n not in kept]
    run_units(
        Plan(STUDY, len(variants), len(kept), len(todo)),
        record_unit,
        {"data": data, "config": config, "probe_at": chosen, "store": store, "progress": progress},
        todo,
        on_value=lambda _key, _name: None,
        on_failure=lambda _key, _error, _attempts: None,  # never called: the error propagates
        checkpoint=lambda: None,
        executor=SequentialExecutor(retries=0, reraise=True),
        progress=progress,
        unit_name="recording",
    )
    runs, frames, paths, controls, surfaces = {}, {}, {}, {}, {}
    for name, labels in variants.items():
        run_record = recorded(data, config, name, labels, chosen, store=store, progress=progress)
        runs[name] = run_record
        if progress:
            progress(f"projecting {len(run_record.snapshots)} snapshots ({config.projection})")
        frames[name] = proj.project(run_record.representations, config.projection, seed=config.seed)
        if not weight_space:
            continue
        paths[name] = weightspace.principal_path(run_record.weights)
        controls[name] = weightspace.principal_path(
            weightspace.matched_random_walk(run_record.weights, seed=config.seed)
        )
        if config.model == "mlp":
            subset = stratified_subset(data.y_train, min(1000, len(data.y_train)), seed=config.seed)
            loss_of = weightspace.dense_loss(
                [tuple(s) for s in run_record.info["shapes"]],
                run_record.info["activations"],
                flatten_scaled(data.x_train[subset]),
                labels[subset].astype(np.int64),
            )
            surfaces[name] = weightspace.loss_surface(paths[name], run_record.weights[-1], loss_of)
    settings = asdict(config)
    return TrajectoryResult(settings, data.describe(), runs, frames, paths, controls, surfaces)
