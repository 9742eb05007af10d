"""
Interpolation lab
=================

One page, no server, no network: pick any two test digits (or draw one), drag t, and watch the
pixel-space and latent-space frames side by side, computed live by the models inside the page.
The evidence curves and the latent map follow the cursor, so a class can try the pair it asks
about on the spot.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import explore

settings = script_settings()
lab = explore(
    3,
    8,
    seed=settings.seed,
    data=settings.data,
    limit=1500 if settings.quick else None,
    map_points=1000 if settings.quick else 5000,
)

# %%
# The page carries the models' weights; open it in any browser, even offline.
lab.save(settings.out_dir / "explore.html")
print(lab.provenance())
