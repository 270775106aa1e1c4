"""Loss surfaces in 1-D and 2-D, gradient fields, and the paths descent takes on them.

Letters: K points on a path (K - 1 steps), R grid resolution.

``plot_landscape`` draws a curve (1-D) or contours (2-D) with an optional path on top.
``descent_path`` and ``describe_path`` compute such a path and name its regime (too
small, good, oscillating, diverging); the learning-rate lab is built on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ._common import _check_callable, _new_axes, series_style

__all__ = [
    "plot_gradient_descent_1d",
    "plot_gradient_field",
    "plot_landscape",
    "plot_optimizer_paths",
]

ESCAPE = 1e6  # a path this far from the start has diverged; stop before floats overflow


def plot_landscape(loss: Callable, ax=None, *, xlim=(-2.0, 2.0), ylim=None, path=None,
                   resolution: int = 200, levels: int = 25, title: str | None = None,
                   xlabel: str | None = None, ylabel: str | None = None):
    """A loss curve f(w) (1-D) or contour map f(w1, w2) (2-D), with a descent path.

    Parameters
    ----------
    loss : callable
        1-D: ``loss(w)`` on an array of any shape. 2-D: ``loss(w1, w2)`` on two arrays of
        the same shape. Both must work elementwise (numpy operations).
    ax : matplotlib Axes, optional
    xlim : (float, float)
        Range of w (1-D) or w1 (2-D).
    ylim : (float, float), optional
        Range of w2. Giving it makes the plot 2-D.
    path : array-like, optional
        Points visited, shape (K,) in 1-D or (K, 2) in 2-D; drawn as dots joined by
        lines, the start marked with a square. Points outside the view are clipped.
    resolution, levels : int
        Grid points per axis; contour levels (2-D).
    title, xlabel, ylabel : str, optional

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> bp.viz.plot_landscape(lambda w: w ** 2, path=[1.5, 0.9, 0.54])         # doctest: +SKIP
    >>> bp.viz.plot_landscape(lambda a, b: a**2 + 5 * b**2, xlim=(-2, 2), ylim=(-1, 1),
    ...                       path=[[1.5, 0.8], [0.9, -0.8]])                   # doctest: +SKIP
    """
    ax = _new_axes(ax, (4.5, 3.5))
    if ylim is None:
        grid = np.linspace(*xlim, resolution)
        ax.plot(grid, np.asarray(loss(grid), dtype=np.float64), color="0.3", lw=1.5)
        if path is not None:
            path = _check_path(path, 1)
            with np.errstate(all="ignore"):
                heights = np.asarray(loss(path), dtype=np.float64)
            ax.plot(path, heights, "o-", color="C3", ms=4, lw=1)
            ax.plot(path[:1], heights[:1], "s", color="k", ms=6)
        ax.set_xlim(*xlim)
        ax.set_xlabel(xlabel or "w")
        ax.set_ylabel(ylabel or "loss")
    else:
        w1, w2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
        ax.contour(w1, w2, np.asarray(loss(w1, w2), dtype=np.float64), levels=levels,
                   cmap="viridis", linewidths=0.8)
        if path is not None:
            path = _check_path(path, 2)
            ax.plot(path[:, 0], path[:, 1], "o-", color="C3", ms=3, lw=1)
            ax.plot(path[:1, 0], path[:1, 1], "s", color="k", ms=6)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_xlabel(xlabel or "w1")
        ax.set_ylabel(ylabel or "w2")
    if title:
        ax.set_title(title)
    return ax


def _check_path(path, dim: int) -> np.ndarray:
    path = np.asarray(path, dtype=np.float64)
    expected = (path.ndim == 1) if dim == 1 else (path.ndim == 2 and path.shape[1] == 2)
    if not expected or len(path) == 0:
        shape = "(K,)" if dim == 1 else "(K, 2)"
        raise ValueError(f"plot_landscape: path has shape {path.shape}, expected {shape} "
                         f"for a {dim}-D landscape")
    return path


def descent_path(grad: Callable, start, lr: float, steps: int) -> np.ndarray:
    """Plain gradient descent w <- w - lr * grad(w) from ``start``.

    Parameters
    ----------
    grad : callable, array (P,) -> array (P,)
    start : float or array-like of shape (P,)
    lr : float > 0
    steps : int >= 1

    Returns
    -------
    ndarray of shape (K, P), K <= steps + 1
        Stops early, without overflow, once a point is ``ESCAPE`` away from the start.
    """
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"descent_path: lr must be > 0, got {lr!r}")
    w = np.atleast_1d(np.asarray(start, dtype=np.float64)).copy()
    points = [w.copy()]
    for _ in range(int(steps)):
        w = w - lr * np.asarray(grad(w), dtype=np.float64)
        points.append(w.copy())
        if not np.all(np.isfinite(w)) or np.max(np.abs(w - points[0])) > ESCAPE:
            break
    return np.array(points)


def describe_path(path: np.ndarray, loss_values: np.ndarray) -> str:
    """Name the regime of a descent path: "diverging", "oscillating", "too small" or "good".

    path : (K, P) points; loss_values : (K,) the loss at each of them (minimum 0).
    Diverging: the loss ended above where it started. Oscillating: along some coordinate,
    most consecutive steps point in opposite directions (a zig-zag across a valley).
    Too small: the loss is still above 5 % of its start.
    """
    loss_values = np.asarray(loss_values, dtype=np.float64)
    if not np.isfinite(loss_values[-1]) or loss_values[-1] > loss_values[0]:
        return "diverging"
    moves = np.diff(np.asarray(path, dtype=np.float64).reshape(len(path), -1), axis=0)
    turns = (moves[1:] * moves[:-1]) < 0                  # (K - 2, P) sign flips
    if len(turns) and np.max(np.mean(turns, axis=0)) > 0.5:
        return "oscillating"
    if loss_values[-1] > 0.05 * loss_values[0]:
        return "too small"
    return "good"


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


def plot_optimizer_paths(loss, paths: Mapping[str, np.ndarray], ax=None, *,
                         xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                         points: Mapping[str, Sequence[float]] | None = None,
                         levels: int = 20, title: str | None = None):
    """Contours of a 2-D loss with the path of each optimiser on top, one colour and one
    line style per path.

    Parameters
    ----------
    loss : callable (w1, w2) -> loss, elementwise on arrays of the same shape
    paths : mapping of label -> ndarray of shape (K_k, 2)
        The points each optimiser visited, start first. Each path starts with a square
        and ends with a filled circle.
    xlim, ylim : (float, float), the ranges of w1 and w2
    points : mapping of label -> (w1, w2), optional
        Places to name on the map (minima, saddle points), drawn as black stars.
    levels : int, contour levels

    Returns
    -------
    matplotlib.axes.Axes
    """

    ax = plot_landscape(loss, _new_axes(ax, (5.5, 4.5)), xlim=xlim, ylim=ylim,
                        levels=levels, title=title)
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(f"plot_optimizer_paths: path {label!r} has shape {path.shape}, "
                             "expected (K, 2)")
        style = series_style(k)
        color = style["color"]
        ax.plot(path[:, 0], path[:, 1], marker=".", ms=3, lw=1.2, label=label, **style)
        ax.plot(*path[0], "s", color=color, ms=6)
        ax.plot(*path[-1], "o", color=color, ms=7, markeredgecolor="black")
    for label, (w1, w2) in (points or {}).items():
        ax.plot(w1, w2, "*", color="black", ms=11)
        ax.annotate(label, (w1, w2), textcoords="offset points", xytext=(0, -9), fontsize=9,
                    ha="center", va="top",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    ax.legend(loc="upper right", fontsize=8)
    return ax
