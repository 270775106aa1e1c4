"""Layers: small objects with ``forward`` and ``backward``.

Letters: N batch, D inputs, H hidden units, C classes. A ``Linear`` layer maps
``in_features`` to ``out_features`` columns: (N, D) -> (N, H) as the first layer,
(N, H) -> (N, C) as the last.

``forward(X)`` keeps what ``backward`` needs in ``self.cache``; ``backward(dout)`` takes
the upstream gradient dLoss/dout and returns dLoss/dX, filling ``grads()`` with the
gradients of the layer's parameters (same keys as ``params()``).

One way to reach parameters, on a layer, a block and a network alike: the methods
``params()`` and ``grads()`` return dicts {name: array}. A layer's are its own dicts, so
``layer.params()["W"]`` is the array the layer computes with, and an optimiser that
changes it in place changes the layer. ``named_arrays`` is the one check every consumer
(networks, ``fit``, ``train_step``, ``check_layer``, ``check_model``) reads them through.
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
    "ParamsView",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "check_named_arrays",
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


class ParamsView(dict):
    """A composite's params or grads: its parts' arrays named ``"<index>.<name>"``.

    The arrays are the parts' own, so changing one in place changes its layer
    (``net.params()["0.W"][...] = new``). Assigning a name would change only this dict,
    so it raises instead.
    """

    def __setitem__(self, name, value):
        raise TypeError(f"params()[{name!r}] = ...: a network's params() is a view of its "
                        f"layers' arrays; change the array in place (params()[{name!r}][...] = "
                        "new) or set it on its layer (net.layers[i].params()['W'] = new)")

    __delitem__ = __setitem__


def composite(parts, attribute: str, where: str = "Sequential") -> ParamsView:
    """``params()`` or ``grads()`` (``attribute``) of ``parts``, a list of layers or blocks,
    as one view named ``"<index>.<name>"``: the one way a network or block names them.
    ``where`` (the network's class) starts the error message of a part that breaks the
    protocol."""
    return ParamsView({f"{i}.{name}": array for i, part in enumerate(parts)
                       for name, array in named_arrays(part, attribute,
                                                       where=f"{where} layer {i}").items()})


def named_arrays(component, attribute: str = "params", where: str = "bplab") -> dict:
    """``component.params()`` or ``component.grads()`` (``attribute``), checked.

    The one protocol: a layer, block or network has methods ``params()`` and ``grads()``
    returning {name: array}. Anything else (a plain dict, a missing attribute, a method
    returning a list) raises a TypeError saying what to write; ``where`` names the caller.
    """
    method = getattr(component, attribute, None)
    owner = type(component).__name__
    if not callable(method):
        got = "nothing" if method is None else f"a {type(method).__name__}"
        raise TypeError(f"{where}: {owner}.{attribute} must be a method returning "
                        f"{{name: array}}, like bp.Linear's; got {got}. Write "
                        f"`def {attribute}(self): return {{...}}`, or subclass "
                        f"bp.layers.Layer and fill self.{attribute}()[name]")
    return check_named_arrays(method(), f"{owner}.{attribute}()", where)


def check_named_arrays(arrays, what: str, where: str) -> dict:
    """``arrays`` if it is a dict {name: array}, else a TypeError naming ``what`` (e.g.
    "params") and ``where`` (the caller); a method passed uncalled gets told to call it."""
    if isinstance(arrays, dict):
        return arrays
    got = ("a method, not called (write net.params() and net.grads())" if callable(arrays)
           else type(arrays).__name__)
    raise TypeError(f"{where}: {what} must be a dict {{name: array}}, got {got}")


class Layer:
    """Base class: no parameters; subclasses define ``forward`` and ``backward``.

    ``params()`` and ``grads()`` return the layer's own dicts {name: array}, the same dict
    every call: a subclass adds a parameter with ``self.params()["a"] = array`` (and its
    gradient with ``self.grads()["a"] = ...``) and reads it back the same way.
    """

    def __init__(self):
        self._params: dict[str, np.ndarray] = {}
        self._grads: dict[str, np.ndarray] = {}
        self.cache = None

    def params(self) -> dict[str, np.ndarray]:
        """The parameter arrays by name (the layer's own arrays, not copies)."""
        return self._params

    def grads(self) -> dict[str, np.ndarray]:
        """The gradients from the last backward, with the same names as ``params()``."""
        return self._grads

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

    ``params()`` is {"W": ndarray of shape (in_features, out_features), "b": (out_features,)};
    ``grads()`` has the same keys and shapes, filled by ``backward``.
    """

    def __init__(self, in_features: int, out_features: int, init="he", rng=0,
                 dtype=np.float64):
        super().__init__()
        self.in_features = check_int(in_features, "in_features", where="Linear")
        self.out_features = check_int(out_features, "out_features", where="Linear")
        W = get_initializer(init)((self.in_features, self.out_features), as_rng(rng), dtype=dtype)
        self._params = {"W": W, "b": np.zeros(self.out_features, dtype=dtype)}
        self._grads = {"W": np.zeros_like(W), "b": np.zeros(self.out_features, dtype=dtype)}

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, in_features) -> out : (N, out_features)."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.in_features:
            raise ValueError(f"Linear.forward: X has shape {X.shape}, "
                             f"expected (N, {self.in_features})")
        self.cache = X
        self._out_shape = (X.shape[0], self.out_features)
        out = X @ self._params["W"]
        out += self._params["b"]  # in place: one array, not two
        return out

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """dout : (N, out_features) -> dX : (N, in_features); fills grads W and b.

        ``input_grad=False`` skips dX (the first layer of a network needs none).
        """
        X = self._cached(dout)
        self._grads["W"] = X.T @ dout          # dL/dW = X^T dout, shape (in, out)
        self._grads["b"] = dout.sum(axis=0)     # dL/db = sum over the batch, shape (out,)
        return dout @ self._params["W"].T if input_grad else None  # dL/dX, shape (N, in)

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
