"""
The VAE's latent map
====================

The book's chapter-12 variational autoencoder with a 2-D latent space, decoded on a grid spaced by
the prior's inverse CDF: every point of the plane is a digit, and the latent path from a 0 to a 6
walks across it. With a 16-D latent space the same grid is drawn on the plane through the two
endpoint codes and the mean code.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import interpolate

settings = script_settings()
limit = 1500 if settings.quick else None
variants = {"latent_2": 2, "latent_16": 16}

# %%
# One VAE per latent size, trained once and cached; the map is drawn around the pair's path.
for name, latent_dim in variants.items():
    result = interpolate(
        0,
        6,
        n_steps=10,
        seed=settings.seed,
        data=settings.data,
        limit=limit,
        model="vae",
        latent_dim=latent_dim,
    )
    result.save_latent_grid(settings.out_dir / f"{name}.png")
    result.save_latent_grid(settings.out_dir / f"{name}.svg")
    print(f"{name}: {result.verdict}")
