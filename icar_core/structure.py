"""Structure in trained weights: head circuits, orthogonality between heads, the shape of ``C = Bᵀ A``,
PCA of positional encodings and cosine fits of positional profiles (DESIGN.md §1, Findings 2 and 3).

Plain functions on a model or on raw arrays; they return numpy arrays or small frozen dataclasses, never
charts. Every function that does not apply to a model's kind raises
:class:`~icar_core.errors.NotApplicableError` with a sentence the app can show as is.

Names follow TransformerLens: ``W_QK = W_Qᵀ W_K`` is the bilinear form of an attention score
(``score = qᵀ W_QK k``) and ``W_OV`` the map from a token to what the head writes into the prediction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from typing import ParamSpec, TypeVar

import numpy as np
import torch
from threadpoolctl import ThreadpoolController
from torch import nn

from icar_core.errors import NotApplicableError

#: R² at or above which :func:`fit_cosine` calls a profile "well described" by one cosine. 0.95 leaves
#: room for training noise yet rejects the authors' μ = 50 row (R² ≈ 0.57), whose oscillation grows.
COSINE_R2_THRESHOLD = 0.95

# Fewest frequencies fit_cosine tries before refining (geometric grid, about 1 % apart for 30 samples).
_OMEGA_GRID_MIN_SIZE = 512

# Head vectors whose norm is at most this fraction of the largest head's norm count as zero (no direction).
_ZERO_RELATIVE = 1e-12


# ---------------------------------------------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------------------------------------------

@cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _single_threaded(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` with one BLAS / OpenMP thread. Every array here is small, and on a busy machine the
    threads of OpenBLAS and torch wait on each other: a (99, 100) SVD took 0.4 s instead of 1 ms, placing
    the blocks of a 64-head model 20 ms instead of 0.03 ms. The BLAS limit is process-wide while it lasts,
    which can only slow other threads' calls, never change their results."""

    @wraps(function)
    def limited(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _threadpools().limit(limits=1):
            return function(*args, **kwargs)

    return limited


# ---------------------------------------------------------------------------------------------------------------
# Model kinds
# ---------------------------------------------------------------------------------------------------------------

def _icar_model(model: nn.Module) -> nn.Module:
    if getattr(model, "config", None) is None:
        raise TypeError(f"expected an icar model (with a .config); got {type(model).__name__}")
    return model


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    """Detached float64 copy: products of float32 weights lose digits the fits below would see."""
    return tensor.detach().cpu().numpy().astype(np.float64)


def _require_heads(model: nn.Module) -> str:
    """The model's head type (``augmented`` | ``full`` | ``diagonal``), or NotApplicableError when it has none."""
    head_type = _icar_model(model).head_type
    if head_type is None:
        raise NotApplicableError(
            "This is a positional-encoding-only run: it has no learned heads, only the positional matrix P. "
            "Look at the positional encodings (PCA, cosine profile) instead.")
    return head_type


# ---------------------------------------------------------------------------------------------------------------
# Head matrices
# ---------------------------------------------------------------------------------------------------------------

def token_block_labels(model: nn.Module) -> dict[str, slice]:
    """Names and coordinate slices of the blocks of an augmented token ``e_t = (0, s_t, s_{t-1}) ∈ R^{3d}``
    (see ``ICARModel.token_blocks``); NotApplicableError for plain tokens."""
    blocks = _icar_model(model).token_blocks()
    if blocks is None:
        raise NotApplicableError(
            "Only augmented-token runs have token blocks (0, s_t, s_{t-1}); this run's tokens are the plain "
            "states s_t.")
    return blocks


@_single_threaded
def head_matrices(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's per-head circuits (``ICARModel.circuits``), head first, as float64 numpy arrays.

    Raises NotApplicableError for runs with no heads (PE-only).
    """
    _require_heads(model)
    return {name: _numpy(w) for name, w in model.circuits().items()}


# ---------------------------------------------------------------------------------------------------------------
# Orthogonality between heads
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeadOrthogonality:
    """Pairwise cosines between H head vectors.

    cosines: (H, H), symmetric, 1 on the diagonal (0 for a zero head); score: mean |cosine| over the
    H·(H−1) off-diagonal entries — 0 for mutually orthogonal heads, 1 for identical (or opposite) heads;
    worst_pair: ``(i, j, cosine)`` with ``i < j`` and the largest |cosine| (signed value);
    zero_heads: indices of heads with no direction (norm ≤ 1e-12 × the largest norm). A zero head's cosine
    with every head is defined as 0 (its inner product with anything is 0), so it *lowers* the score;
    check ``zero_heads`` before reading a low score as orthogonality.
    """

    cosines: np.ndarray
    score: float
    worst_pair: tuple[int, int, float]
    zero_heads: tuple[int, ...]


def _orthogonality_of_vectors(vectors: np.ndarray) -> HeadOrthogonality:
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2:
        raise ValueError(f"head vectors must have shape (H, k); got {vectors.shape}")
    H = vectors.shape[0]
    if H < 2:
        raise NotApplicableError(
            f"Orthogonality between heads needs at least two heads; this one has {H}. Train a run with "
            "n_heads ≥ 2 to compare heads.")
    if not np.all(np.isfinite(vectors)):
        raise ValueError("head vectors contain NaN or infinite values")
    norms = np.linalg.norm(vectors, axis=1)
    zero = norms <= _ZERO_RELATIVE * norms.max() if norms.max() > 0 else np.ones(H, dtype=bool)
    # Dividing by 1 leaves zero heads as zero rows, so their cosines come out 0 rather than NaN.
    unit = vectors / np.where(zero, 1.0, norms)[:, None]
    cosines = np.clip(unit @ unit.T, -1.0, 1.0)
    off = ~np.eye(H, dtype=bool)
    abs_off = np.where(off, np.abs(cosines), -1.0)
    i, j = sorted(np.unravel_index(np.argmax(abs_off), abs_off.shape))
    return HeadOrthogonality(cosines=cosines, score=float(np.abs(cosines[off]).mean()),
                             worst_pair=(int(i), int(j), float(cosines[i, j])),
                             zero_heads=tuple(int(h) for h in np.flatnonzero(zero)))


def random_cosine_level(k: int) -> float:
    """Mean |cosine| between two independent random directions in R^k: Γ(k/2) / (√π Γ((k+1)/2)) (≈ √(2/(πk))).

    The score heads that ignore each other would get; 1 for k = 1."""
    return math.exp(math.lgamma(k / 2) - math.lgamma((k + 1) / 2)) / math.sqrt(math.pi)


@_single_threaded
def head_orthogonality(model_or_vectors: nn.Module | np.ndarray) -> HeadOrthogonality | dict[str, HeadOrthogonality]:
    """Orthogonality between heads.

    Given an array (H, k) of head vectors: one :class:`HeadOrthogonality`. Given a model: a dict
    circuit-name -> HeadOrthogonality — diagonal heads: ``"A"`` and ``"B"`` (rows ``a_h``, ``b_h``); full
    heads and augmented runs: ``"W_QK"`` and ``"W_OV"``, each head's circuit flattened to one vector.
    Raises NotApplicableError for PE-only runs and for a single head.
    """
    if not isinstance(model_or_vectors, nn.Module):
        return _orthogonality_of_vectors(model_or_vectors)
    matrices = head_matrices(model_or_vectors)
    names = ("A", "B") if "A" in matrices else ("W_QK", "W_OV")
    return {name: _orthogonality_of_vectors(matrices[name].reshape(matrices[name].shape[0], -1))
            for name in names}


# ---------------------------------------------------------------------------------------------------------------
# The circuit C = Bᵀ A and its shape
# ---------------------------------------------------------------------------------------------------------------

@_single_threaded
def diagonal_circuit(source: nn.Module | tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``C = Bᵀ A`` (m, m) of diagonal heads, from a model or from ``(A, B)`` arrays, each (H, m).

    ``C[i, j] = Σ_h b_{h,i} a_{h,j}``: how the query-key weight on coordinate j, summed over heads, feeds the
    value on coordinate i. The paper's optimum has ``C = c·I`` (unitary W) or ``c·(I + S)`` (real rotation
    blocks).
    """
    if isinstance(source, nn.Module):
        if _require_heads(source) != "diagonal":
            raise NotApplicableError(
                "C = Bᵀ A exists only for diagonal heads (vectors a_h, b_h); this run has full heads — "
                "look at the circuits W_QK and W_OV instead.")
        A, B = (_numpy(v) for v in source.diagonal_vectors())
    else:
        A, B = (np.asarray(v, dtype=np.float64) for v in source)
    if A.ndim != 2 or A.shape != B.shape:
        raise ValueError(f"A and B must both have shape (H, m); got {A.shape} and {B.shape}")
    return B.T @ A


def _check_square(C: np.ndarray) -> np.ndarray:
    C = np.asarray(C, dtype=np.float64)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.shape[0] == 0:
        raise ValueError(f"expected a non-empty square matrix; got shape {C.shape}")
    return C


def _template_fit(C: np.ndarray, template: np.ndarray) -> tuple[float, float]:
    """Best ``c`` for ``c·template`` in Frobenius norm and ``||C − c·template||_F / ||C||_F``.

    A zero ``C`` is exactly ``0·template``: c = 0, rel_error = 0.
    """
    c = float(np.sum(C * template) / np.sum(template * template))
    norm = np.linalg.norm(C)
    rel_error = float(np.linalg.norm(C - c * template) / norm) if norm > 0 else 0.0
    return c, rel_error


def scaled_identity_fit(C: np.ndarray) -> tuple[float, float]:
    """Nearest ``c·I`` to a square ``C`` (n, n): ``c = tr(C)/n``; returns ``(c, ||C − cI||_F / ||C||_F)``."""
    C = _check_square(C)
    return _template_fit(C, np.eye(C.shape[0]))


def plane_swap(n: int) -> np.ndarray:
    """``S`` (n, n): swaps the coordinates of every rotation plane ``(2k, 2k+1)``; odd n leaves the last alone
    (its row and column are zero, matching the ``±1`` block of odd d)."""
    S = np.zeros((n, n))
    idx = np.arange(n // 2) * 2
    S[idx, idx + 1] = 1.0
    S[idx + 1, idx] = 1.0
    return S


def rotation_block_fit(C: np.ndarray) -> tuple[float, float]:
    """Nearest ``c·(I + S)`` to ``C`` (n, n), S = :func:`plane_swap`: 2×2 blocks of equal entries on the
    diagonal, the optimum for real rotation blocks; returns ``(c, rel_error)`` as :func:`scaled_identity_fit`."""
    C = _check_square(C)
    n = C.shape[0]
    return _template_fit(C, np.eye(n) + plane_swap(n))


@dataclass(frozen=True)
class CircuitStructure:
    """Which structure describes ``C`` better.

    best: ``"scaled_identity"`` (``c·I``, unitary W) or ``"rotation_blocks"`` (``c·(I + S)``, real
    rotation blocks); ties (e.g. n = 1, or a zero C) go to the simpler ``"scaled_identity"``;
    ratio: worse rel_error / better rel_error (≥ 1; ``inf`` when the better fit is exact) — how decisively
    the structure is recognised. For an exact c·I the other fit has rel_error 1/√2 ≈ 0.71 and vice versa.
    """

    identity_c: float
    identity_rel_error: float
    blocks_c: float
    blocks_rel_error: float
    best: str
    ratio: float

    @property
    def best_rel_error(self) -> float:
        return min(self.identity_rel_error, self.blocks_rel_error)

    @property
    def best_c(self) -> float:
        return self.identity_c if self.best == "scaled_identity" else self.blocks_c


def circuit_structure(C: np.ndarray) -> CircuitStructure:
    """Compare :func:`scaled_identity_fit` and :func:`rotation_block_fit` on a square ``C`` (n, n)."""
    identity_c, identity_err = scaled_identity_fit(C)
    blocks_c, blocks_err = rotation_block_fit(C)
    best = "rotation_blocks" if blocks_err < identity_err else "scaled_identity"
    better, worse = sorted((identity_err, blocks_err))
    ratio = worse / better if better > 0 else (1.0 if worse == 0 else math.inf)
    return CircuitStructure(identity_c=identity_c, identity_rel_error=identity_err, blocks_c=blocks_c,
                            blocks_rel_error=blocks_err, best=best, ratio=float(ratio))


# ---------------------------------------------------------------------------------------------------------------
# Positional encodings
# ---------------------------------------------------------------------------------------------------------------

def _positional_matrix(model: nn.Module) -> np.ndarray:
    """The masked positional matrix ``P`` (T, T) of the model, else NotApplicableError."""
    P = _icar_model(model).positional_matrix()
    if P is None:
        raise NotApplicableError(
            "This run has no positional matrix P (augmented runs have none; a multihead run needs "
            "positional='matrix'). The PE profile and its cosine fit apply to runs with P.")
    return _numpy(P)


@_single_threaded
def positional_rows(model: nn.Module) -> tuple[np.ndarray, np.ndarray]:
    """The encodings a PCA of positions should use, and the position of each: ``(rows (N, D), positions (N,))``.

    - positional matrix: the *earlier-token* entries of the rows of the masked ``P`` (T, T) — the newest-token
      (diagonal) entry of each row is set to 0, as in the authors' saved arrays, so that both PCAs are made on
      the same entries — for the query positions that use them (``ICARModel.first_used_position`` on);
    - learned embeddings: all T vectors ``p_n`` (T, pos_dim), positions 0..T−1.

    Raises NotApplicableError for runs with no positional term.
    """
    model = _icar_model(model)
    matrix, embeddings = model.positional_matrix(), model.positional_embeddings()
    if matrix is None and embeddings is None:
        raise NotApplicableError(
            "This run has no learned positional encodings (augmented runs, or positional='none'), so there "
            "is nothing for a PCA of positions to show.")
    if matrix is not None:
        encodings = _numpy(matrix)
        np.fill_diagonal(encodings, 0.0)
    else:
        encodings = _numpy(embeddings)
    first = model.first_used_position
    if encodings.shape[0] - first < 3:
        raise NotApplicableError(f"This run has only {encodings.shape[0] - first} used positions; a PCA of "
                                 "positions needs at least 3.")
    return encodings[first:], np.arange(first, encodings.shape[0])


@dataclass(frozen=True)
class PositionalPCA:
    """PCA of positional encodings, one row per position.

    explained_variance_ratio: (k,) share of the total variance each component holds (sums to ≤ 1);
    coordinates: (N, k) each position's projection on the components (of the centred rows);
    components: (k, D) unit principal directions; mean: (D,) the subtracted row mean.
    """

    explained_variance_ratio: np.ndarray
    coordinates: np.ndarray
    components: np.ndarray
    mean: np.ndarray

    @property
    def cumulative_ratio(self) -> float:
        """Share of the variance the k components hold together."""
        return float(self.explained_variance_ratio.sum())


@_single_threaded
def positional_pca(encodings: np.ndarray, n_components: int = 3) -> PositionalPCA:
    """PCA (exact SVD of the centred rows) of the rows of ``encodings`` (N positions, D features).

    Rows are centred first: a circle or spiral of positions shows up as structure around the mean; uncentred,
    the first component would mostly be the mean row. ``n_components`` is capped at ``min(N, D)``. Each
    component's largest entry is positive (scikit-learn's convention, which the tests check this against;
    numpy's SVD instead of scikit-learn keeps a 1–2 s import off the page's first visit).
    """
    X = np.asarray(encodings, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] < 2:
        raise ValueError(f"encodings must have shape (N ≥ 2, D); got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("encodings contain NaN or infinite values")
    k = min(int(n_components), *X.shape)
    if k < 1:
        raise ValueError(f"n_components must be ≥ 1; got {n_components}")
    mean = X.mean(axis=0)
    U, singular, Vt = np.linalg.svd(X - mean, full_matrices=False)
    signs = np.sign(Vt[np.arange(len(Vt)), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    U, Vt = U * signs, Vt * signs[:, None]
    variance = singular**2
    total = variance.sum()
    # A constant set of rows has no variance to share out: report none explained.
    ratio = variance[:k] / total if total > 0 else np.zeros(k)
    return PositionalPCA(explained_variance_ratio=ratio, coordinates=U[:, :k] * singular[:k],
                         components=Vt[:k], mean=mean)


MIN_PROFILE_LENGTH = 5  # the fewest points :func:`fit_cosine` accepts
# A profile whose every |entry| is below this fraction of the largest weight is rounding noise: no shape.
FLAT_RELATIVE = 1e-6


def is_flat(values: np.ndarray, scale: float) -> bool:
    """Whether every |value| is at most :data:`FLAT_RELATIVE` × ``scale`` (all of them round-off)."""
    values = np.abs(np.asarray(values, dtype=np.float64))
    return bool(scale <= 0 or values.size == 0 or values.max() <= FLAT_RELATIVE * scale)


@_single_threaded
def pe_profile(model: nn.Module) -> np.ndarray:
    """The last used row of the positional matrix: ``P[T−1, 0..T−2]`` (T−1,).

    The newest-token entry ``P[T−1, T−1]`` is left out: the authors saved their P masked so that it is 0,
    and their row r stands for our query position r + 1 — so this profile is comparable with their
    ``P[T−2, 0..T−2]`` (row 28, entries 0..28 of the (30, 30) ``pe_eps_mu_*.npy`` arrays).
    """
    P = _positional_matrix(model)
    T = P.shape[0]
    if T - 1 < MIN_PROFILE_LENGTH:
        raise NotApplicableError(f"This run has {T} positions; a cosine fit of the last row needs at least "
                                 f"{MIN_PROFILE_LENGTH + 1}.")
    return P[T - 1, : T - 1].copy()


def pe_profile_is_flat(model: nn.Module) -> bool:
    """Whether the last used row (:func:`pe_profile`) is rounding noise next to the largest used weight of P
    (:func:`is_flat`), newest-token entries included: then it has no shape to fit. NotApplicableError for runs
    without P."""
    return is_flat(pe_profile(model), float(np.abs(_positional_matrix(model)).max()))


# ---------------------------------------------------------------------------------------------------------------
# Cosine fit of a profile
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CosineFit:
    """``profile[k] ≈ amplitude · cos(omega · t_k + phase) + offset``.

    amplitude ≥ 0; omega (rad per unit of t) in ``[omega_min, omega_max]``; phase in (−π, π];
    r2 = 1 − SS_res / SS_tot (0 for a constant profile: there is no shape to describe);
    omega_at_lower_bound: the best frequency is ``omega_min`` — the data want a lower one: a drift (e.g. a
    parabola) that a cosine only mimics with a huge amplitude, so omega is not a measurement;
    well_described: r2 ≥ :data:`COSINE_R2_THRESHOLD` (default) and not omega_at_lower_bound.
    """

    amplitude: float
    omega: float
    phase: float
    offset: float
    r2: float
    omega_min: float
    omega_max: float
    omega_at_lower_bound: bool
    well_described: bool

    def predict(self, t: np.ndarray) -> np.ndarray:
        return self.amplitude * np.cos(self.omega * np.asarray(t, dtype=np.float64) + self.phase) + self.offset

    @property
    def period(self) -> float:
        return 2 * math.pi / self.omega


def _linear_cosine_fit(t: np.ndarray, y: np.ndarray, omega: float) -> tuple[np.ndarray, float]:
    """For a fixed ω: least squares of ``α cos ωt + β sin ωt + b``; returns ``((α, β, b), SS_res)``."""
    X = np.stack([np.cos(omega * t), np.sin(omega * t), np.ones_like(t)], axis=1)
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    residual = y - X @ coef
    return coef, float(residual @ residual)


def _grid_residuals(t: np.ndarray, y: np.ndarray, omegas: np.ndarray) -> np.ndarray:
    """SS_res of :func:`_linear_cosine_fit` at every ω of ``omegas`` (G,) at once.

    A batched SVD with lstsq's cut-off for small singular values: at ω = π the sin column is numerically
    zero, and a plain QR would project y onto that column's rounding noise.
    """
    phases = omegas[:, None] * t[None, :]
    X = np.stack([np.cos(phases), np.sin(phases), np.ones_like(phases)], axis=2)  # (G, N, 3)
    U, singular, _ = np.linalg.svd(X, full_matrices=False)
    keep = singular > np.finfo(np.float64).eps * max(X.shape[1:]) * singular[:, :1]
    projection = np.einsum("gnk,n->gk", U, y) * keep
    residual = y[None, :] - np.einsum("gnk,gk->gn", U, projection)
    return np.einsum("gn,gn->g", residual, residual)


def omega_bounds(t: np.ndarray) -> tuple[float, float]:
    """Frequencies :func:`fit_cosine` searches for samples at times ``t`` (N,), spacing ``dt`` (median).

    Upper: π/dt (Nyquist). Lower: π/(4·N·dt) — the window holds at least 1/8 of a period (π/4 rad). Below
    that a cosine is indistinguishable from a parabola and the least squares drifts to ω → 0 with the
    amplitude → ∞. (A quarter period, 2π/(4·N·dt), would cut off the authors' μ = 300 row, whose best
    frequency, 0.032 rad/step over 29 steps, is about 0.9 rad across the window.)
    """
    dt = float(np.median(np.diff(t)))
    return math.pi / (4 * len(t) * dt), math.pi / dt


@_single_threaded
def fit_cosine(profile: np.ndarray, t: np.ndarray | None = None, *,
               r2_threshold: float = COSINE_R2_THRESHOLD) -> CosineFit:
    """Robust fit of ``a·cos(ω t + φ) + b`` to a 1-D ``profile`` (N ≥ 5,) sampled at ``t`` (default 0..N−1).

    The model is linear in ``(a cos φ, −a sin φ, b)`` for fixed ω, so: exact least squares on a geometric
    grid of ω over :func:`omega_bounds`, then a bounded 1-D refinement of ω between the best grid point's
    neighbours. No starting guess can send it to a local minimum, and the bounds rule out the degenerate
    huge-amplitude, near-zero-ω solution that an unbounded nonlinear fit finds on drifting profiles.
    """
    y = np.asarray(profile, dtype=np.float64).ravel()
    t = np.arange(len(y), dtype=np.float64) if t is None else np.asarray(t, dtype=np.float64).ravel()
    if len(y) < MIN_PROFILE_LENGTH or t.shape != y.shape:
        raise ValueError(f"need a profile of ≥ 5 values with one time each; got {len(y)} values, {len(t)} times")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(t))) or np.any(np.diff(t) <= 0):
        raise ValueError("profile and times must be finite and times strictly increasing")
    omega_min, omega_max = omega_bounds(t)
    # A minimum of SS_res(ω) is about 2π/N wide; the grid's relative step ln(ω_max/ω_min)/G must stay below
    # its relative width at ω = π, 2/N, so that the refinement starts in the right basin.
    n_grid = max(_OMEGA_GRID_MIN_SIZE, math.ceil(2 * len(y) * math.log(omega_max / omega_min)))
    grid = np.geomspace(omega_min, omega_max, n_grid)
    losses = _grid_residuals(t, y, grid)
    best = int(np.argmin(losses))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    from scipy.optimize import minimize_scalar  # 0.3 s to import: on first use, not at the dashboard's start

    refined = minimize_scalar(lambda w: _linear_cosine_fit(t, y, w)[1], bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-10 * omega_max})
    if refined.fun < losses[best]:
        omega, ss_res = float(refined.x), float(refined.fun)
    else:
        omega, ss_res = float(grid[best]), float(losses[best])
    # An optimum in the first grid cell may be the lower bound itself: the data then want a lower frequency
    # (a drift), and the fitted ω is the bound, not a measurement. The upper bound is Nyquist: higher
    # frequencies alias below it, so an optimum there is a real (alternating) cosine.
    at_lower_bound = best == 0 and losses[0] <= ss_res
    if at_lower_bound:
        omega = float(grid[0])
    (alpha, beta, offset), ss_res = _linear_cosine_fit(t, y, omega)
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = max(1.0 - ss_res / ss_tot, 0.0) if ss_tot > 0 else 0.0
    phase = math.atan2(-beta, alpha)
    phase = phase + 2 * math.pi if phase <= -math.pi else phase
    return CosineFit(amplitude=float(math.hypot(alpha, beta)), omega=omega,
                     phase=float(phase), offset=float(offset), r2=float(r2),
                     omega_min=omega_min, omega_max=omega_max, omega_at_lower_bound=bool(at_lower_bound),
                     well_described=bool(r2 >= r2_threshold and not at_lower_bound))


# ---------------------------------------------------------------------------------------------------------------
# Is it a cosine, or would a polynomial do as well?
# ---------------------------------------------------------------------------------------------------------------

CV_FOLDS = 5
#: The cosine is preferred over a polynomial only when its held-out error is below 1/this of the polynomial's.
SHAPE_PREFERENCE_FACTOR = 2.0


@dataclass(frozen=True)
class ShapeComparison:
    """Held-out mean squared errors (k-fold, folds interleaved so each spans the row) of three fits of one
    profile: ``cosine`` (4 parameters: a, ω, φ, b), ``cubic`` (4) and ``quadratic`` (3).

    ``cosine_preferred``: the cosine's held-out error is below 1/:data:`SHAPE_PREFERENCE_FACTOR` of both
    polynomials'; otherwise a polynomial of as many or fewer parameters explains the row as well, and the row
    cannot be called a cosine rather than a gentle curve.
    """

    cosine: float
    cubic: float
    quadratic: float
    folds: int

    @property
    def cosine_preferred(self) -> bool:
        return bool(self.cosine * SHAPE_PREFERENCE_FACTOR < min(self.cubic, self.quadratic))


def polynomial_fit(t: np.ndarray, y: np.ndarray, degree: int, t_eval: np.ndarray) -> np.ndarray:
    """The least-squares polynomial of ``degree`` through ``(t, y)``, evaluated at ``t_eval``."""
    return np.polynomial.polynomial.polyval(t_eval, np.polynomial.polynomial.polyfit(t, y, degree))


def _polynomial_cv(t: np.ndarray, y: np.ndarray, degree: int, folds: np.ndarray) -> float:
    errors = []
    for k in np.unique(folds):
        train = folds != k
        errors.append((polynomial_fit(t[train], y[train], degree, t[~train]) - y[~train]) ** 2)
    return float(np.mean(np.concatenate(errors)))


def _cosine_cv(t: np.ndarray, y: np.ndarray, folds: np.ndarray) -> float:
    errors = []
    for k in np.unique(folds):
        train = folds != k
        fit = fit_cosine(y[train], t[train])
        errors.append((fit.predict(t[~train]) - y[~train]) ** 2)
    return float(np.mean(np.concatenate(errors)))


def compare_shapes(profile: np.ndarray, n_folds: int = CV_FOLDS) -> ShapeComparison:
    """:class:`ShapeComparison` of a 1-D ``profile`` (sampled at 0..N−1, N ≥ 2·n_folds)."""
    y = np.asarray(profile, dtype=np.float64).ravel()
    if len(y) < 2 * n_folds or not np.all(np.isfinite(y)):
        raise ValueError(f"need a finite profile of at least {2 * n_folds} values; got {len(y)}")
    t = np.arange(len(y), dtype=np.float64)
    folds = np.arange(len(y)) % n_folds
    return ShapeComparison(_cosine_cv(t, y, folds), _polynomial_cv(t, y, 3, folds), _polynomial_cv(t, y, 2, folds),
                           n_folds)


# ---------------------------------------------------------------------------------------------------------------
# Does the heads' overlap mean anything? (A → QA, B → QB leaves C = Bᵀ A and every prediction unchanged)
# ---------------------------------------------------------------------------------------------------------------

#: Rotations of the heads tried to show how far the overlap moves when A·Aᵀ is not a multiple of I.
HEAD_ROTATIONS = 64
HEAD_ROTATION_SEED = 11


@dataclass(frozen=True)
class OverlapInvariance:
    """How the heads' mean |cosine| behaves under ``A → QA, B → QB`` (Q any H×H orthogonal matrix), which
    leaves ``C = Bᵀ A`` — and so every prediction — unchanged.

    gram_error: relative distance of ``A·Aᵀ`` to its best ``c·I`` (0: the rows of A are orthogonal and of equal
    length, so every such Q keeps them so and the overlap is a property of the solution); low, high: the
    range of the overlap (mean of the A and B scores) over :data:`HEAD_ROTATIONS` random Q, the identity
    included.
    """

    gram_error: float
    low: float
    high: float


def overlap_invariance(A: np.ndarray, B: np.ndarray) -> OverlapInvariance:
    """See :class:`OverlapInvariance`; ``A``, ``B`` (H, m) diagonal head vectors."""
    A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    H = A.shape[0]
    rng = np.random.default_rng(HEAD_ROTATION_SEED)
    rotations = [np.eye(H)] + [np.linalg.qr(rng.normal(size=(H, H)))[0] for _ in range(HEAD_ROTATIONS - 1)]
    scores = [(_orthogonality_of_vectors(Q @ A).score + _orthogonality_of_vectors(Q @ B).score) / 2
              for Q in rotations]
    gram_error = max(scaled_identity_fit(A @ A.T)[1], scaled_identity_fit(B @ B.T)[1])
    return OverlapInvariance(gram_error, float(min(scores)), float(max(scores)))
