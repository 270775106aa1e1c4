"""Layers: forward/backward against central differences on random shapes, and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import layer_shapes, seeds

import bplab as bp

shapes = layer_shapes
ACTIVATIONS = [bp.ReLU, bp.LeakyReLU, bp.Tanh, bp.Sigmoid, bp.Identity]


def away_from_kinks(X):
    """ReLU-type layers have a kink at 0: keep every entry at least 1e-3 from it."""
    return np.where(np.abs(X) < 1e-3, 1e-3, X)


@given(shapes, seeds, st.sampled_from(["he", "xavier", "normal"]))
def test_linear_gradients_match_numerical(shape, seed, init):
    N, D, H = shape
    rng = np.random.default_rng(seed)
    layer = bp.Linear(D, H, init=init, rng=rng)
    layer.params["b"][:] = rng.standard_normal(H)
    errors = bp.check_layer(layer, rng.standard_normal((N, D)), rng=seed)
    assert set(errors) == {"X", "W", "b"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
@given(shape=shapes, seed=seeds)
def test_activation_gradients_match_numerical(cls, shape, seed):
    N, D, _ = shape
    X = away_from_kinks(np.random.default_rng(seed).standard_normal((N, D)) * 2)
    errors = bp.check_layer(cls(), X, rng=seed)
    assert errors["X"] < 1e-7, errors


def test_linear_shapes_and_api_of_design():
    lin = bp.Linear(4, 3, init="he", rng=0)
    assert lin.params["W"].shape == (4, 3) and lin.params["b"].shape == (3,)
    out = lin.forward(np.ones((2, 4)))
    dX = lin.backward(np.ones((2, 3)))
    assert out.shape == (2, 3) and dX.shape == (2, 4)
    assert lin.grads["W"].shape == (4, 3) and lin.grads["b"].shape == (3,)


def test_linear_float32_stays_float32():
    lin = bp.Linear(4, 3, rng=0, dtype=np.float32)
    out = lin.forward(np.ones((2, 4), dtype=np.float32))
    lin.backward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32 and lin.grads["W"].dtype == np.float32


def test_same_seed_same_weights():
    a, b = bp.Linear(5, 4, rng=7), bp.Linear(5, 4, rng=7)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])


@pytest.mark.parametrize("x", [1e4, -1e4])
@pytest.mark.parametrize("cls", [bp.Sigmoid, bp.Tanh], ids=lambda c: c.__name__)
def test_saturating_activations_are_finite_at_extremes(cls, x):
    layer = cls()
    out = layer.forward(np.full((2, 3), x))
    dX = layer.backward(np.ones((2, 3)))
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dX))


def test_linear_forward_names_the_expected_shape():
    with pytest.raises(ValueError, match=r"X has shape \(32, 3\), expected \(N, 4\)"):
        bp.Linear(4, 3, rng=0).forward(np.zeros((32, 3)))


@pytest.mark.parametrize("cls", [lambda: bp.Linear(2, 2, rng=0), *ACTIVATIONS])
def test_backward_before_forward_is_a_runtime_error(cls):
    with pytest.raises(RuntimeError, match="before forward"):
        cls().backward(np.ones((1, 2)))


def test_backward_with_wrong_dout_shape():
    lin = bp.Linear(4, 3, rng=0)
    lin.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"dout has shape \(3, 2\), expected \(2, 3\)"):
        lin.backward(np.ones((3, 2)))


@pytest.mark.parametrize("args", [(0, 3), (4, 0), (4, -1), (2.5, 3), (True, 3)])
def test_linear_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="must be an int >= 1"):
        bp.Linear(*args)


def test_unknown_init_and_bad_leaky_alpha():
    with pytest.raises(ValueError, match=r"init must be one of .* got 'glorot'"):
        bp.Linear(2, 2, init="glorot")
    with pytest.raises(ValueError, match="alpha must be in"):
        bp.LeakyReLU(alpha=-0.1)


def test_one_rule_says_which_parameters_are_weights():
    """The playground's L2 used `name.endswith("W")`, the gradient-flow code `.W`; one rule now."""
    from bplab.labs.playground_data import WithL2
    from bplab.layers import is_weight

    assert [n for n in ("W", "0.W", "block.1.W", "b", "0.b", "gamma", "1.beta", "0.xW")
            if is_weight(n)] == ["W", "0.W", "block.1.W"]
    params = {"0.W": np.ones((2, 2)), "0.xW": np.ones(2), "0.b": np.ones(2)}
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    WithL2(bp.SGD(lr=1.0), l2=0.5).step(params, grads)
    assert params["0.W"][0, 0] == 0.5 and params["0.xW"][0] == 1.0 and params["0.b"][0] == 1.0
