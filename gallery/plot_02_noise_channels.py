"""
Noise channels versus zero channels
===================================

The chapter's experiment: MNIST with 784 extra white-noise features, or 784 extra all-zero
features, the same MLP. The noise costs validation accuracy: the model spends capacity on
spurious correlations that do not generalize. Solid line: noise; dashed: zeros.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.noise_channels import NoiseChannelsConfig

settings = script_settings()
config = NoiseChannelsConfig(
    data=settings.data,
    seed=settings.seed,
    limit=2000 if settings.quick else None,
    n_epochs=4 if settings.quick else 10,
    n_seeds=1 if settings.quick else 3,
)

# %%
report = run_study("noise-channels", config, settings.out_dir)
result, written = report.result, report.written
for condition in result.conditions:
    print(condition, result.curves(condition, "val_accuracy")[:, -1].mean())
