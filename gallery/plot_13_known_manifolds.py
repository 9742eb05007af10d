"""
Interpolation on a known manifold
=================================

On images of a line at angle θ and on the rotation orbit of one real digit, "on the manifold" is
an exact distance: the minimum over the angle. Each frame of the pixel path, the latent paths and
the true path is measured against it, and sweeping the latent size shows when latent
interpolation stays close to the manifold and when it does not.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import compare_paths

settings = script_settings()

# %%
# Dense autoencoders and VAEs at several latent sizes, trained on each manifold's images.
board = compare_paths(
    ("dense", "vae"),
    (2,) if settings.quick else (2, 4, 8, 16),
    datasets=("lines", "rotation"),
    n_pairs=4 if settings.quick else 30,
    n_seeds=1,
    seed=settings.seed,
    data=settings.data,
    out_dir=settings.out_dir,
    quick=settings.quick,
)
print(board.table())
print(board.sentence)
