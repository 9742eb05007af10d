"""Every module imports in a fresh interpreter, and ``import manifoldviz`` stays light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import manifoldviz
import manifoldviz_cli

MODULES = sorted(
    m.name
    for package in (manifoldviz, manifoldviz_cli)
    for m in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    if not m.name.endswith("__main__")
)


def test_every_subpackage_is_walked() -> None:
    assert {"manifoldviz.data.npz", "manifoldviz.reports.interpolation"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True)


def test_library_import_is_light_and_click_free() -> None:
    code = (
        "import sys, manifoldviz, manifoldviz.data, manifoldviz.store\n"
        "import manifoldviz.reports.interpolation\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'umap', 'click', 'matplotlib.pyplot')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_lazy_top_level_names() -> None:
    assert callable(manifoldviz.interpolate) and callable(manifoldviz.load_mnist)
    with pytest.raises(AttributeError):
        manifoldviz.not_a_name  # noqa: B018
