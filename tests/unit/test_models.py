"""Tests of icar_core.models against independent truth: causality by perturbation, autograd
Jacobians of the query, hand-written loops for the block in-context map, and hand-built exact
solutions of the paper (the shifted-query rules of Findings 2 and 3)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from icar_core.data import ARProcess, augment
from icar_core.models import (
    AugmentedLinearAttention,
    ModelConfig,
    MultiheadLinearAttention,
    PEOnlyAttention,
    _SummedDiagonalHeads,
    build_model,
    parameter_count,
    prediction_loss,
)

F64 = torch.float64
pytestmark = pytest.mark.usefixtures("single_thread")


def _model(config: ModelConfig, d: int, T: int, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    model = build_model(config, d, T).to(F64)
    if config.kind == "pe_only":  # P starts at zero; give it values so causality is not trivial
        with torch.no_grad():
            model.P.copy_(torch.randn(T, T, dtype=F64))
    return model


def _all_configs() -> list[ModelConfig]:
    configs = [ModelConfig(kind="augmented", structure=s, normalisation=nm, n_heads=2)
               for s in ("full", "block") for nm in ("mean", "none")]
    for heads in ("full", "diagonal"):
        for positional in ("matrix", "embedding", "none"):
            for field in (("real",) if heads == "full" else ("real", "complex")):
                for query in ("previous", "current"):
                    configs.append(ModelConfig(kind="multihead", heads=heads, positional=positional, field=field,
                                               query=query, n_heads=2, pos_dim=3))
    configs += [ModelConfig(kind="pe_only", field=f) for f in ("real", "complex")]
    return configs


def _config_id(c: ModelConfig) -> str:
    if c.kind == "augmented":
        return f"augmented-{c.structure}-{c.normalisation}"
    if c.kind == "pe_only":
        return f"pe_only-{c.field}"
    return f"multihead-{c.heads}-{c.positional}-{c.field}-{c.query}"


ALL_CONFIGS = _all_configs()


# ---------------------------------------------------------------- causality and shapes

@pytest.mark.parametrize("config", ALL_CONFIGS, ids=_config_id)
def test_causal_and_shape_preserving(config):
    d, T = 4, 8
    model = _model(config, d, T)
    gen = torch.Generator().manual_seed(1)
    states = torch.randn(3, T, d, generator=gen, dtype=F64)
    with torch.no_grad():
        base = model(states)
        assert base.shape == states.shape
        assert base.dtype == F64
        for k in range(1, T):
            changed = states.clone()
            changed[:, k:] = torch.randn(3, T - k, d, generator=gen, dtype=F64) * 3
            out = model(changed)
            torch.testing.assert_close(out[:, :k], base[:, :k], rtol=0, atol=1e-12)
            # sanity: the perturbation is seen from position k on
            assert (out[:, k:] - base[:, k:]).abs().max() > 1e-6
    # shorter contexts give the same predictions as the prefix of a long one
    with torch.no_grad():
        torch.testing.assert_close(model(states[:, :5]), base[:, :5], rtol=0, atol=1e-12)


@pytest.mark.parametrize("config", [c for c in ALL_CONFIGS if c.kind != "augmented"], ids=_config_id)
def test_positional_models_reject_too_long_contexts(config):
    d, T = 4, 6
    model = _model(config, d, T)
    model(torch.zeros(2, T, d, dtype=F64))  # T positions are fine
    with pytest.raises(ValueError, match=r"6 positions; got a context of 7 states"):
        model(torch.zeros(2, T + 1, d, dtype=F64))


def test_augmented_accepts_any_context_length():
    model = _model(ModelConfig(kind="augmented"), 3, 4)
    assert model(torch.randn(2, 11, 3, dtype=F64)).shape == (2, 11, 3)


@pytest.mark.parametrize("config", [ALL_CONFIGS[0], ALL_CONFIGS[4], ALL_CONFIGS[-1]], ids=_config_id)
def test_bad_state_shapes_raise(config):
    model = _model(config, 4, 6)
    for bad in (torch.zeros(6, 4, dtype=F64), torch.zeros(2, 6, 3, dtype=F64), torch.zeros(1, 2, 6, 4)):
        with pytest.raises(ValueError, match=r"states must have shape \(batch, n, 4\)"):
            model(bad)


# ---------------------------------------------------------------- augmented: in-context map

def _query_jacobian(model: AugmentedLinearAttention, states: torch.Tensor, n: int, cols: slice) -> torch.Tensor:
    """d(prediction at position n)/d(query block ``cols`` of e_n), with the context held fixed."""
    context = augment(states)

    def prediction(x: torch.Tensor) -> torch.Tensor:
        query = context.clone()
        query[0, n, cols] = x
        return model.attend(query, context)[0, n]

    return torch.autograd.functional.jacobian(prediction, context[0, n, cols].clone())


@pytest.mark.parametrize("structure", ["full", "block"])
@pytest.mark.parametrize("normalisation", ["mean", "none"])
@pytest.mark.parametrize("heads", [1, 3])
def test_in_context_map_is_the_query_jacobian(structure, normalisation, heads):
    d, n_states = 3, 7
    model = _model(ModelConfig(kind="augmented", structure=structure, normalisation=normalisation,
                               n_heads=heads, init_scale=0.5), d, 16)
    states, _ = ARProcess(d=d, T=n_states - 1, w_dist="orthogonal").sample(1, seed=4, dtype=F64)
    cur, prev = slice(d, 2 * d), slice(2 * d, 3 * d)
    gamma_all = model.in_context_map(states, all_positions=True)
    prev_all = model.previous_token_map(states, all_positions=True)
    assert gamma_all.shape == (1, n_states, d, d)
    for n in range(n_states):
        jac_cur = _query_jacobian(model, states, n, cur)
        jac_prev = _query_jacobian(model, states, n, prev)
        torch.testing.assert_close(gamma_all[0, n], jac_cur, rtol=0, atol=1e-5)
        torch.testing.assert_close(prev_all[0, n], jac_prev, rtol=0, atol=1e-5)
        if n > 0:  # non-trivial (at n = 0 the block model's context sum is empty)
            assert jac_cur.abs().max() > 1e-4
    torch.testing.assert_close(model.in_context_map(states)[0], gamma_all[0, -1], rtol=0, atol=0)
    torch.testing.assert_close(model.previous_token_map(states)[0], prev_all[0, -1], rtol=0, atol=0)
    if structure == "block":
        assert prev_all.abs().max() == 0
    else:
        assert prev_all.abs().max() > 1e-4


@pytest.mark.parametrize("structure", ["full", "block"])
@pytest.mark.parametrize("normalisation", ["mean", "none"])
def test_context_matrices_reproduce_forward(structure, normalisation):
    d, n_states = 4, 9
    model = _model(ModelConfig(kind="augmented", structure=structure, normalisation=normalisation, n_heads=2),
                   d, 16)
    states = torch.randn(3, n_states, d, generator=torch.Generator().manual_seed(0), dtype=F64)
    M = model.context_matrices(states)
    assert M.shape == (3, n_states, d, 3 * d)
    e = augment(states)
    with torch.no_grad():
        predictions = model(states)
    for n in range(n_states):
        torch.testing.assert_close(M[:, n] @ e[:, n, :, None], predictions[:, n, :, None], rtol=0, atol=1e-12)


def test_block_in_context_map_by_hand():
    """Gamma_n = c_n Σ_h V_h (Σ_{t=1..n} s_t s_{t-1}ᵀ) K_hᵀ Q_h, written with explicit loops."""
    d, H, n_states = 2, 2, 5
    for normalisation in ("mean", "none"):
        model = _model(ModelConfig(kind="augmented", structure="block", normalisation=normalisation, n_heads=H),
                       d, 8, seed=3)
        states = torch.randn(1, n_states, d, generator=torch.Generator().manual_seed(2), dtype=F64)
        s = states[0].tolist()
        Q, K, V = (p.detach().tolist() for p in (model.Q_blk, model.K_blk, model.V_blk))
        gamma = model.in_context_map(states, all_positions=True)[0]
        predictions = model(states)[0].detach()
        for n in range(n_states):
            c = 1.0 / (n + 1) if normalisation == "mean" else 1.0
            G = [[sum(s[t][i] * s[t - 1][j] for t in range(1, n + 1)) for j in range(d)] for i in range(d)]
            expected = [[0.0] * d for _ in range(d)]
            for h in range(H):
                # V_h G K_hᵀ Q_h, entry (i, l)
                for i in range(d):
                    for l in range(d):  # noqa: E741
                        expected[i][l] += c * sum(V[h][i][a] * G[a][b] * K[h][k][b] * Q[h][k][l]
                                                  for a in range(d) for b in range(d) for k in range(d))
            expected_t = torch.tensor(expected, dtype=F64)
            torch.testing.assert_close(gamma[n], expected_t, rtol=0, atol=1e-12)
            # and the forward prediction is Gamma_n s_n
            torch.testing.assert_close(predictions[n], expected_t @ states[0, n], rtol=0, atol=1e-12)
        assert model.previous_token_map(states, all_positions=True).abs().max() == 0


def test_block_weights_placement():
    d = 3
    model = _model(ModelConfig(kind="augmented", structure="block", n_heads=2), d, 8)
    W_Q, W_K, W_V = model.weights()
    for full, blk, cols in ((W_Q, model.Q_blk, slice(d, 2 * d)), (W_K, model.K_blk, slice(2 * d, 3 * d)),
                            (W_V, model.V_blk, slice(d, 2 * d))):
        assert full.shape == (2, 3 * d, 3 * d)
        assert torch.equal(full[:, :d, cols], blk)
        rest = full.clone()
        rest[:, :d, cols] = 0
        assert rest.abs().max() == 0
    assert set(model.circuits()) == {"W_Q", "W_K", "W_V", "W_QK", "W_OV", "Q_blk", "K_blk", "V_blk", "preconditioner"}


def test_augmented_forward_by_hand():
    """out_n = Σ_h Σ_{t<=n} c_n (W_Q e_n)·(W_K e_t) W_V e_t, first d coordinates, with loops."""
    d, H = 2, 2
    model = _model(ModelConfig(kind="augmented", structure="full", n_heads=H), d, 8, seed=5)
    states = torch.randn(1, 4, d, generator=torch.Generator().manual_seed(1), dtype=F64)
    e = augment(states)[0]
    W_Q, W_K, W_V = (w.detach() for w in model.weights())
    predictions = model(states)[0].detach()
    for n in range(4):
        out = torch.zeros(3 * d, dtype=F64)
        for h in range(H):
            for t in range(n + 1):
                out += (W_Q[h] @ e[n]).dot(W_K[h] @ e[t]) * (W_V[h] @ e[t]) / (n + 1)
        torch.testing.assert_close(predictions[n], out[:d], rtol=0, atol=1e-12)


# ---------------------------------------------------------------- multihead and PE-only: exact solutions

def _set(model: nn.Module, **values: torch.Tensor) -> None:
    with torch.no_grad():
        for name, value in values.items():
            getattr(model, name).copy_(value)


def _unit_plane_states(d: int, T: int, seed: int = 0, mu: float = 1.0) -> torch.Tensor:
    states, _ = ARProcess(d=d, T=T, w_dist="commuting", s0="unit_planes", mu=mu).sample(16, seed=seed, dtype=F64)
    return states


@pytest.mark.parametrize("c", [1.0, -1.2018, 1.765])
def test_diagonal_complex_exact_solution(c):
    """H = 1, A = [[c]], B = [[1]], P[n, n] = 1/c: conj(λ^{n-1}) λ^{2n} = λ^{n+1}, so ŝ_{n+1} = s_{n+1}."""
    d, T = 2, 10
    model = _model(ModelConfig(kind="multihead", heads="diagonal", field="complex", positional="matrix",
                               n_heads=1), d, T)
    _set(model, A=torch.tensor([[c]], dtype=F64), B=torch.tensor([[1.0]]), P=torch.eye(T, dtype=F64) / c)
    states = _unit_plane_states(d, T)
    with torch.no_grad():
        predictions = model(states[:, :-1])
    torch.testing.assert_close(predictions[:, 1:], states[:, 2:], rtol=0, atol=1e-12)
    assert predictions[:, 0].abs().max() == 0  # the query s_{-1} = 0
    assert prediction_loss(model, states).item() < 1e-24


def test_diagonal_complex_orthogonal_heads_solve_several_planes():
    """d = 4 (two planes): heads that each read one plane (orthogonal rows of A) are exact; a single
    head reading both planes mixes them and is not."""
    d, T, c = 4, 10, 2.0
    states = _unit_plane_states(d, T, seed=1)
    config = ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=2)
    model = _model(config, d, T)
    _set(model, A=c * torch.eye(2), B=torch.eye(2), P=torch.eye(T, dtype=F64) / c)
    with torch.no_grad():
        torch.testing.assert_close(model(states[:, :-1])[:, 1:], states[:, 2:], rtol=0, atol=1e-12)
    mixed = _model(ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=1), d, T)
    _set(mixed, A=torch.full((1, 2), c / 2), B=torch.ones(1, 2), P=torch.eye(T, dtype=F64) / c)
    assert prediction_loss(mixed, states).item() > 1e-3


def test_diagonal_current_query_cannot_use_the_exact_rule():
    """With the usual query s_n the same weights predict conj(λ^n) λ^{2n} = λ^n ≠ λ^{n+1}."""
    d, T = 2, 10
    model = _model(ModelConfig(kind="multihead", heads="diagonal", field="complex", query="current"), d, T)
    _set(model, A=torch.ones(1, 1), B=torch.ones(1, 1), P=torch.eye(T, dtype=F64))
    states = _unit_plane_states(d, T)
    with torch.no_grad():
        predictions = model(states[:, :-1])
    # it returns s_n itself
    torch.testing.assert_close(predictions, states[:, :-1], rtol=0, atol=1e-12)


def test_pe_only_identity_is_exact_on_unit_modulus_data():
    d, T = 2, 12
    model = build_model(ModelConfig(kind="pe_only", field="complex"), d, T).to(F64)
    assert isinstance(model, PEOnlyAttention)
    assert [name for name, _ in model.named_parameters()] == ["P"]
    assert model.P.abs().max() == 0  # starts from zero
    _set(model, P=torch.eye(T, dtype=F64))
    for mu in (1.0, 50.0):
        states = _unit_plane_states(d, T, seed=2, mu=mu)
        with torch.no_grad():
            predictions = model(states[:, :-1])
        torch.testing.assert_close(predictions[:, 1:], states[:, 2:], rtol=0, atol=1e-12)


def test_pe_only_formula_by_hand():
    """ŝ_{n+1} = Σ_{t<=n} P[n, t] conj(s_{n-1}) s_t s_t in complex numbers, with loops."""
    T = 5
    model = build_model(ModelConfig(kind="pe_only", field="complex"), 2, T).to(F64)
    P = torch.randn(T, T, generator=torch.Generator().manual_seed(0), dtype=F64)
    _set(model, P=P)
    states = torch.randn(1, T, 2, generator=torch.Generator().manual_seed(1), dtype=F64)
    z = [complex(a, b) for a, b in states[0].tolist()]
    with torch.no_grad():
        predictions = model(states)[0]
    for n in range(T):
        q = z[n - 1].conjugate() if n > 0 else 0
        expected = sum(P[n, t].item() * q * z[t] * z[t] for t in range(n + 1))
        torch.testing.assert_close(predictions[n], torch.tensor([expected.real, expected.imag], dtype=F64),
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("d", [2, 4])
def test_diagonal_real_trigonometric_relation_is_representable(d):
    """Real rotation blocks: s_{n+1} = 2 cos θ s_n − s_{n-1}. With radius 1 in every plane,
    cos θ = s_{n-1}·s_n (inside the plane), so one head per plane with a_h = b_h = the plane's
    indicator, P[n, n] = 2 and P[n, n-1] = −1 implements it exactly (the authors' P ratio −1/2)."""
    T = 10
    planes = d // 2
    model = _model(ModelConfig(kind="multihead", heads="diagonal", field="real", n_heads=planes), d, T)
    indicator = torch.zeros(planes, d)
    for h in range(planes):
        indicator[h, 2 * h: 2 * h + 2] = 1.0
    P = 2 * torch.eye(T, dtype=F64) - torch.diag(torch.ones(T - 1, dtype=F64), -1)
    _set(model, A=indicator, B=indicator, P=P)
    states = _unit_plane_states(d, T, seed=3)
    with torch.no_grad():
        predictions = model(states[:, :-1])
    torch.testing.assert_close(predictions[:, 1:], states[:, 2:], rtol=0, atol=1e-12)
    # the same relation read off the states themselves
    cos = (states[:, :-2, :2] * states[:, 1:-1, :2]).sum(-1, keepdim=True)
    torch.testing.assert_close(states[:, 2:, :2], 2 * cos * states[:, 1:-1, :2] - states[:, :-2, :2],
                               rtol=0, atol=1e-12)


def test_multihead_full_forward_by_hand():
    d, T, H = 2, 5, 2
    for query in ("previous", "current"):
        model = _model(ModelConfig(kind="multihead", heads="full", positional="matrix", query=query, n_heads=H),
                       d, T, seed=7)
        states = torch.randn(1, T, d, generator=torch.Generator().manual_seed(1), dtype=F64)
        s = states[0]
        with torch.no_grad():
            predictions = model(states)[0]
            for n in range(T):
                q = (s[n - 1] if n > 0 else torch.zeros(d, dtype=F64)) if query == "previous" else s[n]
                out = torch.zeros(d, dtype=F64)
                for h in range(H):
                    for t in range(n + 1):
                        out += model.P[n, t] * (model.W_Q[h] @ q).dot(model.W_K[h] @ s[t]) * (model.W_V[h] @ s[t])
                torch.testing.assert_close(predictions[n], out, rtol=0, atol=1e-12)


def test_positional_none_averages_and_embedding_rows_sum_to_one():
    d, T = 2, 6
    none = _model(ModelConfig(kind="multihead", positional="none"), d, T)
    w = none.positional_weights(T)[0]
    torch.testing.assert_close(w, torch.tril(torch.ones(T, T)) / torch.arange(1, T + 1)[:, None].float())
    emb = _model(ModelConfig(kind="multihead", positional="embedding", n_heads=3), d, T)
    w = emb.positional_weights(T)
    assert w.shape == (3, T, T)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, T, dtype=F64))
    assert torch.triu(w, 1).abs().max() == 0
    matrix = _model(ModelConfig(kind="multihead", positional="matrix"), d, T)
    pe = matrix.positional_encodings()
    assert torch.triu(pe, 1).abs().max() == 0 and torch.equal(torch.tril(pe), torch.tril(matrix.P.detach()))


# ---------------------------------------------------------------- prediction_loss

class _Fixed(nn.Module):
    """A stub 'model' that returns fixed predictions and records the context it was given."""

    def __init__(self, predictions: torch.Tensor) -> None:
        super().__init__()
        self.predictions = predictions
        self.seen: torch.Tensor | None = None

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        self.seen = states
        return self.predictions


def test_prediction_loss_excludes_position_zero_by_hand():
    # one sequence, d = 1: s = 1, 2, 3, 5 (T = 3)
    states = torch.tensor([[[1.0], [2.0], [3.0], [5.0]]])
    stub = _Fixed(torch.tensor([[[1000.0], [0.0], [0.0]]]))  # position 0 is absurd but ignored
    # positions 1 and 2 predict s_2 = 3 and s_3 = 5: (9 + 25) / 2
    assert prediction_loss(stub, states).item() == 17.0
    assert torch.equal(stub.seen, states[:, :-1])  # s_T is never shown to the model
    # d = 2, batch 2: squared norms summed over coordinates, mean over batch and positions 1..T-1
    states = torch.zeros(2, 4, 2)
    states[0, 2] = torch.tensor([1.0, 2.0])  # error 5
    states[1, 3] = torch.tensor([3.0, 0.0])  # error 9
    stub = _Fixed(torch.zeros(2, 3, 2) + torch.tensor([[[7.0, 7.0]], [[0.0, 0.0]]]) * (torch.arange(3) == 0)[
        None, :, None])
    assert prediction_loss(stub, states).item() == pytest.approx((5 + 9) / 4)


def test_prediction_loss_of_a_model_matches_loops():
    model = _model(ModelConfig(kind="augmented", n_heads=2), 3, 8)
    states = torch.randn(4, 7, 3, generator=torch.Generator().manual_seed(0), dtype=F64)
    with torch.no_grad():
        predictions = model(states[:, :-1])
    total = 0.0
    for b in range(4):
        for n in range(1, 6):
            total += ((predictions[b, n] - states[b, n + 1]) ** 2).sum().item()
    assert prediction_loss(model, states).item() == pytest.approx(total / (4 * 5), rel=1e-12)


# ---------------------------------------------------------------- configuration checks

BAD_MODEL = [
    ("kind", "lstm", "augmented, multihead, pe_only"),
    ("n_heads", 0, "in [1, 256]"), ("n_heads", 1.5, "in [1, 256]"),
    ("structure", "diag", "full, block"),
    ("normalisation", "softmax", "mean, none"),
    ("heads", "sparse", "full, diagonal"),
    ("positional", "rope", "matrix, embedding, none"),
    ("field", "quaternion", "real, complex"),
    ("query", "next", "previous, current"),
    ("init_scale", -0.1, ">= 0"), ("init_scale", math.nan, ">= 0"),
    ("pos_dim", 0, "in [1, 256]"),
]


@pytest.mark.parametrize(("field", "value", "allowed"), BAD_MODEL)
def test_model_config_validation_names_value_and_range(field, value, allowed):
    with pytest.raises(ValueError) as info:
        ModelConfig(**{field: value})
    message = str(info.value)
    assert message.startswith(f"{field} must be")
    assert repr(value) in message and allowed in message


def test_model_config_combination_checks():
    with pytest.raises(ValueError, match=r"field='complex' needs diagonal heads"):
        ModelConfig(kind="multihead", heads="full", field="complex")
    with pytest.raises(ValueError, match=r"d must be even; got d=3"):
        build_model(ModelConfig(kind="multihead", heads="diagonal", field="complex"), 3, 5)
    with pytest.raises(ValueError, match=r"d must be even; got d=5"):
        build_model(ModelConfig(kind="pe_only", field="complex"), 5, 5)
    with pytest.raises(ValueError, match=r"d must be an integer >= 1; got 0"):
        build_model(ModelConfig(), 0, 5)
    with pytest.raises(ValueError, match=r"T must be an integer >= 2; got 1"):
        build_model(ModelConfig(), 2, 1)
    assert ModelConfig(**ModelConfig(kind="pe_only", field="complex").to_dict()) == ModelConfig(
        kind="pe_only", field="complex")


def test_build_model_kinds_and_parameter_shapes():
    d, T, H = 4, 6, 3
    shapes = {
        ModelConfig(kind="augmented", n_heads=H): {"W_Q_full": (H, 12, 12), "W_K_full": (H, 12, 12),
                                                    "W_V_full": (H, 12, 12)},
        ModelConfig(kind="augmented", structure="block", n_heads=H): {"Q_blk": (H, 4, 4), "K_blk": (H, 4, 4),
                                                                       "V_blk": (H, 4, 4)},
        ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=H): {"A": (H, 2), "B": (H, 2),
                                                                                     "P": (T, T)},
        ModelConfig(kind="multihead", heads="full", positional="none", n_heads=H): {
            "W_Q": (H, 4, 4), "W_K": (H, 4, 4), "W_V": (H, 4, 4)},
        ModelConfig(kind="pe_only", n_heads=H, field="complex"): {"P": (T, T)},
    }
    classes = {"augmented": AugmentedLinearAttention, "multihead": MultiheadLinearAttention,
               "pe_only": PEOnlyAttention}
    for config, expected in shapes.items():
        model = build_model(config, d, T)
        assert isinstance(model, classes[config.kind])
        assert {k: tuple(v.shape) for k, v in model.state_dict().items()} == expected


def test_same_seed_same_initialisation():
    config = ModelConfig(kind="multihead", heads="full", positional="embedding")
    torch.manual_seed(3)
    a = build_model(config, 3, 5).state_dict()
    torch.manual_seed(3)
    b = build_model(config, 3, 5).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    torch.manual_seed(4)
    c = build_model(config, 3, 5).state_dict()
    assert not torch.equal(a["W_Q"], c["W_Q"])


@pytest.mark.parametrize("config", [
    ModelConfig(kind="augmented", structure="full", n_heads=3),
    ModelConfig(kind="augmented", structure="block", n_heads=2),
    ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=3, positional="matrix"),
    ModelConfig(kind="multihead", heads="diagonal", field="real", n_heads=2, positional="none"),
    ModelConfig(kind="multihead", heads="full", n_heads=2, positional="embedding", pos_dim=5),
    ModelConfig(kind="pe_only", field="complex"),
])
def test_parameter_count_matches_the_built_model(config):
    model = build_model(config, 4, 7)
    assert parameter_count(config, 4, 7) == sum(p.numel() for p in model.parameters())


def _diagonal_heads_by_loops(model: MultiheadLinearAttention, states: torch.Tensor) -> torch.Tensor:
    """``ŝ_{n+1} = Σ_h Σ_{t<=n} w_h[n, t] (Σ_j a_hj conj(q_nj) s_tj) · b_h ⊙ s_t``, one head, context and position
    at a time, in complex numbers when the field is complex."""
    A, B = model.diagonal_vectors()
    n = states.shape[1]
    w = model.positional_weights(n)
    query = torch.nn.functional.pad(states[:, :-1], (0, 0, 1, 0))
    pair = (lambda x: torch.complex(x[..., 0::2], x[..., 1::2])) if model.complex else (lambda x: x)
    s, q = pair(states), pair(query).conj()
    out = torch.zeros(s.shape, dtype=s.dtype)
    for b in range(s.shape[0]):
        for i in range(n):
            for h in range(A.shape[0]):
                for t in range(i + 1):
                    score = (A[h] * q[b, i] * s[b, t]).sum()
                    out[b, i] = out[b, i] + w[min(h, w.shape[0] - 1), i, t] * score * B[h] * s[b, t]
    return torch.stack([out.real, out.imag], -1).flatten(-2) if model.complex else out


@pytest.mark.parametrize(("field", "d", "heads", "positional"), [
    ("complex", 4, 3, "matrix"),  # m² ≤ H·n: the heads are summed first (C = Σ_h b_h a_hᵀ)
    ("real", 3, 2, "none"),
    ("real", 4, 4, "matrix"),  # real heads summed first: the pair products of _SummedDiagonalHeads
    ("real", 6, 1, "matrix"),  # m² > H·n: one pattern per head
    ("complex", 4, 2, "embedding"),  # a positional weight per head
])
def test_diagonal_heads_match_a_loop_in_value_and_gradient(field, d, heads, positional):
    model = _model(ModelConfig(kind="multihead", heads="diagonal", field=field, n_heads=heads, positional=positional,
                               pos_dim=3), d, 5)
    states = torch.randn(2, 5, d, dtype=F64)
    fast, slow = model(states), _diagonal_heads_by_loops(model, states)
    torch.testing.assert_close(fast, slow, rtol=1e-12, atol=1e-12)
    params = list(model.parameters())
    for a, b in zip(torch.autograd.grad(fast.pow(2).sum(), params), torch.autograd.grad(slow.pow(2).sum(), params),
                    strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("m", [1, 3, 5])
def test_summed_real_heads_match_the_einsum_and_pass_gradcheck(m):
    """The hand-written pair products (forward and backward) against the plain sum
    ``Σ_k C[j, k] q_k Σ_t w[n, t] s_j s_k``, and their gradient in every input against finite differences."""
    generator = torch.Generator().manual_seed(m)
    t, batch = 4, 3
    s, q = (torch.randn(t, m, batch, dtype=F64, generator=generator, requires_grad=True) for _ in range(2))
    w = torch.randn(t, t, dtype=F64, generator=generator).tril().requires_grad_()
    C = torch.randn(m, m, dtype=F64, generator=generator, requires_grad=True)
    expected = torch.einsum("jk,nkb,nt,tjb,tkb->njb", C, q, w, s, s)
    torch.testing.assert_close(_SummedDiagonalHeads.apply(s, q, w, C), expected, rtol=1e-12, atol=1e-12)
    assert torch.autograd.gradcheck(_SummedDiagonalHeads.apply, (s, q, w, C))
    # only some inputs needing a gradient (training: w and C; the data never) gives the same ones
    s_fixed, q_fixed = s.detach(), q.detach()
    fast = torch.autograd.grad(_SummedDiagonalHeads.apply(s_fixed, q_fixed, w, C).sum(), (w, C))
    slow = torch.autograd.grad(torch.einsum("jk,nkb,nt,tjb,tkb->njb", C, q_fixed, w, s_fixed, s_fixed).sum(), (w, C))
    for a, b in zip(fast, slow, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def _full_jacobian(model: nn.Module, states: torch.Tensor) -> torch.Tensor:
    """∂ŝ[n, i] / ∂s[m, j] (n, d, n, d) of one context, by autograd: the independent truth."""
    return torch.autograd.functional.jacobian(lambda s: model(s[None])[0], states)


@pytest.mark.parametrize(("kind", "heads", "field", "positional", "query", "d"), [
    ("multihead", "full", "real", "matrix", "previous", 4),
    ("multihead", "full", "real", "embedding", "current", 4),
    ("multihead", "diagonal", "real", "none", "previous", 4),
    ("multihead", "diagonal", "complex", "matrix", "current", 4),
    ("multihead", "diagonal", "complex", "embedding", "previous", 4),
    ("pe_only", "diagonal", "complex", "matrix", "previous", 4),
    # d = 8: diagonal heads' map is sparse enough for the sparse product
    ("multihead", "diagonal", "real", "matrix", "previous", 8),
    ("multihead", "diagonal", "complex", "matrix", "previous", 8),
])
def test_closed_form_update_of_linear_attention_matches_autograd(kind, heads, field, positional, query, d):
    """The trilinear-map update (no autograd) against autograd's full Jacobian, at every position and at the
    last alone; its prediction against the forward pass."""
    n = 6
    model = _model(ModelConfig(kind=kind, heads=heads, field=field, positional=positional, query=query,
                               n_heads=3, init_scale=0.5), d, n)
    if kind == "pe_only":
        with torch.no_grad():
            model.P.normal_(generator=torch.Generator().manual_seed(1))
    states = torch.randn(2, n, d, generator=torch.Generator().manual_seed(2), dtype=F64)
    update, last = model.in_context_update(states), model.in_context_update(states, last_only=True)
    assert not update.exact and last.current.shape == (2, 1, d, d)
    with torch.no_grad():
        torch.testing.assert_close(update.prediction, model(states), rtol=0, atol=1e-12)
    for b in range(2):
        J = _full_jacobian(model, states[b])
        for k in range(n):
            torch.testing.assert_close(update.current[b, k], J[k, :, k], rtol=0, atol=1e-12)
            expected_previous = J[k, :, k - 1] if k > 0 else torch.zeros(d, d, dtype=F64)
            torch.testing.assert_close(update.previous[b, k], expected_previous, rtol=0, atol=1e-12)
        assert J[n - 1, :, n - 1].abs().max() > 1e-3  # not trivially zero
    for field_name in ("current", "previous", "prediction"):
        torch.testing.assert_close(getattr(last, field_name)[:, 0], getattr(update, field_name)[:, -1],
                                   rtol=0, atol=1e-12)


@pytest.mark.parametrize("structure", ["full", "block"])
@pytest.mark.parametrize("normalisation", ["mean", "none"])
def test_exact_update_is_the_context_matrices_blocks_and_predicts_like_forward(structure, normalisation):
    """The update formed from the nonzero token blocks only, against the full ``M_n`` and the forward pass."""
    d, n = 3, 7
    model = _model(ModelConfig(kind="augmented", structure=structure, normalisation=normalisation, n_heads=2,
                               init_scale=0.5), d, 16)
    states = torch.randn(2, n, d, generator=torch.Generator().manual_seed(3), dtype=F64)
    M = model.context_matrices(states)
    update, last = model.in_context_update(states), model.in_context_update(states, last_only=True)
    assert update.exact and last.current.shape == (2, 1, d, d)
    torch.testing.assert_close(update.current, M[..., d : 2 * d], rtol=0, atol=1e-12)
    torch.testing.assert_close(update.previous, M[..., 2 * d :], rtol=0, atol=1e-12)
    with torch.no_grad():
        torch.testing.assert_close(update.prediction, model(states), rtol=0, atol=1e-12)
    torch.testing.assert_close(last.current[:, 0], M[:, -1, :, d : 2 * d], rtol=0, atol=1e-12)
    torch.testing.assert_close(last.prediction[:, 0], update.prediction[:, -1], rtol=0, atol=1e-12)


def test_closed_form_update_follows_the_parameters_after_an_in_place_change():
    """The trilinear map is kept between calls: an optimiser-style in-place step must still be seen."""
    d, n = 4, 5
    model = _model(ModelConfig(kind="multihead", heads="diagonal", n_heads=2, init_scale=0.5), d, n)
    states = torch.randn(1, n, d, generator=torch.Generator().manual_seed(4), dtype=F64)
    before = model.in_context_update(states).current
    with torch.no_grad():
        model.B.mul_(-3.0)
    after = model.in_context_update(states).current
    torch.testing.assert_close(after[0, -1], _full_jacobian(model, states[0])[-1, :, -1], rtol=0, atol=1e-12)
    torch.testing.assert_close(after, -3.0 * before, rtol=1e-12, atol=1e-14)
