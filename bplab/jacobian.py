"""Jacobians, and the two ways to multiply by them: reverse mode (VJP) and forward mode (JVP).

Letters: N batch, D inputs, C outputs.

A layer's ``backward(dout)`` is a vector-Jacobian product: it returns dout^T J without ever
building J. ``jvp`` is the other product, J v, pushed forward through the layers.
Reverse mode needs one backward pass per *output* to build a whole Jacobian; forward mode
one pass per *input*. A loss has one output, so reverse mode (backprop) wins.

    net = MLP([3, 8, 2], activation="tanh", rng=0)
    J_rev, passes_rev = jacobian_reverse(net, x)     # (2, 3) in 2 backward passes
    J_fwd, passes_fwd = jacobian_forward(net, x)     # (2, 3) in 3 forward-mode passes
"""

from __future__ import annotations

import numpy as np

from .layers import Elementwise, Linear

__all__ = ["jacobian_forward", "jacobian_reverse", "jvp", "layer_jacobian"]


def layer_jacobian(layer, X: np.ndarray) -> np.ndarray:
    """The full Jacobian d out / d X of a layer at X, built one row per output entry.

    Row k is backward(e_k): the vector-Jacobian product with the k-th unit vector.

    Parameters
    ----------
    layer : object with forward and backward (a layer, block or network)
    X : ndarray of shape (N, D)

    Returns
    -------
    J : ndarray of shape (out.size, X.size), out = layer.forward(X) flattened row by row
    """
    X = np.asarray(X, dtype=np.float64)
    out = layer.forward(X)
    J = np.empty((out.size, X.size))
    for k in range(out.size):
        unit = np.zeros(out.size)
        unit[k] = 1.0
        J[k] = np.reshape(layer.backward(unit.reshape(out.shape)), -1)
    return J


def jvp(model, tangent: np.ndarray) -> np.ndarray:
    """Forward mode: J v for the input tangent v, through the layers of the last forward pass.

    Linear: v -> v W; elementwise activation: v -> f'(X) * v. Call ``model.forward(X)``
    first; the tangent has X's shape (N, D) and the result the output's (N, C).
    """
    for layer in getattr(model, "layers", [model]):
        if isinstance(layer, Linear):
            if layer.cache is None:
                raise RuntimeError("jvp: run model.forward(X) first, then jvp(model, tangent)")
            tangent = tangent @ layer.params()["W"]             # d(X W + b) = dX W
        elif isinstance(layer, Elementwise):
            X, out = layer.cache
            tangent = layer.local_grad(X, out) * tangent      # d f(X) = f'(X) dX
        else:
            raise TypeError(f"jvp: {type(layer).__name__} has no forward-mode rule here; "
                            "expected Linear or an elementwise activation")
    return tangent


def _as_row(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(f"expected one example, x of shape (D,) or (1, D), got {x.shape}")
    return x


def jacobian_reverse(model, x: np.ndarray) -> tuple[np.ndarray, int]:
    """d model(x) / dx by reverse mode: one forward pass, then one backward pass per output.

    x : (D,) or (1, D). Returns J of shape (C, D) and the number of backward passes, C.
    """
    x = _as_row(x)
    out = model.forward(x)
    C = out.shape[1]
    J = np.empty((C, x.shape[1]))
    for c in range(C):
        dout = np.zeros((1, C))
        dout[0, c] = 1.0
        J[c] = model.backward(dout)[0]
    return J, C


def jacobian_forward(model, x: np.ndarray) -> tuple[np.ndarray, int]:
    """d model(x) / dx by forward mode: one forward pass, then one JVP per input.

    x : (D,) or (1, D). Returns J of shape (C, D) and the number of forward-mode passes, D.
    """
    x = _as_row(x)
    model.forward(x)
    D = x.shape[1]
    columns = []
    for i in range(D):
        tangent = np.zeros((1, D))
        tangent[0, i] = 1.0
        columns.append(jvp(model, tangent)[0])
    return np.stack(columns, axis=1), D
