"""manifoldviz: see generalization in deep learning on MNIST.

The top-level names are imported lazily, so ``import manifoldviz`` stays fast and TensorFlow is
loaded only by the work that needs it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load_mnist": "manifoldviz.data.sources",
    "MnistData": "manifoldviz.data.sources",
    "interpolate": "manifoldviz.reports.interpolation",
    "compare_paths": "manifoldviz.reports.compare_paths",
    "five_ways": "manifoldviz.reports.five_ways",
    "run_study": "manifoldviz.reports.studies",
    "StudyReport": "manifoldviz.reports.studies",
    "FiveWays": "manifoldviz.reports.five_ways",
    "Scoreboard": "manifoldviz.reports.compare_paths",
    "InterpolationResult": "manifoldviz.reports.interpolation",
    "explore": "manifoldviz.lab.page",
    "ExplorePage": "manifoldviz.lab.page",
    "Store": "manifoldviz.store",
    "ProgressBars": "manifoldviz.progress",
    "ManifoldvizError": "manifoldviz.errors",
    "InvalidInputError": "manifoldviz.errors",
    "seed_everything": "manifoldviz.seeding",
}
__all__ = [
    "ExplorePage",
    "FiveWays",
    "InterpolationResult",
    "InvalidInputError",
    "ManifoldvizError",
    "MnistData",
    "ProgressBars",
    "Scoreboard",
    "Store",
    "StudyReport",
    "__version__",
    "compare_paths",
    "explore",
    "five_ways",
    "interpolate",
    "load_mnist",
    "run_study",
    "seed_everything",
]

if TYPE_CHECKING:
    from manifoldviz.data.sources import MnistData, load_mnist
    from manifoldviz.errors import InvalidInputError, ManifoldvizError
    from manifoldviz.lab.page import ExplorePage, explore
    from manifoldviz.progress import ProgressBars
    from manifoldviz.reports.compare_paths import Scoreboard, compare_paths
    from manifoldviz.reports.five_ways import FiveWays, five_ways
    from manifoldviz.reports.interpolation import InterpolationResult, interpolate
    from manifoldviz.reports.studies import StudyReport, run_study
    from manifoldviz.seeding import seed_everything
    from manifoldviz.store import Store


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read from the installed metadata only when asked (tens of ms)
        from manifoldviz.provenance import installed_version

        return installed_version()
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'manifoldviz' has no attribute {name!r}")
