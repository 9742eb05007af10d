"""Deprecated alias of :mod:`manifoldviz.experiments.intrinsic_dimension`, kept for one release.

The intrinsic-dimension study moved to ``manifoldviz.experiments.intrinsic_dimension`` and its
report writer to ``manifoldviz.reports.intrinsic_dimension``.
"""

from __future__ import annotations

import warnings

from manifoldviz.experiments.intrinsic_dimension import (
    AMBIENT,
    PUBLISHED_MNIST,
    VARIANT_LABELS,
    VARIANTS,
    ManifoldConfig,
    ManifoldResult,
    run,
)
from manifoldviz.reports.intrinsic_dimension import save_report

__all__ = [
    "AMBIENT",
    "PUBLISHED_MNIST",
    "VARIANTS",
    "VARIANT_LABELS",
    "ManifoldConfig",
    "ManifoldResult",
    "run",
    "save_report",
]

warnings.warn(
    "manifoldviz.manifold is deprecated: import from manifoldviz.experiments.intrinsic_dimension"
    " (and save_report from manifoldviz.reports.intrinsic_dimension)",
    DeprecationWarning,
    stacklevel=2,
)
