"""The interpolation lab: one offline HTML page where the models run live in the browser.

``manifoldviz.explore`` is this package and also the function that builds the page: calling
it calls :func:`manifoldviz.explore.page.explore`, which returns an
:class:`~manifoldviz.explore.page.ExplorePage`. (A package and a function cannot share the name
``manifoldviz.explore`` otherwise: importing the package rebinds the name to the package.)

Examples
--------
>>> import manifoldviz
>>> lab = manifoldviz.explore(3, 8, data="sample")   # doctest: +SKIP
>>> lab.save("explore.html")                          # doctest: +SKIP
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from manifoldviz.explore.page import ExplorePage


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> ExplorePage:
        from manifoldviz.explore.page import explore

        return explore(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
