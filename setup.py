"""Package discovery that pyproject.toml alone cannot express: the gallery folder is installed
under another name (``gallery/`` as ``manifoldviz_gallery``), which setuptools' ``find`` does
not map, while every library subpackage under ``src/`` must still be found automatically."""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "manifoldviz_cli", "manifoldviz_gallery"])
