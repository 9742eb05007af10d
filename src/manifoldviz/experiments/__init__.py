"""The chapter's generalization experiments, one module each: ``run(config) -> Result``.

- :mod:`~manifoldviz.experiments.noise_channels`: white-noise versus all-zero channels.
- :mod:`~manifoldviz.experiments.shuffled_labels`: memorising shuffled labels; label-noise sweep.
- :mod:`~manifoldviz.experiments.overfitting`: the canonical train-versus-validation loss curve.
- :mod:`~manifoldviz.experiments.validation`: hold-out, K-fold and iterated K-fold, and spread.
- :mod:`~manifoldviz.experiments.baselines`: common-sense baselines, balanced and imbalanced.
"""

EXPERIMENTS = ("noise-channels", "shuffled-labels", "overfitting", "validation", "baseline")
