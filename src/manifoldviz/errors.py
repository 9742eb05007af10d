"""The exceptions manifoldviz raises, so callers can tell bad input from failed work."""

from __future__ import annotations


class ManifoldvizError(Exception):
    """Work that could not be done (the CLI prints ``Error: ...`` and exits 1)."""


class InvalidInputError(ManifoldvizError, ValueError):
    """An argument or input file the caller can fix (the CLI treats it as a usage error, exit 2).

    Parameters
    ----------
    message
        One line saying what is wrong.
    param
        The name of the argument at fault (``"data"``, ``"n_steps"``...), when there is one.
    """

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class PathError(ManifoldvizError):
    """A path method that cannot draw this pair (a neighbour graph that does not connect it).

    Not a usage error: the same call works for other pairs. A study of many pairs notes the
    pair and goes on; a single interpolation says so in one line (exit 1).
    """


class DataFileError(InvalidInputError):
    """A data file that is not a usable MNIST-like ``.npz`` (wrong keys, shapes, values...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, param="data")


class CacheEntryError(ManifoldvizError):
    """A cache entry that is missing a file, truncated or does not match its manifest."""
