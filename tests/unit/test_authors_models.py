"""The authors' architectures as icar kinds, their training data, and opening their saved state_dicts.

The truth is ``authors_reference``: an independent re-implementation of their model classes (same
module tree, so the same state_dict keys) and of their training loop.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from icar_core.analysis import compare_with_gd, model_update
from icar_core.authors_format import checkpoint_from_state_dict, settings_from_name
from icar_core.checkpoints import CheckpointError, checkpoint_payload, load_checkpoint, save_checkpoint
from icar_core.config import TrainConfig
from icar_core.data import ARProcess, rollout
from icar_core.models import ModelConfig, build_model, parameter_count
from tests.authors_reference import RefTransformer, augmented_tokens, train_one_epoch

pytestmark = pytest.mark.usefixtures("single_thread")
D, T = 3, 12
PROCESS = ARProcess(d=D, T=T, w_dist="orthogonal", s0="ones")
AUGMENTED_NAME = f"model_dim_in_{D}_n_{T}_embed_extension_1_num_layers_1_lr_0.01_num_epochs_1_batch_size_64.pt"
MULTIHEAD_NAME = f"model_dim_in_{D}_n_{T}_embed_extension_2_heads_4_lr_0.01_num_epochs_1_batch_size_64.pt"


def _saved(state: dict) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _reference(augmented: bool, heads: int = 4, seed: int = 0) -> RefTransformer:
    torch.manual_seed(seed)
    return RefTransformer(D, augmented, heads=1 if augmented else heads, extension=2)


@pytest.fixture(scope="module")
def states() -> torch.Tensor:
    return PROCESS.sample(16, seed=3)[0][:, :-1]


@pytest.mark.parametrize("augmented", [True, False])
def test_forward_matches_the_reference(augmented, states):
    ref = _reference(augmented)
    ckpt = load_checkpoint(_saved(ref.state_dict()), name=AUGMENTED_NAME if augmented else MULTIHEAD_NAME)
    assert ckpt.config.model.kind == ("authors_augmented" if augmented else "authors_multihead")
    with torch.no_grad():
        expected = ref(augmented_tokens(states))[..., :D] if augmented else ref(states)
        got = ckpt.model(states)
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("augmented", [True, False])
def test_inferred_sizes_and_settings(augmented):
    ckpt = load_checkpoint(_saved(_reference(augmented).state_dict()),
                           name=AUGMENTED_NAME if augmented else MULTIHEAD_NAME)
    inferred = ckpt.train_state["inferred"]
    assert inferred == ({"kind": "authors_augmented", "d": D, "heads": 1, "embed_width": 3 * D} if augmented else
                        {"kind": "authors_multihead", "d": D, "heads": 4, "embed_width": 2 * D})
    # The authors' defaults, with n, lr, batch size and epochs read from the file name.
    assert ckpt.process == PROCESS
    assert (ckpt.config.batch_size, ckpt.config.lr, ckpt.config.train_set_size) == (64, 0.01, 2**14)
    assert ckpt.config.steps == 2**14 // 64
    assert ckpt.history.empty and ckpt.snapshots == []


def test_file_name_without_the_pattern_gets_the_defaults():
    assert settings_from_name("weights.pt") == {"n": 50, "lr": 1e-2, "batch_size": 1024, "num_epochs": 200}


def test_models_are_causal(states):
    for config in (ModelConfig(kind="authors_augmented", positional="none"),
                   ModelConfig(kind="authors_multihead", n_heads=2, positional="embedding", pos_dim=2 * D)):
        model = build_model(config, D, T)
        changed = states.clone()
        changed[:, 7:] += 1.0
        with torch.no_grad():
            torch.testing.assert_close(model(changed)[:, :7], model(states)[:, :7])


def test_parameter_count_matches_the_built_model():
    for config in (ModelConfig(kind="authors_augmented", positional="none", n_heads=2),
                   ModelConfig(kind="authors_multihead", n_heads=3, positional="embedding", pos_dim=3 * D)):
        model = build_model(config, D, T)
        assert parameter_count(config, D, T) == sum(p.numel() for p in model.parameters())


def test_multihead_width_must_be_a_multiple_of_d():
    with pytest.raises(ValueError, match="multiple of d"):
        build_model(ModelConfig(kind="authors_multihead", positional="embedding", pos_dim=D + 1), D, T)


@pytest.mark.parametrize("kind", ["authors_augmented", "authors_multihead"])
def test_jacobian_update_matches_autograd(states, kind):
    """The local linearisation ``∂ŝ_{n+1}/∂s_n`` and ``∂ŝ_{n+1}/∂s_{n-1}`` the GD comparison uses (in closed
    form, two heads) against torch.autograd's Jacobian of the whole context at every position; the last
    position alone gives the same numbers."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind=kind, positional="none", n_heads=2, pos_dim=2 * D), D, T).double()
    x = states[:2].double()
    update = model_update(model, x)
    last = model_update(model, x, last_only=True)
    assert not update.exact and last.current.shape == (2, 1, D, D)
    with torch.no_grad():
        np.testing.assert_allclose(update.prediction, model(x).numpy(), rtol=0, atol=1e-12)
    for b in range(2):
        J = torch.autograd.functional.jacobian(lambda s: model(s[None])[0], x[b])
        for n in range(T):
            np.testing.assert_allclose(update.current[b, n], J[n, :, n].numpy(), rtol=1e-8, atol=1e-10)
            previous = J[n, :, n - 1].numpy() if n > 0 else np.zeros((D, D))
            np.testing.assert_allclose(update.previous[b, n], previous, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(last.current[:, 0], update.current[:, -1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(last.previous[:, 0], update.previous[:, -1], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("augmented", [True, False])
def test_a_file_from_one_epoch_of_their_training_loop_opens_and_compares_with_gd(tmp_path, augmented):
    torch.manual_seed(1)
    sequences = PROCESS.sample(256, seed=11)[0]
    ref = _reference(augmented, heads=2)
    train_one_epoch(ref, sequences, augmented, batch_size=64)
    name = AUGMENTED_NAME if augmented else MULTIHEAD_NAME
    path = tmp_path / name
    torch.save(ref.state_dict(), path)  # what their train() writes
    ckpt = load_checkpoint(path)
    assert ckpt.path == path and ckpt.source_id
    contexts, W = PROCESS.sample(32, seed=5, dtype=torch.float64)
    comparison = compare_with_gd(ckpt.model, contexts, W, process=PROCESS)
    frame = comparison.metrics
    assert len(frame) == 32 and not comparison.exact
    assert np.isfinite(frame[["prediction_cosine", "update_cosine", "model_error"]].to_numpy()).all()


def test_a_state_dict_of_another_model_names_the_keys():
    other = {"encoder.weight": torch.zeros(3, 3), "fc_out.weight": torch.zeros(3, 9)}
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(_saved(other), name="mine.pt")
    message = str(info.value)
    assert "mine.pt" in message and "neither" in message
    assert "missing decoder.layers.0.attention." in message and "more" in message  # missing keys, counted
    assert "encoder.weight" in message  # unexpected


def test_wrong_shapes_are_named():
    state = _reference(False).state_dict()
    state["decoder.position_embedding.weight"] = torch.zeros(7, 2 * D)
    with pytest.raises(CheckpointError, match=r"decoder\.position_embedding\.weight has shape \(7, 6\)"):
        checkpoint_from_state_dict(state, "x.pt")


def test_the_ambiguous_case_can_be_forced(states):
    """A non-augmented file with E = d (extension 1) and d divisible by 3 looks augmented by its shapes."""
    torch.manual_seed(0)
    ref = RefTransformer(6, augmented=False, heads=2, extension=1)
    assert checkpoint_from_state_dict(ref.state_dict(), "a.pt").config.model.kind == "authors_augmented"
    forced = checkpoint_from_state_dict(ref.state_dict(), "a.pt", architecture="authors_multihead")
    x = torch.randn(2, 5, 6)
    with torch.no_grad():
        torch.testing.assert_close(forced.model(x), ref(x), rtol=1e-5, atol=1e-6)


def test_icar_checkpoints_of_the_new_kinds_round_trip(tmp_path, states):
    config = TrainConfig(name="r", process=PROCESS, steps=1, batch_size=8, train_set_size=32,
                         model=ModelConfig(kind="authors_multihead", n_heads=2, positional="embedding", pos_dim=2 * D))
    model = build_model(config.model, D, T)
    history = {"step": [0], "train_loss": [1.0], "eval_loss": [1.0]}
    save_checkpoint(tmp_path / "r.pt", checkpoint_payload(config, model, history, [], {"step": 0, "complete": True}))
    loaded = load_checkpoint(tmp_path / "r.pt")
    with torch.no_grad():
        torch.testing.assert_close(loaded.model(states), model(states))


def test_fixed_training_set_epochs_visit_every_sequence_once():
    config = TrainConfig(name="e", process=PROCESS, model=ModelConfig(), batch_size=24, train_set_size=100)
    epoch = torch.cat([config.minibatch_indices(step) for step in range(5)])  # ceil(100 / 24) = 5 steps
    assert sorted(epoch.tolist()) == list(range(100))
    assert len(config.minibatch_indices(4)) == 100 - 4 * 24  # the last batch is shorter, as a DataLoader's
    assert not torch.equal(config.minibatch_indices(0), config.minibatch_indices(5))  # reshuffled
    torch.testing.assert_close(config.minibatch_indices(7), config.minibatch_indices(7))
    torch.testing.assert_close(config.training_set(), config.training_set())
    with pytest.raises(ValueError, match="not both"):
        TrainConfig(name="e", process=PROCESS, model=ModelConfig(), fixed_batch=True, train_set_size=10)


def _without_qkv_biases(model):
    with torch.no_grad():
        for layer in (model.query, model.key, model.value):
            layer.bias.zero_()
    return model


def test_without_biases_even_positions_cannot_see_the_sign_of_W():
    """Why the biases matter: with bias-free q, k, v every attention term (q·k_t) v_t is of degree 1 in
    s_n and 2 in s_t, so W -> −W (as likely as W under Haar) multiplies it by (−1)^n while the target
    s_{n+1} gets (−1)^(n+1). At even n the prediction is the same for W and −W although the targets are
    opposite, so no bias-free model beats predicting 0 there (loss ≥ ||s_{n+1}||² = 1)."""
    torch.manual_seed(0)
    config = ModelConfig(kind="authors_multihead", n_heads=3, positional="embedding", pos_dim=2 * D)
    W = PROCESS.sample_W(8, torch.Generator().manual_seed(0))
    s0 = PROCESS.sample_s0(8, torch.Generator())
    plus, minus = rollout(W, s0, T - 1), rollout(-W, s0, T - 1)
    even = slice(0, T, 2)
    biased = build_model(config, D, T)
    bias_free = _without_qkv_biases(build_model(config, D, T))
    with torch.no_grad():
        torch.testing.assert_close(bias_free(plus)[:, even], bias_free(minus)[:, even])
        assert not torch.allclose(biased(plus)[:, even], biased(minus)[:, even], atol=1e-3)


def test_a_file_dropped_into_a_checkpoint_folder_is_listed_as_a_run(tmp_path):
    from icar_core.checkpoints import list_checkpoints

    torch.save(_reference(False).state_dict(), tmp_path / MULTIHEAD_NAME)
    torch.save({"unrelated.weight": torch.zeros(2)}, tmp_path / "other.pt")
    listing = list_checkpoints(tmp_path)
    assert [c.name for c in listing.runs] == [MULTIHEAD_NAME[:-3]]
    assert len(listing.failed) == 1 and "unrelated.weight" in listing.failed[0][1]


def test_bias_report_no_bias_free_model_beats_predicting_zero():
    """On antithetic pairs (W and −W) the bias-free model's prediction is exactly uncorrelated with its target,
    so its loss is E||ŝ||² above predicting 0 — checked against E||ŝ||² computed here, for random weights."""
    from icar_core.authors_findings import bias_report, sign_flipped, without_biases

    torch.manual_seed(1)
    config = ModelConfig(kind="authors_multihead", n_heads=3, positional="embedding", pos_dim=2 * D)
    model = build_model(config, D, T)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.endswith("bias"):
                parameter.normal_()  # biases far from 0, so the trained-side numbers differ
    report = bias_report(model, PROCESS, n_pairs=256, seed=3)
    assert report.parity_error_unbiased < 1e-5 < 1e-2 < report.parity_error_trained
    states = PROCESS.sample(256, 3)[0]
    both = torch.cat([states, sign_flipped(states)])
    with torch.no_grad():
        squared = (without_biases(model)(both[:, :-1])[:, 1:] ** 2).sum(-1).mean()
    assert report.loss_without_biases.value == pytest.approx(report.loss_zero.value + float(squared), rel=1e-5)
    assert report.loss_without_biases.low >= report.loss_zero.high - 1e-6
