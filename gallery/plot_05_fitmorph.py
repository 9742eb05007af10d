"""
From a random model to a robust fit to an overfit model
=======================================================

Two noisy classes in the plane, small enough to see whole. The model's boundary starts random,
passes through a robust fit, then carves around individual noisy points. At test time, on fresh
points, the robust model does better than the overfit one.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.fitmorph import FitMorphConfig

settings = script_settings()
config = FitMorphConfig(
    seed=settings.seed,
    n_epochs=400 if settings.quick else 1500,
    grid=80 if settings.quick else 160,
    n_snapshots=20 if settings.quick else 40,
)

# %%
report = run_study("fitmorph", config, settings.out_dir)
