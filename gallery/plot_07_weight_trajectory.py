"""
The weights' path through training, with a random-walk control
===============================================================

The flattened weights at every snapshot, projected on their top two principal directions, over
the training loss on that plane (after Li et al., 2018). Beside it, a random walk with the same
step lengths projected the same way: PCA makes almost any high-dimensional walk look smooth
(Antognini and Sohl-Dickstein, 2018), so the curve's smoothness alone proves little. Top: true
labels; bottom: shuffled labels, the runs of the previous figure.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz.figures.style import save_drawing
from manifoldviz.figures.trajectory import draw_weight_space
from manifoldviz.trajectories.trajectory import TrajectoryConfig, run

settings = script_settings()
# The same runs as the representation trajectory (plot_06), true and shuffled labels: their
# recordings are reused, not retrained.
config = TrajectoryConfig(
    data=settings.data,
    seed=settings.seed,
    limit=3000 if settings.quick else 20000,
    n_epochs=3 if settings.quick else 10,
    probe_size=300 if settings.quick else 2000,
    compare="shuffled",
)
result = run(config)

# %%
save_drawing(
    lambda figure: draw_weight_space(figure, result),
    settings.out_dir / "weights",
    size=(15, 6.5 * len(result.runs)),
)
