"""One example context of a run and the predictions made on it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from icar_core.checkpoints import Checkpoint


@dataclass(frozen=True)
class ExampleContext:
    """``states`` (n+1, d) hold ``s_0 … s_n``; ``truth`` is ``s_{n+1} = W s_n``; ``W`` (d, d) the rule;
    ``prediction`` the model's ``ŝ_{n+1}``; ``error`` its squared distance to the truth."""

    states: np.ndarray
    truth: np.ndarray
    W: np.ndarray
    prediction: np.ndarray
    error: float


def example_context(ckpt: Checkpoint, seed: int = 0, n: int | None = None) -> ExampleContext:
    """Draw one context from the run's own process and predict its next state from ``s_0 … s_n``.

    ``n`` defaults to the last position the model was trained on (T − 1).
    """
    T = ckpt.process.T
    n = T - 1 if n is None else n
    if not 1 <= n <= T - 1:
        raise ValueError(f"n must be in [1, {T - 1}]; got {n}")
    states, W = ckpt.process.sample(1, seed)
    dtype = next(ckpt.model.parameters()).dtype
    with torch.no_grad():
        prediction = ckpt.model(states[:, : n + 1].to(dtype))[0, -1].double().numpy()
    truth = states[0, n + 1].double().numpy()
    return ExampleContext(states[0, : n + 1].double().numpy(), truth, W[0].double().numpy(), prediction,
                          float(np.sum((prediction - truth) ** 2)))
