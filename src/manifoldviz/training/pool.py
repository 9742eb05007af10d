"""One kept model per architecture, so that the runs of a sweep share compiled training steps.

A sweep trains the same architecture again and again (52 models for the validation figure, each
on 750 digits). Built fresh, every run traces the training loop anew (and XLA compiles it again),
which for small runs is most of the run (BENCHMARKS.md, ``bench_training.py --parts kept``).
:func:`reusing` hands back one kept model per architecture instead, set to exactly the state a
freshly built one starts in: its variables (weights, and random layers' seed states) copied
from the fresh model, its optimizer's variables (step count, slots such as RMSprop's running
averages) copied from the fresh model's optimizer. Training it does the same arithmetic as
training the fresh model kept, through steps :func:`~manifoldviz.training.loop.fit` has already
compiled; tested equal weight for weight.

The kept model changes with every run that reuses it: hand to :func:`reusing` only models whose
run does not keep them (a sweep's runs return histories and numbers, not models). A kept model
trains through XLA whatever the run's size (:func:`~manifoldviz.training.loop.fit`), so a run
of a sweep matches the sweep's first run, not a lone run of a model that was never kept.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

#: Architectures kept at once (per process); the least recently used goes first.
MAX_KEPT = 4
_KEPT: OrderedDict[str, Any] = OrderedDict()


def architecture_key(model: Any) -> str:
    """What makes two compiled Keras models interchangeable once their state is copied: the
    model's whole config (layers, settings and wiring; layer names by position, initializers
    aside, since the weights are copied), its variables' shapes, and the optimizer's settings."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError("reusing needs a compiled model (one with an optimizer)")
    names = {layer.name: f"#{i}" for i, layer in enumerate(model.layers)}
    names[model.name] = "#model"
    described = {
        "model": type(model).__name__,
        "config": _canonical(model.get_config(), names),
        "variables": [list(v.shape) for v in model.variables],
        "optimizer": [type(optimizer).__name__, _canonical(optimizer.get_config(), {})],
    }
    return json.dumps(described, sort_keys=True, default=repr)


def reusing(model: Any) -> Any:
    """``model``'s kept twin set to ``model``'s initial state, or ``model`` itself (then kept).

    ``model`` must be freshly built and compiled, not yet trained.
    """
    key = architecture_key(model)
    kept = _KEPT.get(key)
    if kept is None:
        _KEPT[key] = model
        while len(_KEPT) > MAX_KEPT:
            _KEPT.popitem(last=False)
        return model
    _KEPT.move_to_end(key)
    # Variables, not only weights: random layers' seed-generator states start fresh too.
    for target, source in zip(kept.variables, model.variables, strict=True):
        target.assign(source)
    fresh = model.optimizer
    fresh.build(model.trainable_variables)  # its initial slots, whatever the optimizer
    kept.optimizer.build(kept.trainable_variables)
    for target, source in zip(kept.optimizer.variables, fresh.variables, strict=True):
        target.assign(source)
    return kept


def is_kept(model: Any) -> bool:
    """True for a model :func:`reusing` keeps: its compiled steps will serve many runs."""
    return any(kept is model for kept in _KEPT.values())


def forget() -> None:
    """Drop every kept model (their memory and compiled steps go with them)."""
    _KEPT.clear()


def _canonical(config: Any, names: dict[str, str]) -> Any:
    """A config without what differs between interchangeable twins: names (layer names become
    their positions, wherever the wiring mentions them) and initializers."""
    if isinstance(config, dict):
        return {
            k: _canonical(v, names)
            for k, v in config.items()
            if k != "name" and not k.endswith("initializer")
        }
    if isinstance(config, (list, tuple)):
        return [_canonical(v, names) for v in config]
    if isinstance(config, str):
        return names.get(config, config)
    return config
