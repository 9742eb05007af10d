"""Everything that writes a study's outputs: results.json, figures and animations.

One module per study family; :mod:`~manifoldviz.reports.experiments` also holds the one registry
of the chapter's experiments. Reports import both the computation and its figures; neither of
those imports a report.
"""
