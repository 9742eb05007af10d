"""Training trajectories: probe representations and weights recorded through training, projected.

- :mod:`~manifoldviz.trajectories.trajectory`: record a run (or true vs shuffled labels).
- :mod:`~manifoldviz.trajectories.projection`: PCA, UMAP and aligned projections of snapshots.
- :mod:`~manifoldviz.trajectories.weightspace`: the weights' path, a random-walk control, and the
  loss surface around them.
"""
