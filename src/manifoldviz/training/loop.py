"""The one training loop every model goes through: compiled epochs, plain-line progress, and
histories as plain floats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.errors import InvalidInputError
from manifoldviz.keras_import import keras_module, tensorflow_module
from manifoldviz.progress import Progress, report_step
from manifoldviz.training.pool import is_kept


def plain_history(history: dict[str, list[Any]]) -> dict[str, list[float]]:
    """A Keras history as JSON-able lists of floats."""
    return {name: [float(v) for v in values] for name, values in history.items()}


def as_tensor(x: npt.NDArray[np.generic]) -> Any:
    """A TensorFlow tensor of ``x``, uint8 kept as uint8 (a copy: drop the array to free it)."""

    tensorflow_module()
    return _block_tensor(x)


TASKS = ("classify", "reconstruct")
#: Changes when the same settings would train to different numbers (2: a sweep's runs train
#: through XLA, whose float rounding differs); part of a results file's key, so an interrupted
#: sweep never resumes with runs of another version.
TRAINING_VERSION = 2


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
    """Train a compiled sparse-categorical classifier with :func:`fit` (``task="classify"``).

    Returns the history as ``{"loss", "accuracy", "val_loss", "val_accuracy"}`` lists.
    """
    return fit(
        model,
        x,
        y,
        task="classify",
        n_epochs=n_epochs,
        batch_size=batch_size,
        seed=seed,
        validation_split=validation_split,
        validation_data=validation_data,
        label=label,
        progress=progress,
        on_epoch_end=on_epoch_end,
    )


def fit(
    model: Any,
    x: Any,
    y: npt.NDArray[np.integer] | None = None,
    *,
    task: str = "classify",
    n_epochs: int,
    batch_size: int,
    seed: int,
    validation_split: float | None = None,
    validation_data: tuple[Any, Any] | None = None,
    label: str = "model",
    progress: Progress | None = None,
    on_epoch_end: Callable[[int, dict[str, float]], None] | None = None,
    first_epoch_marks: Sequence[int] = (),
    on_mark: Callable[[int], None] | None = None,
) -> dict[str, list[float]]:
    """Train a compiled Keras model the way ``model.fit`` would, faster: every model trains here.

    Same semantics as ``model.fit(x, y, epochs, batch_size, validation_split, shuffle=True)``
    with the model's own optimizer: ``validation_split`` holds out the *last* fraction of the
    rows before any shuffling; the training rows are reshuffled every epoch (seeded); the last
    batch may be partial; logged losses (and accuracy) are sample-weighted means over the epoch.
    The difference is speed: an epoch runs as one compiled loop (XLA for runs large enough to
    repay its compile time) over batches gathered from a single in-memory tensor (no per-step
    Python, no data-pipeline copies). See BENCHMARKS.md for the measured gain over ``fit``.

    Parameters
    ----------
    model
        A compiled Keras model (its optimizer is used; its compiled loss is not).
    x
        One array, or a list of column blocks with the same rows joined batch by batch (a wide
        input need not exist in memory as one matrix); uint8 blocks are read as value/255, the
        scaling of :func:`~manifoldviz.data.transforms.flatten_scaled`.
    y
        Integer labels for ``task="classify"``; None for ``task="reconstruct"``, where the
        target is the (joined, scaled) input itself and the loss binary cross-entropy. For
        every task, losses the model's layers add with ``add_loss`` during the forward pass
        (a VAE's KL divergence) are added to the loss.
    task
        ``"classify"`` (sparse categorical cross-entropy and accuracy) or ``"reconstruct"``.
    n_epochs, batch_size, seed
        Epochs, rows per step, and the seed of the per-epoch shuffles.
    validation_split, validation_data
        Held-out rows measured after every epoch (``val_*`` in the history).
    label, progress
        Each epoch's metrics are reported as one line ``"{label}: epoch i/n ..."``.
    on_epoch_end
        ``on_epoch_end(epoch, logs)`` after every epoch (0-based), e.g. to snapshot.
    first_epoch_marks, on_mark
        ``on_mark(step)`` is called after each of these step counts within the first epoch
        (snapshots of the fast early change).

    Returns
    -------
    dict
        The history: ``loss`` (and ``accuracy``), plus ``val_loss`` (and ``val_accuracy``).
    """
    if task not in TASKS:
        raise InvalidInputError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")

    tf = tensorflow_module()

    from manifoldviz.seeding import rng

    classify = task == "classify"
    blocks = [_block_tensor(b) for b in _as_blocks(x)]
    n_rows = int(blocks[0].shape[0])
    # Reconstruction has no labels: a dummy row index stands in, so one code path gathers both.
    labels = np.asarray(y if classify else np.zeros(n_rows), dtype=np.int32)
    y_all = tf.convert_to_tensor(labels)
    if validation_data is not None:
        val_blocks = [_block_tensor(b) for b in _as_blocks(validation_data[0])]
        val_labels = validation_data[1] if classify else np.zeros(int(val_blocks[0].shape[0]))
        y_val = tf.convert_to_tensor(np.asarray(val_labels, dtype=np.int32))
        n_train = n_rows
    elif validation_split:
        n_train = int(np.ceil(n_rows * (1.0 - validation_split)))  # Keras's own rule
        val_blocks, y_val = [b[n_train:] for b in blocks], y_all[n_train:]
    else:
        n_train, val_blocks, y_val = n_rows, None, None
    # XLA's compile pays for itself on runs of some size, or when the compiled steps serve a
    # whole sweep (a kept model, training/pool.py), and only for dense models: XLA's CPU
    # convolutions trained the conv autoencoder many times slower than TensorFlow's own kernels
    # (BENCHMARKS.md, ``bench_training.py --parts xla``).
    use_xla = (n_train * n_epochs >= 200_000 or is_kept(model)) and not _has_convolutions(model)
    model.optimizer.build(model.trainable_variables)
    steps = compiled_steps(model, classify=classify, batch_size=batch_size, use_xla=use_xla)

    def evaluate(blocks: list[Any], labels: Any) -> tuple[float, float]:
        n_eval, loss_sum, correct = int(labels.shape[0]), 0.0, 0.0
        for start in range(0, n_eval, 4096):
            block_loss, block_correct = steps.evaluate_block(
                [b[start : start + 4096] for b in blocks], labels[start : start + 4096]
            )
            loss_sum, correct = loss_sum + float(block_loss), correct + float(block_correct)
        return loss_sum / n_eval, correct / n_eval

    marks = sorted({m for m in first_epoch_marks if 0 < m * batch_size < n_train})
    shuffler = rng(seed, "epoch-order")
    history: dict[str, list[float]] = {"loss": []}
    if classify:
        history["accuracy"] = []
    if val_blocks is not None:
        history["val_loss"] = []
        if classify:
            history["val_accuracy"] = []
    for epoch in range(n_epochs):
        order = shuffler.permutation(n_train).astype(np.int32)
        bounds = [m * batch_size for m in marks] if epoch == 0 else []
        loss_sum, correct = 0.0, 0.0
        for start, stop in zip([0, *bounds], [*bounds, n_train], strict=True):
            train = steps.train_epoch if not bounds else steps.train_piece
            part_loss, part_correct = train(blocks, y_all, tf.constant(order[start:stop]))
            loss_sum, correct = loss_sum + float(part_loss), correct + float(part_correct)
            if stop < n_train and on_mark:
                on_mark(stop // batch_size)
        logs = {"loss": loss_sum / n_train}
        if classify:
            logs["accuracy"] = correct / n_train
        if val_blocks is not None:
            val_loss, val_accuracy = evaluate(val_blocks, y_val)
            logs["val_loss"] = val_loss
            if classify:
                logs["val_accuracy"] = val_accuracy
        for name, value in logs.items():
            history[name].append(value)
        numbers = "  ".join(f"{k} {v:.4f}" for k, v in sorted(logs.items()))
        report_step(
            progress,
            f"{label}: epoch {epoch + 1}/{n_epochs}  {numbers}",
            label=label,
            done=epoch + 1,
            total=n_epochs,
            unit="epoch",
        )
        if on_epoch_end:
            on_epoch_end(epoch, logs)
    return history


@dataclass(frozen=True)
class CompiledSteps:
    """One model's traced training and evaluation functions (see :func:`compiled_steps`)."""

    train_epoch: Any
    train_piece: Any
    evaluate_block: Any


#: The attribute under which a model keeps its compiled steps, by (optimizer, task, batch size,
#: XLA): a model trained again, or a kept one (:mod:`manifoldviz.training.pool`) trained for the
#: next run of a sweep, reuses the traced and XLA-compiled functions instead of tracing them
#: again. On the model itself, not in a table
#: keyed by it: the steps refer to their model, so a table would keep every model alive; as an
#: attribute they make a cycle the collector frees with the model.
STEPS_ATTRIBUTE = "_manifoldviz_compiled_steps"


def compiled_steps(model: Any, *, classify: bool, batch_size: int, use_xla: bool) -> CompiledSteps:
    """The traced functions that train ``model`` with its optimizer and measure it, built once.

    ``train_epoch(blocks, labels, order)`` runs the batches of ``order`` (row indices) as one
    compiled loop and returns the summed loss and the number right; ``train_piece`` is the same
    loop traced without XLA (the first epoch's short pieces between snapshot marks);
    ``evaluate_block(blocks, labels)`` measures one block of rows without training.
    """
    optimizer = model.optimizer
    key = (id(optimizer), classify, batch_size, use_xla)  # the steps hold the optimizer alive
    kept: dict[tuple[int, bool, int, bool], CompiledSteps] | None = getattr(
        model, STEPS_ATTRIBUTE, None
    )
    if kept is None:
        kept = {}
        object.__setattr__(model, STEPS_ATTRIBUTE, kept)  # past Keras's attribute tracking
    if key in kept:
        return kept[key]

    keras = keras_module()
    tf = tensorflow_module()

    if classify:
        loss_fn = keras.losses.SparseCategoricalCrossentropy()
    else:
        loss_fn = keras.losses.BinaryCrossentropy()

    def rows(blocks: list[Any], indices: Any) -> Any:
        """Gather rows from each column block and join them: one batch of inputs."""
        return _joined([tf.gather(block, indices) for block in blocks])

    def measure(inputs: Any, labels: Any, training: bool) -> tuple[Any, Any]:
        outputs = model(inputs, training=training)
        # Losses the model's layers add during this call (a VAE's KL term), for every task.
        added = tf.add_n(model.losses) if model.losses else tf.constant(0.0)
        if classify:
            return loss_fn(labels, outputs) + added, _correct(outputs, labels)
        return loss_fn(inputs, outputs) + added, tf.constant(0.0)

    def step(blocks: list[Any], labels: Any, indices: Any) -> tuple[Any, Any]:
        x_batch, y_batch = rows(blocks, indices), tf.gather(labels, indices)
        with tf.GradientTape() as tape:
            loss, correct = measure(x_batch, y_batch, True)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        size = tf.cast(tf.shape(indices)[0], tf.float32)
        return loss * size, correct

    # Data goes in as arguments, not captured: it is freed as soon as a call returns.
    def train_segment(blocks: list[Any], labels: Any, order: Any) -> tuple[Any, Any]:
        n_segment = order.shape[0]
        full_batches, tail = divmod(n_segment, batch_size)

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
        return loss_sum, correct

    def evaluate_block(blocks: list[Any], labels: Any) -> tuple[Any, Any]:
        size = tf.cast(tf.shape(labels)[0], tf.float32)
        loss, correct = measure(_joined(blocks), labels, False)
        return loss * size, correct

    # Whole epochs run compiled (XLA when it pays); the first epoch's pieces between snapshot
    # marks each have a length of their own, so they run traced but not XLA-compiled: one XLA
    # compile per piece would cost more than the pieces themselves. Evaluation is not XLA: a
    # forward pass gains little and each new shape would recompile.
    steps = CompiledSteps(
        train_epoch=tf.function(train_segment, jit_compile=use_xla),
        train_piece=tf.function(train_segment),
        evaluate_block=tf.function(evaluate_block),
    )
    kept[key] = steps
    return steps


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


def _has_convolutions(model: Any) -> bool:
    """True when any layer of ``model``, nested models included, is a convolution."""
    layers = getattr(model, "layers", [])
    return any("Conv" in type(layer).__name__ or _has_convolutions(layer) for layer in layers)


def _block_tensor(block: Any) -> Any:
    """uint8 blocks stay uint8 in memory (a quarter of float32) and are scaled per batch."""
    tf = tensorflow_module()

    dtype = tf.uint8 if getattr(block, "dtype", None) in (np.uint8, tf.uint8) else tf.float32
    return tf.convert_to_tensor(block, dtype=dtype)


def _joined(parts: list[Any]) -> Any:
    """Join column blocks of one batch as float32, uint8 ones read as value/255."""
    tf = tensorflow_module()

    floats = [tf.cast(p, tf.float32) / 255.0 if p.dtype == tf.uint8 else p for p in parts]
    return floats[0] if len(floats) == 1 else tf.concat(floats, axis=1)


def _as_blocks(x: Any) -> list[Any]:
    """``x`` as a list of column blocks (a single array is one block)."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _correct(probabilities: Any, labels: Any) -> Any:
    tf = tensorflow_module()

    predicted = tf.cast(tf.argmax(probabilities, axis=1), tf.int32)
    return tf.reduce_sum(tf.cast(tf.equal(predicted, labels), tf.float32))
