"""Fitting Keras models with progress reported as plain lines and histories as plain floats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

Progress = Callable[[str], None]


def progress_callback(label: str, n_epochs: int, progress: Progress | None) -> Any:
    """A Keras callback that reports each epoch's metrics as one line to ``progress``."""
    from manifoldviz.models import keras_module

    keras = keras_module()

    class EpochProgress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            if progress:
                numbers = "  ".join(f"{k} {v:.4f}" for k, v in sorted((logs or {}).items()))
                progress(f"{label}: epoch {epoch + 1}/{n_epochs}  {numbers}")

    return EpochProgress()


def plain_history(history: dict[str, list[Any]]) -> dict[str, list[float]]:
    """A Keras history as JSON-able lists of floats."""
    return {name: [float(v) for v in values] for name, values in history.items()}


def fit_classifier(
    model: Any,
    x: npt.NDArray[np.float32],
    y: npt.NDArray[np.integer],
    *,
    n_epochs: int,
    batch_size: int,
    validation_split: float | None = None,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    label: str = "model",
    progress: Progress | None = None,
) -> dict[str, list[float]]:
    """``model.fit`` with quiet output, line progress and a plain-float history.

    ``validation_split`` keeps Keras's meaning: the *last* fraction of the rows, taken before
    any shuffling, is held out.
    """
    history = model.fit(
        x,
        y,
        epochs=n_epochs,
        batch_size=batch_size,
        validation_split=validation_split or 0.0,
        validation_data=validation_data,
        verbose=0,
        callbacks=[progress_callback(label, n_epochs, progress)],
    )
    return plain_history(history.history)
