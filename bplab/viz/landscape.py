"""Loss surfaces in 1-D and 2-D, and the path gradient descent takes on them.

Letters: K points on a path (K - 1 steps), R grid resolution.

``plot_landscape`` draws a curve (1-D) or contours (2-D) with an optional path on top.
``descent_path`` and ``describe_path`` compute such a path and name its regime (too
small, good, oscillating, diverging); ``bp.widgets.lr_explorer`` is built on them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .training import _new_axes

__all__ = ["plot_landscape"]

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
