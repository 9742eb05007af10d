"""Trained autoencoders and classifiers, from the model store or trained once and cached.

Dense models are also saved as plain weight arrays and run with numpy when loaded from the
cache (:mod:`manifoldviz.models.dense_runtime`), so a warm ``interpolate`` never imports
TensorFlow. Convolutional models load through Keras with ``safe_mode=True``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.data.sources import MnistData
from manifoldviz.errors import InvalidInputError
from manifoldviz.models.architectures import ARCHITECTURES
from manifoldviz.models.conv_runtime import LayerStack
from manifoldviz.models.dense_runtime import DenseStack, KerasNet
from manifoldviz.progress import Progress
from manifoldviz.store import Entry, Store
from manifoldviz.training.loop import fit


@dataclass(frozen=True)
class AutoencoderSpec:
    """What determines a trained autoencoder (besides data and seed)."""

    architecture: str = "dense"
    latent_dim: int = 16
    n_epochs: int | None = None  # None: BASE_EPOCHS on full MNIST, more on small data
    batch_size: int = 256

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            raise InvalidInputError(
                f"unknown model {self.architecture!r}; choose from {', '.join(ARCHITECTURES)}",
                param="model",
            )
        if not 1 <= self.latent_dim <= 784:
            raise InvalidInputError(
                f"latent size must be 1-784, got {self.latent_dim}", param="latent_dim"
            )


@dataclass(frozen=True)
class ClassifierSpec:
    """The chapter's MLP classifier settings."""

    hidden: int = 512
    n_epochs: int | None = None  # None: the chapter's 5 on full MNIST, more on small data
    batch_size: int = 128


@dataclass(frozen=True)
class TrainedAutoencoder:
    """An autoencoder ready for inference on flattened [0, 1] images."""

    encode: Callable[[FloatArray], FloatArray]
    decode: Callable[[FloatArray], FloatArray]
    spec: AutoencoderSpec
    info: dict[str, Any]

    def reconstruct(self, x_flat: FloatArray) -> FloatArray:
        return self.decode(self.encode(x_flat))


@dataclass(frozen=True)
class TrainedClassifier:
    """The chapter's MLP ready for inference: ``predict_proba`` gives (N, 10) probabilities,
    ``features`` the hidden layer's activations (N, 512)."""

    predict_proba: Callable[[FloatArray], FloatArray]
    spec: ClassifierSpec
    info: dict[str, Any]
    features: Callable[[FloatArray], FloatArray] | None = None


#: Epochs on full MNIST; smaller data gets more (see ``epochs_for``). The VAE's sampled codes
#: make its gradient noisier, so it gets more passes.
BASE_EPOCHS = {"dense": 5, "conv": 9, "vae": 20}
#: Fewest optimizer steps on small data. 2,000 steps are 9 epochs of full MNIST (235 steps each),
#: so they also set the full-MNIST epochs; the dense autoencoder's one-cycle schedule needs
#: 1,000 (5 epochs of full MNIST; the embedded sample's 4,000 training digits reach the cap).
MIN_STEPS = {"dense": 1000, "conv": 2000, "vae": 2000}

#: How cached models are trained; part of every cache key, so a new recipe never reuses an entry
#: trained by an old one. 2: the compiled loop of :mod:`manifoldviz.training.loop`. 3: the dense
#: autoencoder's one-cycle learning rate (5 epochs on full MNIST instead of 9).
TRAINING_RECIPE = 3


def _entry_spec(spec: Any, data: MnistData, seed: int) -> dict[str, Any]:
    return {**asdict(spec), "data": data.fingerprint(), "seed": seed, "recipe": TRAINING_RECIPE}


def _cached(
    store: Store,
    kind: str,
    spec: dict[str, Any],
    train: Callable[[Path], dict[str, Any]],
    progress: Progress | None,
) -> Entry:
    trained: list[bool] = []

    def build(folder: Path) -> dict[str, Any]:
        trained.append(True)
        return train(folder)

    entry = store.get_or_build(kind, spec, build)
    if progress and not trained:
        progress(f"{kind}: loaded from cache ({entry.path.name})")
    return entry


def is_cached(
    data: MnistData,
    spec: AutoencoderSpec | ClassifierSpec,
    *,
    seed: int = 0,
    store: Store | None = None,
) -> bool:
    """Whether the model for ``spec`` trained on ``data`` is in the cache (nothing is trained).

    Used to say, before a sweep starts, how many models it will train.
    """
    store = store or Store()
    kind = (
        f"autoencoder-{spec.architecture}"
        if isinstance(spec, AutoencoderSpec)
        else "classifier-mlp"
    )
    return store.entry_path(kind, _entry_spec(spec, data, seed)).is_dir()


def autoencoder(
    data: MnistData,
    spec: AutoencoderSpec | None = None,
    *,
    seed: int = 0,
    store: Store | None = None,
    progress: Progress | None = None,
) -> TrainedAutoencoder:
    """The autoencoder for ``spec`` trained on ``data``: from the cache, or trained and cached."""
    spec = spec or AutoencoderSpec()
    store = store or Store()
    kind = f"autoencoder-{spec.architecture}"
    entry = _cached(
        store,
        kind,
        _entry_spec(spec, data, seed),
        lambda folder: _train_autoencoder(folder, data, spec, seed, progress),
        progress,
    )
    encode, decode = _load_pair(entry, spec.architecture)
    return TrainedAutoencoder(encode, decode, spec, entry.info)


#: Architectures whose encoder (to the mean code, for the VAE) and decoder are plain dense stacks.
DENSE_STACKS = ("dense", "vae")


def _load_pair(entry: Entry, architecture: str) -> tuple[Any, Any]:
    """Encoder and decoder run with numpy (no TensorFlow) when the entry has their arrays."""
    if architecture in DENSE_STACKS:
        return DenseStack.load(entry.file("encoder.npz")), DenseStack.load(
            entry.file("decoder.npz")
        )
    if entry.file("encoder.npz").is_file() and entry.file("decoder.npz").is_file():
        return LayerStack.load(entry.file("encoder.npz")), LayerStack.load(
            entry.file("decoder.npz")
        )
    return KerasNet(entry.file("encoder.keras")), KerasNet(entry.file("decoder.keras"))


def _train_autoencoder(
    folder: Path, data: MnistData, spec: AutoencoderSpec, seed: int, progress: Progress | None
) -> dict[str, Any]:
    from manifoldviz.models import architectures as models
    from manifoldviz.seeding import seed_everything

    seed_everything(seed)
    x_train, x_test = _flat_uint8(data.x_train), _flat_uint8(data.x_test)
    label = f"autoencoder ({spec.architecture}, latent {spec.latent_dim})"
    n_epochs = spec.n_epochs or models.epochs_for(
        len(x_train),
        spec.batch_size,
        base=BASE_EPOCHS[spec.architecture],
        min_steps=MIN_STEPS[spec.architecture],
        cap=60,
    )
    total_steps = n_epochs * math.ceil(len(x_train) / spec.batch_size)
    model, encoder, decoder = models.autoencoder(
        spec.architecture, spec.latent_dim, total_steps=total_steps
    )
    history = fit(
        model,
        x_train,
        task="reconstruct",
        n_epochs=n_epochs,
        batch_size=spec.batch_size,
        seed=seed,
        validation_data=(x_test, None),
        label=label,
        progress=progress,
    )
    test_loss = history["val_loss"][-1]  # the whole test set, measured after the last epoch
    encoder.save(folder / "encoder.keras")
    decoder.save(folder / "decoder.keras")
    runtime = DenseStack if spec.architecture in DENSE_STACKS else LayerStack
    runtime.from_keras(encoder).save(folder / "encoder.npz")
    runtime.from_keras(decoder).save(folder / "decoder.npz")
    if progress:
        progress(f"{label}: test reconstruction loss {test_loss:.4f}")
    return {"test_loss": test_loss, "n_epochs": n_epochs, "history": history}


def classifier(
    data: MnistData,
    spec: ClassifierSpec | None = None,
    *,
    seed: int = 0,
    store: Store | None = None,
    progress: Progress | None = None,
) -> TrainedClassifier:
    """The chapter's MLP trained on ``data``: from the cache, or trained and cached."""
    spec = spec or ClassifierSpec()
    store = store or Store()
    entry = _cached(
        store,
        "classifier-mlp",
        _entry_spec(spec, data, seed),
        lambda folder: _train_classifier(folder, data, spec, seed, progress),
        progress,
    )
    stack = DenseStack.load(entry.file("mlp.npz"))
    return TrainedClassifier(stack, spec, entry.info, features=stack.head(1))


def _train_classifier(
    folder: Path, data: MnistData, spec: ClassifierSpec, seed: int, progress: Progress | None
) -> dict[str, Any]:
    from manifoldviz.models import architectures as models
    from manifoldviz.seeding import seed_everything

    seed_everything(seed)
    model = models.mlp_classifier(hidden=spec.hidden)
    x_train, x_test = _flat_uint8(data.x_train), _flat_uint8(data.x_test)
    n_epochs = spec.n_epochs or models.epochs_for(
        len(x_train), spec.batch_size, base=5, min_steps=1000, cap=40
    )
    history = fit(
        model,
        x_train,
        data.y_train,
        task="classify",
        n_epochs=n_epochs,
        batch_size=spec.batch_size,
        seed=seed,
        validation_data=(x_test, data.y_test),
        label="classifier (MLP 512)",
        progress=progress,
    )
    # The whole test set, measured after the last epoch.
    test_loss, test_accuracy = history["val_loss"][-1], history["val_accuracy"][-1]
    model.save(folder / "mlp.keras")
    DenseStack.from_keras(model).save(folder / "mlp.npz")
    if progress:
        progress(f"classifier (MLP 512): test accuracy {test_accuracy:.4f}")
    return {
        "test_loss": float(test_loss),
        "test_accuracy": float(test_accuracy),
        "n_epochs": n_epochs,
        "history": history,
    }


def _flat_uint8(x: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Images as (N, 784) uint8: the training loop scales them by 1/255 batch by batch, exactly
    as :func:`~manifoldviz.data.transforms.flatten_scaled` would, in a quarter of the memory."""
    return x.reshape(len(x), -1)
