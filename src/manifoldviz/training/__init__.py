"""Training: the one compiled fit loop every model goes through, and the recording callbacks.

- :mod:`~manifoldviz.training.loop`: the fit loop, progress per epoch, histories as floats.
- :mod:`~manifoldviz.training.recording`: snapshots of weights and probe representations.
"""
