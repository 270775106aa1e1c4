"""Tests for bplab.jacobian: Jacobians by reverse and forward mode against central differences."""

import numpy as np
import pytest

import bplab as bp
from bplab.jacobian import jacobian_forward, jacobian_reverse, jvp, layer_jacobian


def _numerical_jacobian(model, x):
    x = np.array(x, dtype=np.float64).reshape(1, -1)
    C = model.forward(x).shape[1]
    rows = [bp.numerical_gradient(lambda v, c=c: float(model.forward(v)[0, c]), x)[0]
            for c in range(C)]
    return np.array(rows)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_both_modes_match_the_numerical_jacobian(activation):
    net = bp.MLP([3, 6, 6, 4], activation=activation, init="xavier", rng=0)
    x = np.array([0.3, -0.7, 1.1])
    expected = _numerical_jacobian(net, x)
    J_rev, n_rev = jacobian_reverse(net, x)
    J_fwd, n_fwd = jacobian_forward(net, x)
    assert J_rev.shape == J_fwd.shape == (4, 3)
    assert (n_rev, n_fwd) == (4, 3)
    assert bp.rel_error(J_rev, expected) < 1e-7
    assert bp.rel_error(J_fwd, expected) < 1e-7


def test_layer_jacobian_of_linear_is_block_diagonal_W_transpose():
    layer = bp.Linear(3, 2, rng=0)
    X = np.random.default_rng(1).standard_normal((2, 3))
    J = layer_jacobian(layer, X)
    W = layer.params()["W"]
    assert J.shape == (4, 6)
    np.testing.assert_allclose(J[:2, :3], W.T)
    np.testing.assert_allclose(J[2:, 3:], W.T)
    assert np.all(J[:2, 3:] == 0) and np.all(J[2:, :3] == 0)


def test_layer_jacobian_of_tanh_is_diagonal():
    X = np.array([[0.5, -1.0]])
    J = layer_jacobian(bp.Tanh(), X)
    np.testing.assert_allclose(J, np.diag(1 - np.tanh(X[0]) ** 2))


def test_jvp_needs_a_forward_pass_and_known_layers():
    net = bp.MLP([2, 3, 2], rng=0)
    with pytest.raises(RuntimeError, match="forward"):
        jvp(net, np.ones((1, 2)))
    from bplab.blocks import LayerNorm, Stack
    odd = Stack(bp.Linear(2, 2, rng=0), LayerNorm(2))
    odd.forward(np.ones((1, 2)))
    with pytest.raises(TypeError, match="LayerNorm"):
        jvp(odd, np.ones((1, 2)))
    with pytest.raises(ValueError, match="one example"):
        jacobian_reverse(net, np.ones((2, 2)))
