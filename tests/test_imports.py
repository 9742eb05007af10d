"""Every module imports in a fresh interpreter, and ``import manifoldviz`` stays light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import manifoldviz
import manifoldviz_cli

MODULES = sorted(
    [
        f"manifoldviz.{m.name}"
        for m in pkgutil.iter_modules(manifoldviz.__path__)
        if m.name != "__main__"
    ]
    + [f"manifoldviz_cli.{m.name}" for m in pkgutil.iter_modules(manifoldviz_cli.__path__)]
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True)


def test_library_import_is_light_and_click_free() -> None:
    code = (
        "import sys, manifoldviz, manifoldviz.morph, manifoldviz.data, manifoldviz.store\n"
        "heavy = [m for m in ('tensorflow', 'keras', 'umap', 'click', 'matplotlib.pyplot')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_lazy_top_level_names() -> None:
    assert callable(manifoldviz.interpolate) and callable(manifoldviz.load_mnist)
    with pytest.raises(AttributeError):
        manifoldviz.not_a_name  # noqa: B018
