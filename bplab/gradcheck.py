"""Gradient checking: compare backprop's gradients with central differences.

Letters: N batch, D inputs, H hidden units, C classes (a layer maps in_features to out_features).

A relative error below 1e-7 (float64) means the analytic gradient is right; around 1e-2
or larger means a bug. Kinks (ReLU at 0) can give an occasional larger error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._rng import as_rng
from .layers import named_arrays
from .losses import get_loss
from .nn import forward_backward

__all__ = ["check_layer", "check_model", "numerical_gradient", "rel_error"]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of a scalar function at x.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h), error O(h**2).

    Parameters
    ----------
    f : callable taking x (any shape) and returning a float
        It may read x in place: x is changed one entry at a time and restored.
    x : float ndarray of any shape
    h : float, default 1e-5

    Returns
    -------
    grad : ndarray of the shape of x

    Examples
    --------
    >>> numerical_gradient(lambda x: float(np.sum(x ** 2)), np.array([1.0, -2.0]))
    array([ 2., -4.])
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("numerical_gradient: x must be a float ndarray (it is perturbed "
                        f"in place), got {type(x).__name__} "
                        f"{getattr(x, 'dtype', '')}".rstrip())
    if not h > 0:
        raise ValueError(f"numerical_gradient: h must be > 0, got {h!r}")
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient: x must be contiguous so it can be perturbed in place")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Relative error of two arrays of the same shape: max|a - b| / (max|a| + max|b|).

    Measured against the arrays' scale, not entry by entry, so a gradient entry that is
    tiny next to the others does not turn round-off into a large error. 0 when both are 0.

    Examples
    --------
    >>> rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.000001]))  # doctest: +ELLIPSIS
    2.4999...e-07
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    scale = np.max(np.abs(a)) + np.max(np.abs(b))
    diff = np.max(np.abs(a - b))
    return 0.0 if diff == 0 else float(diff / max(scale, 1e-12))


def check_layer(layer, X: np.ndarray, rng=0, h: float = 1e-5) -> dict[str, float]:
    """Relative error of a layer's backward against central differences.

    Uses the scalar f = sum(forward(X) * dout) for a random dout, so df/dout = dout.

    Parameters
    ----------
    layer : a layer, block or network: forward, backward, and the methods params() and
        grads() returning {name: array}
    X : float64 ndarray of shape (N, D)

    Returns
    -------
    errors : dict
        {"X": error of dX, "W": error of dW, ...} for the input and every parameter.
    """
    params = named_arrays(layer, "params", where="check_layer")
    X = np.array(X, dtype=np.float64)
    dout = as_rng(rng).standard_normal(np.shape(layer.forward(X)))

    def f(_):
        return float(np.sum(layer.forward(X) * dout))

    layer.forward(X)
    dX = layer.backward(dout)
    grads = named_arrays(layer, "grads", where="check_layer")
    analytic = {"X": dX, **{k: np.array(g) for k, g in grads.items()}}
    numeric = {"X": numerical_gradient(f, X, h)}
    for name, p in params.items():
        numeric[name] = numerical_gradient(f, p, h)
    return {name: rel_error(analytic[name], numeric[name]) for name in numeric}


def check_model(model, X: np.ndarray, y: np.ndarray, loss="cross_entropy",
                h: float = 1e-5) -> dict[str, float]:
    """Relative error of every parameter's gradient of loss(model(X), y).

    X : (N, D), y : (N,) labels (or targets for "mse"). Returns {"0.W": err, "0.b": err, ...}.
    """
    loss_fn = get_loss(loss)
    params = named_arrays(model, "params", where="check_model")

    def f(_):
        return loss_fn(model.forward(X), y)[0]

    forward_backward(model, X, y, loss_fn)
    grads = named_arrays(model, "grads", where="check_model")
    analytic = {k: np.array(g) for k, g in grads.items()}
    return {name: rel_error(analytic[name], numerical_gradient(f, p, h))
            for name, p in params.items()}
