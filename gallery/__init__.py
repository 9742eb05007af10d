"""The manifoldviz lecture gallery: one ``plot_NN_topic.py`` script per figure.

Build them all with ``manifoldviz gallery --out DIR`` (``--quick`` for a small, fast build);
each script also runs on its own with ``python gallery/plot_NN_topic.py``.
"""
