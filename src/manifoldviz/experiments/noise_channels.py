"""White-noise versus all-zero channels (the chapter's listing 5.1), seed by seed.

Flattened MNIST in [0, 1] plus 784 extra features, either uniform noise or zeros; the chapter's
MLP; rmsprop; batch 128; ``validation_split=0.2`` (Keras holds out the *last* 20% of the rows,
before shuffling); 10 epochs. The noise costs validation accuracy: the model spends capacity
on spurious correlations. Each condition's data is built only while it trains, in float32.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from manifoldviz.data import MnistData
from manifoldviz.experiments.common import (
    ExperimentResult,
    Progress,
    Run,
    Settings,
    chapter_mlp,
    sweep,
)
from manifoldviz.training import fit_classifier
from manifoldviz.transforms import flatten_scaled, with_noise_channels, with_zero_channels

NAME = "noise-channels"
CONDITIONS = ("noise", "zeros")


@dataclass(frozen=True)
class NoiseChannelsConfig(Settings):
    """The chapter's settings by default."""

    validation_split: float = 0.2
    n_channels: int = 784


def build_inputs(data: MnistData, condition: str, seed: int, n_channels: int):
    """The training matrix for one condition: pixels plus noise or zero channels (float32)."""
    flat = flatten_scaled(data.x_train)
    if condition == "noise":
        return with_noise_channels(flat, seed=seed, n_channels=n_channels)
    return with_zero_channels(flat, n_channels=n_channels)


def run(
    config: NoiseChannelsConfig | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Train the chapter's MLP on both conditions for every seed; resumable via ``out_dir``."""
    config = config or NoiseChannelsConfig()

    def train_one(data: MnistData, condition: str, seed: int) -> Run:
        x = build_inputs(data, condition, seed, config.n_channels)
        model = chapter_mlp(x.shape[1], seed)
        history = fit_classifier(
            model,
            x,
            data.y_train,
            n_epochs=config.n_epochs,
            batch_size=config.batch_size,
            validation_split=config.validation_split,
            label=f"{condition} channels, seed {seed}",
            progress=progress,
        )
        return Run(condition, seed, history, {"val_accuracy": history["val_accuracy"][-1]})

    return sweep(
        NAME, config, list(CONDITIONS), train_one, out_dir=out_dir, data=data, progress=progress
    )
