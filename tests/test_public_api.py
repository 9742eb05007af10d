"""The public API (every name exported from ``manifoldviz``) is documented in numpydoc style."""

from __future__ import annotations

import inspect

import pytest

import manifoldviz

PUBLIC = sorted(name for name in manifoldviz.__all__ if not name.startswith("_"))


def _needs(func: object) -> tuple[bool, bool]:
    """Whether ``func``'s docstring must have a Parameters and a Returns section."""
    signature = inspect.signature(func)  # type: ignore[arg-type]
    params = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
    returns = signature.return_annotation not in (inspect.Signature.empty, None, "None")
    return bool(params), returns


def _check(func: object, where: str) -> list[str]:
    doc = inspect.getdoc(func) or ""
    needs_params, needs_returns = _needs(func)
    missing = []
    if not doc:
        missing.append(f"{where}: no docstring")
    if needs_params and "Parameters\n----------" not in doc:
        missing.append(f"{where}: no Parameters section")
    if needs_returns and "Returns\n-------" not in doc:
        missing.append(f"{where}: no Returns section")
    return missing


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_is_documented(name: str) -> None:
    obj = getattr(manifoldviz, name)
    missing: list[str] = []
    if inspect.isfunction(obj):
        missing += _check(obj, name)
    elif inspect.isclass(obj):
        doc = inspect.getdoc(obj) or ""
        own_init = "__init__" in vars(obj) or "__dataclass_fields__" in vars(obj)
        if not doc:
            missing.append(f"{name}: no docstring")
        elif own_init and inspect.signature(obj).parameters and "Parameters\n" not in doc:
            missing.append(f"{name}: no Parameters section")
        for method_name, method in inspect.getmembers(obj, inspect.isfunction):
            defined_here = getattr(method, "__module__", "").startswith("manifoldviz")
            if method_name.startswith("_") or not defined_here:
                continue
            missing += _check(method, f"{name}.{method_name}")
    assert not missing, "\n".join(missing)


def test_the_check_catches_an_undocumented_function() -> None:
    def undocumented(x: int) -> int:
        return x

    assert _check(undocumented, "f") == [
        "f: no docstring",
        "f: no Parameters section",
        "f: no Returns section",
    ]
