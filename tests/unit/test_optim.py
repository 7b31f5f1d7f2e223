"""icar_core.optim against torch.optim: the same updates bit for bit, under a changing step size, and state
dicts that move between the two (a checkpoint saved by either resumes in the other)."""

from __future__ import annotations

import copy

import pytest
import torch

from icar_core.optim import Adam, GradientDescent

pytestmark = pytest.mark.usefixtures("single_thread")


def _params(dtype: torch.dtype) -> list[torch.nn.Parameter]:
    generator = torch.Generator().manual_seed(0)
    return [torch.nn.Parameter(torch.randn(shape, generator=generator, dtype=dtype)) for shape in ((3, 4), (5,))]


def _run(optimizer, params, steps: range) -> None:
    for step in steps:
        optimizer.param_groups[0]["lr"] = 1e-2 / (1 + step)  # a schedule, as train.learning_rate sets it
        optimizer.zero_grad()
        loss = sum((p.sin() * (step + 1)).pow(2).sum() for p in params)
        loss.backward()
        optimizer.step()


def _equal_states(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        a[i].keys() == b[i].keys() and all(torch.equal(a[i][k], b[i][k]) for k in a[i]) for i in a)


@pytest.mark.parametrize(("ours", "theirs"), [(Adam, torch.optim.Adam), (GradientDescent, torch.optim.SGD)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_updates_and_state_dicts_equal_torch_optim_bit_for_bit(ours, theirs, dtype):
    mine, reference = _params(dtype), _params(dtype)
    opt_mine, opt_ref = ours(mine, lr=1e-2), theirs(reference, lr=1e-2)
    _run(opt_mine, mine, range(7))
    _run(opt_ref, reference, range(7))
    assert all(torch.equal(a, b) for a, b in zip(mine, reference, strict=True))
    # deep copies, as a save to disk makes: the optimizers keep updating their tensors in place
    saved_mine, saved_ref = copy.deepcopy(opt_mine.state_dict()), copy.deepcopy(opt_ref.state_dict())
    assert saved_mine["param_groups"] == saved_ref["param_groups"]
    assert _equal_states(saved_mine["state"], saved_ref["state"])

    # torch.optim's state continued here, and ours continued by torch.optim, stay equal to straight runs
    crossed_mine, crossed_ref = [p.detach().clone().requires_grad_() for p in reference], \
        [p.detach().clone().requires_grad_() for p in mine]
    resumed_mine, resumed_ref = ours(crossed_mine, lr=1.0), theirs(crossed_ref, lr=1.0)
    resumed_mine.load_state_dict(saved_ref)
    resumed_ref.load_state_dict(saved_mine)
    for optimizer, params in ((opt_mine, mine), (resumed_mine, crossed_mine), (resumed_ref, crossed_ref)):
        _run(optimizer, params, range(7, 12))
    assert all(torch.equal(a, b) and torch.equal(a, c) for a, b, c in zip(mine, crossed_mine, crossed_ref,
                                                                          strict=True))


def test_a_state_for_another_model_is_refused():
    optimizer = Adam(_params(torch.float32), lr=1e-2)
    with pytest.raises(ValueError, match="holds 1 parameters; the model has 2"):
        optimizer.load_state_dict({"state": {}, "param_groups": [{"lr": 1e-2, "params": [0]}]})
