"""The progress callback every long computation takes: one plain line of text per step."""

from __future__ import annotations

from collections.abc import Callable

#: Called with one line such as ``"classifier (MLP 512): epoch 3/5  accuracy 0.97"``.
Progress = Callable[[str], None]
