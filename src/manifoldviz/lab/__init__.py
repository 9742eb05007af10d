"""The interpolation lab: one offline HTML page where the models run live in the browser.

- :mod:`~manifoldviz.lab.payload`: what the page carries (weights, test digits, the path
  methods it offers, the Isomap graph's training digits and neighbours), packed and checked in
  Python.
- :mod:`~manifoldviz.lab.page_models`: which autoencoders a page carries (``--models
  dense:16,vae:2``), their float16 weights, and the page's size budget.
- :mod:`~manifoldviz.lab.page`: :func:`~manifoldviz.lab.page.explore` builds the page (its
  JavaScript, CSS and HTML template live in ``static/``) and returns an
  :class:`~manifoldviz.lab.page.ExplorePage`, exported as ``manifoldviz.explore``.

Examples
--------
>>> import manifoldviz
>>> lab = manifoldviz.explore(3, 8, data="sample")   # doctest: +SKIP
>>> lab.save("explore.html")                          # doctest: +SKIP
"""
