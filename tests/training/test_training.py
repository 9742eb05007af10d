"""The compiled training loop keeps ``model.fit``'s meaning: split, metrics, reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest

from manifoldviz.data.transforms import flatten_scaled
from manifoldviz.models.architectures import chapter_mlp
from manifoldviz.training.loop import fit_classifier

pytestmark = pytest.mark.slow


def test_validation_is_the_last_rows_and_metrics_match_evaluate(tiny_mnist, seed: int) -> None:
    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train
    model = chapter_mlp(784, seed)
    history = fit_classifier(
        model, x, y, n_epochs=3, batch_size=64, seed=seed, validation_split=0.2
    )
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    split = math.ceil(len(x) * 0.8)
    val_loss, val_accuracy = model.evaluate(x[split:], y[split:], verbose=0)
    assert history["val_accuracy"][-1] == pytest.approx(val_accuracy, abs=1e-6)
    assert history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-4)
    assert history["loss"][-1] < history["loss"][0]
    assert history["accuracy"][-1] > 0.5  # learns real digits


def test_same_seed_same_history(tiny_mnist, seed: int) -> None:
    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train
    runs = [
        fit_classifier(
            chapter_mlp(784, seed),
            x,
            y,
            n_epochs=2,
            batch_size=50,
            seed=seed,
            validation_data=(flatten_scaled(tiny_mnist.x_test), tiny_mnist.y_test),
        )
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_learns_like_keras_fit(tiny_mnist, seed: int) -> None:
    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train
    x_test = flatten_scaled(tiny_mnist.x_test)
    ours = chapter_mlp(784, seed)
    fit_classifier(ours, x, y, n_epochs=8, batch_size=32, seed=seed)
    keras_model = chapter_mlp(784, seed)
    keras_model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    ours_accuracy = ours.evaluate(x_test, tiny_mnist.y_test, verbose=0)[1]
    keras_accuracy = keras_model.evaluate(x_test, tiny_mnist.y_test, verbose=0)[1]
    assert abs(ours_accuracy - keras_accuracy) < 0.05
    assert np.isfinite(ours_accuracy)


def test_reconstruction_trains_the_autoencoder_like_keras_fit(tiny_mnist, seed: int) -> None:
    from manifoldviz.models.architectures import autoencoder
    from manifoldviz.seeding import seed_everything
    from manifoldviz.training.loop import fit

    x = tiny_mnist.x_train.reshape(len(tiny_mnist.x_train), -1)  # uint8: scaled per batch
    x_test = flatten_scaled(tiny_mnist.x_test)
    seed_everything(seed)
    ours, _, _ = autoencoder("dense", 8)
    history = fit(
        ours,
        x,
        task="reconstruct",
        n_epochs=6,
        batch_size=32,
        seed=seed,
        validation_data=(x_test, None),
    )
    assert set(history) == {"loss", "val_loss"}
    assert history["val_loss"][-1] == pytest.approx(
        ours.evaluate(x_test, x_test, verbose=0), rel=1e-4
    )
    seed_everything(seed)
    keras_model, _, _ = autoencoder("dense", 8)
    keras_model.fit(
        flatten_scaled(tiny_mnist.x_train),
        flatten_scaled(tiny_mnist.x_train),
        epochs=6,
        batch_size=32,
        verbose=0,
    )
    keras_loss = keras_model.evaluate(x_test, x_test, verbose=0)
    assert history["val_loss"][-1] < history["val_loss"][0]
    assert abs(history["val_loss"][-1] - keras_loss) < 0.1 * keras_loss


def test_first_epoch_marks_split_the_epoch_without_changing_it(tiny_mnist, seed: int) -> None:
    from manifoldviz.training.loop import fit

    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train
    marked: list[int] = []
    whole = fit(chapter_mlp(784, seed), x, y, n_epochs=2, batch_size=30, seed=seed)
    split = fit(
        chapter_mlp(784, seed),
        x,
        y,
        n_epochs=2,
        batch_size=30,
        seed=seed,
        first_epoch_marks=[3, 7, 0, 99],
        on_mark=marked.append,
    )
    assert marked == [3, 7]  # marks outside the first epoch are ignored
    np.testing.assert_allclose(split["loss"], whole["loss"], rtol=1e-5)


def test_unknown_task_is_an_input_error(tiny_mnist) -> None:
    from manifoldviz.errors import InvalidInputError
    from manifoldviz.training.loop import fit

    with pytest.raises(InvalidInputError, match="task"):
        fit(
            chapter_mlp(784, 0),
            tiny_mnist.x_train,
            task="regress",
            n_epochs=1,
            batch_size=8,
            seed=0,
        )


@pytest.mark.parametrize("optimizer", ["rmsprop", "adam"])
def test_a_reused_model_trains_exactly_like_a_fresh_one(tiny_mnist, optimizer: str) -> None:
    from manifoldviz.training import pool

    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train

    def build(seed: int):
        model = chapter_mlp(784, seed)
        if optimizer == "adam":  # slots of two kinds and a step count that scales updates
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    def train(model) -> tuple[dict, list[np.ndarray]]:
        history = fit_classifier(model, x, y, n_epochs=2, batch_size=64, seed=3)
        return history, [np.array(w) for w in model.get_weights()]

    pool.forget()
    first = pool.reusing(build(0))
    train(first)  # trained: its weights and optimizer state are far from any fresh model's
    again = pool.reusing(build(1))
    assert again is first  # the same architecture: the kept model, reset
    reused_history, reused_weights = train(again)
    pool.forget()  # the same model fresh, as the first run of a sweep has it (also kept)
    fresh = pool.reusing(build(1))
    assert fresh is not first
    fresh_history, fresh_weights = train(fresh)
    assert reused_history == fresh_history
    for reused, fresh in zip(reused_weights, fresh_weights, strict=True):
        np.testing.assert_array_equal(reused, fresh)
    assert pool.reusing(chapter_mlp(784, 0, hidden=64)) is not first  # another architecture
    pool.forget()


def test_a_reused_model_with_dropout_starts_its_random_stream_afresh(tiny_mnist) -> None:
    import keras

    from manifoldviz.training import pool

    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train

    def build(seed: int):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input((784,)),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dropout(0.5, seed=7),  # one setting: the same architecture
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
        return model

    def train(model) -> list[np.ndarray]:
        fit_classifier(model, x, y, n_epochs=1, batch_size=64, seed=3)
        return [np.array(w) for w in model.get_weights()]

    pool.forget()
    first = pool.reusing(build(0))
    train(first)  # moves its dropout seed state on
    again = pool.reusing(build(1))
    assert again is first
    reused = train(again)
    pool.forget()
    fresh = train(pool.reusing(build(1)))
    for a, b in zip(reused, fresh, strict=True):
        np.testing.assert_array_equal(a, b)
    pool.forget()


def test_a_trained_model_is_freed_with_its_compiled_steps(tiny_mnist) -> None:
    import gc
    import weakref

    x, y = flatten_scaled(tiny_mnist.x_train), tiny_mnist.y_train
    model = chapter_mlp(784, 0)
    fit_classifier(model, x, y, n_epochs=1, batch_size=64, seed=0)
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None


def test_models_wired_differently_are_not_interchangeable() -> None:
    import keras

    from manifoldviz.training.pool import architecture_key

    def build(skip_from_input: bool):
        inputs = keras.Input((8,))
        first = keras.layers.Dense(8)(inputs)
        second = keras.layers.Dense(8)(first)
        joined = keras.layers.Add()([inputs if skip_from_input else first, second])
        model = keras.Model(inputs, joined)
        model.compile(optimizer="rmsprop", loss="mse")
        return model

    assert architecture_key(build(False)) == architecture_key(build(False))  # names aside
    assert architecture_key(build(False)) != architecture_key(build(True))
