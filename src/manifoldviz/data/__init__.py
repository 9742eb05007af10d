"""MNIST as every command loads it: the sources, the vetted .npz reader, and array transforms.

- :mod:`~manifoldviz.data.sources`: where MNIST comes from (a path, ``$MANIFOLDVIZ_MNIST``,
  Keras's cache, the embedded 5,000-digit sample) and :class:`MnistData`.
- :mod:`~manifoldviz.data.npz`: the ``.npz`` reader that trusts nothing in the file.
- :mod:`~manifoldviz.data.transforms`: scaling, noise and zero channels, shuffled labels.
"""

from manifoldviz.data.sources import MnistData, load_mnist, stratified_subset

__all__ = ["MnistData", "load_mnist", "stratified_subset"]
