"""
Memorising shuffled labels, and the label-noise sweep
=====================================================

Trained on randomly shuffled labels, the same MLP keeps raising its training accuracy while its
validation accuracy stays at chance: it memorises. Shuffling only a fraction of the labels shows
test accuracy on true labels falling as the fraction rises (after Zhang et al., 2017).
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.shuffled_labels import ShuffledLabelsConfig

settings = script_settings()
config = ShuffledLabelsConfig(
    data=settings.data,
    seed=settings.seed,
    limit=1500 if settings.quick else 12000,
    n_epochs=6 if settings.quick else 30,
    label_noise=(0.0, 0.5, 1.0) if settings.quick else (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
)

# %%
report = run_study("shuffled-labels", config, settings.out_dir)
result, written = report.result, report.written
