"""Resolve references to the names ``manifoldviz`` exports at its top level.

Each exported name (``interpolate``, ``Store``, ...) is documented once, as ``manifoldviz.NAME``,
while its docstring lives in its module and refers to its neighbours by their short names. When
a reference does not resolve as written, this tries, in turn, the exported name it means and the
target read from the exported object's own module.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from manifoldviz import _EXPORTS

GENERATED = "api/generated/manifoldviz."


def _candidates(target: str, context_class: str | None, docname: str) -> list[str]:
    found = []
    if target in _EXPORTS:
        found.append(f"manifoldviz.{target}")
    for name, module in _EXPORTS.items():
        home = f"{module}.{name}"
        if target == home or target.startswith(home + "."):
            found.append(f"manifoldviz.{name}{target[len(home) :]}")
    if docname.startswith(GENERATED):
        exported = docname[len(GENERATED) :].split(".")[0]
        if exported in _EXPORTS:
            found.append(f"{_EXPORTS[exported]}.{target}")
            found.append(f"{_EXPORTS[exported]}.{exported}.{target}")
    if context_class in _EXPORTS:
        found.append(f"{_EXPORTS[context_class]}.{target}")
    return found


def resolve(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    """``missing-reference`` handler for the Python domain."""
    if node.get("refdomain") != "py":
        return None
    domain = env.get_domain("py")
    for candidate in _candidates(node["reftarget"], node.get("py:class"), node["refdoc"]):
        resolved = domain.resolve_any_xref(
            env, node["refdoc"], app.builder, candidate, node, contnode
        )
        if resolved:
            return resolved[0][1]
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("missing-reference", resolve)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
