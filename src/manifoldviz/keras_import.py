"""Import TensorFlow and Keras on demand and quietly: the only door to both in the library.

Heavy imports happen inside the functions that need them, so ``import manifoldviz`` and every
``--help`` stay fast.
"""

from __future__ import annotations

import os
from typing import Any


def keras_module() -> Any:
    """Import Keras (and TensorFlow) quietly; see :func:`tensorflow_module`."""
    tensorflow_module()
    import keras

    return keras


def tensorflow_module() -> Any:
    """Import TensorFlow, keeping its C++ start-up chatter out of the user's terminal.

    TensorFlow's native code logs CUDA probing and CPU-feature notes to file descriptor 2 before
    its own log level applies, so the first import runs with that descriptor pointed at
    /dev/null (Python exceptions are unaffected). ``TF_CPP_MIN_LOG_LEVEL`` still overrides.
    """
    import sys

    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        import keras  # noqa: F401 - imports TensorFlow and its backend in the quiet window
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL") not in ("0", "1"):
        # Its Python-side warnings too (tf.function retracing notes, several lines each, during
        # every sweep): asking for TensorFlow's logs with TF_CPP_MIN_LOG_LEVEL=0 or 1 keeps them.
        tensorflow.get_logger().setLevel("ERROR")
    return tensorflow
