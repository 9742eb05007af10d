"""Recording a training trajectory: representations, weights and metrics, snapshot by snapshot.

:class:`Trajectory` is the record (plain arrays and JSON, saved as ``.npz`` plus ``.json``, no
pickles). :class:`TrajectoryRecorder` fills it through the training loop's hooks: one snapshot
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


@dataclass(frozen=True)
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
            # float16 representations: half the size, far finer than any projection shows. They
            # deflate well; float32 weights barely shrink, for seconds of work (bench_recording.py
            # --parts recording).
            write_npz(
                tmp,
                compress={"representations", "labels"},
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


class TrajectoryRecorder:
    """Records a :class:`Trajectory` while :func:`~manifoldviz.training.loop.fit` trains.

    Pass :meth:`on_mark` and :meth:`on_epoch_end` to ``fit`` (with ``first_epoch_marks`` from
    :meth:`first_epoch_marks`): a snapshot before training, at a few steps within the first
    epoch, where change is fastest, and after every epoch.

    Parameters
    ----------
    model
        The Keras model being trained (read, never changed).
    probe, probe_labels
        The held-out images whose representation is recorded, and their digits.
    represent
        ``represent(model, probe)``: the representation to record (a hidden layer, a code).
    steps_per_epoch
        Training steps in one epoch.
    first_epoch_snapshots
        Extra snapshots spread evenly within the first epoch.
    """

    def __init__(
        self,
        model: Any,
        probe: FloatArray,
        probe_labels: npt.NDArray[np.uint8],
        represent: Callable[[Any, FloatArray], FloatArray],
        *,
        steps_per_epoch: int,
        first_epoch_snapshots: int = 3,
    ) -> None:
        self.model = model
        self.probe = probe
        self.probe_labels = np.asarray(probe_labels, np.uint8)
        self.represent = represent
        self.steps_per_epoch = steps_per_epoch
        self.marks = sorted(
            {
                max(1, round(steps_per_epoch * (i + 1) / (first_epoch_snapshots + 1)))
                for i in range(first_epoch_snapshots)
            }
            - {steps_per_epoch}
        )
        self.representations: list[FloatArray] = []
        self.weights: list[FloatArray] = []
        self.snapshots: list[dict[str, float]] = []
        self.snap(0.0, {})

    def first_epoch_marks(self) -> list[int]:
        """The step counts within the first epoch at which to snapshot.

        Returns
        -------
        list of int
            Increasing, each below ``steps_per_epoch``.
        """
        return list(self.marks)

    def snap(self, at: float, logs: dict[str, float]) -> None:
        """Record the probe's representation and the weights now, ``at`` epochs in.

        Parameters
        ----------
        at
            Epochs trained so far (a fraction within the first epoch).
        logs
            The metrics to record beside it.
        """
        self.representations.append(np.asarray(self.represent(self.model, self.probe), np.float32))
        self.weights.append(flat_weights(self.model))
        numbers = {k: float(v) for k, v in logs.items()}
        self.snapshots.append({"epoch": round(at, 4), **numbers})

    def on_mark(self, step: int) -> None:
        """Snapshot ``step`` steps into the first epoch (the loop's ``on_mark``).

        Parameters
        ----------
        step
            Steps trained so far.
        """
        self.snap(step / self.steps_per_epoch, {})

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        """Snapshot after an epoch (the loop's ``on_epoch_end``).

        Parameters
        ----------
        epoch
            The epoch just finished, 0-based.
        logs
            Its metrics.
        """
        self.snap(epoch + 1.0, logs)

    def trajectory(self, info: dict[str, Any] | None = None) -> Trajectory:
        """The snapshots so far as a :class:`Trajectory`.

        Parameters
        ----------
        info
            What the record says about the model (kind, layer, shapes).

        Returns
        -------
        Trajectory
        """
        return Trajectory(
            np.stack(self.representations),
            np.stack(self.weights),
            self.probe_labels,
            self.snapshots,
            dict(info or {}),
        )
