"""
Pixel-space versus latent-space interpolation
=============================================

Averaging the pixels of a 3 and an 8 gives a ghostly double exposure; walking the
autoencoder's latent space may give plausible digits all the way. Each frame is scored by
measures first checked on controls (real, blurred, blended and decoded digits); the verdict
uses only the measures that passed.
"""

# %%
from manifoldviz_gallery.build import script_settings

from manifoldviz import interpolate

settings = script_settings()
result = interpolate(
    3,
    8,
    n_steps=10 if settings.quick else 12,
    seed=settings.seed,
    data=settings.data,
    limit=1500 if settings.quick else None,
)

# %%
# The static strip, the evidence per frame, and the looping animation.
result.save_strip(settings.out_dir / "strip.png")
result.save_strip(settings.out_dir / "strip.svg")
result.plot_evidence(settings.out_dir / "evidence.png")
result.save_gif(settings.out_dir / "morph.gif", scale=6)
result.save_metrics(settings.out_dir / "results.json")
print(result.verdict)
