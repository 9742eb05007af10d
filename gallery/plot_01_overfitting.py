"""
The canonical overfitting curve
===============================

A large model trained on a small training set: the validation loss falls, bottoms out and
climbs back while the training loss keeps falling. The best epoch is where early stopping would
stop; before it the model underfits, after it it overfits. This is the chapter's figure 5.1,
from a real run.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import run_study
from manifoldviz.experiments.overfitting import OverfittingConfig

settings = script_settings()
config = OverfittingConfig(
    data=settings.data,
    seed=settings.seed,
    limit=3000 if settings.quick else None,
    n_epochs=12 if settings.quick else 30,
    train_size=300 if settings.quick else 1000,
    validation_size=1000 if settings.quick else 5000,
)

# %%
# Train, record every epoch and draw the curves (PNG, SVG and a GIF of them growing).
report = run_study("overfitting", config, settings.out_dir)
result, written = report.result, report.written
print(f"best epoch: {int(result.runs[0].final['best_epoch']) + 1}")
