"""One-layer linear-attention transformers for in-context autoregressive learning.

Three kinds behind one interface, ``model(states) -> predictions``: ``states (batch, n, d)`` are raw
states ``s_0 … s_{n-1}``; ``predictions[:, k]`` is the prediction of ``s_{k+1}``, computed from
``s_0 … s_k`` only (causal). Augmentation and complex pairing happen inside the model.

- :class:`AugmentedLinearAttention` — tokens ``e_t = (0, s_t, s_{t-1})``, full ``W_Q, W_K, W_V``
  per head; exactly linear in the query, so its in-context map has a closed form.
- :class:`MultiheadLinearAttention` — plain tokens, full or diagonal heads, with a positional
  matrix ``P``, learned positional embeddings, or no positional term.
- :class:`PEOnlyAttention` — the paper's positional-encoding-only attention: only ``P`` is learned.

Multi-head and PE-only models use the *shifted query* ``s_{n-1}`` (DESIGN.md §1): with the usual
query a single linear layer cannot represent the rotation rule.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass
from typing import ClassVar

import numpy as np
import torch
from torch import nn

from icar_core.data import as_complex, as_real, augment, previous_states
from icar_core.validation import check_choice, check_int, check_number

KINDS = ("augmented", "multihead", "pe_only", "authors_augmented", "authors_multihead")


@dataclass(frozen=True)
class ModelConfig:
    """Architecture of a model; ``d`` and ``T`` come from the :class:`~icar_core.data.ARProcess`.

    kind: ``augmented`` | ``multihead`` | ``pe_only``; n_heads: H;
    structure (augmented): ``full`` (every entry of ``W_Q, W_K, W_V`` free) or ``block`` (the
    paper's theory: value reads ``s_t``, key reads ``s_{t-1}``, query reads ``s_t``);
    normalisation (augmented): ``mean`` (``1/(n+1)``) or ``none``;
    heads (multihead): ``full`` (``W_Q, W_K, W_V`` per head) or ``diagonal`` (vectors ``a_h, b_h``);
    positional (multihead): ``matrix`` (learned ``P (T, T)``), ``embedding`` (learned positional
    vectors, softmax positional scores) or ``none``; field (diagonal heads, pe_only): ``real`` or
    ``complex`` (coordinate pairs read as complex numbers); query (multihead): ``previous`` (the
    shifted query ``s_{n-1}``) or ``current``; init_scale: std of the initial weights;
    pos_dim: size of a positional embedding.
    """

    kind: str = "augmented"
    n_heads: int = 1
    structure: str = "full"
    normalisation: str = "mean"
    heads: str = "full"
    positional: str = "matrix"
    field: str = "real"
    query: str = "previous"
    init_scale: float = 0.1
    pos_dim: int = 8

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, KINDS)
        check_int("n_heads", self.n_heads, 1, 256)
        check_choice("structure", self.structure, ("full", "block"))
        check_choice("normalisation", self.normalisation, ("mean", "none"))
        check_choice("heads", self.heads, ("full", "diagonal"))
        check_choice("positional", self.positional, ("matrix", "embedding", "none"))
        check_choice("field", self.field, ("real", "complex"))
        check_choice("query", self.query, ("previous", "current"))
        check_number("init_scale", self.init_scale, 0.0, strict=False)
        check_int("pos_dim", self.pos_dim, 1, 256)
        if self.kind == "multihead" and self.heads == "full" and self.field == "complex":
            raise ValueError("field='complex' needs diagonal heads (heads='diagonal'); got heads='full'")

    def to_dict(self) -> dict:
        return asdict(self)


def build_model(config: ModelConfig, d: int, T: int) -> ICARModel:
    """Create a freshly initialised model of ``config.kind`` for states in R^d and ``T`` positions."""
    check_int("d", d, 1)
    check_int("T", T, 2)
    if config.kind.startswith("authors_"):  # the authors' own architectures (Figures 5 and 7)
        from icar_core.authors_models import build_authors_model
        return build_authors_model(config, d, T)
    needs_pairs = config.kind == "pe_only" or (config.heads == "diagonal" and config.kind == "multihead")
    if needs_pairs and config.field == "complex" and d % 2:
        raise ValueError(f"field='complex' pairs coordinates, so d must be even; got d={d}")
    model_class = {"augmented": AugmentedLinearAttention, "multihead": MultiheadLinearAttention,
                   "pe_only": PEOnlyAttention}[config.kind]
    return model_class(config, d, T)


def parameter_count(config: ModelConfig, d: int, T: int) -> int:
    """How many parameters :func:`build_model` would create, computed without creating them."""
    H = config.n_heads
    if config.kind.startswith("authors_"):
        from icar_core.authors_models import parameter_count as authors_parameter_count
        return authors_parameter_count(config, d, T)
    if config.kind == "augmented":
        return 3 * H * (3 * d if config.structure == "full" else d) ** 2
    if config.kind == "pe_only":
        return T * T
    width = d // 2 if config.field == "complex" else d
    heads = 2 * H * width if config.heads == "diagonal" else 3 * H * d * d
    positional = {"matrix": T * T, "embedding": T * config.pos_dim + 2 * H * config.pos_dim**2, "none": 0}
    return heads + positional[config.positional]


def causal_mask(n: int, device: torch.device | None = None) -> torch.Tensor:
    """(n, n) float mask with ones where the key position ``t <= n`` of the query."""
    return torch.tril(torch.ones(n, n, device=device))


def prediction_loss(model: nn.Module, states: torch.Tensor) -> torch.Tensor:
    """Mean squared next-state error ``||ŝ_{n+1} − s_{n+1}||²`` over the batch and positions 1…T−1.

    ``states`` (batch, T+1, d). Position 0 is left out: it has seen no transition, so no model can
    predict ``s_1`` there.
    """
    predictions = model(states[:, :-1])
    return (predictions[:, 1:] - states[:, 2:]).pow(2).sum(-1).mean()


@dataclass(frozen=True)
class ModelUpdate:
    """The model's sensitivity to the newest tokens, and its prediction, at every position (or the last one).

    current: ``∂ŝ_{n+1}/∂s_n`` (batch, n, d, d) — for augmented models ``Gamma_model``;
    previous: ``∂ŝ_{n+1}/∂s_{n-1}`` (batch, n, d, d); prediction: ``ŝ_{n+1}`` (batch, n, d), from the same pass;
    exact: the model's actual update (True: the prediction is linear in the current state) or its local
    linearisation, the Jacobian (False). With ``last_only`` the position axis holds the last position alone
    (length 1). The model returns tensors; ``icar_core.analysis.model_update`` hands them on as float64 numpy
    arrays.
    """

    current: torch.Tensor | np.ndarray
    previous: torch.Tensor | np.ndarray
    prediction: torch.Tensor | np.ndarray
    exact: bool


class ICARModel(nn.Module):
    """Shared interface of the three kinds, and what each can show (its capabilities).

    Analyses and pages ask the model — ``exact_update``, :attr:`head_type`, :meth:`circuits`,
    :meth:`positional_matrix`, :meth:`positional_embeddings`, :meth:`in_context_update` — rather than
    testing ``config.kind``.
    """

    #: Whether :meth:`in_context_update` is a closed form (the layer is linear in the query).
    exact_update: ClassVar[bool] = False
    #: Whether the tokens are augmented ``(0, s_t, s_{t-1})`` (see :meth:`token_blocks`).
    augmented_tokens: ClassVar[bool] = False
    #: Whether weights that make this kind exactly one GD step exist in closed form (:meth:`gd_step_weights`).
    gd_constructible: ClassVar[bool] = False

    def __init__(self, config: ModelConfig, d: int, T: int) -> None:
        super().__init__()
        self.config, self.d, self.T = config, d, T

    @property
    def kind(self) -> str:
        return self.config.kind

    @property
    def head_type(self) -> str | None:
        """``augmented`` | ``full`` | ``diagonal``: what a head is made of; None when nothing per head is learned."""
        return None

    @property
    def n_heads(self) -> int:
        return self.config.n_heads

    def _check_states(self, states: torch.Tensor, max_len: int | None) -> None:
        if states.ndim != 3 or states.shape[-1] != self.d:
            raise ValueError(f"states must have shape (batch, n, {self.d}); got {tuple(states.shape)}")
        if max_len is not None and states.shape[1] > max_len:
            raise ValueError(f"this model has {max_len} positions; got a context of {states.shape[1]} states")

    def circuits(self) -> dict[str, torch.Tensor]:
        """Per-head matrices by name, head first, detached float64 (products of float32 weights would lose
        digits that structure fits see); empty when :attr:`head_type` is None."""
        return {}

    def token_blocks(self) -> dict[str, slice] | None:
        """Names and coordinate slices of the blocks of an augmented token; None for plain tokens."""
        return None

    def positional_matrix(self) -> torch.Tensor | None:
        """The learned positional matrix ``P (T, T)``, masked to ``t <= n``; None if the model has none."""
        return None

    def positional_embeddings(self) -> torch.Tensor | None:
        """Learned positional vectors ``(T, pos_dim)``; None if the model has none."""
        return None

    @property
    def first_used_position(self) -> int:
        """The first query position whose positional weights receive a gradient: 1 with the shifted query
        (row 0 multiplies ``s_{-1} = 0``), else 0."""
        return 0

    def positional_encodings(self) -> torch.Tensor | None:
        """Whichever positional term the model learns: :meth:`positional_matrix` or :meth:`positional_embeddings`."""
        matrix = self.positional_matrix()
        return matrix if matrix is not None else self.positional_embeddings()

    def gd_step_weights(self, c: float) -> dict[str, torch.Tensor]:
        """Parameters, in this model's ``state_dict`` layout, that make it exactly one GD step from ``W_0 = 0``
        with step ``η_n = c·c_n`` (``c_n``: :meth:`step_factors`); only where :attr:`gd_constructible`."""
        raise NotImplementedError(f"{type(self).__name__} has no closed-form one-GD-step weights")

    def in_context_update(self, states: torch.Tensor, last_only: bool = False) -> ModelUpdate:
        """The model's in-context update at every position (or the last alone) for ``states`` (batch, n, d):
        ``∂ŝ_{n+1}/∂s_n`` and ``∂ŝ_{n+1}/∂s_{n-1}``, other states fixed, and the prediction. Every kind writes
        its own in closed form; it is exact where the layer is linear in the query (:attr:`exact_update`),
        else the local linearisation."""
        raise NotImplementedError(f"{type(self).__name__} has no in-context update")


def _init(shape: tuple[int, ...], scale: float) -> nn.Parameter:
    return nn.Parameter(torch.randn(shape) * scale)


class AugmentedLinearAttention(ICARModel):
    """Linear attention on augmented tokens ``e_t = (0, s_t, s_{t-1}) ∈ R^{3d}``.

    ``out_n = Σ_h Σ_{t<=n} c_n (W_Q e_n)ᵀ(W_K e_t) W_V e_t`` and ``ŝ_{n+1} = out_n[:d]``.
    Parameters: ``W_Q, W_K, W_V (H, 3d, 3d)`` for ``structure="full"``; for ``"block"``,
    ``Q_blk, K_blk, V_blk (H, d, d)`` placed so that the value reads ``s_t`` into the output block,
    the key reads ``s_{t-1}`` and the query reads ``s_t``.
    """

    exact_update = True
    augmented_tokens = True
    gd_constructible = True

    def __init__(self, config: ModelConfig, d: int, T: int) -> None:
        super().__init__(config, d, T)
        H, s = config.n_heads, config.init_scale
        if config.structure == "full":
            self.W_Q_full = _init((H, 3 * d, 3 * d), s)
            self.W_K_full = _init((H, 3 * d, 3 * d), s)
            self.W_V_full = _init((H, 3 * d, 3 * d), s)
        else:
            self.Q_blk = _init((H, d, d), s)
            self.K_blk = _init((H, d, d), s)
            self.V_blk = _init((H, d, d), s)

    def _placed(self, block: torch.Tensor, rows: slice, cols: slice) -> torch.Tensor:
        full = block.new_zeros(block.shape[0], 3 * self.d, 3 * self.d)
        full[:, rows, cols] = block
        return full

    def weights(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(W_Q, W_K, W_V)``, each (H, 3d, 3d), whatever the structure."""
        if self.config.structure == "full":
            return self.W_Q_full, self.W_K_full, self.W_V_full
        d = self.d
        out, cur, prev = slice(0, d), slice(d, 2 * d), slice(2 * d, 3 * d)
        return (self._placed(self.Q_blk, out, cur), self._placed(self.K_blk, out, prev),
                self._placed(self.V_blk, out, cur))

    def _normaliser(self, n: int, like: torch.Tensor) -> torch.Tensor:
        """``c_n`` for positions 0…n−1, shape (n,)."""
        if self.config.normalisation == "mean":
            return 1.0 / torch.arange(1, n + 1, dtype=like.dtype, device=like.device)
        return torch.ones(n, dtype=like.dtype, device=like.device)

    def step_factors(self, n: int) -> torch.Tensor:
        """``c_n`` (n,) for positions 0…n−1, float64: one GD step this model implements has ``η_n = c·c_n``."""
        return self._normaliser(n, torch.empty(0, dtype=torch.float64))

    def gd_step_weights(self, c: float) -> dict[str, torch.Tensor]:
        """Weights with ``Σ_h V_h (K_hᵀ Q_h) = c·I`` in the blocks the block structure uses (value reads
        ``s_t``, key ``s_{t-1}``, query ``s_t``), so ``ŝ_{n+1} = c·c_n Σ_t s_t s_{t-1}ᵀ s_n`` exactly. Every head
        gets ``Q = K = (|c|/H)^{1/3}·I`` and ``V = sign(c)·(|c|/H)^{1/3}·I``: balanced factors, so no block
        dwarfs the others on a path from trained weights (any split with the same product is the same model)."""
        d, H = self.d, self.config.n_heads
        factor = (abs(c) / H) ** (1 / 3)
        eye = torch.eye(d).expand(H, d, d)
        blocks = {"Q": factor * eye, "K": factor * eye, "V": (1.0 if c >= 0 else -1.0) * factor * eye}
        if self.config.structure == "block":
            return {f"{name}_blk": block.clone() for name, block in blocks.items()}
        out, cur, prev = slice(0, d), slice(d, 2 * d), slice(2 * d, 3 * d)
        return {"W_Q_full": self._placed(blocks["Q"], out, cur), "W_K_full": self._placed(blocks["K"], out, prev),
                "W_V_full": self._placed(blocks["V"], out, cur)}

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        self._check_states(states, None)
        tokens = augment(states)
        return self.attend(tokens, tokens)

    def attend(self, query_tokens: torch.Tensor, context_tokens: torch.Tensor) -> torch.Tensor:
        """Predictions (batch, n, d) for queries ``e_n`` attending to context tokens ``e_t, t <= n``.

        ``forward`` passes the same tokens twice; separating them lets a test differentiate with
        respect to the query while the context is held fixed.
        """
        W_Q, W_K, W_V = self.weights()
        n = context_tokens.shape[1]
        q = torch.einsum("hij,bnj->bhni", W_Q, query_tokens)
        k = torch.einsum("hij,btj->bhti", W_K, context_tokens)
        v = torch.einsum("hij,btj->bhti", W_V[:, : self.d], context_tokens)
        mask = causal_mask(n, q.device) * self._normaliser(n, q)[:, None]
        pattern = torch.einsum("bhni,bhti->bhnt", q, k) * mask
        return torch.einsum("bhnt,bhti->bni", pattern, v)

    def context_matrices(self, states: torch.Tensor) -> torch.Tensor:
        """``M_n`` (batch, n, d, 3d) with ``ŝ_{n+1} = M_n e_n`` at every position n.

        ``M_n = Σ_h V_h[:d] (c_n Σ_{t<=n} e_t e_tᵀ) K_hᵀ Q_h``, exact because the layer is
        linear in the query.
        """
        self._check_states(states, None)
        W_Q, W_K, W_V = self.weights()
        e = augment(states)
        second_moment = torch.cumsum(e[..., :, None] * e[..., None, :], dim=1)
        second_moment = second_moment * self._normaliser(e.shape[1], e)[:, None, None]
        KtQ = W_K.transpose(-1, -2) @ W_Q
        # Σ_h V_h S K_hᵀQ_h = Σ_jk S[j, k] · (Σ_h V_h[:, j] ⊗ K_hᵀQ_h[k, :]): the heads are summed once,
        # so the cost does not grow with H.
        heads_summed = torch.einsum("hij,hkl->jkil", W_V[:, : self.d], KtQ)
        return torch.einsum("bnjk,jkil->bnil", second_moment, heads_summed)

    def in_context_map(self, states: torch.Tensor, all_positions: bool = False) -> torch.Tensor:
        """``Gamma_model``: the block of ``M_n`` acting on ``s_n`` — the model's estimate of ``W``.

        (batch, d, d) at the last position, or (batch, n, d, d) with ``all_positions``.
        """
        blocks = self.context_matrices(states)[..., self.d : 2 * self.d]
        return blocks if all_positions else blocks[:, -1]

    def previous_token_map(self, states: torch.Tensor, all_positions: bool = False) -> torch.Tensor:
        """The block of ``M_n`` acting on ``s_{n-1}`` (zero for ``structure="block"``)."""
        blocks = self.context_matrices(states)[..., 2 * self.d :]
        return blocks if all_positions else blocks[:, -1]

    @property
    def head_type(self) -> str:
        return "augmented"

    def token_blocks(self) -> dict[str, slice]:
        """``{"0": 0..d, "s_t": d..2d, "s_{t-1}": 2d..3d}``; the ``"0"`` block is where the prediction is written."""
        d = self.d
        return {"0": slice(0, d), "s_t": slice(d, 2 * d), "s_{t-1}": slice(2 * d, 3 * d)}

    def circuits(self) -> dict[str, torch.Tensor]:
        """``W_Q, W_K, W_V`` (H, 3d, 3d); ``W_QK = W_Qᵀ W_K`` (H, 3d, 3d); ``W_OV`` = the output-block rows
        ``W_V[:, :d]`` (H, d, 3d) — only they reach the prediction. With ``structure="block"`` also
        ``Q_blk, K_blk, V_blk`` (H, d, d) and ``preconditioner = V_blk · (K_blkᵀ Q_blk)`` (H, d, d), the
        gauge-invariant product that is ``c·I`` for one gradient step (DESIGN.md §1, caution (b))."""
        W_Q, W_K, W_V = (w.detach().double() for w in self.weights())
        circuits = {"W_Q": W_Q, "W_K": W_K, "W_V": W_V, "W_QK": W_Q.transpose(-1, -2) @ W_K, "W_OV": W_V[:, : self.d]}
        if self.config.structure == "block":
            Q_blk, K_blk, V_blk = (w.detach().double() for w in (self.Q_blk, self.K_blk, self.V_blk))
            circuits |= {"Q_blk": Q_blk, "K_blk": K_blk, "V_blk": V_blk,
                         "preconditioner": V_blk @ (K_blk.transpose(-1, -2) @ Q_blk)}
        return circuits

    def in_context_update(self, states: torch.Tensor, last_only: bool = False) -> ModelUpdate:
        """Exact: the blocks of ``M_n`` acting on ``s_n`` (``Gamma_model``) and on ``s_{n-1}``, and the prediction
        ``M_n e_n``. The first d coordinates of every token are zero, so only the second moment of
        ``(s_t, s_{t-1})`` (its upper triangle) and the columns of ``M_n`` acting on it are formed (a sixth of
        the work), at the last position alone with ``last_only``."""
        self._check_states(states, None)
        d = self.d
        with torch.no_grad():
            W_Q, W_K, W_V = self.weights()
            e = augment(states)[..., d:]  # (s_t, s_{t-1})
            c = self._normaliser(e.shape[1], e)
            KtQ = (W_K.transpose(-1, -2) @ W_Q)[:, d:, d:]
            heads_summed = torch.einsum("hij,hkl->jkil", W_V[:, :d, d:], KtQ)  # as in context_matrices
            # The second moment is symmetric: its upper triangle against the map summed over (j, k) and (k, j).
            row, col = torch.triu_indices(2 * d, 2 * d)
            pair_map = heads_summed[row, col] + heads_summed[col, row] * (row != col).to(e.dtype)[:, None, None]
            if last_only:
                upper = (e[..., row] * e[..., col]).sum(1, keepdim=True) * c[-1]
                e = e[:, -1:]
            else:
                upper = torch.cumsum(e[..., row] * e[..., col], dim=1) * c[:, None]
            M = torch.einsum("bnp,pil->bnil", upper, pair_map)
            prediction = torch.einsum("bnil,bnl->bni", M, e)
        return ModelUpdate(M[..., :d], M[..., d:], prediction, exact=True)


class _MatrixMap:
    """``v -> M v`` over the last axis, through a sparse copy of ``M`` when most entries are exact zeros (the
    trilinear map of diagonal heads couples each coordinate with few others: ~2d² of d⁴ entries)."""

    #: Below this share of nonzero entries the sparse product wins.
    SPARSE_BELOW = 0.1

    def __init__(self, matrix: torch.Tensor) -> None:
        dense = (matrix != 0).float().mean().item() >= self.SPARSE_BELOW
        self.matrix = matrix if dense else matrix.to_sparse()
        self.dense = dense

    def __call__(self, v: torch.Tensor) -> torch.Tensor:
        flat = v.reshape(-1, v.shape[-1])
        out = flat @ self.matrix.T if self.dense else (self.matrix @ flat.T).T
        return out.reshape(*v.shape[:-1], -1)


@functools.cache
def _pair_layout(m: int, device: torch.device) -> tuple[torch.Tensor, ...]:
    """Index vectors of :class:`_SummedDiagonalHeads` for m coordinates: the P = m(m+1)/2 pairs ``j <= k``
    (rows J, K), and 2P rows ``r`` of the product, the first P adding ``C[j, k] q_k Σ_jk`` to output ``j`` and the
    second ``C[k, j] q_j Σ_jk`` to output ``k`` (a weight of 0 where ``j = k``: the first row already counted it):
    the query coordinate, the output coordinate and the flat index of ``C`` of each row, and its 0/1 weight."""
    J, K = torch.triu_indices(m, m, device=device)
    query, target = torch.cat([K, J]), torch.cat([J, K])
    weight = torch.cat([torch.ones_like(J), (J != K).long()])
    return J, K, query, target, target * m + query, weight


class _SummedDiagonalHeads(torch.autograd.Function):
    """``out[n, j, b] = Σ_k C[j, k] q[n, k, b] Σ_t w[n, t] s[t, j, b] s[t, k, b]`` (real) with its gradient by hand.

    ``s (t, m, b)``, ``q (n, m, b)``, ``w (n, t)``, ``C (m, m)`` → ``(n, m, b)``. The moments ``s_j s_k`` are
    symmetric, so only the P = m(m+1)/2 pairs ``j <= k`` are formed and summed over t (one matrix product); each
    pair then feeds two outputs (rows ``r`` of :func:`_pair_layout`). The backward reuses the saved moments and
    their sums instead of autograd's (n·batch) tiny matrix products.
    """

    @staticmethod
    def forward(ctx, s: torch.Tensor, q: torch.Tensor, w: torch.Tensor, C: torch.Tensor) -> torch.Tensor:
        t, m, batch = s.shape
        n = w.shape[0]
        _, _, query, target, entry, weight = _pair_layout(m, s.device)
        P = len(query) // 2
        moments = torch.cat([s[:, j:j + 1] * s[:, j:] for j in range(m)], dim=1)  # pairs in (J, K) order (t, P, b)
        summed = (w @ moments.view(t, -1)).view(n, 1, P, batch)
        coef = (C.reshape(-1)[entry] * weight).view(2, P, 1)  # C[j, k] of each row, 0 on repeated diagonals
        q_rows = q.index_select(1, query).view(n, 2, P, batch)
        rows = summed * (q_rows * coef)
        ctx.save_for_backward(s, w, moments, summed, q_rows, coef)
        return q.new_zeros(n, m, batch).index_add_(1, target, rows.view(n, 2 * P, batch))

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor | None, ...]:
        s, w, moments, summed, q_rows, coef = ctx.saved_tensors
        t, m, batch = s.shape
        n = w.shape[0]
        J, K, query, target, entry, weight = _pair_layout(m, s.device)
        P = len(J)
        grad_rows = grad.index_select(1, target).view(n, 2, P, batch)
        ds = dq = dw = dC = None
        grad_scaled = grad_rows * q_rows  # ∂L/∂(summed · coef), row by row
        if ctx.needs_input_grad[3]:
            d_coef = (grad_scaled * summed).sum((0, 3)).view(-1) * weight
            dC = coef.new_zeros(m * m).index_add_(0, entry, d_coef).view(m, m)
        d_summed = (grad_scaled * coef).sum(1)  # (n, P, b)
        if ctx.needs_input_grad[1]:
            dq = q_rows.new_zeros(n, m, batch).index_add_(1, query, (grad_rows * summed * coef).view(n, 2 * P, batch))
        if ctx.needs_input_grad[2]:
            dw = d_summed.view(n, -1) @ moments.view(t, -1).T
        if ctx.needs_input_grad[0]:
            d_moments = (w.T @ d_summed.view(n, -1)).view(t, P, batch)
            ds = torch.zeros_like(s).index_add_(1, J, d_moments * s[:, K]).index_add_(1, K, d_moments * s[:, J])
        return ds, dq, dw, dC


class MultiheadLinearAttention(ICARModel):
    """Linear attention on plain tokens with H heads and a positional term.

    ``ŝ_{n+1} = Σ_h Σ_{t<=n} w_h[n, t] · score_h(q_n, s_t) · value_h(s_t)`` with the query
    ``q_n = s_{n-1}`` (or ``s_n``), ``w`` the positional weight, and per head either
    ``score = (W_Q q)·(W_K s)``, ``value = W_V s`` (full) or ``score = Σ_j a_j conj(q_j) s_j``,
    ``value = b ⊙ s`` (diagonal; ``conj`` only in the complex field).
    Diagonal heads: ``A, B (H, m)`` with ``m = d`` (real) or ``d/2`` (complex).
    """

    def __init__(self, config: ModelConfig, d: int, T: int) -> None:
        super().__init__(config, d, T)
        H, s = config.n_heads, config.init_scale
        m = self.width
        if config.heads == "diagonal":
            self.A = _init((H, m), s)
            self.B = _init((H, m), s)
        else:
            self.W_Q = _init((H, d, d), s)
            self.W_K = _init((H, d, d), s)
            self.W_V = _init((H, d, d), s)
        if config.positional == "matrix":
            self.P = _init((T, T), s)
        elif config.positional == "embedding":
            self.pos_embed = nn.Parameter(torch.randn(T, config.pos_dim))
            self.W_Q_pos = _init((H, config.pos_dim, config.pos_dim), 1 / math.sqrt(config.pos_dim))
            self.W_K_pos = _init((H, config.pos_dim, config.pos_dim), 1 / math.sqrt(config.pos_dim))

    @property
    def complex(self) -> bool:
        return self.config.field == "complex"

    @property
    def width(self) -> int:
        """Coordinates a diagonal head acts on: d real, or d/2 complex."""
        return self.d // 2 if self.complex else self.d

    def diagonal_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(A, B)``, each (H, m): the heads' query-key and value vectors."""
        return self.A, self.B

    def positional_weights(self, n: int) -> torch.Tensor:
        """``w[h, n, t]`` (H or 1, n, n), zero above the diagonal."""
        mask = causal_mask(n, self._device)
        if self.config.positional == "matrix":
            return (self.P[:n, :n] * mask)[None]
        if self.config.positional == "none":
            return (mask / torch.arange(1, n + 1, device=mask.device)[:, None])[None]
        p = self.pos_embed[:n]
        q = torch.einsum("hij,nj->hni", self.W_Q_pos, p)
        k = torch.einsum("hij,tj->hti", self.W_K_pos, p)
        logits = torch.einsum("hni,hti->hnt", q, k) / math.sqrt(self.config.pos_dim)
        return torch.softmax(logits.masked_fill(mask == 0, float("-inf")), dim=-1)

    @property
    def _device(self) -> torch.device:
        return next(self.parameters()).device

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        self._check_states(states, self.T)
        query = previous_states(states) if self.config.query == "previous" else states
        return self.attend(query, states, self.positional_weights(states.shape[1]).to(states.dtype))

    def attend(self, query: torch.Tensor, tokens: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """``Σ_h Σ_t weights[h, m, t] · score_h(query_m, tokens_t) · value_h(tokens_t)`` (batch, m, d) for queries
        (batch, m, d), tokens (batch, t, d) and weights broadcastable to (batch, H, m, t). ``forward`` passes the
        shifted (or current) states, the states and the positional weights; :meth:`in_context_update` separates
        the query from the tokens to differentiate each on its own."""
        if self.config.heads == "full":
            q = torch.einsum("hij,bnj->bhni", self.W_Q, query)
            k = torch.einsum("hij,btj->bhti", self.W_K, tokens)
            v = torch.einsum("hij,btj->bhti", self.W_V, tokens)
            pattern = torch.einsum("bhni,bhti->bhnt", q, k) * weights
            return torch.einsum("bhnt,bhti->bni", pattern, v)
        A, B = self.diagonal_vectors()
        if weights.dim() == 3 and weights.shape[0] == 1 and self.width**2 <= A.shape[0] * tokens.shape[1]:
            return self._summed_heads(tokens, query, weights[0], B.T @ A)  # one positional weight for all heads
        if self.complex:
            s, q = as_complex(tokens), as_complex(query, conjugate=True)
            A, B = A.to(s.dtype), B.to(s.dtype)
        else:
            s, q = tokens, query
        pattern = torch.einsum("hj,bnj,btj->bhnt", A, q, s) * weights
        out = torch.einsum("bhnt,btj,hj->bnj", pattern, s, B)
        return as_real(out) if self.complex else out

    def _summed_heads(self, tokens: torch.Tensor, query: torch.Tensor, weights: torch.Tensor,
                      C: torch.Tensor) -> torch.Tensor:
        """Diagonal heads sharing one positional weight ``w (n, t)``, summed before the batch is touched:
        ``ŝ_{n+1, j} = Σ_k C[j, k] q_{n,k} Σ_t w[n, t] s_{t,j} s_{t,k}`` with ``C = Σ_h b_h a_hᵀ`` (m, m) is the
        same sum as the per-head pattern in another order, batch·n·m² numbers instead of batch·H·n². Real heads go
        through :class:`_SummedDiagonalHeads`; complex ones keep autograd's path (the unitary preset's loss sits at
        float32 round-off, where any reordering of the sums moves it by a few percent)."""
        if not self.complex:  # (positions, coordinates, batch): every product runs over contiguous batch rows
            layout = (1, 2, 0)
            out = _SummedDiagonalHeads.apply(tokens.permute(*layout).contiguous(),
                                             query.permute(*layout).contiguous(), weights, C)
            return out.permute(2, 0, 1)
        s, q = as_complex(tokens.transpose(0, 1)), as_complex(query.transpose(0, 1), conjugate=True)
        C = C.to(s.dtype)
        t, batch, m = s.shape
        moments = s[..., :, None] * s[..., None, :]  # s_{t,j} s_{t,k} (t, batch, m, m)
        flat = torch.view_as_real(moments)  # a real matmul with the real w
        summed = torch.view_as_complex((weights @ flat.reshape(t, -1)).view(len(weights), *flat.shape[1:]))
        out = ((summed * C).view(-1, m, m) @ q.reshape(-1, m, 1)).view(len(weights), batch, m)
        return as_real(out).transpose(0, 1)

    def trilinear_map(self, per_head: bool) -> torch.Tensor:
        """``X (H or 1, d, d, d, d)`` with ``attend`` = ``Σ_h Σ_t w_h[n, t] Σ_jkl X_h[i, j, k, l] q_j s_k s_l``,
        symmetric in (k, l); summed over heads unless ``per_head``.

        Each head is real-trilinear in (query, token, token) — the score is linear in both, the value linear in
        the token (``conj`` is real-linear too) — so ``attend`` on one-token contexts of basis queries ``e_j``
        and tokens ``e_k``, ``e_k + e_l`` gives X by polarisation, for every head type alike.
        """
        # Kept until a parameter changes (an optimiser step or a load bumps its version): a GD curve asks once
        # per block of contexts.
        key = (per_head, tuple((p.data_ptr(), p._version) for p in self.parameters()))
        cached = self.__dict__.get("_trilinear_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        d, H = self.d, self.config.n_heads
        like = next(self.parameters())
        eye = torch.eye(d, dtype=like.dtype, device=like.device)
        row, col = torch.triu_indices(d, d)
        off = (row != col).to(eye.dtype)
        tokens = eye[row] + eye[col] * off[:, None]  # (U, d): e_k (k = l), e_k + e_l (k < l)
        groups = H if per_head else 1
        U = len(tokens)
        query = eye[None, :, None].expand(groups, d, U, d).reshape(-1, 1, d)
        token = tokens[None, None].expand(groups, d, U, d).reshape(-1, 1, d)
        head_weights = eye.new_ones(1, H, 1, 1) if not per_head else \
            torch.eye(H, dtype=eye.dtype, device=eye.device)[:, None].expand(H, d * U, H).reshape(-1, H, 1, 1)
        with torch.no_grad():
            quadratic = self.attend(query, token, head_weights).reshape(groups, d, U, d)  # [g, j, pair, i]
        X = eye.new_zeros(groups, d, d, d, d)
        diagonal = quadratic[:, :, row == col]  # pairs with k = l come in order k = 0 … d−1
        pair = (quadratic - (diagonal[:, :, row] + diagonal[:, :, col]) * off[:, None]) * (1 - off / 2)[:, None]
        X[:, :, :, row, col] = pair.permute(0, 3, 1, 2)
        X[:, :, :, col, row] = pair.permute(0, 3, 1, 2)
        self.__dict__["_trilinear_cache"] = (key, X)
        return X

    def in_context_update(self, states: torch.Tensor, last_only: bool = False) -> ModelUpdate:
        """The local linearisation in closed form, from :meth:`trilinear_map` (no autograd, no attention
        pattern). With ``ŝ_{n+1} = Σ_h Σ_t w_h[n, t] X_h(q_n, s_t, s_t)`` and positional weights that do not
        depend on the states, the prediction is linear in its query: the query's Jacobian is
        ``X`` contracted with ``S_n = Σ_t w[n, t] s_t s_tᵀ`` and the prediction is that Jacobian times ``q_n``;
        the tokens at t = n and t = n−1 add ``2 w[n, t] X(q_n, ·, s_t)``. The query is ``s_{n-1}`` (or ``s_n``).
        """
        self._check_states(states, self.T)
        n = states.shape[1]
        first = n - 1 if last_only else 0  # the first query position computed
        with torch.no_grad():
            weights = self.positional_weights(n).to(states.dtype)  # (H or 1, n, n)
            X = self.trilinear_map(per_head=weights.shape[0] > 1).to(states.dtype)
            query = (previous_states(states) if self.config.query == "previous" else states)[:, first:]
            weights = weights[:, first:]
            outer = (states[..., :, None] * states[..., None, :]).flatten(-2)  # s_t s_tᵀ: (batch, n, d²)
            moments = torch.einsum("gnt,btq->bgnq", weights, outer)  # one product over t, no (n, t, d²) tensor
            rows = torch.arange(first, n)
            if len(X) == 1:  # one map for all heads: two d² × d² matrices, sparse for diagonal heads
                d = self.d
                query_map = _MatrixMap(X[0].reshape(d * d, d * d))  # [(i, j), (k, l)]
                token_map = _MatrixMap(X[0].permute(0, 2, 1, 3).reshape(d * d, d * d))  # [(i, k), (j, l)]
                query_part = query_map(moments[:, 0]).unflatten(-1, (d, d))
            else:
                query_part = torch.einsum("gijq,bgnq->bnij", X.flatten(-2), moments)
            prediction = torch.einsum("bnij,bnj->bni", query_part, query)

            def token_part(offset: int) -> torch.Tensor:
                """``∂ŝ_{n+1}/∂s_{n-offset}`` through the token at t = n − offset (zero before s_0)."""
                t = (rows - offset).clamp(min=0)
                w = weights[:, torch.arange(len(rows)), t] * (rows >= offset).to(states.dtype)  # (H or 1, m)
                outer = query[..., :, None] * states[:, t, None, :]  # q_j s_l: (batch, m, d, d)
                if len(X) == 1:
                    return 2 * w[0, :, None, None] * token_map(outer.flatten(-2)).unflatten(-1, outer.shape[-2:])
                return 2 * torch.einsum("gr,gijkl,brjl->brik", w, X, outer)

            current, previous = token_part(0), token_part(1)
            if self.config.query == "previous":
                if first == 0:
                    query_part[:, 0] = 0  # the query s_{-1} is a constant zero, not a state
                previous = previous + query_part
            else:
                current = current + query_part
        return ModelUpdate(current, previous, prediction, exact=False)

    @property
    def head_type(self) -> str:
        return self.config.heads

    @property
    def first_used_position(self) -> int:
        return 1 if self.config.positional == "matrix" and self.config.query == "previous" else 0

    def circuits(self) -> dict[str, torch.Tensor]:
        """Diagonal heads: ``A, B`` (H, m), rows ``a_h, b_h``. Full heads: ``W_Q, W_K, W_V`` and
        ``W_QK = W_Qᵀ W_K`` (H, d, d), ``W_OV = W_V``."""
        if self.config.heads == "diagonal":
            A, B = self.diagonal_vectors()
            return {"A": A.detach().double(), "B": B.detach().double()}
        W_Q, W_K, W_V = (w.detach().double() for w in (self.W_Q, self.W_K, self.W_V))
        return {"W_Q": W_Q, "W_K": W_K, "W_V": W_V, "W_QK": W_Q.transpose(-1, -2) @ W_K, "W_OV": W_V}

    def positional_matrix(self) -> torch.Tensor | None:
        if self.config.positional != "matrix":
            return None
        return (self.P * causal_mask(self.T, self.P.device)).detach()

    def positional_embeddings(self) -> torch.Tensor | None:
        return self.pos_embed.detach() if self.config.positional == "embedding" else None


class PEOnlyAttention(MultiheadLinearAttention):
    """Positional-encoding-only attention: ``ŝ_{n+1} = Σ_{t<=n} P[n, t] · conj(s_{n-1}) s_t · s_t``.

    One diagonal head with ``a = b = 1`` fixed; only ``P`` is learned, from zero. Linear in ``P``.
    """

    def __init__(self, config: ModelConfig, d: int, T: int) -> None:
        fixed = ModelConfig(kind="pe_only", n_heads=1, heads="diagonal", positional="matrix",
                            field=config.field, query="previous", init_scale=config.init_scale)
        super().__init__(fixed, d, T)
        del self.A, self.B
        nn.init.zeros_(self.P)

    def diagonal_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        ones = torch.ones(1, self.width, device=self.P.device)
        return ones, ones

    @property
    def head_type(self) -> None:
        return None

    def circuits(self) -> dict[str, torch.Tensor]:
        return {}
