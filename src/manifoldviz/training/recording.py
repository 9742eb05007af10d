"""Recording a training trajectory: representations, weights and metrics, snapshot by snapshot.

:class:`Trajectory` is the record (plain arrays and JSON, saved as ``.npz`` plus ``.json``, no
pickles). :func:`trajectory_recorder` makes the Keras callback that fills it: one snapshot
before training, a few within the first epoch (where most of the change happens), then one at
the end of every epoch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from manifoldviz.arrays import FloatArray
from manifoldviz.atomic import atomic_path, write_json_atomic
from manifoldviz.data.npz import read_npz_arrays, write_npz
from manifoldviz.errors import InvalidInputError


@dataclass
class Trajectory:
    """Snapshots of one training run.

    ``representations`` is (n_snapshots, n_probe, n_features); ``weights`` is
    (n_snapshots, n_parameters), all trainable weights flattened; ``labels`` are the probe
    digits; ``snapshots`` describes each one (epoch as a fraction, and the metrics then).
    """

    representations: FloatArray
    weights: FloatArray
    labels: npt.NDArray[np.uint8]
    snapshots: list[dict[str, float]]
    info: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | os.PathLike[str]) -> tuple[Path, Path]:
        """Write ``path.npz`` (arrays) and ``path.json`` (snapshots and info), atomically."""
        base = Path(path).with_suffix("")
        npz = base.with_suffix(".npz")
        with atomic_path(npz) as tmp:
            # float16 representations: half the size, far finer than any projection shows.
            write_npz(
                tmp,
                compress=True,
                representations=self.representations.astype(np.float16),
                weights=self.weights,
                labels=self.labels,
            )
        meta = write_json_atomic(
            base.with_suffix(".json"), {"snapshots": self.snapshots, "info": self.info}
        )
        return npz, meta

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Trajectory:
        """Read a record written by :meth:`save` (vetted like any user file: no pickles)."""
        base = Path(path).with_suffix("")
        arrays = read_npz_arrays(base.with_suffix(".npz"))
        try:
            meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            return cls(
                arrays["representations"].astype(np.float32),
                arrays["weights"],
                arrays["labels"],
                meta["snapshots"],
                meta.get("info", {}),
            )
        except (OSError, ValueError, KeyError) as exc:
            raise InvalidInputError(
                f"{base}: not a trajectory record ({exc})", param="trajectory"
            ) from None


def flat_weights(model: Any) -> FloatArray:
    """Every trainable weight of ``model`` as one float32 vector."""
    return np.concatenate(
        [np.asarray(w, dtype=np.float32).ravel() for w in model.trainable_weights]
    )


def trajectory_recorder(
    probe: FloatArray,
    probe_labels: npt.NDArray[np.uint8],
    represent: Callable[[Any, FloatArray], FloatArray],
    *,
    steps_per_epoch: int,
    first_epoch_snapshots: int = 3,
) -> Any:
    """A Keras callback recording a :class:`Trajectory` into its ``trajectory`` attribute.

    ``represent(model, probe)`` returns the representation to record (a hidden layer, a latent
    code). ``first_epoch_snapshots`` extra snapshots are spread evenly within the first epoch.
    """
    from manifoldviz.keras_import import keras_module

    keras = keras_module()
    inside = sorted(
        {
            max(1, round(steps_per_epoch * (i + 1) / (first_epoch_snapshots + 1)))
            for i in range(first_epoch_snapshots)
        }
        - {steps_per_epoch}
    )

    callback: Any = keras.callbacks.Callback

    class TrajectoryRecorder(callback):
        def __init__(self) -> None:
            super().__init__()
            self.representations: list[FloatArray] = []
            self.weights: list[FloatArray] = []
            self.snapshots: list[dict[str, float]] = []
            self.epoch = 0

        def _snap(self, at: float, logs: dict[str, float] | None) -> None:
            self.representations.append(np.asarray(represent(self.model, probe), np.float32))
            self.weights.append(flat_weights(self.model))
            numbers = {k: float(v) for k, v in (logs or {}).items()}
            self.snapshots.append({"epoch": round(at, 4), **numbers})

        def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
            self._snap(0.0, {})

        def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            self.epoch = epoch

        def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
            if self.epoch == 0 and batch + 1 in inside:
                self._snap((batch + 1) / steps_per_epoch, {})

        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            self._snap(epoch + 1.0, logs)

        @property
        def trajectory(self) -> Trajectory:
            return Trajectory(
                np.stack(self.representations),
                np.stack(self.weights),
                np.asarray(probe_labels, np.uint8),
                self.snapshots,
            )

    return TrajectoryRecorder()
