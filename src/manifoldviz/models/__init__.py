"""The models: Keras architectures, a numpy runtime for cached dense models, and get-or-train.

- :mod:`~manifoldviz.models.architectures`: every Keras model built in one place.
- :mod:`~manifoldviz.models.dense_runtime`: cached dense models run as numpy matrix products.
- :mod:`~manifoldviz.models.cached`: the autoencoder and the chapter's MLP, from the store or
  trained once and cached.
"""
