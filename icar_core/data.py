"""Autoregressive processes ``s_{t+1} = W s_t (+ noise)`` with a fresh ``W`` per sequence.

Everything is a torch tensor; shapes are ``states (batch, T+1, d)`` holding ``s_0 ... s_T`` and
``W (batch, d, d)``. Coordinates ``(2k, 2k+1)`` form the k-th rotation plane; models that work in
complex numbers read that pair as ``s_{2k} + i s_{2k+1}``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch

from icar_core.validation import check_choice, check_int, check_number

W_DISTRIBUTIONS = ("commuting", "orthogonal")
BASES = ("identity", "random")
S0_KINDS = ("random", "ones", "unit_planes")
MAX_DIM = 256
MAX_T = 2048
MAX_SEED = 2**32 - 1  # torch and numpy seeds; derived data seeds stay far inside 64 bits


@dataclass(frozen=True)
class ARProcess:
    """The distribution of training sequences.

    d: state dimension; T: transitions per context (states hold ``s_0 ... s_T``);
    w_dist: ``commuting`` (rotation blocks in a fixed basis ``Q``) or ``orthogonal`` (Haar);
    mu: angles are drawn from ``[0, 2π/mu)`` (commuting only); basis: ``Q`` is the identity or a
    random orthogonal matrix fixed by ``seed``; s0: a random unit vector, ``ones/√d``, or
    ``unit_planes`` (``ones/√2``: radius 1 in every rotation plane, the paper's complex ``s_0 = 1``);
    noise: standard deviation σ of the additive Gaussian noise; seed: fixes ``Q``.
    """

    d: int = 4
    T: int = 32
    w_dist: str = "commuting"
    mu: float = 1.0
    basis: str = "identity"
    s0: str = "random"
    noise: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        # Upper bounds keep a crafted checkpoint from allocating an enormous model on load.
        check_int("d", self.d, 1, MAX_DIM)
        check_int("T", self.T, 2, MAX_T)
        check_choice("w_dist", self.w_dist, W_DISTRIBUTIONS)
        check_number("mu", self.mu, 0.0, strict=True)
        check_choice("basis", self.basis, BASES)
        check_choice("s0", self.s0, S0_KINDS)
        check_number("noise", self.noise, 0.0, strict=False)
        check_int("seed", self.seed, 0, MAX_SEED)

    def to_dict(self) -> dict:
        return asdict(self)

    def basis_matrix(self, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """The fixed orthogonal ``Q`` (d, d) of the commuting family."""
        if self.basis == "identity":
            return torch.eye(self.d, dtype=dtype)
        generator = torch.Generator().manual_seed(self.seed)
        return haar_orthogonal(1, self.d, generator, dtype)[0]

    def sample_W(self, batch: int, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Draw ``batch`` matrices ``W`` (batch, d, d)."""
        if self.w_dist == "orthogonal":
            return haar_orthogonal(batch, self.d, generator, dtype)
        angles = torch.rand(batch, self.d // 2, generator=generator, dtype=torch.float64) * (2 * math.pi / self.mu)
        signs = torch.where(torch.rand(batch, generator=generator) < 0.5, -1.0, 1.0).to(torch.float64)
        return commuting_W(angles, self.basis_matrix(torch.float64), signs if self.d % 2 else None).to(dtype)

    def sample_s0(self, batch: int, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        if self.s0 != "random":
            scale = math.sqrt(self.d if self.s0 == "ones" else 2)
            return torch.full((batch, self.d), 1.0 / scale, dtype=dtype)
        s0 = torch.randn(batch, self.d, generator=generator, dtype=torch.float64)
        return (s0 / s0.norm(dim=-1, keepdim=True)).to(dtype)

    def sample(self, batch: int, seed: int, dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw ``batch`` sequences: ``states (batch, T+1, d)`` and their ``W (batch, d, d)``."""
        check_int("batch", batch, 1)
        generator = torch.Generator().manual_seed(int(seed))
        W = self.sample_W(batch, generator, dtype)
        s0 = self.sample_s0(batch, generator, dtype)
        return rollout(W, s0, self.T, self.noise, generator), W


def haar_orthogonal(batch: int, d: int, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Haar-distributed orthogonal matrices (batch, d, d): QR of a Gaussian with the sign fix."""
    gaussian = torch.randn(batch, d, d, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(gaussian)
    # Without the sign fix QR is biased towards positive diagonals of R, so not Haar.
    q = q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1)).unsqueeze(-2)
    return q.to(dtype)


def rotation_blocks(angles: torch.Tensor, last_sign: torch.Tensor | None = None) -> torch.Tensor:
    """Block-diagonal rotations (batch, d, d) from ``angles`` (batch, d//2).

    ``last_sign`` (batch,) adds a final 1x1 block ``±1`` for odd ``d``.
    """
    batch, planes = angles.shape
    d = 2 * planes + (last_sign is not None)
    blocks = torch.zeros(batch, d, d, dtype=angles.dtype)
    cos, sin = torch.cos(angles), torch.sin(angles)
    idx = torch.arange(planes) * 2
    blocks[:, idx, idx] = cos
    blocks[:, idx + 1, idx + 1] = cos
    blocks[:, idx, idx + 1] = -sin
    blocks[:, idx + 1, idx] = sin
    if last_sign is not None:
        blocks[:, -1, -1] = last_sign
    return blocks


def commuting_W(angles: torch.Tensor, basis: torch.Tensor, last_sign: torch.Tensor | None = None) -> torch.Tensor:
    """``W = Q · blockdiag(R(θ_1), …) · Qᵀ`` for ``angles`` (batch, d//2) and ``Q`` = ``basis`` (d, d)."""
    blocks = rotation_blocks(angles.to(basis.dtype), last_sign)
    return basis @ blocks @ basis.T


def rollout(W: torch.Tensor, s0: torch.Tensor, T: int, noise: float = 0.0,
            generator: torch.Generator | None = None) -> torch.Tensor:
    """States ``s_0 … s_T`` (batch, T+1, d) of ``s_{t+1} = W s_t + noise·ε``."""
    states = [s0]
    for _ in range(T):
        nxt = torch.einsum("bij,bj->bi", W, states[-1])
        if noise > 0:
            nxt = nxt + noise * torch.randn(nxt.shape, generator=generator, dtype=nxt.dtype)
        states.append(nxt)
    return torch.stack(states, dim=1)


def augment(states: torch.Tensor) -> torch.Tensor:
    """Augmented tokens ``e_t = (0_d, s_t, s_{t-1})`` (batch, n, 3d), with ``s_{-1} = 0``."""
    return torch.cat([torch.zeros_like(states), states, previous_states(states)], dim=-1)


def previous_states(states: torch.Tensor) -> torch.Tensor:
    """``s_{n-1}`` at every position n (batch, n, d), with ``s_{-1} = 0``."""
    return torch.nn.functional.pad(states[:, :-1], (0, 0, 1, 0))


def as_complex(states: torch.Tensor, conjugate: bool = False) -> torch.Tensor:
    """Read coordinate pairs ``(2k, 2k+1)`` as complex numbers: (..., d) -> (..., d/2) complex.

    ``conjugate`` builds the conjugate directly (``.conj()`` is a lazy view that ``torch.func``
    transforms cannot batch).
    """
    imag = states[..., 1::2]
    return torch.complex(states[..., 0::2], -imag if conjugate else imag)


def as_real(z: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`as_complex`: (..., m) complex -> (..., 2m) real, pairs interleaved."""
    return torch.stack([z.real, z.imag], dim=-1).flatten(-2)
