"""One seed for Python, numpy and Keras/TensorFlow, so a run can be repeated exactly."""

from __future__ import annotations

import hashlib
import random

import numpy as np


def seed_everything(seed: int, *, keras: bool = True) -> None:
    """Seed Python's ``random``, numpy's global state and (when asked) Keras and TensorFlow.

    With ``keras=True`` TensorFlow is imported too. On a GPU its ops are made deterministic
    (GPU kernels are not by default); on a CPU they already are, and TensorFlow's determinism
    switch would also turn off XLA compilation, which the experiments rely on for speed.

    Parameters
    ----------
    seed
        Any non-negative integer; the same seed gives the same run.
    keras
        Also seed Keras and TensorFlow (imports TensorFlow).

    Returns
    -------
    None
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    if keras:
        from manifoldviz.keras_import import keras_module, tensorflow_module

        keras_module().utils.set_random_seed(seed)
        tf = tensorflow_module()

        if tf.config.list_physical_devices("GPU"):
            tf.config.experimental.enable_op_determinism()


def rng(seed: int, *streams: int | str) -> np.random.Generator:
    """A numpy Generator for ``seed``, split into independent ``streams`` (e.g. a purpose name).

    Different purposes (picking endpoints, shuffling labels) draw from different streams so that
    changing one never shifts the numbers of another.
    """
    words = [seed] + [s if isinstance(s, int) else _name_to_int(s) for s in streams]
    return np.random.default_rng(np.random.SeedSequence(words))


def _name_to_int(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")
