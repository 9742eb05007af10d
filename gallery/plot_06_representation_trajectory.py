"""
Held-out digits through training: true versus shuffled labels
==============================================================

The hidden representations of a fixed probe set of held-out digits, recorded through training
and projected to 2-D with PCA and with UMAP, each fitted on all snapshots at once. With true
labels the digits pull apart by class within the first epoch; with shuffled labels PCA shows no
such separation. UMAP, which keeps every neighbourhood, still groups look-alike digits there:
the hidden layer inherits the inputs' similarities even when the labels carry nothing.
"""

# %%
from dataclasses import replace

from manifoldviz_gallery.build import script_settings

from manifoldviz.reports.trajectory import save_report
from manifoldviz.trajectories import projection
from manifoldviz.trajectories.trajectory import TrajectoryConfig, run

settings = script_settings()
config = TrajectoryConfig(
    data=settings.data,
    seed=settings.seed,
    limit=3000 if settings.quick else 20000,
    n_epochs=3 if settings.quick else 10,
    probe_size=300 if settings.quick else 2000,
    compare="shuffled",
)
# The weights' view of these runs is the next figure's (plot_07): not computed here.
result = run(config, weight_space=False)

# %%
# PCA, pooled over every snapshot: deterministic, shared axes.
save_report(result, settings.out_dir / "pca", representations_only=True)

# %%
# The same recordings with UMAP, fitted once on all snapshots pooled so they share one map.
umap_frames = {
    name: projection.project(record.representations, "umap", seed=settings.seed)
    for name, record in result.runs.items()
}
umap_result = replace(
    result, frames=umap_frames, settings={**result.settings, "projection": "umap"}
)
save_report(umap_result, settings.out_dir / "umap", representations_only=True)
