"""
Ways from A to B: which path stays on the manifold?
====================================================

Six ways from one image to another: the pixel cross-fade, optimal transport (ink moves instead
of fading), the straight line and the great circle in latent space, the decoder's geodesic, and
the shortest path through the neighbour graph of the training images (Isomap). On the rotation
orbit of a digit the truth is known exactly, so every frame's distance to the manifold is a
number, beside the model's floor (its own reconstructions of the true path); between two MNIST
digits only the classifier can say what each frame looks like.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import five_ways

settings = script_settings()
ways = five_ways(
    3,
    8,
    n_steps=7 if settings.quick else 9,
    seed=settings.seed,
    data=settings.data,
    limit=1500 if settings.quick else None,
    quick=settings.quick,
)

# %%
# One row per method: the known manifold on the left, the MNIST pair on the right; and the
# same as a looping animation.
ways.save(settings.out_dir)
for method, numbers in ways.known["pairs"][0]["values"].items():
    print(f"{method:<10} mid-path distance {numbers['mid_distance']:.3f} (floor {ways.floor:.3f})")
