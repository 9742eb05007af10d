"""The shortest curve between two codes under a decoder's pull-back metric (pure numpy/scipy).

A decoder ``g`` measures a latent curve by the length of its decoded images: the pull-back
metric ``J(z)ᵀ J(z)`` of Shao, Kumar & Fletcher (2018, "The Riemannian geometry of deep generative
models") and Arvanitidis, Hansen & Hauberg (ICLR 2018, "Latent space oddity: on the curvature of
deep generative models"). A straight line in latent space can cross regions the decoder stretches
(off the data, where images change fast); the geodesic goes round them, so its images stay
closer to what the decoder learnt.

The recipe is stochman's discrete one: put ``N`` points on the straight line and minimise the
curve energy of the decoded points,

    E = (N - 1) Σ_i ||g(z_{i+1}) - g(z_i)||²,

over the interior points, the endpoints fixed. By Cauchy-Schwarz ``E >= L²`` (``L`` the decoded
polyline's length) with equality at constant speed, so a minimiser is a shortest curve with its
decoded steps evenly spaced. The decoder is a black box run in numpy: its Jacobians come from
central finite differences, every interior point and every direction decoded in one batched call
per iteration.

Optimiser: Levenberg–Marquardt, not stochman's Adam. The energy is a sum of squares, so the
finite-difference Jacobians already give its Gauss-Newton matrix (block tridiagonal, solved as a
band in ``O(N d³)``), and each step uses the curvature a first-order method has to discover;
the solve's time on full MNIST is in BENCHMARKS.md (``benchmarks/bench_methods.py``).

Relu decoders make the energy piecewise smooth: at a minimum on a kink the gradient need not
vanish (on dense relu decoders it stayed between 1e-2 and 0.3 in the relative norm below while
the energy was constant to seven digits). The optimisation therefore also stops, converged, when
the energy has stopped falling; the ``reason`` of the :class:`GeodesicSolution` says which rule
ended it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from manifoldviz.arrays import FloatArray
from manifoldviz.errors import InvalidInputError
from manifoldviz.interpolation.paths import MAX_STEPS, check_steps

#: Finite-difference step, relative to the codes' scale: the cube root of float32's epsilon
#: (≈ 4.9e-3). A central difference errs by about ``h² |g'''|`` (truncation) plus
#: ``ε |g| / h`` (the decoder's float32 rounding); ``h = ε^(1/3)`` balances the two, leaving a
#: relative error of roughly ``ε^(2/3)`` ≈ 2e-5 in each Jacobian column.
FD_STEP = float(np.cbrt(np.finfo(np.float32).eps))
#: Steps smaller than this, relative to the codes' scale, are below float32 resolution of the
#: codes the decoder sees: when the damped step shrinks below it the energy cannot be lowered
#: any further and the optimisation stops ("stalled", a minimum at that resolution).
MIN_STEP = 1e-7
#: Steps over which an energy that fell by less than ``tolerance²`` (relative) ends the
#: optimisation.
WINDOW = 5
#: Why an optimisation stops: the first three count as converged.
REASONS = ("gradient", "energy", "stalled", "max_iterations")

Decoder = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class GeodesicSolution:
    """A discrete geodesic and how the optimisation went.

    Parameters
    ----------
    z
        (n_points, d) float32: the curve, its first and last rows exactly the endpoints given.
    energy
        The final discrete energy ``(N - 1) Σ ||g(z_{i+1}) - g(z_i)||²``.
    initial_energy
        The energy of the straight line the optimisation started from.
    n_iterations
        Steps tried, accepted or rejected (each one batched decoder call).
    converged
        Whether a stopping rule other than ``max_iterations`` ended the optimisation: the
        relative gradient norm fell below the tolerance, or the energy stopped falling.
    gradient_norm
        The final relative gradient norm (see :func:`geodesic_curve`'s ``tolerance``).
    reason
        Why it stopped, one of :data:`REASONS`: ``"gradient"`` (stationary), ``"energy"`` (the
        energy stopped falling), ``"stalled"`` (no step the float32 codes resolve lowers it),
        ``"max_iterations"`` (not converged).
    """

    z: FloatArray
    energy: float
    initial_energy: float
    n_iterations: int
    converged: bool
    gradient_norm: float
    reason: str = "gradient"


@dataclass(frozen=True)
class _State:
    """Interior points with their decoded images, Jacobians (m, d, D), energy and gradient."""

    z: npt.NDArray[np.float64]
    images: npt.NDArray[np.float64]
    jacobians: npt.NDArray[np.float64]
    energy: float
    gradient: npt.NDArray[np.float64]


def geodesic_curve(
    decode: Decoder,
    z_a: npt.ArrayLike,
    z_b: npt.ArrayLike,
    *,
    n_points: int = 20,
    max_iterations: int = 500,
    tolerance: float = 1e-3,
) -> GeodesicSolution:
    """The discrete geodesic from ``z_a`` to ``z_b`` under ``decode``'s pull-back metric.

    Starts from the straight line and lowers the decoded curve energy over the interior points
    (stochman's recipe; Arvanitidis et al. 2018, Shao et al. 2018). Each iteration decodes
    ``(2d + 1)(n_points - 2)`` codes in one call: every interior point and, for the Jacobians,
    every point moved by ``±h`` along each of the ``d`` axes, ``h = FD_STEP × scale`` with
    ``scale`` the largest absolute coordinate of the endpoints or of their difference.

    Parameters
    ----------
    decode
        Maps (n, d) float32 codes to (n, ...) images (flattened inside); a numpy black box.
    z_a, z_b
        The endpoint codes, (d,).
    n_points
        Points on the curve, endpoints included (3 to 200).
    max_iterations
        Most optimisation steps; on reaching it the solution says ``converged=False``.
    tolerance
        Converged when the relative gradient norm ``||b - a|| Σ_i ||∂E/∂z_i|| / E`` is below it
        (the first-order relative change of the energy were every interior point moved by the
        endpoints' distance: independent of the scale of codes and images and of ``N``), or when
        the energy fell by less than ``tolerance²`` (relative) over the last :data:`WINDOW`
        steps, or when no step the float32 codes resolve lowers it (kinked decoders).

    Returns
    -------
    GeodesicSolution
        The curve with its energies and convergence report; never silently unconverged.
    """
    a = np.asarray(z_a, np.float64).ravel()
    b = np.asarray(z_b, np.float64).ravel()
    _check(a, b, n_points, max_iterations, tolerance)
    scale = float(max(np.abs(a).max(), np.abs(b).max(), np.abs(b - a).max()))
    scale = scale if scale > 0 else 1.0
    stop = _Stop(
        scale=scale,
        step=FD_STEP * scale,
        distance=float(np.linalg.norm(b - a)),
        max_iterations=max_iterations,
        tolerance=tolerance,
    )
    t = np.linspace(0.0, 1.0, n_points)[1:-1, None]
    # One BLAS thread: the products are small, and on a busy machine OpenBLAS's threads wait on
    # each other for most of the solve.
    with threadpool_limits(1, user_api="blas"):
        ends = _decode(decode, np.stack([a, b]))
        state = _evaluate(decode, a + t * (b - a), ends, stop.step)
        stop.lowest.append(state.energy)
        final = _levenberg_marquardt(decode, state, ends, stop)
    z = np.concatenate([a[None], final.z, b[None]]).astype(np.float32)
    z[0], z[-1] = np.asarray(z_a, np.float32).ravel(), np.asarray(z_b, np.float32).ravel()
    return GeodesicSolution(
        z=z,
        energy=final.energy,
        initial_energy=state.energy,
        n_iterations=stop.iterations,
        converged=stop.reason != "max_iterations",
        gradient_norm=stop.norm,
        reason=stop.reason,
    )


def resample_by_arclength(z: FloatArray, images: FloatArray, n_steps: int) -> FloatArray:
    """``n_steps`` codes at evenly spaced arc lengths of the decoded curve, endpoints exact.

    The arc length is the pixel-space length of the polyline through ``images`` (the decoded
    curve, or the training images along a graph path), so the frames of an animation move by
    equal amounts of image change, not of latent distance. Between curve points the codes are
    interpolated linearly, at the fraction of that segment's pixel length. A curve of zero
    pixel length falls back to its latent arc length (and a single point repeats).

    Parameters
    ----------
    z
        (n, d) codes along the curve, in order.
    images
        (n, ...) the decoded images of ``z`` (flattened inside).
    n_steps
        Codes wanted (2 to 200).

    Returns
    -------
    ndarray
        (n_steps, d) float32; the first and last rows are exactly ``z[0]`` and ``z[-1]``.
    """
    check_steps(n_steps)
    codes = np.asarray(z)
    if codes.ndim != 2 or len(codes) < 2:
        raise InvalidInputError(f"z must be (n >= 2, d), got shape {codes.shape}", param="z")
    pictures = np.asarray(images, np.float64).reshape(len(images), -1)
    if len(pictures) != len(codes):
        raise InvalidInputError(
            f"images has {len(pictures)} rows for {len(codes)} codes", param="images"
        )
    lengths = np.linalg.norm(np.diff(pictures, axis=0), axis=1)
    if not lengths.sum() > 0:
        lengths = np.linalg.norm(np.diff(codes.astype(np.float64), axis=0), axis=1)
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    targets = np.linspace(0.0, cumulative[-1], n_steps)
    segment = np.clip(np.searchsorted(cumulative, targets, side="right") - 1, 0, len(codes) - 2)
    span = lengths[segment]
    fraction = np.divide(
        targets - cumulative[segment], span, out=np.zeros_like(span), where=span > 0
    )
    fraction = np.clip(fraction, 0.0, 1.0)[:, None]
    start = codes[segment].astype(np.float64)
    out = (start + fraction * (codes[segment + 1] - start)).astype(np.float32)
    out[0], out[-1] = codes[0], codes[-1]
    return out


def _check(
    a: npt.NDArray[np.float64],
    b: npt.NDArray[np.float64],
    n_points: int,
    max_iterations: int,
    tolerance: float,
) -> None:
    """Reject arguments that make no problem, with the parameter at fault."""
    if a.shape != b.shape or not a.size:
        raise InvalidInputError(
            f"z_a and z_b must be codes of one length, got {a.shape} and {b.shape}", param="z_b"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise InvalidInputError("z_a and z_b must be finite", param="z_a")
    if not 3 <= n_points <= MAX_STEPS:
        raise InvalidInputError(
            f"n_points must be between 3 and {MAX_STEPS}, got {n_points}", param="n_points"
        )
    if max_iterations < 0:
        raise InvalidInputError(
            f"max_iterations must be >= 0, got {max_iterations}", param="max_iterations"
        )
    if not tolerance > 0:
        raise InvalidInputError(f"tolerance must be > 0, got {tolerance}", param="tolerance")


def _decode(decode: Decoder, codes: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``decode`` on float32 codes, as (n, D) float64 rows; checks rows and values."""
    out = np.asarray(decode(codes.astype(np.float32)))
    if len(out) != len(codes):
        raise InvalidInputError(
            f"the decoder returned {len(out)} rows for {len(codes)} codes", param="decode"
        )
    rows = out.reshape(len(codes), -1).astype(np.float64)
    if not np.isfinite(rows).all():
        raise InvalidInputError("the decoder returned non-finite values", param="decode")
    return rows


def _evaluate(
    decode: Decoder,
    z: npt.NDArray[np.float64],
    ends: npt.NDArray[np.float64],
    step: float,
) -> _State:
    """Decode the interior points and their ±step neighbours in one call; energy and gradient.

    The step actually taken is re-read from the float32 codes decoded, so rounding of the codes
    does not bias the differences.
    """
    m, d = z.shape
    shifted = z[:, None, :] + step * np.eye(d)[None]
    lowered = z[:, None, :] - step * np.eye(d)[None]
    codes = np.concatenate([z, shifted.reshape(-1, d), lowered.reshape(-1, d)])
    decoded = _decode(decode, codes)
    images = decoded[:m]
    plus = decoded[m : m + m * d].reshape(m, d, -1)
    minus = decoded[m + m * d :].reshape(m, d, -1)
    sent = codes.astype(np.float32).astype(np.float64)
    taken = (sent[m : m + m * d] - sent[m + m * d :]).reshape(m, d, d)
    widths = np.einsum("mii->mi", taken)
    jacobians = (plus - minus) / widths[..., None]
    curve = np.concatenate([ends[:1], images, ends[1:]])
    steps = np.diff(curve, axis=0)
    factor = len(curve) - 1
    energy = float(factor * np.sum(steps**2))
    # ∂E/∂z_i = J_iᵀ · 2(N-1)(2g_i - g_{i-1} - g_{i+1}), the bracket being (Δ_{i-1} - Δ_i).
    gradient = 2 * factor * np.einsum("mdD,mD->md", jacobians, steps[:-1] - steps[1:])
    return _State(z, images, jacobians, energy, gradient)


@dataclass
class _Stop:
    """The stopping rules, with the counters they need."""

    scale: float
    step: float
    distance: float
    max_iterations: int
    tolerance: float
    iterations: int = 0
    reason: str = ""
    norm: float = float("inf")
    lowest: list[float] = field(default_factory=list)

    def done(self, state: _State) -> bool:
        """Whether to stop at ``state``, setting :attr:`reason` (see :data:`REASONS`)."""
        if self.reason:
            return True
        self.norm = _relative_gradient(state, self.distance)
        if self.norm < self.tolerance:
            self.reason = "gradient"
        elif self._flat():
            self.reason = "energy"
        elif self.iterations >= self.max_iterations:
            self.reason = "max_iterations"
        return bool(self.reason)

    def record(self, state: _State) -> None:
        """Count one step (one decoder call), ``state`` being the current curve after it."""
        self.iterations += 1
        self.lowest.append(min(state.energy, self.lowest[-1]))

    def _flat(self) -> bool:
        """The lowest energy fell by less than ``tolerance²`` (relative) over the last
        :data:`WINDOW` steps."""
        if len(self.lowest) <= WINDOW:
            return False
        return self.lowest[-1 - WINDOW] - self.lowest[-1] <= self.tolerance**2 * self.lowest[-1]


def _relative_gradient(state: _State, distance: float) -> float:
    """``||b - a|| Σ_i ||∂E/∂z_i|| / E`` (0 for a curve of zero energy)."""
    if not state.energy > 0:
        return 0.0
    return float(distance * np.linalg.norm(state.gradient, axis=1).sum() / state.energy)


def _gauss_newton_band(jacobians: npt.NDArray[np.float64], factor: int) -> np.ndarray:
    """The Gauss-Newton matrix of the energy in upper band storage for ``solveh_banded``.

    ``H = 2(N-1) B`` with ``B_ii = 2 J_iᵀJ_i`` and ``B_i,i+1 = -J_iᵀJ_{i+1}`` (block
    tridiagonal), variables ordered point by point; its upper bandwidth is ``2d - 1``.
    """
    m, d, _ = jacobians.shape
    upper = 2 * d - 1
    band = np.zeros((upper + 1, m * d))
    diagonal = 2 * np.einsum("mpD,mqD->mpq", jacobians, jacobians)
    off = -np.einsum("mpD,mqD->mpq", jacobians[:-1], jacobians[1:])
    p, q = np.meshgrid(np.arange(d), np.arange(d), indexing="ij")
    keep = q >= p
    for i in range(m):
        rows, cols = i * d + p[keep], i * d + q[keep]
        band[upper + rows - cols, cols] = diagonal[i][keep]
        if i < m - 1:
            rows, cols = i * d + p.ravel(), (i + 1) * d + q.ravel()
            band[upper + rows - cols, cols] = off[i].ravel()
    return 2 * factor * band


def _levenberg_marquardt(
    decode: Decoder,
    state: _State,
    ends: npt.NDArray[np.float64],
    stop: _Stop,
) -> _State:
    """Damped Gauss-Newton steps (Nielsen's damping update); one decoder call per step."""
    from scipy.linalg import LinAlgError, solveh_banded  # only when a geodesic is solved

    factor = len(state.z) + 1
    band = _gauss_newton_band(state.jacobians, factor)
    upper = band.shape[0] - 1
    damping = 1e-3 * float(band[upper].max())
    floor = 1e-12 * float(band[upper].max()) + 1e-300
    growth = 2.0
    while not stop.done(state):
        gradient = state.gradient.ravel()
        damped = band.copy()
        damped[upper] += max(damping, floor)
        try:
            move = -solveh_banded(damped, gradient, check_finite=False)
        except LinAlgError:
            damping, growth = damping * growth, growth * 2
            stop.record(state)  # counted, so the loop ends however often this happens
            continue
        if np.abs(move).max() < MIN_STEP * stop.scale:
            stop.reason = "stalled"  # no step the float32 codes can resolve lowers the energy
            break
        predicted = 0.5 * float(move @ (damping * move - gradient))
        trial = _evaluate(decode, state.z + move.reshape(state.z.shape), ends, stop.step)
        gain = (state.energy - trial.energy) / predicted if predicted > 0 else -1.0
        if gain > 0:
            state = trial
            band = _gauss_newton_band(state.jacobians, factor)
            damping *= max(1 / 3, 1 - (2 * gain - 1) ** 3)
            growth = 2.0
        else:
            damping, growth = damping * growth, growth * 2
        stop.record(state)
    return state
