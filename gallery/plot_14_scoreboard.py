"""
The scoreboard: pixel versus latent paths over many pairs
=========================================================

One pair proves nothing. Here every model interpolates many pairs of MNIST test digits, each path
is scored by the measures that passed the controls (real, blurred, blended and decoded digits),
and the paired differences get 95% bootstrap intervals; the table colours only the significant
ones.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import compare_paths

settings = script_settings()

# %%
# The full scoreboard of BENCHMARKS.md is `manifoldviz compare-paths` (three models, three seeds).
board = compare_paths(
    ("dense",) if settings.quick else ("dense", "vae"),
    (2, 16),
    datasets=("mnist",),
    n_pairs=10 if settings.quick else 50,
    n_seeds=1,
    seed=settings.seed,
    data=settings.data,
    limit=1500 if settings.quick else None,
    out_dir=settings.out_dir,
)
print(board.table())
print(board.sentence)
