"""
Common-sense baselines and class imbalance
==========================================

Before trusting a score, compare it with baselines that learn nothing: random guesses and
always answering the majority class. On ten balanced digits chance is 0.1; on an imbalanced
"is it an 8?" task with 10% positives, always saying "no" already scores 0.90, and only balanced
accuracy and the minority class's recall tell a model that learned from one that did not.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.baselines import BaselineConfig

settings = script_settings()
config = BaselineConfig(
    data=settings.data,
    seed=settings.seed,
    limit=2000 if settings.quick else None,
    n_epochs=3 if settings.quick else 5,
)

# %%
report = run_study("baseline", config, settings.out_dir)
result, written = report.result, report.written
