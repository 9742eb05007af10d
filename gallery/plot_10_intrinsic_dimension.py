"""
The intrinsic dimension of MNIST
================================

Two established estimators (TwoNN and Levina-Bickel MLE) put MNIST's intrinsic dimension in the
low tens, against 784 pixels: the manifold hypothesis, tested. Adding 784 zero channels changes
nothing; adding 784 noise channels makes the estimate jump, because noise lies on no
low-dimensional manifold, which is why it hurts the classifier.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.intrinsic_dimension import ManifoldConfig

settings = script_settings()
config = ManifoldConfig(
    data=settings.data,
    seed=settings.seed,
    subsample=1000 if settings.quick else 10000,
    n_repeats=2 if settings.quick else 3,
)

# %%
report = run_study("intrinsic-dimension", config, settings.out_dir)
print(report.result.summary_table())
