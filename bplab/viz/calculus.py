"""Plots for lessons 00-04: derivatives, activations, gradient descent, gradient checks.

Every function takes ``ax=None`` (a new figure is made when it is None) and returns the
Axes it drew on. Nothing here changes matplotlib's global rcParams.

Letters: N points, D inputs, H hidden units, C outputs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..layers import get_activation, sigmoid
from .landscape import descent_path, plot_landscape
from .training import _new_axes

__all__ = [
    "difference_errors",
    "plot_activations",
    "plot_course_map",
    "plot_difference_errors",
    "plot_gradient_check",
    "plot_gradient_descent_1d",
    "plot_gradient_field",
    "plot_logistic_boundary",
    "plot_network_diagram",
    "plot_tangent",
]

PLOTTED_ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _activation_curve(name: str, xs: np.ndarray, derivative: bool) -> np.ndarray:
    """f(xs) or f'(xs) from bplab's own activation layer: the plot shows what the net does."""
    layer = get_activation(name)
    out = layer.forward(xs[None, :])
    return (layer.backward(np.ones_like(out)) if derivative else out)[0]

_LESSONS = [  # (number, short title, part)
    ("00", "welcome", 0), ("01", "derivatives &\nchain rule", 1),
    ("02", "graphs &\nautograd", 1), ("03", "one neuron,\ngradient descent", 1),
    ("04", "backprop in\nmatrix form", 1), ("05", "training\nan MLP", 2),
    ("06", "learning rates,\noptimizers", 2), ("07", "vanishing &\nexploding", 2),
    ("08", "handwritten\ndigits", 2), ("09", "why backprop", 3),
]
_PARTS = ["start", "the mechanics of backprop", "training networks", "perspective"]
_PART_COLORS = ["#d9d9d9", "#9ecae1", "#a1d99b", "#fdd0a2"]


def _check_callable(name: str, f) -> None:
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def plot_course_map(ax=None):
    """The ten lessons as boxes on a path, coloured by part of the course.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _new_axes(ax, (11, 3.6))
    for i, (num, title, part) in enumerate(_LESSONS):
        x, y = (i % 5) * 2.2, 1.6 if i < 5 else 0.0
        ax.add_patch(_box(x, y, _PART_COLORS[part]))
        ax.text(x + 0.9, y + 0.72, num, ha="center", va="center", fontsize=12,
                fontweight="bold")
        ax.text(x + 0.9, y + 0.32, title, ha="center", va="center", fontsize=8)
        if i not in (4, 9):
            ax.annotate("", xy=(x + 2.2, y + 0.5), xytext=(x + 1.8, y + 0.5),
                        arrowprops={"arrowstyle": "->"})
    ax.annotate("", xy=(0.9, 1.0), xytext=(9.7, 1.6),
                arrowprops={"arrowstyle": "->", "connectionstyle": "arc3,rad=-0.1"})
    handles = [_box(0, 0, c) for c in _PART_COLORS]
    ax.legend(handles, _PARTS, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4,
              fontsize=8, frameon=False)
    ax.set_xlim(-0.2, 10.8)
    ax.set_ylim(-0.2, 2.8)
    ax.set_axis_off()
    ax.set_title("The course: ten lessons in notebooks/; 01-09 each pair with an exercise")
    return ax


def _box(x: float, y: float, color: str):
    from matplotlib.patches import FancyBboxPatch
    return FancyBboxPatch((x, y), 1.8, 1.0, boxstyle="round,pad=0.05", facecolor=color,
                          edgecolor="black", linewidth=0.8)


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


def plot_gradient_field(f: Callable, grad: Callable, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                        ax=None):
    """Contours of f(x, y) with its gradient drawn as arrows: each points uphill.

    Parameters
    ----------
    f : callable (X, Y) -> Z, on ndarrays of the same shape
    grad : callable (X, Y) -> (dZ/dX, dZ/dY), same shapes
    xlim, ylim : (float, float)
    ax : matplotlib Axes, optional
    """
    _check_callable("plot_gradient_field: f", f)
    _check_callable("plot_gradient_field: grad", grad)
    ax = _new_axes(ax, (6, 4))
    X, Y = np.meshgrid(np.linspace(*xlim, 100), np.linspace(*ylim, 100))
    cs = ax.contour(X, Y, f(X, Y), levels=15, cmap="viridis")
    ax.clabel(cs, fontsize=7)
    Xq, Yq = np.meshgrid(np.linspace(*xlim, 11), np.linspace(*ylim, 11))
    U, V = grad(Xq, Yq)
    ax.quiver(Xq, Yq, U, V, color="tab:red", angles="xy")
    ax.set(xlabel="x", ylabel="y", title="Contours of f and its gradient (uphill)")
    ax.set_aspect("equal")
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
    for name in names:
        ax.plot(xs, _activation_curve(name, xs, derivative),
                label=f"{name}'(x)" if derivative else name)
    ax.axhline(0, color="gray", lw=0.5)
    ax.axvline(0, color="gray", lw=0.5)
    ax.set(xlabel="x", xlim=xlim, ylabel="f'(x)" if derivative else "f(x)",
           title="derivatives" if derivative else "activations")
    ax.legend()
    return ax


def plot_gradient_descent_1d(f: Callable, dfdx: Callable, x0: float, lr: float,
                             steps: int = 10, xlim=(-3.0, 3.0), ax=None):
    """Gradient descent on a 1-D loss f: the curve and the path x <- x - lr * f'(x).

    Parameters
    ----------
    f, dfdx : callables on ndarrays (the loss and its derivative)
    x0 : float
        Starting point.
    lr : float
        Learning rate (step size), > 0.
    steps : int
    xlim : (float, float)
    ax : matplotlib Axes, optional
    """
    _check_callable("plot_gradient_descent_1d: f", f)
    if not lr > 0:
        raise ValueError(f"plot_gradient_descent_1d: lr must be > 0, got {lr!r}")
    path = descent_path(dfdx, [x0], lr, steps)[:, 0]  # stops early, unwarned, if it escapes
    ax = plot_landscape(f, ax, xlim=xlim, path=path, title=f"lr = {lr:g}, {steps} steps")
    curve = np.asarray(f(np.linspace(xlim[0], xlim[1], 300)), dtype=np.float64)
    ax.set_ylim(min(0.0, float(curve.min())), float(curve.max()))  # a diverging path leaves it
    ax.annotate("start", (path[0], float(f(path[:1])[0])), textcoords="offset points",
                xytext=(6, -12))
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


def plot_network_diagram(sizes: Sequence[int] = (3, 4, 2), ax=None):
    """A fully connected network drawn as layers of units, with forward and backward arrows.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, e.g. (D, H, C) for the two-layer network X -> H -> Y.
    ax : matplotlib Axes, optional
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"plot_network_diagram: sizes must have >= 2 entries >= 1, got {sizes}")
    ax = _new_axes(ax, (6, 4.5))
    top = max(sizes)
    coords = [[(2.0 * i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(sizes)]
    for left, right in itertools.pairwise(coords):
        for (x1, y1) in left:
            for (x2, y2) in right:
                ax.plot([x1, x2], [y1, y2], color="gray", lw=0.6, zorder=1)
    names = ["X"] + [f"H{i}" if len(sizes) > 3 else "H" for i in range(1, len(sizes) - 1)] + ["Y"]
    for i, layer in enumerate(coords):
        xs, ys = zip(*layer)
        ax.scatter(xs, ys, s=500, color=_PART_COLORS[1 + (i % 3)], edgecolors="black", zorder=2)
        ax.text(2.0 * i, (top - 1) / 2 + 0.9, names[i], ha="center", fontsize=12)
        if i:
            ax.text(2.0 * i - 1, (top - 1) / 2 + 0.9, f"W{i}, b{i}", ha="center", fontsize=9)
    last = 2.0 * (len(sizes) - 1)
    low = -(top - 1) / 2 - 1.0
    ax.annotate("", xy=(last, low), xytext=(0, low), arrowprops={"arrowstyle": "->",
                "color": "tab:blue"})
    ax.text(last / 2, low + 0.15, "forward: values", color="tab:blue", ha="center")
    ax.annotate("", xy=(0, low - 0.6), xytext=(last, low - 0.6),
                arrowprops={"arrowstyle": "->", "color": "tab:red"})
    ax.text(last / 2, low - 0.45, "backward: gradients", color="tab:red", ha="center")
    ax.set_xlim(-0.8, last + 0.8)
    ax.set_ylim(low - 1.0, (top - 1) / 2 + 1.4)
    ax.set_axis_off()
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
    colors = ["tab:green" if v < threshold else "tab:red" for v in values]
    ax.bar(names, values, color=colors)
    ax.axhline(threshold, color="black", ls="--", label=f"pass below {threshold:g}")
    ax.set_yscale("log")
    ax.set(ylabel="relative error", ylim=(1e-16, 1.0),
           title="Gradient check: analytic vs numerical")
    ax.legend()
    return ax
