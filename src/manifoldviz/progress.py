"""The progress callback every long computation takes: one plain line of text per step."""

from __future__ import annotations

import warnings
from collections.abc import Callable

#: Called with one line such as ``"classifier (MLP 512): epoch 3/5  accuracy 0.97"``.
Progress = Callable[[str], None]


def progress_or_notify(progress: Progress | None, notify: Progress | None) -> Progress | None:
    """The progress callback, accepting the old keyword ``notify`` for one release (deprecated)."""
    if notify is None:
        return progress
    warnings.warn(
        "the 'notify' keyword is deprecated: pass the same callback as 'progress'",
        DeprecationWarning,
        stacklevel=3,
    )
    return progress or notify
