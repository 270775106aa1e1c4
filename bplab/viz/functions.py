"""Plots of functions and their derivatives: tangents, finite-difference errors,
activations and their slopes, a logistic boundary, gradient-check errors, cost scaling.

Letters: N points, D inputs, P parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..layers import get_activation, sigmoid
from ._common import FAIL_COLOR, PASS_COLOR, _check_callable, _new_axes, series_style

__all__ = [
    "difference_errors",
    "loglog_slope",
    "plot_activations",
    "plot_cost_scaling",
    "plot_difference_errors",
    "plot_gradient_check",
    "plot_logistic_boundary",
    "plot_tangent",
]

PLOTTED_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _activation_curve(name: str, xs: np.ndarray, derivative: bool) -> np.ndarray:
    """f(xs) or f'(xs) from bplab's own activation layer: the plot shows what the net does."""
    layer = get_activation(name)
    out = layer.forward(xs[None, :])
    return (layer.backward(np.ones_like(out)) if derivative else out)[0]


def plot_tangent(f: Callable, x0: float, dfdx: float, xlim=(-2.0, 2.0), ax=None):
    """f on xlim with its tangent line at x0: the derivative as the slope of the tangent.

    Parameters
    ----------
    f : callable mapping an ndarray of shape (N,) to shape (N,)
    x0 : float
        The point where the tangent touches.
    dfdx : float
        The slope f'(x0) (computed by the caller, e.g. numerically).
    xlim : (float, float)
    ax : matplotlib Axes, optional
    """
    _check_callable("plot_tangent: f", f)
    ax = _new_axes(ax, (6, 4))
    xs = np.linspace(xlim[0], xlim[1], 200)
    y0 = float(f(np.array([x0]))[0])
    ax.plot(xs, f(xs), label="f(x)")
    ax.plot(xs, y0 + dfdx * (xs - x0), "--", label=f"tangent, slope f'({x0:g}) = {dfdx:.3g}")
    ax.plot([x0], [y0], "ko")
    ax.set(xlabel="x", ylabel="f(x)", xlim=xlim, title="The derivative is the slope at a point")
    ax.legend()
    return ax


def difference_errors(f: Callable, dfdx: float, x: float,
                      hs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute errors of the forward and central difference quotients at x for each h.

    Parameters
    ----------
    f : callable float -> float
    dfdx : float
        The exact derivative f'(x).
    x : float
    hs : ndarray of shape (K,)
        Step sizes, all > 0.

    Returns
    -------
    forward_err, central_err : ndarrays of shape (K,)
        |(f(x+h) - f(x))/h - f'(x)| and |(f(x+h) - f(x-h))/(2h) - f'(x)|.
    """
    _check_callable("difference_errors: f", f)
    hs = np.asarray(hs, dtype=np.float64)
    if hs.ndim != 1 or hs.size == 0 or np.any(hs <= 0):
        raise ValueError(f"difference_errors: hs must be a 1-D array of steps > 0, got {hs!r}")
    fx = f(x)
    forward = np.array([(f(x + h) - fx) / h for h in hs])
    central = np.array([(f(x + h) - f(x - h)) / (2 * h) for h in hs])
    return np.abs(forward - dfdx), np.abs(central - dfdx)


def plot_difference_errors(f: Callable, dfdx: float, x: float, hs=None, ax=None):
    """Error of forward and central differences against the step size h, on log-log axes.

    The U-shape: on the right the truncation error (slope 1 for forward, 2 for central)
    shrinks with h; on the left round-off (~ machine epsilon / h) grows as h shrinks.

    Parameters
    ----------
    f : callable float -> float
    dfdx : float
        The exact derivative f'(x).
    x : float
    hs : ndarray of shape (K,), default 10**-16 ... 10**0
    ax : matplotlib Axes, optional
    """
    hs = np.logspace(-16, 0, 65) if hs is None else np.asarray(hs, dtype=np.float64)
    fwd, ctr = difference_errors(f, dfdx, x, hs)
    floor = 1e-18  # an exact 0 cannot be drawn on a log axis
    ax = _new_axes(ax, (6, 4))
    ax.loglog(hs, np.maximum(fwd, floor), "o-", ms=3, label="forward (f(x+h) - f(x)) / h")
    ax.loglog(hs, np.maximum(ctr, floor), "s-", ms=3, label="central (f(x+h) - f(x-h)) / 2h")
    ax.loglog(hs, hs, ":", color="gray", label="slope 1 (error ~ h)")
    ax.loglog(hs, hs ** 2, "--", color="gray", label="slope 2 (error ~ h²)")
    ax.set(xlabel="step size h", ylabel="|error|", ylim=(1e-17, 10),
           title="Truncation error (right) vs round-off error (left)")
    ax.legend(fontsize=8)
    return ax


def plot_activations(names: Sequence[str] = ("sigmoid", "tanh", "relu"),
                     derivative: bool = False, xlim=(-4.0, 4.0), ax=None):
    """Activation functions, or their derivatives, on one Axes.

    Parameters
    ----------
    names : sequence of str
        Any of "sigmoid", "tanh", "relu".
    derivative : bool, default False
        Plot f'(x) instead of f(x).
    xlim : (float, float)
    ax : matplotlib Axes, optional
    """
    for name in names:
        if name not in PLOTTED_ACTIVATIONS:
            raise ValueError(f"plot_activations: names must be from {list(PLOTTED_ACTIVATIONS)}, "
                             f"got {name!r}")
    ax = _new_axes(ax, (6, 4))
    xs = np.linspace(xlim[0], xlim[1], 401)
    for k, name in enumerate(names):
        ax.plot(xs, _activation_curve(name, xs, derivative), **series_style(k),
                label=f"{name}'(x)" if derivative else name)
    ax.axhline(0, color="gray", lw=0.5)
    ax.axvline(0, color="gray", lw=0.5)
    ax.set(xlabel="x", xlim=xlim, ylabel="f'(x)" if derivative else "f(x)",
           title="derivatives" if derivative else "activations")
    ax.legend()
    return ax


def plot_logistic_boundary(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray, ax=None):
    """2-D points coloured by label over the map of sigmoid(x @ w + b), with its 0.5 line.

    Parameters
    ----------
    w : ndarray of shape (2,)
    b : float
    X : ndarray of shape (N, 2)
    y : ndarray of shape (N,) with values 0 or 1
    ax : matplotlib Axes, optional
    """
    w, X = np.asarray(w, dtype=np.float64), np.asarray(X)
    if w.shape != (2,) or X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_logistic_boundary: expected w (2,) and X (N, 2), "
                         f"got w {w.shape} and X {X.shape}")
    ax = _new_axes(ax, (6, 4))
    pad = 0.5
    gx, gy = np.meshgrid(np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, 200),
                         np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, 200))
    probs = sigmoid(gx * w[0] + gy * w[1] + b)
    cf = ax.contourf(gx, gy, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(gx, gy, probs, levels=[0.5], colors="black")
    ax.figure.colorbar(cf, ax=ax, label="P(y = 1)")
    y = np.asarray(y)
    for label, color in ((0, "tab:blue"), (1, "tab:red")):
        ax.scatter(X[y == label, 0], X[y == label, 1], color=color, edgecolors="white",
                   s=28, label=f"y = {label}")
    ax.legend(loc="lower left", fontsize=8)
    ax.set(xlabel="x1", ylabel="x2", title="One neuron: a straight decision boundary")
    return ax


def plot_gradient_check(errors: Mapping[str, float], threshold: float = 1e-7, ax=None):
    """Relative errors of a gradient check as bars on a log axis, with the pass line.

    Parameters
    ----------
    errors : mapping of str to float
        Parameter name -> rel_error(analytic, numerical).
    threshold : float, default 1e-7
        Errors below this line pass (float64).
    ax : matplotlib Axes, optional
    """
    if not errors:
        raise ValueError("plot_gradient_check: errors is empty; expected {name: rel_error}")
    ax = _new_axes(ax, (6, 4))
    names, values = list(errors), np.maximum(np.array(list(errors.values()), float), 1e-20)
    passed = values < threshold  # failing bars: vermilion and hatched, not only red
    bars = ax.bar(names, values, color=np.where(passed, PASS_COLOR, FAIL_COLOR))
    for bar, ok in zip(bars, passed):
        bar.set_hatch("" if ok else "//")
    ax.axhline(threshold, color="black", ls="--", label=f"pass below {threshold:g}")
    ax.set_yscale("log")
    ax.set(ylabel="relative error", ylim=(1e-16, 1.0),
           title="Gradient check: analytic vs numerical")
    ax.legend()
    return ax


def loglog_slope(x: Sequence[float], y: Sequence[float]) -> float:
    """Slope of the least-squares line through (log x, log y): y ~ x**slope.

    x, y : sequences of positive floats, same length K >= 2.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"loglog_slope: x has shape {x.shape} and y {y.shape}, expected two "
                         "1-D arrays of the same length >= 2")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("loglog_slope: x and y must be > 0 to take logs")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def plot_cost_scaling(n_params: Sequence[float], seconds: Mapping[str, Sequence[float]],
                      ax=None, ylabel: str = "seconds per gradient", title: str | None = None):
    """Time (or any cost) against the number of parameters, on log-log axes.

    On log-log axes a power law y = a x**k is a straight line of slope k; the legend gives
    each line's fitted slope (``loglog_slope``): a cost that doubles when P doubles has
    slope 1, one that stays flat has slope 0.

    Parameters
    ----------
    n_params : sequence of K ints, the parameter counts
    seconds : mapping of label -> sequence of K positive floats
    ylabel : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    n_params = np.asarray(n_params, dtype=float)
    if len(seconds) == 0:
        raise ValueError("plot_cost_scaling: seconds is empty, expected at least one method")
    ax = _new_axes(ax, (6, 4))
    for k, (label, values) in enumerate(seconds.items()):
        values = np.asarray(values, dtype=float)
        if values.shape != n_params.shape:
            raise ValueError(f"plot_cost_scaling: {label!r} has {values.shape} values, "
                             f"expected {n_params.shape} like n_params")
        slope = loglog_slope(n_params, values)
        ax.plot(n_params, values, "-", **series_style(k, marker=True),
                label=f"{label}  (slope {slope:.2f})")
    ax.set(xscale="log", yscale="log", xlabel="number of parameters P", ylabel=ylabel,
           title=title or "")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax
