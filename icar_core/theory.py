"""The paper's theoretical references: the explicit gradient-descent step and its best step size.

One GD step from ``W_0 = 0`` on ``L(W) = ½ Σ_{t=1..n} ||s_t − W s_{t-1}||²`` gives
``W_GD = η Σ_{t=1..n} s_t s_{t-1}ᵀ``; its prediction of ``s_{n+1}`` is ``W_GD s_n``.

Below those: the paper's closed-form objectives for diagonal heads (Figure 3) as the authors wrote
them, the exact expected losses they approximate, the authors' gradient descent on them, and the
least-squares references of the PE-only model (Finding 3).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from icar_core.validation import check_choice, check_int, check_number


def _cumulative_outer(left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    """``Σ_{t<=n} left_t right_tᵀ`` with an empty sum first: (batch, n−1, d) twice -> (batch, n, d, d)."""
    outer = left[..., :, None] * right[..., None, :]
    batch, _, d = left.shape
    return torch.cat([outer.new_zeros(batch, 1, d, d), torch.cumsum(outer, dim=1)], dim=1)


def gd_sums(states: torch.Tensor) -> torch.Tensor:
    """``G_n = Σ_{t=1..n} s_t s_{t-1}ᵀ`` at every position: (batch, n, d) -> (batch, n, d, d)."""
    return _cumulative_outer(states[:, 1:], states[:, :-1])


def gram_sums(states: torch.Tensor) -> torch.Tensor:
    """``H_n = Σ_{t=1..n} s_{t-1} s_{t-1}ᵀ`` at every position: (batch, n, d) -> (batch, n, d, d); with
    :func:`gd_sums` it gives the least-squares fit ``G_n H_n⁺`` of ``s_t ≈ W s_{t-1}``."""
    return _cumulative_outer(states[:, :-1], states[:, :-1])


#: Positions per chunk of :func:`gd_directions`: within a chunk its sum is an (L, L) causal pattern, across chunks a
#: running (d, d) sum. For the GD fit's 8,192 contexts of T = 100, d = 8 on one thread, chunks of 10 and 16 took
#: 0.24 s, 8 and 20 0.26-0.27 s, against 0.44-0.49 s for the whole (T, T) pattern.
DIRECTION_CHUNK = 10
#: Entries one block of :func:`gd_directions` holds at once (its chunks' patterns and sums): about a megabyte of
#: float64, so each block stays in cache (8,192 contexts of T = 100 at once were 650 MB and ran ~5x slower).
DIRECTION_BLOCK_ELEMENTS = 2**17


def gd_directions(states: torch.Tensor) -> torch.Tensor:
    """``G_n s_n`` (batch, n, d): the GD prediction of ``s_{n+1}`` for a unit step size.

    ``G_n s_n = Σ_{t=1..n} s_t (s_{t-1} · s_n)``, a causal linear attention of ``s_n`` over the previous states,
    summed in chunks of :data:`DIRECTION_CHUNK` positions (:func:`_chunked_directions`), a few contexts at a time:
    no ``d×d`` matrix per position and no ``n×n`` pattern per context is ever held.
    """
    return torch.cat(list(_direction_blocks(states)))


def _direction_blocks(states: torch.Tensor) -> Iterator[torch.Tensor]:
    """:func:`gd_directions` a few contexts at a time (:data:`DIRECTION_BLOCK_ELEMENTS`), in order."""
    n, d = states.shape[1:]
    chunk = min(DIRECTION_CHUNK, n)
    chunks = -(-n // chunk)
    held = chunks * (chunk * chunk + d * d)  # per context: the chunks' patterns and sums
    for part in states.split(max(1, DIRECTION_BLOCK_ELEMENTS // held)):
        yield _chunked_directions(part, chunk)


def _chunked_directions(states: torch.Tensor, chunk: int) -> torch.Tensor:
    """``G_n s_n`` for ``states`` (b, n, d) in chunks of ``chunk`` positions: the terms of the chunk itself through
    its (chunk, chunk) pattern ``s_n · s_{t-1}``, those of earlier chunks through ``G`` at the chunk's start (the sum
    of their ``s_t s_{t-1}ᵀ``), both in one product ``[pattern | s_n] @ [s_t ; Gᵀ]``. That is O(n · (chunk + d) · d)
    work per context instead of the O(n² d) of the whole pattern."""
    n = states.shape[1]
    previous = F.pad(states[:, :-1], (0, 0, 1, 0))  # s_{t-1}; 0 at t = 0, which has no term
    pad = -n % chunk
    query, key, value = (F.pad(a, (0, 0, 0, pad)).unflatten(1, (-1, chunk)) for a in (states, previous, states))
    pattern = (query @ key.transpose(-1, -2)).tril_()
    sums = key.transpose(-1, -2) @ value  # (b, chunks, d, d): each chunk's Σ s_{t-1} s_tᵀ, a Gᵀ term
    G_T = torch.cat([torch.zeros_like(sums[:, :1]), sums[:, :-1].cumsum(1)], dim=1)  # Gᵀ at each chunk's start
    return (torch.cat([pattern, query], dim=-1) @ torch.cat([value, G_T], dim=-2)).flatten(1, 2)[:, :n]


def fit_gd_eta(states: torch.Tensor, per_position: bool = True) -> torch.Tensor:
    """Least-squares step size(s) η of the GD predictor on ``states`` (batch, T+1, d).

    Fits ``η_n G_n s_n ≈ s_{n+1}`` over the batch: ``η = Σ <G s, s_next> / Σ ||G s||²``, one per
    position 0…T−1 (``per_position``) or one over positions 1…T−1. Positions with ``G = 0`` get 0.
    """
    # Both sums accumulate block by block, so the (batch, T, d) directions are never held at once.
    num = states.new_zeros(states.shape[1] - 1)
    den = torch.zeros_like(num)
    start = 0
    for direction in _direction_blocks(states[:, :-1]):
        target = states[start : start + len(direction), 1:]
        num += (direction * target).sum(dim=(0, 2))
        den += direction.pow(2).sum(dim=(0, 2))
        start += len(direction)
    if not per_position:
        num, den = num[1:].sum(), den[1:].sum()
        return num / den if den > 0 else den
    return torch.where(den > 0, num / torch.where(den > 0, den, torch.ones_like(den)), torch.zeros_like(den))


def gd_predictions(states: torch.Tensor, eta: torch.Tensor | float) -> torch.Tensor:
    """Predictions (batch, n, d) of one GD step with step size ``eta`` (scalar or per position)."""
    eta = torch.as_tensor(eta, dtype=states.dtype, device=states.device)
    if eta.ndim == 1:
        eta = eta[: states.shape[1], None]
    return eta * gd_directions(states)


def gd_reference_loss(states: torch.Tensor, fit_states: torch.Tensor | None = None) -> float:
    """Loss of one GD step with the best η for each context length, on ``states`` (batch, T+1, d).

    η is fitted on ``fit_states`` (default: ``states`` itself, which flatters GD slightly). Same
    positions and units as :func:`icar_core.models.prediction_loss`; the reference the paper says a
    trained augmented model reaches.
    """
    eta = fit_gd_eta(states if fit_states is None else fit_states, per_position=True)
    predictions = gd_predictions(states[:, :-1], eta)
    return (predictions[:, 1:] - states[:, 2:]).pow(2).sum(-1).mean().item()


# ---------------------------------------------------------------------------------------------
# The paper's closed-form objectives for diagonal heads (its Figure 3), and the exact expectations.
#
# Shapes: A, B (H, d) — rows are heads; C = Bᵀ A (d, d); P (T, T) in the *paper's* convention: row
# t = 0..T-2 uses p = P[t, 0..t+1], whose last entry p_last weighs the newest token and p_prev the one
# before it (the query token). Every objective returns the *sum* over the T-1 rows; divide by T-1 for
# the units of :func:`icar_core.models.prediction_loss`.
# ---------------------------------------------------------------------------------------------

PAPER_CASES = ("unitary", "orthogonal")


@dataclass(frozen=True)
class PaperProblem:
    """The authors' settings for one closed-form problem.

    d: coordinates of the closed form (complex ones for ``unitary``, real ones for ``orthogonal``);
    H: heads; T: rows of P; lr, steps: their plain gradient descent; radius: the norm of ``s_0`` in
    every rotation plane that the objective assumes (complex ``s_0 = 1``; real ``s_0 = (1, …, 1)``).
    """

    d: int
    H: int
    T: int
    lr: float
    steps: int
    radius: float


PAPER_PROBLEMS: dict[str, PaperProblem] = {
    "unitary": PaperProblem(d=10, H=10, T=20, lr=0.01, steps=100, radius=1.0),
    "orthogonal": PaperProblem(d=10, H=8, T=20, lr=1e-3, steps=100_000, radius=math.sqrt(2.0)),
}


def paper_to_model_P(P_paper: torch.Tensor) -> torch.Tensor:
    """Paper-convention ``P (T, T)`` -> icar's ``P (T, T)``: ``P_ours[n, t] = P_paper[n-1, t]``, t <= n.

    icar predicts ``s_{n+1}`` at position n; the paper's row t = n-1 does the same. Row 0 of ours is
    unused (the query ``s_{-1}`` is zero) and set to 0, like the entries above the diagonal.
    """
    T = P_paper.shape[-1]
    ours = torch.zeros_like(P_paper)
    ours[1:] = P_paper[:-1]
    rows, cols = _grid(T, P_paper.device)
    return ours * (cols <= rows).to(P_paper.dtype)


def model_to_paper_P(P_ours: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`paper_to_model_P` on the used entries; unused paper entries are set to 0.

    Paper row t = 0..T-2 takes ours' row t+1, entries 0..t+1; the paper's last row is unused.
    """
    T = P_ours.shape[-1]
    paper = torch.zeros_like(P_ours)
    paper[:-1] = P_ours[1:]
    return paper * paper_used_mask(T, P_ours)


def paper_used_mask(T: int, like: torch.Tensor) -> torch.Tensor:
    """(T, T) ones on the used entries of a paper-convention P: rows 0..T-2, columns <= t+1."""
    rows, cols = _grid(T, like.device)
    return ((cols <= rows + 1) & (rows < T - 1)).to(like.dtype)


def _grid(T: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Row and column indices (T, 1), (1, T). Masks are built from them rather than with ``tril``,
    which took milliseconds per call on float64 in this torch build and dominated the 100,000 steps."""
    index = torch.arange(T, device=device)
    return index[:, None], index[None, :]


@dataclass(frozen=True)
class _Rows:
    """Per-row statistics of a paper-convention P, each (T-1,)."""

    norm2: torch.Tensor  # ||p||²
    total: torch.Tensor  # Σ p
    last: torch.Tensor  # p_last = P[t, t+1]
    prev: torch.Tensor  # p_prev = P[t, t]
    first: torch.Tensor  # p_0 = P[t, 0]


def _rows(P: torch.Tensor) -> _Rows:
    used = (P * paper_used_mask(P.shape[-1], P))[:-1]
    return _Rows(norm2=used.pow(2).sum(-1), total=used.sum(-1), last=torch.diagonal(P, 1),
                 prev=torch.diagonal(P)[:-1], first=P[:-1, 0])


def paper_objective_unitary(A: torch.Tensor, B: torch.Tensor, P: torch.Tensor) -> torch.Tensor:
    """The paper's unitary objective, summed over rows, exactly as written (DESIGN.md §1):
    ``||p||² ||C||_F² + p_prev² ||C 1||² − 2 tr(C) p_last + d`` with ``C = Bᵀ A``.

    Note: as the expected loss of the model it over-counts ``p_prev² ||C||_F²``; see
    :func:`expected_loss_unitary`. The authors minimised this one, so the reference uses it.
    """
    C = B.T @ A
    r = _rows(P)
    terms = (r.norm2 * C.pow(2).sum() + r.prev.pow(2) * C.sum(-1).pow(2).sum()
             - 2 * torch.trace(C) * r.last + C.shape[0])
    return terms.sum()


def _block_couplings(C: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``τ3 = Σ_k (r_{2k} C_{2k,2k+1} + r_{2k+1} C_{2k+1,2k})`` and ``τ4 = Σ_k (C_{2k,2k+1}² + C_{2k+1,2k}²)``."""
    rowsum = C.sum(-1)
    upper, lower = torch.diagonal(C, 1)[0::2], torch.diagonal(C, -1)[0::2]
    tau3 = (rowsum[0::2] * upper + rowsum[1::2] * lower).sum()
    return tau3, upper.pow(2).sum() + lower.pow(2).sum()


def paper_objective_orthogonal(A: torch.Tensor, B: torch.Tensor, P: torch.Tensor) -> torch.Tensor:
    """The paper's objective for real 2x2 rotation blocks, summed over rows, exactly as written:
    ``p_prev² ||C 1||² + (||p||² − p_prev²) ||C||_F² + 2 τ3 (p_prev Σp − p_prev²)
    + ((Σp')² − ||p'||²) τ4 − 2 tr(C) p_last + d`` (``p'`` = p without p_prev).

    Note: this is *not* the expected loss of the model on rotation blocks (see
    :func:`expected_loss_orthogonal`); the authors minimised it, so the reference uses it.
    """
    C = B.T @ A
    r = _rows(P)
    tau3, tau4 = _block_couplings(C)
    rest_total, rest_norm2 = r.total - r.prev, r.norm2 - r.prev.pow(2)
    terms = (r.prev.pow(2) * C.sum(-1).pow(2).sum() + rest_norm2 * C.pow(2).sum()
             + 2 * tau3 * (r.prev * r.total - r.prev.pow(2)) + (rest_total.pow(2) - rest_norm2) * tau4
             - 2 * torch.trace(C) * r.last + C.shape[0])
    return terms.sum()


def paper_objective(case: str, A: torch.Tensor, B: torch.Tensor, P: torch.Tensor) -> torch.Tensor:
    """The authors' objective for ``case`` (``unitary`` | ``orthogonal``), summed over rows."""
    check_choice("case", case, PAPER_CASES)
    objective = paper_objective_unitary if case == "unitary" else paper_objective_orthogonal
    return objective(A, B, P)


def expected_loss_unitary(A: torch.Tensor, B: torch.Tensor, P: torch.Tensor, radius: float = 1.0) -> torch.Tensor:
    """Exact expected squared error of the diagonal model on commuting unitary W, summed over rows.

    Complex coordinates ``s_{t,j} = ρ λ_j^t`` (any fixed phase), ``λ_j = e^{iθ_j}``, θ_j i.i.d. uniform
    on [0, 2π); query ``s_{n-1}``. Expanding the square, only index pairs whose phases cancel survive:
    ``ρ⁶ (||p||² ||C||_F² + p_prev² (||C 1||² − ||C||_F²)) − 2 ρ⁴ tr(C) p_last + ρ² d``.
    The paper's form counts the diagonal ``j = j'`` of the ``p_prev²`` cross term twice.
    """
    C = B.T @ A
    r = _rows(P)
    frob2 = C.pow(2).sum()
    quad = r.norm2 * frob2 + r.prev.pow(2) * (C.sum(-1).pow(2).sum() - frob2)
    return (radius**6 * quad - 2 * radius**4 * torch.trace(C) * r.last + radius**2 * C.shape[0]).sum()


def expected_loss_orthogonal(A: torch.Tensor, B: torch.Tensor, P: torch.Tensor,
                             radius: float = math.sqrt(2.0)) -> torch.Tensor:
    """Exact expected squared error of the diagonal model on real rotation blocks, summed over rows.

    Plane k holds ``ρ (cos(tθ_k + π/4), sin(tθ_k + π/4))`` — the phase of ``s_0 = (1, …, 1)`` and of
    icar's ``unit_planes`` — with θ_k i.i.d. uniform on [0, 2π); query ``s_{n-1}``, real field.
    Derivation: write ``Σ_{j in plane b} C_ij s_{q,j} s_{t,j} = σ_ib R_b(t) + δ_ib S_b(t)`` with
    ``σ = (C_{i,2b} + C_{i,2b+1})/2``, ``δ = (C_{i,2b} − C_{i,2b+1})/2``, ``R = ρ² cos((t−q)θ)`` and
    ``S = ρ² cos((t+q)θ + π/2)``, then average the square plane by plane (other planes, own plane).
    Checked against exact quadrature and Monte Carlo on the model itself (tests/test_theory.py).
    """
    C = B.T @ A
    d = C.shape[0]
    planes = C.reshape(d, d // 2, 2)
    sigma, delta = planes.sum(-1) / 2, (planes[..., 0] - planes[..., 1]) / 2  # (d, d/2)
    own = torch.nn.functional.one_hot(torch.arange(d) // 2, d // 2).bool()
    sign = 1.0 - 2.0 * (torch.arange(d) % 2).to(C.dtype)  # +1 on cos coordinates, -1 on sin ones
    s_own, d_own = sigma[own], delta[own]  # (d,): own-plane σ, δ of every output coordinate
    s_other = torch.where(own, 0.0, sigma)
    other_sum, other_s2 = s_other.sum(-1), s_other.pow(2).sum(-1)
    other_d2 = torch.where(own, 0.0, delta).pow(2).sum(-1)

    r = _rows(P)
    first_row = torch.zeros_like(r.prev)
    first_row[0] = 1.0  # q = 0: the query is s_0 itself, so S_b(0) = ρ² cos(π/2) = 0 drops out
    total_s, norm2_s = r.total - first_row * r.first, r.norm2 - first_row * r.first.pow(2)
    pq, sp, n2 = r.prev, r.total, r.norm2
    other_planes = 0.5 * pq.pow(2) * (other_sum.pow(2) - other_s2).sum() + 0.25 * (
        (n2 + pq.pow(2)) * other_s2.sum() + norm2_s * other_d2.sum())
    mixed = 0.5 * pq * ((sp + pq) * (other_sum * s_own).sum()
                        + (sp - first_row * pq) * (sign * other_sum * d_own).sum())
    own_plane = ((sp.pow(2) + n2 + 2 * pq * sp) * s_own.pow(2).sum() / 8
                 + (total_s.pow(2) + norm2_s) * d_own.pow(2).sum() / 8
                 + (sp.pow(2) + (1 - first_row) * pq * sp - r.first.pow(2)) * (sign * s_own * d_own).sum() / 4)
    quad = radius**6 * (other_planes + mixed + own_plane)
    cross = radius**4 / 2 * r.last * s_own.sum()
    return (quad - cross + radius**2 * d / 2).sum()


@dataclass
class PaperFit:
    """Result of :func:`minimise_paper_objective` (paper convention).

    A, B (H, d); P (T, T); losses (steps+1,): the objective after k updates; snapshots: (step, A, B,
    P) at the requested steps; seconds: wall time of the loop.
    """

    case: str
    A: torch.Tensor
    B: torch.Tensor
    P: torch.Tensor
    losses: torch.Tensor
    snapshots: list[tuple[int, torch.Tensor, torch.Tensor, torch.Tensor]]
    seconds: float
    lr: float


def paper_init(H: int, d: int, T: int, seed: int, dtype: torch.dtype = torch.float64,
               scale: float = 0.1) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``A, B (H, d)`` and ``P (T, T)`` drawn from N(0, scale²) in that order, as the authors did."""
    generator = torch.Generator().manual_seed(int(seed))
    return tuple(scale * torch.randn(shape, generator=generator, dtype=dtype)
                 for shape in ((H, d), (H, d), (T, T)))


def minimise_paper_objective(case: str, d: int | None = None, H: int | None = None, T: int | None = None,
                             steps: int | None = None, lr: float | None = None, seed: int = 0, *,
                             snapshot_at: Iterable[int] = (), dtype: torch.dtype = torch.float64,
                             on_step: Callable[[int, float], None] | None = None) -> PaperFit:
    """Plain gradient descent on the paper's objective from N(0, 0.1²), as the authors did.

    Unset arguments take :data:`PAPER_PROBLEMS` [case]. ``snapshot_at``: steps (0 = the start) whose
    parameters are kept; ``on_step(step, loss)`` is called after every update (for progress bars).
    Entries of P that the objective does not use keep their initial values, as in the authors' arrays.
    """
    check_choice("case", case, PAPER_CASES)
    spec = PAPER_PROBLEMS[case]
    d, H, T = d or spec.d, H or spec.H, T or spec.T
    steps = spec.steps if steps is None else steps
    lr = spec.lr if lr is None else lr
    check_int("steps", steps, 0)
    check_number("lr", lr, 0.0, strict=True)
    if case == "orthogonal" and d % 2:
        raise ValueError(f"the orthogonal objective pairs coordinates into rotation planes, so d must be even; got {d}")
    A, B, P = paper_init(H, d, T, seed, dtype)
    wanted = set(snapshot_at)
    losses = torch.empty(steps + 1, dtype=dtype)
    snapshots = []
    started = time.perf_counter()
    with torch.no_grad():
        for step in range(steps + 1):
            if step in wanted:
                snapshots.append((step, A.clone(), B.clone(), P.clone()))
            loss, grad_A, grad_B, grad_P = paper_objective_and_grads(case, A, B, P)
            losses[step] = loss
            if step == steps:
                break
            # Simultaneous update of all three, as in the authors' loop.
            A, B, P = A - lr * grad_A, B - lr * grad_B, P - lr * grad_P
            if on_step is not None:
                on_step(step + 1, float(loss))
    if not torch.isfinite(losses).all():
        raise FloatingPointError(f"gradient descent on the {case} objective diverged; try a smaller lr than {lr}")
    return PaperFit(case, A, B, P, losses, snapshots, time.perf_counter() - started, lr)


def paper_objective_and_grads(case: str, A: torch.Tensor, B: torch.Tensor, P: torch.Tensor
                              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The paper's objective and its gradients with respect to ``A, B (H, d)`` and ``P (T, T)``.

    Hand-written because the authors' 100,000 orthogonal steps are dominated by per-operation
    overhead: ~0.3 ms a step here against ~0.5 ms through autograd on a 2-core CPU. The objective
    is a sum over rows of products of five statistics of ``C`` (``||C1||², ||C||_F², τ3, τ4, tr C``)
    and four of each row (``||p||², Σp, p_prev, p_last``), so both gradients follow by the chain rule.
    Agrees with autograd on :func:`paper_objective`.
    """
    check_choice("case", case, PAPER_CASES)
    C = B.T @ A
    T = P.shape[-1]
    mask = paper_used_mask(T, P)[:-1]
    used = P[:-1] * mask
    n2, sp = used.pow(2).sum(-1), used.sum(-1)
    prev, last = torch.diagonal(P)[:-1], torch.diagonal(P, 1)
    rowsum, frob2, trace = C.sum(-1), C.pow(2).sum(), torch.trace(C)
    k1 = rowsum.pow(2).sum()
    # Per-row coefficients of the C statistics (dL_t/dK_i) and the loss itself.
    w1, w5 = prev.pow(2), -2 * last
    if case == "unitary":
        w2 = n2
        loss = (w1 * k1 + w2 * frob2 + w5 * trace).sum() + C.shape[0] * (T - 1)
        d_n2, d_sp = frob2.expand_as(n2), torch.zeros_like(sp)
        d_prev = 2 * prev * k1
        grad_C = 2 * w1.sum() * rowsum[:, None] + 2 * w2.sum() * C + w5.sum() * torch.eye(C.shape[0], dtype=C.dtype)
    else:
        tau3, tau4 = _block_couplings(C)
        rest = sp - prev
        w2, w3, w4 = n2 - prev.pow(2), 2 * (prev * sp - prev.pow(2)), rest.pow(2) - n2 + prev.pow(2)
        loss = (w1 * k1 + w2 * frob2 + w3 * tau3 + w4 * tau4 + w5 * trace).sum() + C.shape[0] * (T - 1)
        d_n2 = (frob2 - tau4).expand_as(n2)
        d_sp = 2 * tau3 * prev + 2 * rest * tau4
        d_prev = 2 * prev * (k1 - frob2) + 2 * tau3 * (sp - 2 * prev) - 2 * rest * tau4 + 2 * prev * tau4
        grad_C = _c_statistics_grad(C, rowsum, w1.sum(), w2.sum(), w3.sum(), w4.sum(), w5.sum())
    grad_P = torch.zeros_like(P)
    grad_P[:-1] = mask * (d_sp[:, None] + 2 * used * d_n2[:, None])
    rows = torch.arange(T - 1)
    grad_P[rows, rows] += d_prev
    grad_P[rows, rows + 1] += -2 * trace
    return loss, B @ grad_C, A @ grad_C.T, grad_P


def _c_statistics_grad(C: torch.Tensor, rowsum: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor,
                       w3: torch.Tensor, w4: torch.Tensor, w5: torch.Tensor) -> torch.Tensor:
    """Gradient (d, d) of ``w1 ||C1||² + w2 ||C||_F² + w3 τ3 + w4 τ4 + w5 tr C`` with respect to C."""
    d = C.shape[0]
    upper, lower = torch.diagonal(C, 1)[0::2], torch.diagonal(C, -1)[0::2]
    partner = torch.stack([upper, lower], dim=-1).flatten()  # C_{2k,2k+1} on row 2k, C_{2k+1,2k} on row 2k+1
    grad = (2 * w1 * rowsum + w3 * partner)[:, None] + 2 * w2 * C + w5 * torch.eye(d, dtype=C.dtype)
    even = torch.arange(0, d, 2)
    grad[even, even + 1] += w3 * rowsum[0::2] + 2 * w4 * upper
    grad[even + 1, even] += w3 * rowsum[1::2] + 2 * w4 * lower
    return grad


# ---------------------------------------------------------------------------------------------
# PE-only least-squares references (Finding 3). The PE-only model
# ŝ_{n+1} = Σ_{t<=n} P[n, t] · (Σ_k conj(s_{n-1,k}) s_{t,k}) · s_t is linear in P, and row n of P only
# acts on position n, so every row is an independent least-squares problem over the batch.
# P is in icar's convention (T, T); rows 1..T-1 are fitted (row 0 has the query s_{-1} = 0).
# ---------------------------------------------------------------------------------------------


def _pe_only_rows(states: torch.Tensor, field: str = "complex") -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Real design matrices and targets of rows n = 1..T-1: ``(X_n (2·batch·m, n+1), y_n (2·batch·m,))``.

    ``states`` (batch, T+1, d) hold ``s_0 … s_T``; complex residuals are split into real and imaginary
    parts, so ``||X p − y||² / batch`` is the model's mean squared error at position n.
    """
    check_choice("field", field, ("real", "complex"))
    if states.ndim != 3:
        raise ValueError(f"states must have shape (batch, T+1, d); got {tuple(states.shape)}")
    s = states.to(torch.float64)
    if field == "complex":
        if s.shape[-1] % 2:
            raise ValueError(f"field='complex' pairs coordinates, so d must be even; got d={s.shape[-1]}")
        s = torch.complex(s[..., 0::2], s[..., 1::2])
    inputs, targets = s[:, :-1], s[:, 1:]
    scores = torch.einsum("bqk,btk->bqt", inputs.conj(), inputs)  # score of query s_q with key s_t
    rows = []
    for n in range(1, inputs.shape[1]):
        features = scores[:, n - 1, : n + 1, None] * inputs[:, : n + 1]  # (batch, n+1, m)
        X = features.transpose(1, 2).reshape(-1, n + 1)
        y = targets[:, n].reshape(-1)
        if field == "complex":
            X, y = torch.cat([X.real, X.imag]), torch.cat([y.real, y.imag])
        rows.append((X, y))
    return rows


@dataclass(frozen=True)
class _RowSVD:
    """Thin SVD of one row's design matrix and the target in its bases."""

    V: torch.Tensor  # (n+1, r)
    singular: torch.Tensor  # (r,)
    projected: torch.Tensor  # Uᵀ y (r,)
    outside: float  # ||y||² − ||Uᵀ y||²: what no P can fit
    batch: int


def _row_svds(states: torch.Tensor, field: str) -> list[_RowSVD]:
    batch = states.shape[0]
    out = []
    for X, y in _pe_only_rows(states, field):
        U, S, Vh = torch.linalg.svd(X, full_matrices=False)
        projected = U.T @ y
        out.append(_RowSVD(Vh.T, S, projected, float(y @ y - projected @ projected), batch))
    return out


def _ridge_filter(row: _RowSVD, ridge: float, rcond: float) -> torch.Tensor:
    """Filter factors on ``Uᵀy / s``: ``s² / (s² + batch·λ)``; for λ = 0, 1 above the cutoff, else 0."""
    s = row.singular
    if ridge > 0:
        return s.pow(2) / (s.pow(2) + row.batch * ridge)
    return (s > rcond * s.max()).to(s.dtype) if s.numel() else s


def _assemble(rows: list[_RowSVD], ridge: float, rcond: float, T: int) -> torch.Tensor:
    P = torch.zeros(T, T, dtype=torch.float64)
    for n, row in enumerate(rows, start=1):
        keep = _ridge_filter(row, ridge, rcond)
        safe = torch.where(keep > 0, row.singular, torch.ones_like(row.singular))
        P[n, : n + 1] = row.V @ (keep * row.projected / safe)
    return P


def _ridge_loss(rows: list[_RowSVD], ridge: float, rcond: float) -> float:
    """Mean over rows of the training loss ``||X p_λ − y||² / batch``, from the SVDs alone."""
    total = 0.0
    for row in rows:
        miss = 1 - _ridge_filter(row, ridge, rcond)
        total += (row.outside + float((miss * row.projected).pow(2).sum())) / row.batch
    return total / len(rows)


def _default_rcond(states: torch.Tensor) -> float:
    # numpy.linalg.lstsq's cutoff: machine precision times the larger dimension of the design matrix.
    return torch.finfo(torch.float64).eps * 2 * states.shape[0] * max(1, states.shape[-1] // 2)


def pe_only_least_squares(states: torch.Tensor, ridge: float = 0.0, field: str = "complex",
                          rcond: float | None = None) -> torch.Tensor:
    """Least-squares ``P (T, T)`` (icar convention, float64) of the PE-only model on ``states``.

    ``states`` (batch, T+1, d). Row n minimises ``(1/batch) Σ_b ||ŝ_{n+1} − s_{n+1}||² + λ ||P[n]||²``.
    ``ridge`` = λ = 0: the minimum-norm solution (singular values below ``rcond · s_max`` dropped;
    default numpy's ``eps · max(rows)``); λ > 0: the Tikhonov solution. Entries above the diagonal and
    row 0 are 0.
    """
    check_number("ridge", ridge, 0.0, strict=False)
    rcond = _default_rcond(states) if rcond is None else rcond
    return _assemble(_row_svds(states, field), ridge, rcond, states.shape[1] - 1)


def pe_only_loss(states: torch.Tensor, P: torch.Tensor, field: str = "complex") -> float:
    """Training loss of the PE-only model with ``P (T, T)`` on ``states`` (batch, T+1, d).

    Same units and positions (1..T-1) as :func:`icar_core.models.prediction_loss`.
    """
    rows = _pe_only_rows(states, field)
    P = P.to(torch.float64)
    return sum(float((X @ P[n, : n + 1] - y).pow(2).sum()) for n, (X, y) in enumerate(rows, start=1)) / (
        states.shape[0] * len(rows))


def pe_only_ridge_matching_loss(states: torch.Tensor, target_loss: float, field: str = "complex",
                                rtol: float = 1e-6) -> tuple[torch.Tensor, float]:
    """The ridge solution whose training loss equals ``target_loss``: ``(P (T, T), λ)``.

    Gradient descent from P = 0 stopped at a loss (the authors: 1e-3) is close to ridge regression
    with a matching λ, because both damp the directions of small singular values. The loss grows
    monotonically with λ, so λ is found by bisection on log λ (to relative loss error ``rtol``).
    """
    check_number("target_loss", target_loss, 0.0, strict=True)
    rows = _row_svds(states, field)
    rcond = _default_rcond(states)
    floor, ceiling = _ridge_loss(rows, 0.0, rcond), sum(r.outside + float(r.projected @ r.projected)
                                                        for r in rows) / (rows[0].batch * len(rows))
    if not floor < target_loss < ceiling:
        raise ValueError(f"target_loss must lie between the least-squares loss {floor:.3g} and the loss of "
                         f"P = 0, {ceiling:.3g}; got {target_loss!r}")
    low, high = -60.0, 0.0  # log λ
    while _ridge_loss(rows, math.exp(high), rcond) < target_loss:
        low, high = high, high + 10.0
    for _ in range(200):
        mid = (low + high) / 2
        loss = _ridge_loss(rows, math.exp(mid), rcond)
        if abs(loss - target_loss) <= rtol * target_loss:
            break
        low, high = (mid, high) if loss < target_loss else (low, mid)
    ridge = math.exp(mid)
    return _assemble(rows, ridge, rcond, states.shape[1] - 1), ridge


# The radius of every rotation plane of s_0 in icar's paper-reference process (``s0="unit_planes"``).
PROCESS_RADIUS = 1.0


def state_scale(case: str) -> float:
    """Factor on ``A`` and ``B`` that moves the paper's radius of ``s_0`` to icar's (1 or √2)."""
    check_choice("case", case, PAPER_CASES)
    return PAPER_PROBLEMS[case].radius / PROCESS_RADIUS
