"""Sequential and MLP: whole-network gradients, parameter naming, argument checks."""

import numpy as np
import pytest
from hypothesis import given
from strategies import hidden_widths, seeds

import bplab as bp
import bplab.layers


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "identity"])
@given(seed=seeds, hidden=hidden_widths)
def test_mlp_gradients_match_numerical(activation, seed, hidden):
    rng = np.random.default_rng(seed)
    net = bp.MLP([3, *hidden, 4], activation=activation, init="xavier", rng=rng)
    for name, p in net.params().items():  # nonzero biases: no pre-activation sits on ReLU's kink
        if name.endswith("b"):
            p[:] = rng.uniform(0.1, 0.5, p.shape) * rng.choice([-1, 1], p.shape)
    X, y = rng.standard_normal((5, 3)), rng.integers(0, 4, 5)
    errors = bp.check_model(net, X, y, loss="cross_entropy")
    assert max(errors.values()) < 1e-7, errors


def test_mse_network_input_gradient():
    rng = np.random.default_rng(0)
    net = bp.MLP([3, 5, 2], activation="tanh", rng=0)
    X, target = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    _, dpred = bp.mse_loss(net.forward(X), target)
    dX = net.backward(dpred)
    numeric = bp.numerical_gradient(lambda x: bp.mse_loss(net.forward(x), target)[0], X)
    assert bp.rel_error(dX, numeric) < 1e-7


def test_param_names_follow_layer_indices():
    net = bp.MLP([2, 16, 16, 2], activation="relu", init="he", rng=0)
    assert list(net.params()) == ["0.W", "0.b", "2.W", "2.b", "4.W", "4.b"]
    assert net.params().keys() == net.grads().keys()
    assert net.params()["2.W"].shape == (16, 16)
    assert net.num_params() == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert [name for name, _ in net.linear_layers()] == ["0", "2", "4"]
    assert repr(net) == "MLP([2, 16, 16, 2], activation='relu', init='he')"


def test_params_are_the_live_arrays():
    net = bp.MLP([2, 3, 2], rng=0)
    net.params()["0.W"][0, 0] = 42.0
    assert net.layers[0].params()["W"][0, 0] == 42.0


def test_predict_and_sequential_of_layers():
    seq = bp.Sequential(bp.Linear(2, 3, rng=0), bp.ReLU(), bp.Linear(3, 2, rng=1))
    assert seq.predict(np.zeros((4, 2))).shape == (4,)
    assert bp.Sequential([bp.Linear(2, 1, rng=0)]).predict(np.ones((3, 2))).dtype == np.int64


def test_same_seed_same_network():
    a, b = bp.MLP([4, 8, 3], rng=3), bp.MLP([4, 8, 3], rng=3)
    for k in a.params():
        np.testing.assert_array_equal(a.params()[k], b.params()[k])


@pytest.mark.parametrize("sizes, match", [
    ([], "at least"), ([4], "at least"), ([4, 0, 2], r"MLP: sizes\[1\] must be an int >= 1, got 0"),
    ([4, -3, 2], "got -3"), ([4, 2.5, 2], "got 2.5"),
])
def test_bad_sizes(sizes, match):
    with pytest.raises(ValueError, match=match):
        bp.MLP(sizes)


def test_unknown_names():
    with pytest.raises(ValueError, match=r"activation must be one of .* got 'relu6'"):
        bp.MLP([2, 2], activation="relu6")
    with pytest.raises(ValueError, match=r"init must be one of .* got 'uniform'"):
        bp.MLP([2, 2], init="uniform")
    with pytest.raises(TypeError, match="has no forward/backward"):
        bp.Sequential(bp.Linear(2, 2, rng=0), "relu")


def test_backward_before_forward():
    with pytest.raises(RuntimeError, match="before forward"):
        bp.MLP([2, 3, 2], rng=0).backward(np.ones((1, 2)))


# ---- issue 17 §5: API traps ----------------------------------------------------------------
@pytest.mark.parametrize("sizes", [5, 2.0, None, "2, 16, 1"])
def test_mlp_of_a_non_list_says_it_wants_a_list_of_sizes(sizes):
    with pytest.raises(TypeError, match=r"^MLP: sizes must be a list of layer sizes like "
                                        rf"\[2, 16, 1\] .*got {sizes!r}$"):
        bp.MLP(sizes)


def test_any_first_layer_that_takes_input_grad_skips_dx_not_only_linear():
    """Sequential asked isinstance(layer, Linear) before skipping the first layer's dX; now
    any layer whose backward takes input_grad= is asked, and one that does not is not."""
    calls = []

    class Scale(bp.layers.Layer):
        def forward(self, X):
            self.cache, self._out_shape = X, X.shape
            return 2 * X

        def backward(self, dout, input_grad=True):
            calls.append(input_grad)
            return 2 * dout if input_grad else None

    class Plain(Scale):
        def backward(self, dout):
            calls.append("plain")
            return 2 * dout

    X = np.ones((3, 2))
    for first, expected in ((Scale(), False), (Plain(), "plain")):
        net = bp.Sequential(first, bp.Linear(2, 2, rng=0))
        net.forward(X)
        calls.clear()
        dX = net.backward(np.ones((3, 2)), input_grad=False)
        assert calls == [expected]
        assert (dX is None) if expected is False else dX.shape == (3, 2)
