"""
Hold-out, K-fold and iterated K-fold on scarce data
===================================================

Each protocol is run several times from scratch on the same 1,000 images. One hold-out split
gives an estimate that jumps from run to run; K-fold averages K splits and iterated K-fold
averages more, so their estimates agree more closely. The split diagram shows the fold indices
actually used.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.validation import ValidationConfig

settings = script_settings()
config = ValidationConfig(
    data=settings.data,
    seed=settings.seed,
    limit=400 if settings.quick else 1000,
    n_epochs=4 if settings.quick else 10,
    k=4,
    iterations=2,
    n_repeats=2 if settings.quick else 4,
)

# %%
report = run_study("validation", config, settings.out_dir)
result, written = report.result, report.written
