"""Gradient checking finds real bugs and passes correct code."""

import numpy as np
import pytest

import bplab as bp


def test_numerical_gradient_of_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = bp.numerical_gradient(lambda a: float(np.sum(a**3)), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored


def test_rel_error_is_scale_aware():
    assert bp.rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert bp.rel_error(np.array([1.0]), np.array([-1.0])) == 1.0
    with pytest.raises(ValueError, match="shapes differ"):
        bp.rel_error(np.zeros(2), np.zeros(3))


class TransposedLinear(bp.Linear):
    """A classic bug: dW computed as dout^T X (the transpose of the right answer)."""

    def backward(self, dout, input_grad=True):
        dX = super().backward(dout, input_grad)
        self.grads()["W"] = (dout.T @ self.cache).T * 1.01
        return dX


class ForgotBatchSum(bp.Linear):
    def backward(self, dout, input_grad=True):
        dX = super().backward(dout, input_grad)
        self.grads()["b"] = dout.mean(axis=0)
        return dX


@pytest.mark.parametrize("cls, bad", [(TransposedLinear, "W"), (ForgotBatchSum, "b")])
def test_check_layer_catches_bugs(cls, bad):
    X = np.random.default_rng(0).standard_normal((5, 4))
    errors = bp.check_layer(cls(4, 3, rng=0), X)
    assert errors[bad] > 1e-3 and errors["X"] < 1e-7


def test_numerical_gradient_rejects_int_arrays():
    with pytest.raises(TypeError, match="float ndarray"):
        bp.numerical_gradient(lambda a: 0.0, np.array([1, 2]))


def test_check_model_tells_a_plain_dict_model_what_to_write():
    class DictParamsNet:
        def __init__(self):
            self.params, self.grads = {"W": np.ones((2, 2))}, {"W": np.zeros((2, 2))}

        def forward(self, X):
            return X @ self.params["W"]

        def backward(self, dout):
            return dout

    X, y = np.ones((3, 2)), np.array([0, 1, 0])
    with pytest.raises(TypeError, match=r"^check_model: DictParamsNet.params must be a method "
                                        r"returning \{name: array\}, like bp.Linear's; got a dict"):
        bp.check_model(DictParamsNet(), X, y)
