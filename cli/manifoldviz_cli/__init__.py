"""The ``manifoldviz`` command line: a thin click front end over the :mod:`manifoldviz` library."""
