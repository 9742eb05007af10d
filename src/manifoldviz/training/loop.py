"""Fitting Keras models with progress reported as plain lines and histories as plain floats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.progress import Progress


def progress_callback(label: str, n_epochs: int, progress: Progress | None) -> Any:
    """A Keras callback that reports each epoch's metrics as one line to ``progress``."""
    from manifoldviz.keras_import import keras_module

    callback: Any = keras_module().callbacks.Callback

    class EpochProgress(callback):
        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            if progress:
                numbers = "  ".join(f"{k} {v:.4f}" for k, v in sorted((logs or {}).items()))
                progress(f"{label}: epoch {epoch + 1}/{n_epochs}  {numbers}")

    return EpochProgress()


def plain_history(history: dict[str, list[Any]]) -> dict[str, list[float]]:
    """A Keras history as JSON-able lists of floats."""
    return {name: [float(v) for v in values] for name, values in history.items()}


def as_tensor(x: npt.NDArray[np.generic]) -> Any:
    """A TensorFlow tensor of ``x``, uint8 kept as uint8 (a copy: drop the array to free it)."""
    from manifoldviz.keras_import import tensorflow_module

    tensorflow_module()
    return _block_tensor(x)


def fit_classifier(
    model: Any,
    x: Any,
    y: npt.NDArray[np.integer],
    *,
    n_epochs: int,
    batch_size: int,
    seed: int,
    validation_split: float | None = None,
    validation_data: tuple[Any, npt.NDArray[np.integer]] | None = None,
    label: str = "model",
    progress: Progress | None = None,
    on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
) -> dict[str, list[float]]:
    """Train a compiled sparse-categorical classifier the way ``model.fit`` would, faster.

    Same semantics as ``model.fit(x, y, epochs, batch_size, validation_split, shuffle=True)``
    with the model's own optimizer: ``validation_split`` holds out the *last* fraction of the
    rows before any shuffling; the training rows are reshuffled every epoch (seeded); the last
    batch may be partial; ``loss`` and ``accuracy`` are sample-weighted means over the epoch.
    The difference is speed: a whole epoch runs as one compiled loop (XLA for runs large enough
    to repay its compile time) over batches gathered
    from a single in-memory tensor (no per-step Python, no data-pipeline copies). See
    BENCHMARKS.md for the measured gain over the chapter's ``fit``.

    ``x`` may be one array or a list of column blocks with the same rows, joined batch by batch
    (so a wide input need not exist in memory as one matrix); uint8 blocks are read as
    value/255, the scaling of :func:`~manifoldviz.transforms.flatten_scaled`.

    ``on_epoch_end(epoch, logs)`` is called after every epoch (0-based), e.g. to snapshot.

    Returns the history as ``{"loss", "accuracy", "val_loss", "val_accuracy"}`` lists.
    """
    from manifoldviz.keras_import import keras_module

    keras = keras_module()
    import tensorflow as tf

    from manifoldviz.seeding import rng

    blocks = [_block_tensor(b) for b in _as_blocks(x)]
    y_all = tf.convert_to_tensor(np.asarray(y, dtype=np.int32))
    n_rows = int(blocks[0].shape[0])
    if validation_data is not None:
        val_blocks = [
            tf.convert_to_tensor(b, dtype=tf.float32) for b in _as_blocks(validation_data[0])
        ]
        y_val = tf.convert_to_tensor(np.asarray(validation_data[1], dtype=np.int32))
        n_train = n_rows
    elif validation_split:
        n_train = int(np.ceil(n_rows * (1.0 - validation_split)))  # Keras's own rule
        val_blocks, y_val = [b[n_train:] for b in blocks], y_all[n_train:]
    else:
        n_train, val_blocks, y_val = n_rows, None, None
    full_batches, tail = divmod(n_train, batch_size)
    # XLA's compile costs about a second; it pays for itself only on runs of some size.
    use_xla = n_train * n_epochs >= 200_000
    optimizer = model.optimizer
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()

    def rows(blocks: list[Any], indices: Any) -> Any:
        """Gather rows from each column block and join them: one batch of inputs."""
        return _joined([tf.gather(block, indices) for block in blocks])

    def step(blocks: list[Any], labels: Any, indices: Any) -> tuple[Any, Any]:
        x_batch, y_batch = rows(blocks, indices), tf.gather(labels, indices)
        with tf.GradientTape() as tape:
            probabilities = model(x_batch, training=True)
            loss = loss_fn(y_batch, probabilities)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        size = tf.cast(tf.shape(indices)[0], tf.float32)
        return loss * size, _correct(probabilities, y_batch)

    # Data goes in as arguments, not captured: it is freed as soon as this call returns.
    @tf.function(jit_compile=use_xla)
    def train_epoch(blocks: list[Any], labels: Any, order: Any) -> tuple[Any, Any]:
        def body(i: Any, loss_sum: Any, correct: Any) -> tuple[Any, Any, Any]:
            indices = tf.slice(order, [i * batch_size], [batch_size])
            batch_loss, batch_correct = step(blocks, labels, indices)
            return i + 1, loss_sum + batch_loss, correct + batch_correct

        zero = tf.constant(0.0)
        _, loss_sum, correct = tf.while_loop(
            lambda i, *_: i < full_batches, body, (tf.constant(0), zero, zero)
        )
        if tail:
            indices = tf.slice(order, [full_batches * batch_size], [tail])
            batch_loss, batch_correct = step(blocks, labels, indices)
            loss_sum, correct = loss_sum + batch_loss, correct + batch_correct
        return loss_sum / n_train, correct / n_train

    @tf.function  # not XLA: a forward pass gains little and each new shape would recompile
    def evaluate_block(blocks: list[Any], labels: Any) -> tuple[Any, Any]:
        probabilities = model(_joined(blocks), training=False)
        size = tf.cast(tf.shape(labels)[0], tf.float32)
        return loss_fn(labels, probabilities) * size, _correct(probabilities, labels)

    def evaluate(blocks: list[Any], labels: Any) -> tuple[float, float]:
        n_eval, loss_sum, correct = int(labels.shape[0]), 0.0, 0.0
        for start in range(0, n_eval, 4096):
            block_loss, block_correct = evaluate_block(
                [b[start : start + 4096] for b in blocks], labels[start : start + 4096]
            )
            loss_sum, correct = loss_sum + float(block_loss), correct + float(block_correct)
        return loss_sum / n_eval, correct / n_eval

    shuffler = rng(seed, "epoch-order")
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    if val_blocks is not None:
        history.update(val_loss=[], val_accuracy=[])
    for epoch in range(n_epochs):
        order = tf.constant(shuffler.permutation(n_train).astype(np.int32))
        loss, accuracy = train_epoch(blocks, y_all, order)
        logs = {"loss": float(loss), "accuracy": float(accuracy)}
        if val_blocks is not None:
            logs["val_loss"], logs["val_accuracy"] = evaluate(val_blocks, y_val)
        for name, value in logs.items():
            history[name].append(value)
        if progress:
            numbers = "  ".join(f"{k} {v:.4f}" for k, v in sorted(logs.items()))
            progress(f"{label}: epoch {epoch + 1}/{n_epochs}  {numbers}")
        if on_epoch_end:
            on_epoch_end(epoch, logs)
    return history


def predict_classes(model: Any, x: npt.NDArray[np.float32], *, batch: int = 4096) -> np.ndarray:
    """Predicted class per row, calling the model directly (no ``predict`` function to build)."""
    out = [
        np.argmax(np.asarray(model(x[start : start + batch], training=False)), axis=1)
        for start in range(0, len(x), batch)
    ]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def accuracy(model: Any, x: npt.NDArray[np.float32], y: npt.NDArray[np.integer]) -> float:
    """Fraction of rows of ``x`` whose predicted class is ``y``."""
    return float(np.mean(predict_classes(model, x) == np.asarray(y)))


def _block_tensor(block: Any) -> Any:
    """uint8 blocks stay uint8 in memory (a quarter of float32) and are scaled per batch."""
    import tensorflow as tf

    dtype = tf.uint8 if getattr(block, "dtype", None) in (np.uint8, tf.uint8) else tf.float32
    return tf.convert_to_tensor(block, dtype=dtype)


def _joined(parts: list[Any]) -> Any:
    """Join column blocks of one batch as float32, uint8 ones read as value/255."""
    import tensorflow as tf

    floats = [tf.cast(p, tf.float32) / 255.0 if p.dtype == tf.uint8 else p for p in parts]
    return floats[0] if len(floats) == 1 else tf.concat(floats, axis=1)


def _as_blocks(x: Any) -> list[Any]:
    """``x`` as a list of column blocks (a single array is one block)."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _correct(probabilities: Any, labels: Any) -> Any:
    import tensorflow as tf

    predicted = tf.cast(tf.argmax(probabilities, axis=1), tf.int32)
    return tf.reduce_sum(tf.cast(tf.equal(predicted, labels), tf.float32))
