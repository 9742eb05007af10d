"""Sphinx configuration of the manifoldviz documentation site.

Built offline: no intersphinx inventories, fonts or scripts are fetched. The gallery is rendered
by sphinx-gallery from ``gallery/plot_*.py`` with the settings ``manifoldviz gallery --quick``
gives its scripts, and the chapter notebook is executed in quick mode by myst-nb.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

from gallery_scraper import (  # noqa: E402
    ClearScriptOutputs,
    GalleryFileScraper,
    gallery_environment,
)

project = "manifoldviz"
author = "the manifoldviz authors"
copyright = "2026, the manifoldviz authors"
try:
    from importlib.metadata import version as _version

    release = _version("manifoldviz")
except Exception:  # pragma: no cover - building from a tree that is not installed
    release = "0.1.0"
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_click",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
    "toplevel_refs",
]

# -- what is a page ----------------------------------------------------------------------------
# docs/gallery/ holds the full-MNIST figures the README and the guide show; it is not a page.
exclude_patterns = [
    "_build",
    "gallery",
    "examples/*.ipynb",  # sphinx-gallery's downloadable notebooks, not pages
    "sg_execution_times.rst",  # not written (write_computation_times); an old one is no page
    "examples/sg_execution_times.rst",
    "jupyter_execute",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"

# -- API reference -----------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # the signature shows the hints; numpydoc owns the descriptions
autodoc_default_options = {"members": True, "show-inheritance": False}
templates_path = ["_templates"]
# The top-level names are documented once, as ``manifoldviz.NAME``; their modules' pages link there.
import manifoldviz  # noqa: E402

autosummary_context = {
    "top_level": sorted(f"{module}.{name}" for name, module in manifoldviz._EXPORTS.items()),
    "backrefs_dir": "/api/backreferences",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# Nitpicky, with the one exception an offline build forces: names from other libraries (numpy,
# Keras, the standard library) have no inventory to resolve against, because none is fetched.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(np|numpy|keras|tf|tensorflow|pathlib|collections|typing|concurrent|os|io|"
        r"matplotlib|plt|scipy|sklearn|umap|ray|click|tqdm|PIL|imageio|ot)\..*",
    ),
    (
        r"py:.*",
        r"(Path|Any|Callable|Iterable|Iterator|Mapping|Sequence|Literal|Protocol|"
        r"NDArray|ArrayLike|Figure|Axes|Model|Optional|Union|TypeAlias|TextIO|IO)",
    ),
    (
        r"py:class",
        r"(int|float|str|bool|bytes|dict|list|tuple|set|frozenset|object|type|None|"
        r"callable|optional|array|array-like|ndarray|default .*|.* of .*|.*, optional)",
    ),
]

# -- the gallery -------------------------------------------------------------------------------
os.environ.update(gallery_environment(DOCS / "_build" / "gallery-files"))
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "gallery"),
    "gallery_dirs": "examples",
    "filename_pattern": r"plot_",
    # The gallery package's own modules sit beside the scripts; they are not examples.
    "ignore_pattern": r"(__init__|build|index|scheduler|scripts|worker)\.py$",
    "image_scrapers": (GalleryFileScraper(),),
    "reset_modules": ("matplotlib", ClearScriptOutputs()),
    "doc_module": ("manifoldviz",),
    "backreferences_dir": "api/backreferences",
    "reference_url": {"manifoldviz": None},
    "download_all_examples": True,
    "remove_config_comments": True,
    "show_memory": False,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    # Each example's page shows its own run time; the summary tables load scripts from CDNs.
    "write_computation_times": False,
}

# -- notebooks and MyST pages ------------------------------------------------------------------
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
_NOTEBOOK = ROOT / "gallery" / "chapter5.ipynb"
(DOCS / "notebooks").mkdir(exist_ok=True)
shutil.copyfile(_NOTEBOOK, DOCS / "notebooks" / "chapter5.ipynb")

# -- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"manifoldviz {release}"
html_static_path = ["_static"]
html_favicon = "_static/favicon.png"  # a real MNIST "3"; browsers ask for one on every site
html_theme_options = {
    "navigation_with_keys": True,
    "header_links_before_dropdown": 5,
    "collapse_navigation": True,
    "navigation_depth": 2,
    "show_prev_next": True,
    "use_edit_page_button": False,
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "icon_links": [],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = True
# Follow the reader's system light or dark setting (the theme's scripts need a mode named).
html_context = {"default_mode": "auto"}
