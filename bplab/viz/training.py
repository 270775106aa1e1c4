"""Plots of training: loss curves, comparing runs, per-layer gradient flow, decision boundaries.

Letters: N points, C classes, S steps, L Linear layers, R grid resolution.

Every ``plot_*`` function takes ``ax=None`` (a new figure when None) and returns the Axes.
The helpers without ``plot_`` (``boundary_grid``, ``boundary_rgb``, ``grad_norm_matrix``,
``CLASS_COLORS``) compute what the plots draw; the live labs reuse them to update
artists in place.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np

from ..layers import sigmoid
from ..losses import softmax
from ..validation import check_int
from ._common import _new_axes, _style, series_style

__all__ = [
    "plot_decision_boundary",
    "plot_depth_profile",
    "plot_grad_flow",
    "plot_gradient_variance",
    "plot_loss_comparison",
    "plot_loss_curve",
]

# Class colours: orange and blue as in TensorFlow Playground, then Okabe-Ito's bluish green
# and vermilion, apart for colour-blind readers too (tests/labs/test_colour_blind.py); the
# former green and red were not.
CLASS_COLORS = np.array([[0.96, 0.55, 0.15], [0.15, 0.45, 0.80],
                         [0.00, 0.62, 0.45], [0.84, 0.37, 0.00]])


GRAD_FLOOR = 1e-12  # norms below this (e.g. exact zeros) are drawn at the floor


def wrap_message(message: str, width: int = 48) -> str:
    """A long message broken into lines of about ``width`` characters, for a plot."""
    return "\n".join(textwrap.wrap(message, width))


def show_message(ax, message: str, color: str = "#b00020"):
    """Write ``message`` across the middle of ``ax`` (e.g. why training stopped)."""
    return ax.text(0.5, 0.5, wrap_message(message), transform=ax.transAxes, ha="center",
                   va="center", fontsize="small", color=color, zorder=10,
                   bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85,
                         "edgecolor": color})


# ---- mini-batch gradient noise ----------------------------------------------------------------
def plot_gradient_variance(batch_sizes: Sequence[int], variances: Sequence[float],
                           per_example: float, ax=None, *, title: str | None = None):
    """Measured variance of the mini-batch gradient against the batch size B, log-log,
    with the line per_example / B that independent examples would give.

    Parameters
    ----------
    batch_sizes : sequence of K ints
    variances : sequence of K floats
        For each B, the mean of |g_B - g|^2 over many batches (g the full-batch gradient).
    per_example : float
        The same for B = 1 drawn over the whole set: the variance of one example's gradient.

    Returns
    -------
    matplotlib Axes
    """
    B = np.asarray(batch_sizes, dtype=float)
    var = np.asarray(variances, dtype=float)
    if B.shape != var.shape or B.ndim != 1 or B.size == 0:
        raise ValueError(f"plot_gradient_variance: batch_sizes has shape {B.shape} and "
                         f"variances {var.shape}, expected two equal (K,) shapes, K >= 1")
    ax = _new_axes(ax)
    ax.plot(B, per_example / B, "--", color="0.5", label="1/B: per-example variance / B")
    ax.plot(B, var, "o-", color="C0", label="measured")
    _style(ax, xlabel="batch size B", ylabel="variance of the batch gradient",
           title=title, xscale="log", yscale="log", legend=True)
    return ax


# ---- loss curves --------------------------------------------------------------------------
def loss_series(history) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(steps, train loss, val steps, val loss) of a History or a plain sequence of losses.

    The validation loss, recorded once per epoch, sits at the step that ended the epoch.
    """
    loss = np.asarray(getattr(history, "loss", history), dtype=np.float64).reshape(-1)
    steps = np.arange(1, loss.size + 1)
    val = np.asarray(getattr(history, "val_loss", []), dtype=np.float64).reshape(-1)
    per_epoch = getattr(history, "steps_per_epoch", 0) or 1
    return steps, loss, per_epoch * np.arange(1, val.size + 1), val


def plot_loss_curve(history, ax=None, *, xlabel: str = "step", ylabel: str = "loss",
                    yscale: str = "log", title: str | None = "Loss",
                    legend: bool = True):
    """Training loss per step and, if recorded, validation loss per epoch.

    Parameters
    ----------
    history : History or sequence of float (length S)
        What ``bp.fit`` returned, or just the losses.
    ax : matplotlib Axes, optional
    xlabel, ylabel, yscale, title, legend : the usual plot vocabulary

    Returns
    -------
    matplotlib Axes
        If the run diverged, its ``History.message`` is written on the plot.

    Examples
    --------
    >>> hist = bp.fit(net, X, y, val=(Xv, yv), epochs=20)   # doctest: +SKIP
    >>> bp.viz.plot_loss_curve(hist)                        # doctest: +SKIP
    """
    ax = _new_axes(ax)
    steps, loss, val_steps, val = loss_series(history)
    if loss.size == 0:
        raise ValueError("plot_loss_curve: history has no losses yet (train first)")
    ax.plot(steps, loss, lw=1.2, color="C0", label="train")
    if val.size:
        ax.plot(val_steps, val, "o-", ms=3, lw=1.5, color="C3", label="validation")
    message = getattr(history, "message", "")
    if getattr(history, "diverged_at", None) is not None and message:
        show_message(ax, message)
    return _style(ax, xlabel, ylabel, title, yscale=yscale, legend=legend)


# ---- gradient flow ------------------------------------------------------------------------
def grad_norm_matrix(history) -> tuple[np.ndarray, list[str]]:
    """Per-layer gradient norms as an array (S, L), with the layer names (length L).

    ``history`` is a History (its ``grad_norms``) or anything array-like of shape (S, L).
    """
    norms = np.asarray(getattr(history, "grad_norms", history), dtype=np.float64)
    if norms.ndim == 1:
        norms = norms[None, :]
    if norms.ndim != 2 or norms.size == 0:
        raise ValueError("plot_grad_flow: expected gradient norms of shape (steps, layers), "
                         f"got shape {norms.shape} (train for at least one step first)")
    names = list(getattr(history, "layer_names", []) or [])
    if len(names) != norms.shape[1]:
        names = [f"layer {k + 1}" for k in range(norms.shape[1])]
    return norms, names


def log_norms(norms: np.ndarray) -> np.ndarray:
    """log10 of gradient norms, with zeros and tiny values at log10(GRAD_FLOOR)."""
    return np.log10(np.maximum(np.nan_to_num(norms, nan=GRAD_FLOOR), GRAD_FLOOR))


def plot_grad_flow(history, ax=None, *, kind: str = "bars", step: int = -1,
                   title: str | None = None, vmin: float = -8.0, vmax: float = 2.0):
    """Per-layer gradient norms ||dL/dW||: bars for one step, or a layers x steps heatmap.

    Parameters
    ----------
    history : History or array-like of shape (S, L)
        ``History.grad_norms`` holds one list of L norms per step.
    ax : matplotlib Axes, optional
    kind : "bars" or "heatmap"
    step : int, default -1
        The step the bars show (index into the S steps; -1 is the last).
    title : str, optional
    vmin, vmax : float
        log10 range of the heatmap's colour scale (fixed, so runs compare at a glance).

    Returns
    -------
    matplotlib Axes
        Vanishing gradients show as bars/rows orders of magnitude below the last layer's.
    """
    norms, names = grad_norm_matrix(history)
    ax = _new_axes(ax)
    if kind == "bars":
        if not -norms.shape[0] <= step < norms.shape[0]:
            raise ValueError(f"plot_grad_flow: step must be in [{-norms.shape[0]}, "
                             f"{norms.shape[0] - 1}], got {step}")
        heights = np.maximum(norms[step], GRAD_FLOOR)
        ax.bar(np.arange(len(names)), heights, color="C0")
        ax.set_xticks(np.arange(len(names)), names, rotation=45, ha="right")
        return _style(ax, None, "||dL/dW||", title or "Gradient norm per layer",
                      yscale="log")
    if kind == "heatmap":
        image = ax.imshow(log_norms(norms).T, aspect="auto", cmap="viridis", vmin=vmin,
                          vmax=vmax, interpolation="nearest",
                          extent=(0.5, norms.shape[0] + 0.5, len(names) - 0.5, -0.5))
        ax.set_yticks(np.arange(len(names)), names)
        ax.figure.colorbar(image, ax=ax, label="log10 ||dL/dW||")
        return _style(ax, "step", None, title or "Gradient norms over training")
    raise ValueError(f"plot_grad_flow: kind must be 'bars' or 'heatmap', got {kind!r}")


# ---- decision boundaries ------------------------------------------------------------------
def boundary_grid(X: np.ndarray, resolution: int = 100,
                  margin: float = 0.5) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Grid points covering the data: (R*R, 2) points and the extent (x0, x1, y0, y1)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: X has shape {X.shape}, expected (N, 2)")
    check_int(resolution, "resolution", min_value=2, where="boundary_grid")
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return np.c_[xx.ravel(), yy.ravel()], (x0, x1, y0, y1)


def class_probabilities(scores: np.ndarray) -> np.ndarray:
    """Scores (N, C) or binary logits (N, 1) -> probabilities (N, C'), C' >= 2.

    Non-finite scores (a diverged model) give uniform probabilities, without warnings.
    """
    scores = np.asarray(scores, dtype=np.float64)
    scores = scores.reshape(len(scores), -1)
    with np.errstate(all="ignore"):
        if scores.shape[1] == 1:
            p = sigmoid(scores)
            probs = np.c_[1.0 - p, p]
        else:
            probs = softmax(scores)
    bad = ~np.all(np.isfinite(probs), axis=1)
    probs[bad] = 1.0 / probs.shape[1]
    return probs


def boundary_rgb(model, grid: np.ndarray, resolution: int) -> np.ndarray:
    """The model's class probabilities on ``grid`` (R*R, 2) as a pale RGB image (R, R, 3).

    Each pixel mixes the class colours by probability, so the boundary shows as a blend.
    """
    with np.errstate(all="ignore"):
        probs = class_probabilities(model.forward(grid))
    colors = CLASS_COLORS[np.arange(probs.shape[1]) % len(CLASS_COLORS)]
    rgb = probs @ colors
    return (0.45 * rgb + 0.55).reshape(resolution, resolution, 3)


def point_colors(y: np.ndarray) -> np.ndarray:
    """The class colour of every label in y (N,) -> (N, 3)."""
    return CLASS_COLORS[np.asarray(y, dtype=np.int64) % len(CLASS_COLORS)]


def plot_decision_boundary(model, X: np.ndarray, y: np.ndarray, ax=None, *,
                           resolution: int = 100, margin: float = 0.5,
                           title: str | None = "Decision boundary"):
    """The regions a 2-D classifier assigns to each class, with the data on top.

    Parameters
    ----------
    model : anything with ``forward(X) -> scores`` (e.g. ``bp.MLP``)
        Scores of shape (M, C), or (M, 1) logits of a binary model.
    X : ndarray of shape (N, 2)
    y : ndarray of shape (N,) integer labels
    ax : matplotlib Axes, optional
    resolution : int, default 100
        Grid points per axis (R).
    margin : float
        Space around the data.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    grid, extent = boundary_grid(X, resolution, margin)
    ax = _new_axes(ax, figsize=(4.0, 4.0))
    ax.imshow(boundary_rgb(model, grid, resolution), origin="lower", extent=extent,
              aspect="auto", interpolation="bilinear")
    ax.scatter(X[:, 0], X[:, 1], c=point_colors(y), s=14, edgecolors="white", linewidths=0.5)
    return _style(ax, "x1", "x2", title, xlim=extent[:2], ylim=extent[2:])


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Moving average over ``window`` steps (shorter at the start), same length as values."""
    if window <= 1 or values.size == 0:
        return values
    csum = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, values.size + 1), window)
    starts = np.arange(1, values.size + 1) - counts
    return (csum[1:] - csum[starts]) / counts


def plot_loss_comparison(histories: Mapping[str, object], ax=None, smooth: int = 1,
                         per: str = "step", yscale: str = "log", title: str | None = None):
    """Training-loss curves of several runs on one Axes, one line per run.

    A run that diverged (``hist.diverged_at`` not None) ends with a red x at the step
    where it stopped, and its label says so.

    Parameters
    ----------
    histories : mapping of label -> History
        Each History's ``loss`` has length S_k (its number of steps).
    smooth : int, default 1
        Moving-average window in steps (1 = raw mini-batch losses).
    per : {"step", "epoch"}
        x axis: mini-batch steps, or epochs (step / steps_per_epoch).
    yscale : str, default "log"

    Returns
    -------
    matplotlib.axes.Axes
    """
    if per not in ("step", "epoch"):
        raise ValueError(f"plot_loss_comparison: per must be 'step' or 'epoch', got {per!r}")
    check_int(smooth, "smooth", where="plot_loss_comparison")
    if len(histories) == 0:
        raise ValueError("plot_loss_comparison: histories is empty, expected at least one run")
    ax = _new_axes(ax, (6, 4))
    for k, (label, hist) in enumerate(histories.items()):
        loss = _smooth(np.asarray(hist.loss, dtype=float), int(smooth))
        x = np.arange(1, loss.size + 1, dtype=float)
        if per == "epoch" and hist.steps_per_epoch:
            x = x / hist.steps_per_epoch
        diverged = getattr(hist, "diverged_at", None) is not None
        ax.plot(x, loss, **series_style(k), label=f"{label} (diverged)" if diverged else label)
        if diverged and loss.size:
            ax.plot(x[-1], loss[-1], "x", color="red", markersize=10, markeredgewidth=2)
    ax.set(xlabel="epoch" if per == "epoch" else "step", ylabel="training loss",
           yscale=yscale, title=title or "")
    ax.legend()
    return ax


def plot_depth_profile(profiles: Mapping[str, Sequence[float]], ax=None,
                       ylabel: str = "gradient norm ||dW||", yscale: str = "log",
                       title: str | None = None):
    """One quantity per layer (a gradient norm, an activation std...) against depth.

    Parameters
    ----------
    profiles : mapping of label -> sequence of float, length L_k
        Value k is for layer k + 1 (the first layer, next to the input, is layer 1).
    ylabel : str
    yscale : str, default "log" (vanishing and exploding are exponential in depth)

    Returns
    -------
    matplotlib.axes.Axes
    """
    if len(profiles) == 0:
        raise ValueError("plot_depth_profile: profiles is empty, expected at least one line")
    ax = _new_axes(ax, (6, 4))
    for k, (label, values) in enumerate(profiles.items()):
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"plot_depth_profile: profile {label!r} has shape {values.shape}, "
                             "expected (L,) with one value per layer")
        ax.plot(np.arange(1, values.size + 1), values, "-", **series_style(k, marker=True),
                label=label)
    ax.set(xlabel="layer (1 = next to the input)", ylabel=ylabel, yscale=yscale,
           title=title or "")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return ax
