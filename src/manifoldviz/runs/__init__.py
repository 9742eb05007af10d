"""The one engine every sweeping study runs through, between the models and the studies.

- :mod:`~manifoldviz.runs.engine`: the plan said up front, units run on an executor, a
  checkpoint after each, garbage collection between them.
- :mod:`~manifoldviz.runs.results_file`: the resumable ``results.json``: its key (study,
  settings, data, training and library versions), reading it back, checking the folder.
- :mod:`~manifoldviz.runs.executor`: where units run (this process, local processes, Ray),
  with a retry and failures recorded, never dropped.
"""
