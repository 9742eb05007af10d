"""White-noise versus all-zero channels (the chapter's listing 5.1), seed by seed.

Flattened MNIST in [0, 1] plus 784 extra features, either uniform noise or zeros; the chapter's
MLP; rmsprop; batch 128; ``validation_split=0.2`` (Keras holds out the *last* 20% of the rows,
before shuffling); 10 epochs. The noise costs validation accuracy: the model spends capacity
on spurious correlations. Each condition's data is built only while it trains, in float32.

The zeros condition trains the same model on half the arithmetic: an input that is always zero
adds nothing to the forward pass and its weights get a zero gradient, which RMSprop (no
momentum, no weight decay) turns into a zero step, so they stay at their initial values for
good. The 1,568-input model is therefore the 784-input model that starts from its initial
weights on the pixels (drawn at the full width, as the chapter's are); only those 784 columns
are trained. In exact arithmetic the two are the same; in float32 they agree up to rounding (a
sum of 784 products is grouped differently from one of 1,568). Tested against the full width.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from manifoldviz.data.sources import MnistData
from manifoldviz.data.transforms import noise_channels
from manifoldviz.experiments.sweep import ExperimentResult, Run, Settings, sweep
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.progress import Progress
from manifoldviz.runs.executor import Executor
from manifoldviz.training.loop import as_tensor, fit_classifier
from manifoldviz.training.pool import reusing

NAME = "noise-channels"
CONDITIONS = ("noise", "zeros")


@dataclass(frozen=True)
class NoiseChannelsConfig(Settings):
    """The chapter's settings by default."""

    validation_split: float = 0.2
    n_channels: int = 784


def input_blocks(
    data: MnistData, condition: str, seed: int, n_channels: int, *, full_width: bool = False
) -> list[Any]:
    """The training inputs for one condition as column blocks: pixels, then noise (or nothing
    for zeros, see the module's note; ``full_width`` builds the all-zero block anyway).

    Each block goes to TensorFlow as soon as it is made and the trainer joins the blocks batch by
    batch, so the full 1,568-column matrix is never held in memory (the chapter holds both
    conditions' matrices, in float64, at once).
    """
    pixels = as_tensor(data.x_train.reshape(len(data.x_train), -1))  # uint8, scaled per batch
    if condition == "noise":
        extra = as_tensor(noise_channels(len(data.x_train), seed=seed, n_channels=n_channels))
    elif full_width:  # zeros are zeros in any type: uint8 takes a quarter of the memory
        extra = as_tensor(np.zeros((len(data.x_train), n_channels), dtype=np.uint8))
    else:
        return [pixels]
    return [pixels, extra]


def initial_model(condition: str, seed: int, n_channels: int, *, full_width: bool = False) -> Any:
    """The chapter's MLP at its seeded initial weights for ``condition``: for zeros (unless
    ``full_width``), the model over the pixels alone, starting from the full-width model's
    weights on them."""
    model = chapter_mlp(784 + n_channels, seed)
    if condition != "zeros" or full_width:
        return model
    kernel, *rest = model.get_weights()
    pixels_only = chapter_mlp(784, seed)
    pixels_only.set_weights([kernel[:784], *rest])
    return pixels_only


def train_run(
    data: MnistData,
    settings: NoiseChannelsConfig,
    condition: str,
    seed: int,
    progress: Progress | None = None,
) -> Run:
    """Train one model for ``condition`` and ``seed`` (module level: workers import it)."""
    x = input_blocks(data, condition, seed, settings.n_channels)
    model = reusing(initial_model(condition, seed, settings.n_channels))
    history = fit_classifier(
        model,
        x,
        data.y_train,
        seed=seed,
        n_epochs=settings.n_epochs,
        batch_size=settings.batch_size,
        validation_split=settings.validation_split,
        label=f"{condition} channels, seed {seed}",
        progress=progress,
    )
    return Run(condition, seed, history, {"val_accuracy": history["val_accuracy"][-1]})


def run(
    config: NoiseChannelsConfig | None = None,
    *,
    out_dir: str | os.PathLike[str] | None = None,
    data: MnistData | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Train the chapter's MLP on both conditions for every seed; resumable via ``out_dir``."""
    config = config or NoiseChannelsConfig()

    return sweep(
        NAME,
        config,
        list(CONDITIONS),
        train_run,
        out_dir=out_dir,
        data=data,
        progress=progress,
        executor=executor,
    )
