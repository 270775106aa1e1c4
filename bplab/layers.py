"""Layers: small objects with ``forward`` and ``backward``.

Letters: N batch, D inputs, H hidden units, C classes. A ``Linear`` layer maps
``in_features`` to ``out_features`` columns: (N, D) -> (N, H) as the first layer,
(N, H) -> (N, C) as the last.

``forward(X)`` keeps what ``backward`` needs in ``self.cache``; ``backward(dout)`` takes
the upstream gradient dLoss/dout and returns dLoss/dX, filling ``grads()`` with the
gradients of the layer's parameters (same keys as ``params()``).

One way to reach parameters, on a layer as on a network: ``params()`` and ``grads()``
return dicts of arrays by name. A layer's ``params`` is that dict itself, made callable,
so ``layer.params["W"]`` keeps working in older notebooks.
"""

from __future__ import annotations

import numpy as np

from ._rng import as_rng
from .init import get_initializer
from .validation import check_choice, check_int, check_real

__all__ = [
    "ACTIVATIONS",
    "Elementwise",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Linear",
    "Params",
    "ParamsView",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "composite",
    "get_activation",
    "is_weight",
    "named_arrays",
    "sigmoid",
]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-x), elementwise, with no overflow for |x| = 1e4. Any shape.

    The package's one stable sigmoid: the layer, binary cross-entropy and
    ``Value.sigmoid`` all call it.
    """
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def is_weight(name: str) -> bool:
    """A weight matrix's parameter name: ``"W"`` in a layer, ``"<layer>.W"`` in a network
    (``"0.W"``, ``"block.1.W"``). Biases and normalisation's gamma/beta are not weights: weight
    decay, L2 penalties and the gradient-flow plots use this one rule."""
    return name == "W" or name.endswith(".W")


class Params(dict):
    """A dict of arrays by name that also answers a call: ``layer.params()`` is itself.

    So a layer is read like a network (``net.params()``), and ``layer.params["W"]``, as
    older notebooks write it, still works.
    """

    def __call__(self) -> Params:
        return self


class ParamsView(Params):
    """A composite's params or grads: its parts' arrays named ``"<index>.<name>"``.

    Call it or index it as any Params (``net.params()["0.W"]``, ``net.params["0.W"]``); the
    arrays are the layers' own, so changing one in place changes the layer. Assigning a name
    would change only this view, so it raises instead.
    """

    def __setitem__(self, name, value):
        raise TypeError(f"params[{name!r}] = ...: a network's params are a view of its layers' "
                        f"arrays; change the array in place (params[{name!r}][...] = new) or "
                        "set it on its layer (net.layers[i].params['W'] = new)")

    __delitem__ = __setitem__


def composite(parts, attribute: str) -> ParamsView:
    """The ``params`` or ``grads`` (``attribute``) of ``parts``, a list of layers or blocks,
    as one view named ``"<index>.<name>"``: the one way a network or block names them."""
    return ParamsView({f"{i}.{name}": array for i, part in enumerate(parts)
                       for name, array in named_arrays(getattr(part, attribute)).items()})


def named_arrays(attribute) -> dict:
    """``layer.params`` or ``layer.grads`` as a dict: a Params (bplab's layers, blocks and
    networks) or, for a learner's own layer class, a plain dict or a method returning one."""
    return attribute() if callable(attribute) else attribute


class Layer:
    """Base class: no parameters; subclasses define ``forward`` and ``backward``.

    Attributes
    ----------
    params, grads : Params (a callable dict) of name -> ndarray
        ``layer.params()`` and ``layer.params["W"]`` give the same arrays.
    """

    def __init__(self):
        self.params: Params = Params()
        self.grads: Params = Params()
        self.cache = None

    def _cached(self, dout: np.ndarray):
        """The forward cache, after checking that forward ran and dout has out's shape."""
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward: "
                               "run forward(X) first, then backward(dout)")
        out_shape = self._out_shape
        if np.shape(dout) != out_shape:
            raise ValueError(f"{type(self).__name__}.backward: dout has shape {np.shape(dout)}, "
                             f"expected {out_shape} (the shape forward returned)")
        return self.cache

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Layer):
    """Fully connected layer: out = X @ W + b.

    Parameters
    ----------
    in_features : int
        Columns in: D for the first layer, H for a later one.
    out_features : int
        Columns out: H for a hidden layer, C for the output layer.
    init : str or callable, default "he"
        One of ``bp.init.INITIALIZERS`` for W; b starts at zero.
    rng : int or numpy.random.Generator, default 0
        Seed of W (every ``rng`` in bplab defaults to 0: the same numbers every run).
    dtype : numpy dtype, default float64

    Attributes
    ----------
    params : {"W": ndarray of shape (in_features, out_features), "b": (out_features,)}
    grads : same keys and shapes, filled by ``backward``.
    """

    def __init__(self, in_features: int, out_features: int, init="he", rng=0,
                 dtype=np.float64):
        super().__init__()
        self.in_features = check_int(in_features, "in_features", where="Linear")
        self.out_features = check_int(out_features, "out_features", where="Linear")
        W = get_initializer(init)((self.in_features, self.out_features), as_rng(rng), dtype=dtype)
        self.params = Params(W=W, b=np.zeros(self.out_features, dtype=dtype))
        self.grads = Params(W=np.zeros_like(W), b=np.zeros(self.out_features, dtype=dtype))

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, in_features) -> out : (N, out_features)."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.in_features:
            raise ValueError(f"Linear.forward: X has shape {X.shape}, "
                             f"expected (N, {self.in_features})")
        self.cache = X
        self._out_shape = (X.shape[0], self.out_features)
        out = X @ self.params["W"]
        out += self.params["b"]  # in place: one array, not two
        return out

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """dout : (N, out_features) -> dX : (N, in_features); fills grads W and b.

        ``input_grad=False`` skips dX (the first layer of a network needs none).
        """
        X = self._cached(dout)
        self.grads["W"] = X.T @ dout          # dL/dW = X^T dout, shape (in, out)
        self.grads["b"] = dout.sum(axis=0)     # dL/db = sum over the batch, shape (out,)
        return dout @ self.params["W"].T if input_grad else None  # dL/dX, shape (N, in)

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


class Elementwise(Layer):
    """An activation out = f(X) applied elementwise; X and out have the same shape.

    The extension point for a new activation: subclass it and define ``f(X)`` and
    ``local_grad(X, out)`` (f'(X), from the input or the output, whichever is cheaper);
    forward, backward, the shape checks and the Jacobian-vector product come with it."""

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.dtype.kind != "f":
            X = X.astype(np.float64)
        out = self.f(X)
        self.cache = (X, out)
        self._out_shape = X.shape
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout : same shape as X -> dX = f'(X) * dout."""
        X, out = self._cached(dout)
        return self.local_grad(X, out) * dout


class ReLU(Elementwise):
    """max(0, x); derivative 1 where x > 0, else 0."""

    def f(self, X):
        return np.maximum(X, 0)

    def local_grad(self, X, out):
        return X > 0  # a boolean mask: multiplying by it keeps dout's dtype


class LeakyReLU(Elementwise):
    """x where x > 0, else alpha * x; derivative 1 or alpha."""

    def __init__(self, alpha: float = 0.01):
        super().__init__()
        self.alpha = check_real(alpha, "alpha", low=0, high=1, high_open=True,
                                where="LeakyReLU")

    def f(self, X):
        return np.where(X > 0, X, self.alpha * X)

    def local_grad(self, X, out):
        return np.where(X > 0, 1.0, self.alpha).astype(X.dtype)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Tanh(Elementwise):
    """tanh(x); derivative 1 - tanh(x)**2. Stable for |x| = 1e4."""

    def f(self, X):
        return np.tanh(X)

    def local_grad(self, X, out):
        return 1.0 - out * out


class Sigmoid(Elementwise):
    """1 / (1 + e**-x); derivative s * (1 - s). Stable for |x| = 1e4."""

    def f(self, X):
        return sigmoid(X).astype(X.dtype, copy=False)

    def local_grad(self, X, out):
        return out * (1.0 - out)


class Identity(Elementwise):
    """x; derivative 1."""

    def f(self, X):
        return X

    def local_grad(self, X, out):
        return np.ones_like(X)


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "sigmoid": Sigmoid,
               "identity": Identity}


def get_activation(name: str) -> Layer:
    """A new activation layer by name: one of ``ACTIVATIONS``."""
    return ACTIVATIONS[check_choice(name, "activation", ACTIVATIONS)]()
