"""Adam and plain gradient descent, operation for operation as ``torch.optim.Adam`` / ``torch.optim.SGD`` update
with their defaults on the CPU (the single-tensor path), with the same ``state_dict`` layout.

Why not ``torch.optim``: its ``step`` imports ``torch._dynamo`` on first use, ~2 s of every run before its first
update, longer than the rest of the set-up together. The results are bit-identical (tests/unit/test_optim.py),
so checkpoints saved by either resume in the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import torch

ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
# torch.optim's group defaults, kept in the state dict so a file saved here loads into torch.optim.Adam / SGD.
_ADAM_GROUP = {"betas": ADAM_BETAS, "eps": ADAM_EPS, "weight_decay": 0, "amsgrad": False, "maximize": False,
               "foreach": None, "capturable": False, "differentiable": False, "fused": None,
               "decoupled_weight_decay": False}
_SGD_GROUP = {"momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False, "maximize": False,
              "foreach": None, "differentiable": False, "fused": None}


class _Optimizer:
    """One parameter group; ``param_groups[0]["lr"]`` may be changed between steps (the schedule)."""

    group_defaults: ClassVar[dict] = {}

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float) -> None:
        self.params = list(params)
        self.param_groups = [{"lr": lr, **self.group_defaults, "params": self.params}]
        self.state: dict[int, dict[str, torch.Tensor]] = {}

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def state_dict(self) -> dict:
        group = {k: v for k, v in self.param_groups[0].items() if k != "params"}
        return {"state": {i: dict(s) for i, s in self.state.items()},
                "param_groups": [group | {"params": list(range(len(self.params)))}]}

    def load_state_dict(self, state_dict: dict) -> None:
        (group,) = state_dict["param_groups"]
        if len(group["params"]) != len(self.params):
            raise ValueError(f"the optimizer state holds {len(group['params'])} parameters; the model has "
                             f"{len(self.params)}")
        self.param_groups[0]["lr"] = group["lr"]
        self.state = {}
        for i, saved in state_dict["state"].items():
            p = self.params[int(i)]
            # like torch.optim: moments take the parameter's dtype and device, the step count stays a CPU scalar
            self.state[int(i)] = {k: v.clone() if k == "step" else v.to(p.device, p.dtype, copy=True)
                                  for k, v in saved.items()}


class Adam(_Optimizer):
    """``torch.optim.Adam(params, lr)`` with its defaults: β = (0.9, 0.999), ε = 1e-8, no weight decay."""

    group_defaults = _ADAM_GROUP

    @torch.no_grad()
    def step(self) -> None:
        lr = self.param_groups[0]["lr"]
        beta1, beta2 = ADAM_BETAS
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            state = self.state.setdefault(i, {"step": torch.tensor(0.0),
                                              "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                                              "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)})
            state["step"] += 1
            step = state["step"].item()  # a CPU scalar: no device sync
            grad, exp_avg, exp_avg_sq = p.grad, state["exp_avg"], state["exp_avg_sq"]
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            bias_correction1 = 1 - beta1**step
            bias_correction2 = 1 - beta2**step
            denom = (exp_avg_sq.sqrt() / bias_correction2**0.5).add_(ADAM_EPS)
            p.addcdiv_(exp_avg, denom, value=-(lr / bias_correction1))


class GradientDescent(_Optimizer):
    """``torch.optim.SGD(params, lr)`` with its defaults: ``p ← p − lr·∇p``, no momentum."""

    group_defaults = _SGD_GROUP

    @torch.no_grad()
    def step(self) -> None:
        lr = self.param_groups[0]["lr"]
        for p in self.params:
            if p.grad is not None:
                p.add_(p.grad, alpha=-lr)
