"""Every Keras model the product trains, built in one place (imports Keras when called)."""

from __future__ import annotations

import functools
import math
from typing import Any

from manifoldviz.choices import ARCHITECTURES as _ARCHITECTURES
from manifoldviz.keras_import import keras_module

ARCHITECTURES = _ARCHITECTURES
#: Pixels per image: the KL term is divided by this, because the training loop's reconstruction
#: loss is the per-pixel mean of the binary cross-entropy where the book's is its sum.
PIXELS = 784


def epochs_for(n_samples: int, batch_size: int, *, base: int, min_steps: int, cap: int) -> int:
    """Epochs so that small data still gets ``min_steps`` updates: ``base`` on full MNIST.

    The embedded 5,000-digit sample has a twelfth of the batches per epoch; without this an
    autoencoder trained on it would stop long before it learns to draw digits.
    """
    steps_per_epoch = max(1, math.ceil(n_samples / batch_size))
    return int(min(cap, max(base, math.ceil(min_steps / steps_per_epoch))))


#: The dense autoencoder's one-cycle schedule: a linear warmup over this many steps (a tenth of
#: a shorter run) to ``DENSE_PEAK_LR``, then a cosine decay to zero at the run's last step. With
#: it 5 epochs on full MNIST reach a lower test loss than 9 epochs of constant Adam(2e-3) did.
DENSE_WARMUP_STEPS = 100
DENSE_PEAK_LR = 1.6e-2


def one_cycle_adam(total_steps: int, *, peak: float = DENSE_PEAK_LR) -> Any:
    """Adam whose learning rate warms up linearly to ``peak`` and decays (cosine) to 0 at
    ``total_steps``, the number of optimizer steps the run will take."""
    keras = keras_module()
    warmup = min(DENSE_WARMUP_STEPS, max(1, total_steps // 10))
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0,
        max(1, total_steps - warmup),
        alpha=0.0,
        warmup_target=peak,
        warmup_steps=warmup,
    )
    return keras.optimizers.Adam(schedule)


def dense_autoencoder(
    latent_dim: int = 16, *, total_steps: int | None = None
) -> tuple[Any, Any, Any]:
    """A dense autoencoder 784 → 256 → latent → 256 → 784 (sigmoid), as (model, encoder, decoder).

    Small on purpose: it trains on full MNIST in seconds on a laptop CPU and its decoder can be
    run with plain numpy (see :mod:`manifoldviz.models.dense_runtime`). With ``total_steps``
    (the optimizer steps of the whole run) it is compiled with :func:`one_cycle_adam`;
    without, with a constant Adam(2e-3).
    """
    keras = keras_module()
    layers = keras.layers

    encoder = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(256, activation="relu"),
            layers.Dense(latent_dim, activation="linear"),
        ],
        name="encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(256, activation="relu"),
            layers.Dense(784, activation="sigmoid"),
        ],
        name="decoder",
    )
    optimizer = one_cycle_adam(total_steps) if total_steps else None
    return _joined(encoder, decoder, (784,), optimizer=optimizer)


def conv_autoencoder(latent_dim: int = 16) -> tuple[Any, Any, Any]:
    """A small convolutional autoencoder on 28×28×1 images with a dense latent code."""
    keras = keras_module()
    layers = keras.layers

    encoder = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(32, 3, strides=2, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(latent_dim, activation="linear"),
        ],
        name="encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(7 * 7 * 32, activation="relu"),
            layers.Reshape((7, 7, 32)),
            layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
            layers.Flatten(),
        ],
        name="decoder",
    )
    return _joined(encoder, decoder, (784,))


def _joined(
    encoder: Any, decoder: Any, input_shape: tuple[int, ...], *, optimizer: Any = None
) -> tuple[Any, Any, Any]:
    keras = keras_module()

    inputs = keras.Input(input_shape)
    model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    model.compile(optimizer=optimizer or keras.optimizers.Adam(2e-3), loss="binary_crossentropy")
    return model, encoder, decoder


@functools.cache
def sampling_layer() -> Any:
    """The VAE's sampling layer class (built on first use, so Keras loads only when needed)."""
    keras = keras_module()
    ops = keras.ops

    class Sampling(keras.layers.Layer):  # type: ignore[misc, name-defined]
        """``z = mean + exp(log_var / 2) * eps`` while training, ``mean`` otherwise; adds the KL
        divergence from the unit Gaussian prior as a loss (``add_loss``), averaged over the batch
        and scaled by ``kl_weight``."""

        def __init__(self, kl_weight: float = 1.0, seed: int | None = None, **kwargs: Any):
            super().__init__(**kwargs)
            self.kl_weight = kl_weight
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs: Any, training: bool | None = None) -> Any:
            z_mean, z_log_var = inputs
            kl = -0.5 * ops.sum(1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=1)
            self.add_loss(self.kl_weight * ops.mean(kl))
            if not training:
                return z_mean
            epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    return Sampling


def variational_autoencoder(latent_dim: int = 2, *, hidden: int = 256) -> tuple[Any, Any, Any]:
    """The book's chapter-12 VAE on the dense autoencoder's body, as (model, encoder, decoder).

    The encoder maps an image to the mean and log-variance of a Gaussian over latent codes; a
    sampling layer draws ``z`` from it while training and adds the KL divergence from the unit
    Gaussian prior as a loss; the decoder maps ``z`` back to pixels. Trained with the training
    loop's reconstruction loss, the objective is the book's reconstruction + KL (both divided by
    784). The body is the dense autoencoder's (784 → 256 → latent → 256 → 784), so a comparison
    with ``dense`` isolates the variational objective, and the cached model runs with numpy.

    Returns
    -------
    tuple
        The trainable model, the encoder to the *mean* code (what paths use), and the decoder.
    """
    keras = keras_module()
    layers = keras.layers

    inputs = keras.Input((784,))
    body = layers.Dense(hidden, activation="relu")
    mean_layer = layers.Dense(latent_dim, activation="linear", name="z_mean")
    log_var_layer = layers.Dense(latent_dim, activation="linear", name="z_log_var")
    features = body(inputs)
    z_mean, z_log_var = mean_layer(features), log_var_layer(features)
    z = sampling_layer()(kl_weight=1.0 / PIXELS, name="sampling")([z_mean, z_log_var])
    decoder = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(hidden, activation="relu"),
            layers.Dense(784, activation="sigmoid"),
        ],
        name="decoder",
    )
    model = keras.Model(inputs, decoder(z), name="vae")
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss="binary_crossentropy")
    encoder = keras.Sequential([keras.Input((784,)), body, mean_layer], name="encoder")
    return model, encoder, decoder


def autoencoder(
    architecture: str, latent_dim: int, *, total_steps: int | None = None
) -> tuple[Any, Any, Any]:
    """Build the named autoencoder architecture (``"dense"``, ``"conv"`` or ``"vae"``).

    ``total_steps`` (the run's optimizer steps) gives the dense autoencoder its one-cycle
    learning-rate schedule; the other architectures keep a constant Adam(2e-3).
    """
    if architecture == "dense":
        return dense_autoencoder(latent_dim, total_steps=total_steps)
    builders = {"conv": conv_autoencoder, "vae": variational_autoencoder}
    return builders[architecture](latent_dim)


def mlp_classifier(
    input_dim: int = 784,
    hidden: int = 512,
    n_classes: int = 10,
    *,
    n_layers: int = 1,
    learning_rate: float = 1e-3,
) -> Any:
    """The chapter's MLP: Dense(512, relu) → Dense(10, softmax), rmsprop, sparse crossentropy.

    ``n_layers`` stacks more hidden layers of the same width (a model that overfits quickly).
    Compiled with XLA, which the chapter's listing does not use (see BENCHMARKS.md).
    """
    keras = keras_module()
    layers = keras.layers
    hidden_layers = [layers.Dense(hidden, activation="relu") for _ in range(n_layers)]
    model = keras.Sequential(
        [keras.Input((input_dim,)), *hidden_layers, layers.Dense(n_classes, activation="softmax")],
        name="mlp",
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate),  # 1e-3: Keras's "rmsprop"
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=True,
    )
    return model


def chapter_mlp(
    input_dim: int,
    seed: int,
    *,
    hidden: int = 512,
    layers: int = 1,
    learning_rate: float = 1e-3,
    n_classes: int = 10,
) -> Any:
    """The chapter's model (Dense(512, relu) → Dense(10, softmax), rmsprop), freshly seeded."""
    from manifoldviz.seeding import seed_everything

    seed_everything(seed)
    return mlp_classifier(
        input_dim=input_dim,
        hidden=hidden,
        n_classes=n_classes,
        n_layers=layers,
        learning_rate=learning_rate,
    )
