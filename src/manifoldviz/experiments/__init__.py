"""The studies run as sweeps: the chapter's experiments, the intrinsic dimension, the fit morph.

- :mod:`~manifoldviz.experiments.noise_channels`: white-noise versus all-zero channels.
- :mod:`~manifoldviz.experiments.shuffled_labels`: memorising shuffled labels; label-noise sweep.
- :mod:`~manifoldviz.experiments.overfitting`: the canonical train-versus-validation loss curve.
- :mod:`~manifoldviz.experiments.validation`: hold-out, K-fold and iterated K-fold, and spread.
- :mod:`~manifoldviz.experiments.baselines`: common-sense baselines, balanced and imbalanced.
- :mod:`~manifoldviz.experiments.intrinsic_dimension` (with
  :mod:`~manifoldviz.experiments.dimension_estimators`): the manifold hypothesis, measured.
- :mod:`~manifoldviz.experiments.fitmorph`: a 2-D toy from random through robust fit to overfit.
- :mod:`~manifoldviz.experiments.sweep` and :mod:`~manifoldviz.runs.executor`: the
  resumable sweep loop and where its runs execute.

The registry of the chapter's experiments (name, module, figures) is
:data:`manifoldviz.reports.experiments.EXPERIMENTS`.
"""
