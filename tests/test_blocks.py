"""Tests for bplab.blocks: every backward against central differences (float64, < 1e-7)."""

import numpy as np
import pytest

import bplab as bp
from bplab.blocks import (
    Checkpoint,
    ClipGradNorm,
    Dropout,
    LayerNorm,
    Residual,
    Stack,
    clip_grad_norm,
    deep_stack,
    stored_bytes,
)

TOL = 1e-7


def _X(shape=(5, 4), seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _assert_checked(errors):
    assert errors, "nothing was checked"
    for name, err in errors.items():
        assert err < TOL, f"{name}: rel error {err:.1e}"


def test_layernorm_backward_matches_numerical_gradient():
    layer = LayerNorm(4)
    gen = np.random.default_rng(3)
    layer.params()["gamma"][:] = gen.standard_normal(4)
    layer.params()["beta"][:] = gen.standard_normal(4)
    errors = bp.check_layer(layer, _X() * 3 + 1)
    assert set(errors) == {"X", "gamma", "beta"}
    _assert_checked(errors)


def test_layernorm_output_rows_have_mean_0_and_variance_1():
    out = LayerNorm(6).forward(_X((3, 6)) * 10 + 5)
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=1), 1, atol=1e-5)


def test_layernorm_rejects_wrong_width_and_backward_before_forward():
    layer = LayerNorm(4)
    with pytest.raises(ValueError, match=r"expected \(N, 4\)"):
        layer.forward(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="before forward"):
        LayerNorm(4).backward(np.zeros((2, 4)))


class _FixedMaskDropout(Dropout):
    """The same mask on every forward (a fresh generator with the same seed each time)."""

    def forward(self, X):
        self.rng = np.random.default_rng(7)
        return super().forward(X)


def test_dropout_backward_matches_numerical_gradient_for_a_fixed_mask():
    _assert_checked(bp.check_layer(_FixedMaskDropout(p=0.4), _X()))


def test_dropout_zeroes_about_p_and_keeps_the_mean_and_is_identity_at_test_time():
    layer = Dropout(p=0.25, rng=0)
    X = np.ones((400, 50))
    out = layer.forward(X)
    assert abs(np.mean(out == 0) - 0.25) < 0.01
    assert abs(out.mean() - 1.0) < 0.02
    np.testing.assert_array_equal(out[out != 0], 1 / 0.75)
    layer.training = False
    np.testing.assert_array_equal(layer.forward(X), X)
    with pytest.raises(ValueError, match="p must be in"):
        Dropout(p=1.0)


def test_residual_backward_matches_numerical_gradient():
    block = Residual(bp.Linear(4, 4, init="xavier", rng=1), bp.Tanh(), bp.Linear(4, 4, rng=2))
    errors = bp.check_layer(block, _X())
    assert set(errors) == {"X", "0.W", "0.b", "2.W", "2.b"}
    _assert_checked(errors)


def test_residual_adds_its_input_and_rejects_a_shape_change():
    X = _X()
    inner = bp.Linear(4, 4, rng=0)
    np.testing.assert_allclose(Residual(inner).forward(X), X + inner.forward(X))
    with pytest.raises(ValueError, match="same shape"):
        Residual(bp.Linear(4, 3, rng=0)).forward(X)
    with pytest.raises(RuntimeError, match="before forward"):
        Residual(bp.Tanh()).backward(X)


def _segment(seed):
    return [bp.Linear(4, 4, init="xavier", rng=seed), bp.Tanh()]


def test_checkpoint_gives_the_same_gradients_and_keeps_only_its_input():
    X, y = _X((6, 4)), np.array([0, 1, 2, 3, 0, 1])
    plain = Stack(*_segment(1), *_segment(2), bp.Linear(4, 4, rng=3))
    ckpt = Stack(Checkpoint(*_segment(1)), Checkpoint(*_segment(2)), bp.Linear(4, 4, rng=3))
    bp.layer_grad_norms(plain, X, y)
    bp.layer_grad_norms(ckpt, X, y)
    for (name, g), (_, h) in zip(plain.grads().items(), ckpt.grads().items()):
        np.testing.assert_allclose(g, h, rtol=1e-12, err_msg=name)
    ckpt.forward(X)
    plain.forward(X)
    assert stored_bytes(ckpt.layers[0]) == X.nbytes          # only the kept input
    assert stored_bytes(ckpt) < stored_bytes(plain)
    assert ckpt.layers[0].recomputed == 2 and ckpt.layers[0].peak_bytes > 0


def test_checkpoint_backward_matches_numerical_gradient():
    _assert_checked(bp.check_layer(Checkpoint(*_segment(4), bp.Linear(4, 3, rng=5)), _X()))


def test_stack_finds_linear_layers_inside_blocks_for_fit_and_grad_norms():
    net = Stack(bp.Linear(2, 8, rng=0), Residual(bp.Linear(8, 8, rng=1), bp.ReLU()),
                LayerNorm(8), bp.Linear(8, 2, rng=2))
    assert [name for name, _ in net.linear_layers()] == ["0", "1.0", "3"]
    X, y = bp.data.make_moons(40, noise=0.1, rng=0)
    _assert_checked(bp.check_model(net, X, y))
    hist = bp.fit(net, X, y, optimizer=bp.SGD(lr=0.1), epochs=2, batch_size=20)
    assert np.shape(hist.grad_norms) == (4, 3) and len(hist.layer_names) == 3


def test_clip_grad_norm_caps_the_joint_norm_and_keeps_the_direction():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    norm = clip_grad_norm(grads, 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])
    np.testing.assert_allclose(grads["b"], [[0.8]])
    small = {"a": np.array([0.1])}
    assert clip_grad_norm(small, 1.0) == pytest.approx(0.1) and small["a"][0] == 0.1
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        clip_grad_norm(grads, 0)


def test_clip_grad_norm_optimizer_clips_then_steps_and_records_norms():
    params, grads = {"w": np.zeros(2)}, {"w": np.array([30.0, 40.0])}
    opt = ClipGradNorm(bp.SGD(lr=0.1), max_norm=5.0)
    opt.step(params, grads)
    np.testing.assert_allclose(params["w"], [-0.3, -0.4])
    assert opt.norms == [50.0] and opt.lr == 0.1
    with pytest.raises(TypeError, match="step method"):
        ClipGradNorm(object())


def test_stored_bytes_grows_with_depth_and_batch():
    def stored(depth, batch):
        net = bp.MLP([8] + [16] * depth + [2], rng=0)
        net.forward(np.ones((batch, 8)))
        return stored_bytes(net)

    assert stored(4, 10) > stored(2, 10)
    assert stored(2, 20) == 2 * stored(2, 10)


def test_deep_stack_plain_equals_mlp_and_the_other_kinds_hold_their_blocks():
    sizes = [2, 8, 8, 8, 2]
    X = _X((3, 2))
    plain = deep_stack(sizes, "tanh", "xavier", "plain", rng=0)
    np.testing.assert_array_equal(plain.forward(X),
                                  bp.MLP(sizes, activation="tanh", init="xavier", rng=0).forward(X))
    res = deep_stack(sizes, "tanh", "xavier", "residual", rng=0)
    assert sum(isinstance(layer, Residual) for layer in res.layers) == 2
    norm = deep_stack(sizes, "tanh", "xavier", "layernorm", rng=0)
    assert sum(isinstance(layer, LayerNorm) for layer in norm.layers) == 3
    assert len(res.linear_layers()) == len(norm.linear_layers()) == 4
    with pytest.raises(ValueError, match="kind must be"):
        deep_stack(sizes, kind="dense")
