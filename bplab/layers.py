"""Layers: small objects with ``forward`` and ``backward``.

Letters: N batch, D inputs, H outputs of a layer.

``forward(X)`` keeps what ``backward`` needs in ``self.cache``; ``backward(dout)`` takes
the upstream gradient dLoss/dout and returns dLoss/dX, filling ``self.grads`` with the
gradients of the layer's parameters (same keys as ``self.params``).
"""

from __future__ import annotations

import numpy as np

from ._rng import as_rng
from .init import get_initializer

__all__ = [
    "ACTIVATIONS",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "get_activation",
    "sigmoid",
]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-x), elementwise, with no overflow for |x| = 1e4. Any shape."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Layer:
    """Base class: no parameters; subclasses define ``forward`` and ``backward``."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
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
        D, the number of inputs.
    out_features : int
        H, the number of outputs.
    init : str or callable, default "he"
        One of ``bp.init.INITIALIZERS`` for W; b starts at zero.
    rng : int or numpy.random.Generator, optional
    dtype : numpy dtype, default float64

    Attributes
    ----------
    params : {"W": ndarray of shape (D, H), "b": ndarray of shape (H,)}
    grads : same keys and shapes, filled by ``backward``.
    """

    def __init__(self, in_features: int, out_features: int, init="he", rng=None,
                 dtype=np.float64):
        super().__init__()
        for name, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
                raise ValueError(f"Linear: {name} must be an int >= 1, got {n!r}")
        self.in_features, self.out_features = int(in_features), int(out_features)
        W = get_initializer(init)((self.in_features, self.out_features), as_rng(rng), dtype=dtype)
        self.params = {"W": W, "b": np.zeros(self.out_features, dtype=dtype)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(self.out_features, dtype=dtype)}

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> out : (N, H)."""
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
        """dout : (N, H) -> dX : (N, D); fills grads["W"] (D, H) and grads["b"] (H,).

        ``input_grad=False`` skips dX (the first layer of a network needs none).
        """
        X = self._cached(dout)
        self.grads["W"] = X.T @ dout          # dL/dW = X^T dout, shape (D, H)
        self.grads["b"] = dout.sum(axis=0)     # dL/db = sum over the batch, shape (H,)
        return dout @ self.params["W"].T if input_grad else None  # dL/dX, shape (N, D)

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


class _Elementwise(Layer):
    """An activation out = f(X) applied elementwise; X and out have any shape (N, H)."""

    def forward(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.dtype.kind != "f":
            X = X.astype(np.float64)
        out = self._f(X)
        self.cache = (X, out)
        self._out_shape = X.shape
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout : same shape as X -> dX = f'(X) * dout."""
        X, out = self._cached(dout)
        return self._local_grad(X, out) * dout


class ReLU(_Elementwise):
    """max(0, x); derivative 1 where x > 0, else 0."""

    def _f(self, X):
        return np.maximum(X, 0)

    def _local_grad(self, X, out):
        return X > 0  # a boolean mask: multiplying by it keeps dout's dtype


class LeakyReLU(_Elementwise):
    """x where x > 0, else alpha * x; derivative 1 or alpha."""

    def __init__(self, alpha: float = 0.01):
        super().__init__()
        if not 0 <= alpha < 1:
            raise ValueError(f"LeakyReLU: alpha must be in [0, 1), got {alpha}")
        self.alpha = alpha

    def _f(self, X):
        return np.where(X > 0, X, self.alpha * X)

    def _local_grad(self, X, out):
        return np.where(X > 0, 1.0, self.alpha).astype(X.dtype)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Tanh(_Elementwise):
    """tanh(x); derivative 1 - tanh(x)**2. Stable for |x| = 1e4."""

    def _f(self, X):
        return np.tanh(X)

    def _local_grad(self, X, out):
        return 1.0 - out * out


class Sigmoid(_Elementwise):
    """1 / (1 + e**-x); derivative s * (1 - s). Stable for |x| = 1e4."""

    def _f(self, X):
        return sigmoid(X).astype(X.dtype, copy=False)

    def _local_grad(self, X, out):
        return out * (1.0 - out)


class Identity(_Elementwise):
    """x; derivative 1."""

    def _f(self, X):
        return X

    def _local_grad(self, X, out):
        return np.ones_like(X)


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "sigmoid": Sigmoid,
               "identity": Identity}


def get_activation(name: str) -> Layer:
    """A new activation layer by name: one of ``ACTIVATIONS``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]()
