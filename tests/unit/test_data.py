"""Tests of icar_core.data against independent truth: orthogonality and commutation identities,
hand-built rotations, eigenvalues of the 2×2 blocks, the recurrence itself, and Haar moments."""

from __future__ import annotations

import math

import pytest
import torch

from icar_core.data import (
    ARProcess,
    as_complex,
    as_real,
    augment,
    commuting_W,
    haar_orthogonal,
    previous_states,
    rollout,
)

F64 = torch.float64
pytestmark = pytest.mark.usefixtures("single_thread")


def _eye(d: int) -> torch.Tensor:
    return torch.eye(d, dtype=F64)


def _angles_of_blocks(W: torch.Tensor) -> torch.Tensor:
    """Rotation angle in [0, 2π) of every 2×2 diagonal block (identity basis), from the eigenvalue e^{iθ}."""
    planes = W.shape[-1] // 2
    angles = []
    for k in range(planes):
        block = W[:, 2 * k: 2 * k + 2, 2 * k: 2 * k + 2]
        eig = torch.linalg.eigvals(block)  # e^{±iθ}
        assert torch.allclose(eig.abs(), torch.ones_like(eig.abs()), atol=1e-10)
        # R(θ) = [[cos, -sin], [sin, cos]]: the angle is atan2(R10, R00); its eigenvalues are cos ± i sin.
        theta = torch.atan2(block[:, 1, 0], block[:, 0, 0]) % (2 * math.pi)
        assert torch.allclose(torch.sort(eig.imag, dim=-1).values[:, 1], torch.sin(theta).abs(), atol=1e-10)
        angles.append(theta)
    return torch.stack(angles, dim=1)


# ---------------------------------------------------------------- samplers: orthogonality, commutation

@pytest.mark.parametrize("d", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize(("w_dist", "basis"), [("commuting", "identity"), ("commuting", "random"),
                                               ("orthogonal", "identity")])
def test_W_is_orthogonal(d, w_dist, basis):
    process = ARProcess(d=d, T=3, w_dist=w_dist, basis=basis, seed=3)
    _, W = process.sample(64, seed=11, dtype=F64)
    assert W.shape == (64, d, d)
    gram = W.transpose(-1, -2) @ W
    assert (gram - _eye(d)).abs().max() < 1e-6
    assert (W @ W.transpose(-1, -2) - _eye(d)).abs().max() < 1e-6
    # float32 samples are orthogonal to float32 precision too
    _, W32 = process.sample(64, seed=11)
    assert W32.dtype == torch.float32
    assert (W32.transpose(-1, -2) @ W32 - torch.eye(d)).abs().max() < 1e-5


def test_basis_matrix_is_orthogonal_and_fixed_by_seed():
    Q = ARProcess(d=5, basis="random", seed=4).basis_matrix(F64)
    assert (Q.T @ Q - _eye(5)).abs().max() < 1e-12
    assert torch.equal(Q, ARProcess(d=5, basis="random", seed=4).basis_matrix(F64))
    assert not torch.allclose(Q, ARProcess(d=5, basis="random", seed=5).basis_matrix(F64))
    assert torch.equal(ARProcess(d=5, basis="identity", seed=4).basis_matrix(F64), _eye(5))


@pytest.mark.parametrize("d", [2, 3, 4, 5])
@pytest.mark.parametrize("basis", ["identity", "random"])
def test_commuting_family_commutes(d, basis):
    process = ARProcess(d=d, T=3, w_dist="commuting", basis=basis, seed=7)
    _, W1 = process.sample(16, seed=1, dtype=F64)
    _, W2 = process.sample(16, seed=2, dtype=F64)  # a different draw, same family (same Q)
    Ws = torch.cat([W1, W2])
    commutator = Ws[:, None] @ Ws[None] - Ws[None] @ Ws[:, None]
    assert commutator.abs().max() < 1e-10
    # ...and they are not all the same matrix
    assert (Ws[0] - Ws[1:]).abs().amax(dim=(-1, -2)).min() > 1e-6


def test_commuting_W_with_random_basis_is_Q_R_Qt():
    process = ARProcess(d=4, basis="random", seed=9)
    Q = process.basis_matrix(F64)
    angles = torch.tensor([[0.3, 1.1]], dtype=F64)
    c0, s0, c1, s1 = math.cos(0.3), math.sin(0.3), math.cos(1.1), math.sin(1.1)
    R = torch.tensor([[c0, -s0, 0, 0], [s0, c0, 0, 0], [0, 0, c1, -s1], [0, 0, s1, c1]], dtype=F64)
    assert torch.allclose(commuting_W(angles, Q)[0], Q @ R @ Q.T, atol=1e-12)
    W_odd = commuting_W(torch.tensor([[0.5]], dtype=F64), _eye(3), torch.tensor([-1.0], dtype=F64))[0]
    expected = torch.tensor([[math.cos(0.5), -math.sin(0.5), 0], [math.sin(0.5), math.cos(0.5), 0], [0, 0, -1]],
                            dtype=F64)
    assert torch.allclose(W_odd, expected, atol=1e-12)


@pytest.mark.parametrize("d", [3, 4, 5])
def test_haar_samples_do_not_commute(d):
    _, W = ARProcess(d=d, T=3, w_dist="orthogonal").sample(8, seed=0, dtype=F64)
    commutators = (W[:, None] @ W[None] - W[None] @ W[:, None]).abs().amax(dim=(-1, -2))
    off_diagonal = commutators[~torch.eye(8, dtype=torch.bool)]
    assert off_diagonal.min() > 1e-3  # every pair fails to commute
    assert off_diagonal.max() > 0.1


def test_haar_has_haar_moments():
    """Haar matrices have E[W] = 0 and E[W_ij²] = 1/d, and both determinants; plain QR (no sign fix)
    would bias the diagonal towards positive values."""
    d, n = 3, 4000
    W = haar_orthogonal(n, d, torch.Generator().manual_seed(0), F64)
    assert W.mean(0).abs().max() < 0.05
    assert ((W ** 2).mean(0) - 1 / d).abs().max() < 0.03
    det = torch.linalg.det(W)
    assert torch.allclose(det.abs(), torch.ones(n, dtype=F64), atol=1e-10)
    assert 0.4 < (det > 0).double().mean() < 0.6


# ---------------------------------------------------------------- angles, odd blocks, s0

@pytest.mark.parametrize("mu", [1.0, 3.0, 50.0])
def test_angles_in_range(mu):
    process = ARProcess(d=6, T=3, w_dist="commuting", mu=mu)
    _, W = process.sample(2000, seed=5, dtype=F64)
    # identity basis: W is block diagonal
    mask = torch.block_diag(*[torch.ones(2, 2)] * 3).bool()
    assert W[:, ~mask].abs().max() == 0
    theta = _angles_of_blocks(W)
    upper = 2 * math.pi / mu
    assert theta.min() >= 0
    assert theta.max() < upper + 1e-12
    # uniform on [0, upper): fills the range and has mean upper/2
    assert theta.max() > 0.98 * upper
    assert theta.min() < 0.02 * upper
    assert abs(theta.mean().item() - upper / 2) < 0.03 * upper


def test_odd_dimension_adds_a_plus_minus_one_block():
    _, W = ARProcess(d=5, T=3, w_dist="commuting").sample(200, seed=0, dtype=F64)
    last = W[:, -1, -1]
    assert torch.all(last.abs() == 1)
    assert (last > 0).any() and (last < 0).any()
    assert W[:, -1, :-1].abs().max() == 0 and W[:, :-1, -1].abs().max() == 0


@pytest.mark.parametrize("d", [2, 3, 5, 8])
def test_s0_random_is_unit_and_varied(d):
    states, _ = ARProcess(d=d, T=2, s0="random").sample(100, seed=1, dtype=F64)
    s0 = states[:, 0]
    assert torch.allclose(s0.norm(dim=-1), torch.ones(100, dtype=F64), atol=1e-12)
    assert s0.std(0).min() > 0.1


@pytest.mark.parametrize("d", [2, 3, 5, 8])
def test_s0_ones_is_ones_over_sqrt_d(d):
    states, _ = ARProcess(d=d, T=2, s0="ones").sample(4, seed=1, dtype=F64)
    assert torch.allclose(states[:, 0], torch.full((4, d), 1 / math.sqrt(d), dtype=F64), atol=1e-15)
    assert torch.allclose(states[:, 0].norm(dim=-1), torch.ones(4, dtype=F64), atol=1e-12)


@pytest.mark.parametrize("d", [2, 4, 10])
def test_s0_unit_planes_has_radius_one_in_every_plane(d):
    states, _ = ARProcess(d=d, T=6, s0="unit_planes").sample(4, seed=1, dtype=F64)
    s0 = states[:, 0]
    radii = s0.reshape(4, d // 2, 2).norm(dim=-1)
    assert torch.allclose(radii, torch.ones_like(radii), atol=1e-15)
    # the paper's complex s_0 = 1 (+ i) in every coordinate: equal real and imaginary parts
    z = as_complex(s0)
    assert torch.allclose(z.abs(), torch.ones_like(z.abs()), atol=1e-15)
    # rotations keep the radius of every plane, so every state stays on the unit circles
    planes = states.reshape(4, 7, d // 2, 2).norm(dim=-1)
    assert torch.allclose(planes, torch.ones_like(planes), atol=1e-12)


# ---------------------------------------------------------------- the recurrence

@pytest.mark.parametrize("w_dist", ["commuting", "orthogonal"])
def test_states_follow_the_recurrence_without_noise(w_dist):
    process = ARProcess(d=5, T=12, w_dist=w_dist, basis="random", seed=2)
    states, W = process.sample(8, seed=3, dtype=F64)
    assert states.shape == (8, 13, 5)
    for t in range(12):
        expected = (W @ states[:, t, :, None])[..., 0]
        assert torch.allclose(states[:, t + 1], expected, rtol=0, atol=1e-13)
    # orthogonal W keeps norms
    assert torch.allclose(states.norm(dim=-1), states[:, :1].norm(dim=-1).expand(8, 13), atol=1e-12)


def test_states_with_noise_deviate_by_noise_scale():
    sigma = 0.05
    states, W = ARProcess(d=4, T=40, noise=sigma).sample(200, seed=3, dtype=F64)
    residual = states[:, 1:] - torch.einsum("bij,btj->bti", W, states[:, :-1])
    assert residual.abs().max() > 1e-3
    assert abs(residual.std().item() - sigma) < 0.1 * sigma
    assert abs(residual.mean().item()) < 0.1 * sigma
    # noise-free process with the same seed gives the same W: noise is added on top, not a new W
    _, W_clean = ARProcess(d=4, T=40, noise=0.0).sample(200, seed=3, dtype=F64)
    assert torch.equal(W, W_clean)


def test_rollout_by_hand():
    W = torch.tensor([[[0.0, -1.0], [1.0, 0.0]]], dtype=F64)  # rotation by 90°
    s0 = torch.tensor([[1.0, 0.0]], dtype=F64)
    states = rollout(W, s0, 4)
    expected = torch.tensor([[[1, 0], [0, 1], [-1, 0], [0, -1], [1, 0]]], dtype=F64)
    assert torch.equal(states, expected)


def test_complex_pairing_matches_rotation_direction():
    """With the identity basis, W acts on the complex pair s_{2k} + i s_{2k+1} as multiplication by e^{iθ_k}."""
    states, W = ARProcess(d=6, T=5, s0="random").sample(10, seed=8, dtype=F64)
    theta = _angles_of_blocks(W)
    z = as_complex(states)
    expected = z[:, :-1] * torch.exp(1j * theta)[:, None, :]
    assert torch.allclose(z[:, 1:], expected, atol=1e-12)
    assert torch.equal(as_real(z), states)


# ---------------------------------------------------------------- helpers of the models

def test_augment_and_previous_states_layout():
    states = torch.arange(1.0, 7.0).reshape(1, 3, 2)  # s_0=(1,2), s_1=(3,4), s_2=(5,6)
    e = augment(states)
    expected = torch.tensor([[[0, 0, 1, 2, 0, 0], [0, 0, 3, 4, 1, 2], [0, 0, 5, 6, 3, 4]]], dtype=torch.float32)
    assert torch.equal(e, expected)
    assert torch.equal(previous_states(states), torch.tensor([[[0.0, 0.0], [1, 2], [3, 4]]]))


def test_as_complex_by_hand():
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert torch.equal(as_complex(x), torch.tensor([1 + 2j, 3 + 4j], dtype=torch.complex64))


# ---------------------------------------------------------------- seeds

@pytest.mark.parametrize("w_dist", ["commuting", "orthogonal"])
def test_same_seed_same_samples_different_seed_different(w_dist):
    process = ARProcess(d=4, T=6, w_dist=w_dist, noise=0.01)
    a_states, a_W = process.sample(5, seed=42)
    b_states, b_W = process.sample(5, seed=42)
    assert torch.equal(a_states, b_states) and torch.equal(a_W, b_W)
    c_states, c_W = process.sample(5, seed=43)
    assert not torch.allclose(a_W, c_W)
    assert not torch.allclose(a_states, c_states)
    # sampling does not touch (or depend on) the global RNG
    torch.manual_seed(0)
    d_states, _ = process.sample(5, seed=42)
    torch.manual_seed(1)
    e_states, _ = process.sample(5, seed=42)
    assert torch.equal(d_states, e_states) and torch.equal(d_states, a_states)


def test_sample_batch_must_be_positive():
    with pytest.raises(ValueError, match=r"batch must be an integer >= 1; got 0"):
        ARProcess().sample(0, seed=0)


# ---------------------------------------------------------------- validation messages

BAD_PROCESS = [
    ("d", 0, "in [1, 256]"), ("d", -3, "in [1, 256]"), ("d", 2.5, "in [1, 256]"), ("d", True, "in [1, 256]"),
    ("d", "4", "in [1, 256]"), ("d", 257, "in [1, 256]"),
    ("T", 1, "in [2, 2,048]"), ("T", None, "in [2, 2,048]"),
    ("w_dist", "haar", "commuting, orthogonal"),
    ("mu", 0.0, "> 0"), ("mu", -1.0, "> 0"), ("mu", math.inf, "> 0"), ("mu", math.nan, "> 0"), ("mu", "1", "> 0"),
    ("basis", "eye", "identity, random"),
    ("s0", "zeros", "random, ones, unit_planes"),
    ("noise", -0.1, ">= 0"), ("noise", math.nan, ">= 0"), ("noise", math.inf, ">= 0"),
    ("seed", -1, "in [0, 4,294,967,295]"), ("seed", 1.5, "in [0, 4,294,967,295]"),
]


@pytest.mark.parametrize(("field", "value", "allowed"), BAD_PROCESS)
def test_process_validation_names_value_and_range(field, value, allowed):
    with pytest.raises(ValueError) as info:
        ARProcess(**{field: value})
    message = str(info.value)
    assert message.startswith(f"{field} must be")
    assert repr(value) in message
    assert allowed in message


def test_valid_process_round_trips_to_dict():
    process = ARProcess(d=3, T=5, w_dist="orthogonal", mu=2.0, basis="random", s0="ones", noise=0.1, seed=9)
    assert ARProcess(**process.to_dict()) == process
