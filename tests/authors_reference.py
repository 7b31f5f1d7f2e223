"""An independent re-implementation of the paper authors' Figure 5 / 7 models and training loop, for tests.

Written from reading ``augmented.py`` / ``non_augmented.py`` (not copied): the same module tree, so the
same ``state_dict`` keys, and the same arithmetic step by step (per-head einsums over a reshaped
projection, the masked score tensor, the softmax positional score, the sum over heads). It is the
independent truth icar's ``authors_*`` kinds and loader are checked against.
"""

from __future__ import annotations

import torch
from torch import nn

MAX_LENGTH = 100


class RefAttention(nn.Module):
    def __init__(self, width: int, heads: int, positional: bool) -> None:
        super().__init__()
        self.width, self.heads, self.positional = width, heads, positional
        self.values = nn.Linear(width, width * heads)
        self.keys = nn.Linear(width, width * heads)
        self.queries = nn.Linear(width, width * heads)
        self.fc_out = nn.Linear(width, width)

    def _per_head(self, layer: nn.Linear, x: torch.Tensor) -> torch.Tensor:
        return layer(x).reshape(x.shape[0], x.shape[1], self.heads, self.width)

    def forward(self, x: torch.Tensor, pos: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        v, k, q = (self._per_head(m, x) for m in (self.values, self.keys, self.queries))
        energy = torch.einsum("bnhe,bthe->bhnt", q, k)
        scale = self.width ** 0.5
        if not self.positional:
            attention = energy.masked_fill(mask == 0, 0.0) / scale
        else:
            token = energy.masked_fill(mask == 0, -1e20) / scale
            kp, qp = self._per_head(self.keys, pos), self._per_head(self.queries, pos)
            energy_pos = torch.einsum("bnhe,bthe->bhnt", qp, kp).masked_fill(mask == 0, -1e20)
            attention = token * torch.softmax(energy_pos / scale, dim=3)
        out = torch.einsum("bhnt,bthe->bnhe", attention, v).sum(2)
        return self.fc_out(out)


class RefBlock(nn.Module):
    def __init__(self, width: int, heads: int, positional: bool) -> None:
        super().__init__()
        self.attention = RefAttention(width, heads, positional)
        self.norm1 = nn.LayerNorm(width)
        self.norm2 = nn.LayerNorm(width)  # created and never used, as theirs
        self.feed_forward = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))

    def forward(self, x, pos, mask):
        return self.norm1(self.attention(x, pos, mask))


class RefDecoder(nn.Module):
    def __init__(self, width: int, heads: int, positional: bool, residual: bool) -> None:
        super().__init__()
        self.residual = residual
        self.position_embedding = nn.Embedding(MAX_LENGTH, width)
        self.layers = nn.ModuleList([RefBlock(width, heads, positional)])

    def forward(self, x, mask):
        pos = self.position_embedding(torch.arange(x.shape[1]).expand(x.shape[0], x.shape[1]))
        for layer in self.layers:
            x = x + layer(x, pos, mask) if self.residual else layer(x, pos, mask)
        return x


class RefTransformer(nn.Module):
    """``augmented=True``: Figure 5 (E = 3d, one head, residual, output 3d, tokens already augmented);
    ``False``: Figure 7 (E = extension·d, H heads, no residual, output d, tokens repeated inside)."""

    def __init__(self, d: int, augmented: bool, heads: int = 1, extension: int = 2) -> None:
        super().__init__()
        width = 3 * d if augmented else extension * d
        self.width = width
        self.fc_out = nn.Linear(width, 3 * d if augmented else d)
        self.decoder = RefDecoder(width, heads, positional=not augmented, residual=augmented)

    def forward(self, src: torch.Tensor) -> torch.Tensor:
        src = src.repeat(1, 1, self.width // src.shape[-1])
        n = src.shape[1]
        mask = torch.tril(torch.ones(n, n)).expand(src.shape[0], 1, n, n)
        return self.fc_out(self.decoder(src, mask))


def augmented_tokens(states: torch.Tensor) -> torch.Tensor:
    """(0, s_t, s_{t-1}) with s_{-1} = 0, written out independently of icar's ``augment``."""
    previous = torch.cat([torch.zeros_like(states[:, :1]), states[:, :-1]], dim=1)
    return torch.cat([torch.zeros_like(states), states, previous], dim=-1)


def train_one_epoch(model: RefTransformer, sequences: torch.Tensor, augmented: bool, batch_size: int,
                    lr: float = 1e-2, seed: int = 0) -> None:
    """The authors' loop for one epoch: shuffled batches, Adam, MSE over every position (and for the
    augmented model only the first d outputs against the s_{t+1} block of the next token)."""
    d = sequences.shape[-1]
    data = augmented_tokens(sequences) if augmented else sequences
    inputs, targets = data[:, :-1], data[:, 1:]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    for rows in order.split(batch_size):
        outputs = model(inputs[rows])
        if augmented:
            loss = nn.functional.mse_loss(outputs[..., :d], targets[rows][..., d : 2 * d])
        else:
            loss = nn.functional.mse_loss(outputs, targets[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
