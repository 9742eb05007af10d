"""Interpolation between two digits, in pixel space and in latent space (computation only).

- :mod:`~manifoldviz.interpolation.paths`: linear and spherical paths.
- :mod:`~manifoldviz.interpolation.evidence`: per-frame measures and the path verdict.
- :mod:`~manifoldviz.interpolation.morph`: both paths between two test digits, with evidence.

The object users hold, with its GIF and figures, is
:class:`manifoldviz.reports.interpolation.InterpolationResult`.
"""
