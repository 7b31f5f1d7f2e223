"""The paper authors' two experimental architectures (Sander et al. 2024, Figures 5 and 7) as icar kinds.

Both follow the authors' scripts operation for operation, behind icar's interface
``model(states) -> predictions``: ``states (batch, n, d)`` are ``s_0 … s_{n-1}``, ``predictions[:, k]``
predicts ``s_{k+1}`` from ``s_0 … s_k``. E is the embedding width, H the number of heads; every
head works in the full width E (the authors' ``head_dim = embed_size``).

- :class:`AuthorsAugmented` (``authors_augmented``, Figure 5): tokens ``x_t = e_t = (0, s_t, s_{t-1})``,
  E = 3d, ``q, k, v`` biased linear maps of ``x``; causal *linear* scores
  ``A[n, t] = q_n·k_t / √E`` (t ≤ n, else 0); ``a_n = Σ_h Σ_t A_h[n, t] v_{h,t}``;
  ``y_n = x_n + LayerNorm(attn_out(a_n))``; ``ŝ_{n+1} = head(y_n)[:d]``.
- :class:`AuthorsMultihead` (``authors_multihead``, Figure 7): tokens ``x_t = (s_t, s_t, …)`` repeated to
  width E = kd; learned positional embeddings ``p_t``; per head the linear token score
  ``q_n·k_t / √E`` times the positional score ``softmax_t(q(p_n)·k(p_t) / √E)`` (the *same* biased
  ``q, k`` maps); ``ŝ_{n+1} = head(LayerNorm(attn_out(Σ_h Σ_t A_h[n, t] v_{h,t})))``. No residual.

Neither is linear in the query (LayerNorm, biases), so their in-context "update" is the Jacobian of
the prediction with respect to the current state: a local linearisation.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from icar_core.data import augment
from icar_core.models import ICARModel, ModelConfig, ModelUpdate, causal_mask

AUGMENTED_KIND = "authors_augmented"
MULTIHEAD_KIND = "authors_multihead"
KINDS = (AUGMENTED_KIND, MULTIHEAD_KIND)
# The authors' nn.Embedding(max_length=100, ...): the table is this long whatever the context length.
POSITION_TABLE_ROWS = 100
AUGMENTED_BLOCKS = 3  # e_t = (0, s_t, s_{t-1})


def embedding_width(config: ModelConfig, d: int) -> int:
    """E: 3d for the augmented kind; ``config.pos_dim`` for the multihead kind (the authors' positional
    embeddings have the tokens' width, so one number says both)."""
    return AUGMENTED_BLOCKS * d if config.kind == AUGMENTED_KIND else config.pos_dim


def position_rows(T: int) -> int:
    return max(T, POSITION_TABLE_ROWS)


def parameter_count(config: ModelConfig, d: int, T: int) -> int:
    """Parameters of :func:`build_authors_model` without building it."""
    E, H = embedding_width(config, d), config.n_heads
    out_dim = E if config.kind == AUGMENTED_KIND else d
    qkv = 3 * (E * E * H + E * H)
    attn_out, norm, head = E * E + E, 2 * E, E * out_dim + out_dim
    positions = position_rows(T) * E if config.kind == MULTIHEAD_KIND else 0
    return qkv + attn_out + norm + head + positions


def build_authors_model(config: ModelConfig, d: int, T: int) -> ICARModel:
    if config.kind == MULTIHEAD_KIND and (config.pos_dim % d or config.pos_dim < d):
        raise ValueError(f"authors_multihead repeats the d={d} coordinates to the embedding width pos_dim, so "
                         f"pos_dim must be a multiple of d; got pos_dim={config.pos_dim}")
    return (AuthorsAugmented if config.kind == AUGMENTED_KIND else AuthorsMultihead)(config, d, T)


def _mix(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The attention output ``Σ_h Σ_t weights_h[n, t] (q_n·k_t) v_{h,t}`` (batch, r, E), for queries ``q``
    (batch, H, r, E), keys and values (batch, H, n, E) and ``weights`` (H or 1, r, n)."""
    return ((q @ k.transpose(-1, -2)) * weights @ v).sum(1)


class _AuthorsAttention(ICARModel):
    """What both architectures share: tokens ``x_t`` (E), biased ``q, k, v`` (E -> H·E), ``attn_out`` (E -> E),
    LayerNorm, ``head``; the prediction ``head(r·x_n + LayerNorm(attn_out(a_n)))[:d]`` with the residual
    ``r`` = 1 (augmented) or 0. A kind says how tokens are made (:meth:`tokens`, :meth:`token_maps`) and the
    weights that do not depend on them (:meth:`score_weights`)."""

    #: Whether the token is added back after the attention.
    residual: bool = False

    def __init__(self, config: ModelConfig, d: int, T: int, out_dim: int) -> None:
        super().__init__(config, d, T)
        self.E = E = embedding_width(config, d)
        H = config.n_heads
        # nn.Linear's default initialisation, as in the authors' scripts.
        self.query = nn.Linear(E, E * H)
        self.key = nn.Linear(E, E * H)
        self.value = nn.Linear(E, E * H)
        self.attn_out = nn.Linear(E, E)
        self.norm = nn.LayerNorm(E)
        self.head = nn.Linear(E, out_dim)

    def tokens(self, states: torch.Tensor) -> torch.Tensor:
        """Validated ``states`` (batch, n, d) -> tokens ``x`` (batch, n, E)."""
        raise NotImplementedError

    def token_maps(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``∂x_t/∂s_t`` and ``∂x_t/∂s_{t-1}`` (E, d) each: tokens are linear in the states."""
        raise NotImplementedError

    def score_weights(self, n: int) -> torch.Tensor:
        """(H or 1, n, n): everything in the attention scores that does not depend on the tokens (causal mask,
        ``1/√E``, positional scores), zero for t > n."""
        raise NotImplementedError

    def _split_heads(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, n, H·E) -> (batch, H, n, E)."""
        batch, n, _ = x.shape
        return x.view(batch, n, self.config.n_heads, self.E).transpose(1, 2)

    def attend(self, x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """``LayerNorm(attn_out(Σ_h Σ_t weights_h[n, t] (q_n·k_t) v_{h,t}))`` (batch, n, E), with ``weights``
        (H or 1, n, n) from :meth:`score_weights`, so the (batch, H, n, n) pattern is multiplied only once."""
        q, k, v = (self._split_heads(f(x)) for f in (self.query, self.key, self.value))
        return self.norm(self.attn_out(_mix(q, k, v, weights)))

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        x = self.tokens(states)
        weights = self.score_weights(x.shape[1]).to(x.dtype)
        y = x + self.attend(x, weights) if self.residual else self.attend(x, weights)
        return self.head(y)[..., : self.d]

    def in_context_update(self, states: torch.Tensor, last_only: bool = False) -> ModelUpdate:
        """The local linearisation ``∂ŝ_{n+1}/∂s_n`` and ``∂ŝ_{n+1}/∂s_{n-1}`` (other states fixed) in closed
        form, at every position or the last alone: no autograd, no (n, n) pattern per context.

        ``s_n`` reaches the prediction at n only through ``x_n`` (query, key, value and residual);
        ``s_{n-1}`` also through the key and value of ``x_{n-1}``. With ``S_n = Σ_t w[n, t] v_t k_tᵀ``
        (per head) the attention output is ``a_n = Σ_h S_n q_n`` and
        ``∂a_n/∂x_n = Σ_h S_n W_Q + w[n, n] (v_n (W_Kᵀ q_n)ᵀ + (q_n·k_n) W_V)``,
        ``∂a_n/∂x_{n-1} = Σ_h w[n, n−1] (v_{n-1} (W_Kᵀ q_n)ᵀ + (q_n·k_{n-1}) W_V)``; then ``attn_out``,
        LayerNorm's Jacobian at ``z_n`` and ``head``'s first d rows.
        """
        x = self.tokens(states)
        n = x.shape[1]
        rows = torch.arange(n - 1 if last_only else 0, n, device=x.device)
        with torch.no_grad():
            weights = self.score_weights(n).to(x.dtype)[:, rows].expand(self.n_heads, -1, -1)  # (H, r, n)
            q_n = self._split_heads(self.query(x[:, rows]))  # only the asked rows query
            k, v = (self._split_heads(f(x)) for f in (self.key, self.value))
            W_Q, W_K, W_V = (w.to(x.dtype) for w in (self.W_Q, self.W_K, self.W_V))  # (H, E, E)
            has_previous = rows > 0
            before = (rows - 1).clamp(min=0)
            row = torch.arange(len(rows), device=x.device)
            own, prior = weights[:, row, rows], weights[:, row, before]
            prior = prior * has_previous.to(x.dtype)
            key_of_q = torch.einsum("hfe,bhrf->bhre", W_K, q_n)  # W_Kᵀ q_n

            def through(t: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
                """``Σ_h w_h (v_t (W_Kᵀ q_n)ᵀ + (q_n·k_t) W_V)`` for the token at ``t`` (batch, r, E, E)."""
                v_t, k_t = v[:, :, t], k[:, :, t]
                outer = torch.einsum("bhre,bhrf->bref", v_t * w[:, :, None], key_of_q)
                return outer + torch.einsum("bhr,hef->bref", (q_n * k_t).sum(-1) * w, W_V)

            # Σ_h S_n W_Q = Σ_h Σ_t w[n, t] v_t (W_Qᵀ k_t)ᵀ, one matrix product over (h, t) per context: for
            # fewer query rows than E, of the values weighted per row; else of every token's E² outer product.
            query_of_k = torch.einsum("hfe,bhtf->bhte", W_Q, k)
            if len(rows) < self.E:
                weighted = (weights[None, :, :, :, None] * v[:, :, None]).permute(0, 2, 4, 1, 3).flatten(-2)
                summed = weighted @ query_of_k.flatten(1, 2)[:, None]  # (batch, r, E, H·n) @ (batch, 1, H·n, E)
            else:
                outer = (v[..., :, None] * query_of_k[..., None, :]).flatten(1, 2).flatten(-2)  # (batch, H·n, E²)
                summed = (weights.transpose(0, 1).flatten(1) @ outer).unflatten(-1, (self.E, self.E))
            d_own = summed + through(rows, own)  # ∂a_n/∂x_n (batch, r, E, E)
            d_prior = through(before, prior)  # ∂a_n/∂x_{n-1}
            z = self.attn_out(_mix(q_n, k, v, weights))  # (batch, r, E)
            head = self.head.weight[: self.d].to(x.dtype)
            to_output = head @ self._norm_jacobian(z) @ self.attn_out.weight.to(x.dtype)  # (batch, r, d, E)
            on_self, on_previous = (m.to(x) for m in self.token_maps())  # dtype and device
            gap = has_previous.to(x.dtype)[:, None, None]  # s_{-1} is padding, not a state
            current = to_output @ d_own @ on_self
            previous = to_output @ (d_own @ on_previous * gap + d_prior @ on_self)
            y = self.norm(z)
            if self.residual:
                current = current + head @ on_self
                previous = previous + (head @ on_previous) * gap
                y = x[:, rows] + y
            prediction = self.head(y)[..., : self.d]
        return ModelUpdate(current, previous, prediction, exact=False)

    def _norm_jacobian(self, z: torch.Tensor) -> torch.Tensor:
        """LayerNorm's Jacobian at ``z`` (..., E) -> (..., E, E): ``diag(γ)/σ (I − 11ᵀ/E − ẑẑᵀ/E)``."""
        E = z.shape[-1]
        mean = z.mean(-1, keepdim=True)
        sigma = torch.sqrt(((z - mean) ** 2).mean(-1, keepdim=True) + self.norm.eps)
        z_hat = (z - mean) / sigma
        eye = torch.eye(E, dtype=z.dtype, device=z.device)
        centred = eye - 1 / E - z_hat[..., :, None] * z_hat[..., None, :] / E
        return self.norm.weight.to(z.dtype)[:, None] * centred / sigma[..., None]

    @property
    def head_type(self) -> str:
        return "full"

    def circuits(self) -> dict[str, torch.Tensor]:
        """``W_Q, W_K, W_V`` and ``W_QK = W_Qᵀ W_K`` (H, E, E), float64; ``W_OV = W_V``: each head's value map
        before ``attn_out``, the LayerNorm and the output map (the biases are not part of these circuits)."""
        W_Q, W_K, W_V = (w.double() for w in (self.W_Q, self.W_K, self.W_V))
        return {"W_Q": W_Q, "W_K": W_K, "W_V": W_V, "W_QK": W_Q.transpose(-1, -2) @ W_K, "W_OV": W_V}

    # Per-head weight matrices (H, E, E), the layout icar's head analyses read (``W @ x`` per head).
    @property
    def W_Q(self) -> torch.Tensor:
        return self.query.weight.detach().view(self.config.n_heads, self.E, self.E)

    @property
    def W_K(self) -> torch.Tensor:
        return self.key.weight.detach().view(self.config.n_heads, self.E, self.E)

    @property
    def W_V(self) -> torch.Tensor:
        return self.value.weight.detach().view(self.config.n_heads, self.E, self.E)


class AuthorsAugmented(_AuthorsAttention):
    """Figure 5's model (``augmented.py``); see the module docstring. ``head`` maps E -> 3d as theirs does;
    only its first d outputs (the ``0`` block of the next token) are the prediction. Its tokens are augmented,
    but LayerNorm makes it non-linear in the query: its update is a labelled local linearisation."""

    augmented_tokens = True
    residual = True

    def __init__(self, config: ModelConfig, d: int, T: int) -> None:
        super().__init__(config, d, T, out_dim=AUGMENTED_BLOCKS * d)

    def tokens(self, states: torch.Tensor) -> torch.Tensor:
        self._check_states(states, None)
        return augment(states)  # (batch, n, 3d)

    def token_maps(self) -> tuple[torch.Tensor, torch.Tensor]:
        blocks = torch.eye(AUGMENTED_BLOCKS * self.d).view(AUGMENTED_BLOCKS, self.d, AUGMENTED_BLOCKS * self.d)
        return blocks[1].T, blocks[2].T  # s_t is the second block of x_t, s_{t-1} the third

    def score_weights(self, n: int) -> torch.Tensor:
        return causal_mask(n, self.head.weight.device)[None] / math.sqrt(self.E)  # linear scores, zero for t > n


class AuthorsMultihead(_AuthorsAttention):
    """Figure 7's model (``non_augmented.py``); see the module docstring."""

    def __init__(self, config: ModelConfig, d: int, T: int) -> None:
        super().__init__(config, d, T, out_dim=d)
        # nn.Embedding's N(0, 1) initialisation, as theirs.
        self.position_table = nn.Parameter(torch.randn(position_rows(T), self.E))

    def tokens(self, states: torch.Tensor) -> torch.Tensor:
        self._check_states(states, self.position_table.shape[0])
        return states.repeat(1, 1, self.E // self.d)  # (batch, n, E): (s_t, s_t, …)

    def token_maps(self) -> tuple[torch.Tensor, torch.Tensor]:
        repeat = torch.eye(self.d).repeat(self.E // self.d, 1)
        return repeat, torch.zeros_like(repeat)

    def positional_scores(self, n: int) -> torch.Tensor:
        """``softmax_t(q(p_n)·k(p_t) / √E)`` over t ≤ n (H, n, n); the biases of q and k are included."""
        p = self.position_table[:n][None]
        q, k = self._split_heads(self.query(p))[0], self._split_heads(self.key(p))[0]
        logits = (q @ k.transpose(-1, -2)) / math.sqrt(self.E)
        return torch.softmax(logits.masked_fill(causal_mask(n, p.device) == 0, float("-inf")), dim=-1)

    def score_weights(self, n: int) -> torch.Tensor:
        # The positional softmax is already zero for t > n, so it is the causal mask too.
        return self.positional_scores(n) / math.sqrt(self.E)

    def positional_embeddings(self) -> torch.Tensor:
        """The positional embeddings of the T context positions (T, E)."""
        return self.position_table[: self.T].detach()
