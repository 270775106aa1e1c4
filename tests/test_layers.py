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
    layer.params()["b"][:] = rng.standard_normal(H)
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
    assert lin.params()["W"].shape == (4, 3) and lin.params()["b"].shape == (3,)
    out = lin.forward(np.ones((2, 4)))
    dX = lin.backward(np.ones((2, 3)))
    assert out.shape == (2, 3) and dX.shape == (2, 4)
    assert lin.grads()["W"].shape == (4, 3) and lin.grads()["b"].shape == (3,)


def test_linear_float32_stays_float32():
    lin = bp.Linear(4, 3, rng=0, dtype=np.float32)
    out = lin.forward(np.ones((2, 4), dtype=np.float32))
    lin.backward(np.ones((2, 3), dtype=np.float32))
    assert out.dtype == np.float32 and lin.grads()["W"].dtype == np.float32


def test_same_seed_same_weights():
    a, b = bp.Linear(5, 4, rng=7), bp.Linear(5, 4, rng=7)
    np.testing.assert_array_equal(a.params()["W"], b.params()["W"])


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


# ---- one params protocol: the methods params() and grads() ---------------------------------
class DictScale:
    """A learner's layer from before the protocol: params and grads are plain dicts."""

    def __init__(self):
        self.params, self.grads = {"s": np.ones(2)}, {"s": np.zeros(2)}

    def forward(self, X):
        self.X = X
        return X * self.params["s"]

    def backward(self, dout):
        self.grads["s"] = (dout * self.X).sum(axis=0)
        return dout * self.params["s"]


class MethodScale(bp.layers.Layer):
    """The same layer on the protocol: a Layer subclass fills its own params() dict."""

    def __init__(self):
        super().__init__()
        self.params()["s"], self.grads()["s"] = np.ones(2), np.zeros(2)

    def forward(self, X):
        self.cache = X
        self._out_shape = X.shape
        return X * self.params()["s"]

    def backward(self, dout):
        X = self._cached(dout)
        self.grads()["s"] = (dout * X).sum(axis=0)
        return dout * self.params()["s"]


@pytest.mark.parametrize("make", [lambda: bp.Linear(2, 3, rng=0), lambda: bp.blocks.LayerNorm(3),
                                  lambda: bp.MLP([2, 3, 2], rng=0), MethodScale,
                                  lambda: bp.blocks.Residual(bp.Linear(2, 2, rng=0), bp.Tanh())])
def test_layers_blocks_and_networks_all_answer_params_and_grads_methods(make):
    thing = make()
    params, grads = thing.params(), thing.grads()
    assert type(params).__mro__[-2:] == (dict, object) and params.keys() == grads.keys()
    assert all(params[name].shape == grads[name].shape for name in params)
    with pytest.raises(TypeError):  # no second, indexed form
        thing.params["W"]


def test_a_layers_params_are_its_live_arrays_so_optimisers_update_it():
    lin = bp.Linear(2, 3, rng=0)
    W = lin.params()["W"]
    lin.forward(np.ones((4, 2)))
    lin.backward(np.ones((4, 3)))
    bp.SGD(lr=0.1).step(lin.params(), lin.grads())
    assert lin.params()["W"] is W and lin.params() is lin.params()
    np.testing.assert_allclose(W, bp.Linear(2, 3, rng=0).params()["W"] - 0.1 * 4)
    np.testing.assert_allclose(lin.forward(np.ones((1, 2)))[0], W.sum(axis=0) + lin.params()["b"])


def test_a_network_names_its_layers_arrays_and_refuses_assignment():
    lin = bp.Linear(3, 2, rng=0)
    net = bp.Sequential(lin, bp.ReLU(), MethodScale())
    assert net.params()["0.W"] is lin.params()["W"]
    assert set(net.grads()) == {"0.W", "0.b", "2.s"}
    with pytest.raises(TypeError, match="in place"):
        net.params()["0.W"] = np.zeros((3, 2))


def test_check_layer_passes_a_network_a_block_and_a_layer_norm():
    X = np.random.default_rng(0).normal(size=(4, 2))
    block = bp.blocks.Residual(bp.Sequential(bp.Linear(2, 2, rng=0), bp.Tanh()))
    assert sorted(block.params()) == ["0.0.W", "0.0.b"]
    for thing in (bp.MLP([2, 3, 2], rng=0), block, bp.blocks.LayerNorm(2), MethodScale()):
        assert max(bp.check_layer(thing, X).values()) < 1e-7


def test_a_plain_dict_layer_in_a_network_is_told_what_to_write():
    net = bp.Sequential(bp.Linear(2, 2, rng=0), DictScale())
    with pytest.raises(TypeError, match=r"Sequential layer 1: DictScale.params must be a method "
                                        r"returning \{name: array\}.*got a dict"):
        net.params()


def test_check_layer_tells_a_plain_dict_layer_what_to_write():
    with pytest.raises(TypeError, match=r"check_layer: DictScale.params must be a method.*dict"):
        bp.check_layer(DictScale(), np.ones((3, 2)))


def test_named_arrays_rejects_a_method_that_returns_no_dict():
    class ListGrads:
        def params(self):
            return {"s": np.ones(2)}

        def grads(self):
            return [np.zeros(2)]

    assert set(bp.layers.named_arrays(ListGrads(), "params", where="fit")) == {"s"}
    with pytest.raises(TypeError, match=r"fit: ListGrads.grads\(\) must be a dict .*got list"):
        bp.layers.named_arrays(ListGrads(), "grads", where="fit")
