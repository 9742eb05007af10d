"""Array type names shared by the whole library."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Images (flattened or 28×28, in [0, 1]), latent codes and probabilities: always float32.
FloatArray = npt.NDArray[np.float32]
