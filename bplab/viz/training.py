"""Plots of training: loss curves, per-layer gradient flow, decision boundaries.

Letters: N points, C classes, S steps, L Linear layers, R grid resolution.

Every ``plot_*`` function takes ``ax=None`` (a new figure when None) and returns the Axes.
The helpers without ``plot_`` (``boundary_grid``, ``boundary_rgb``, ``grad_norm_matrix``,
``CLASS_COLORS``) compute what the plots draw; the live labs in ``bplab.widgets`` reuse
them to update artists in place.
"""

from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["plot_decision_boundary", "plot_grad_flow", "plot_loss_curve"]

# Class colours: orange and blue as in TensorFlow Playground, then green and red.
CLASS_COLORS = np.array([[0.96, 0.55, 0.15], [0.15, 0.45, 0.80],
                         [0.20, 0.63, 0.30], [0.80, 0.20, 0.25]])
GRAD_FLOOR = 1e-12  # norms below this (e.g. exact zeros) are drawn at the floor


def _new_axes(ax, figsize=(5.0, 3.5)):
    """The given Axes, or one on a new figure of ``figsize`` inches (pyplot loaded lazily)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _style(ax, xlabel=None, ylabel=None, title=None, xscale=None, yscale=None,
           xlim=None, ylim=None, legend=False):
    """Apply d2l's plotting vocabulary to ``ax``."""
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if xscale is not None:
        ax.set_xscale(xscale)
    if yscale is not None:
        ax.set_yscale(yscale)
    if xlim is not None:
        ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if legend:
        ax.legend(loc="best", fontsize="small")
    return ax


def wrap_message(message: str, width: int = 48) -> str:
    """A long message broken into lines of about ``width`` characters, for a plot."""
    return "\n".join(textwrap.wrap(message, width))


def show_message(ax, message: str, color: str = "#b00020"):
    """Write ``message`` across the middle of ``ax`` (e.g. why training stopped)."""
    return ax.text(0.5, 0.5, wrap_message(message), transform=ax.transAxes, ha="center",
                   va="center", fontsize="small", color=color, zorder=10,
                   bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.85,
                         "edgecolor": color})


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
    if not (isinstance(resolution, (int, np.integer)) and resolution >= 2):
        raise ValueError(f"resolution must be an int >= 2, got {resolution!r}")
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
            p = 0.5 * (1.0 + np.tanh(0.5 * scores))       # sigmoid, stable
            probs = np.c_[1.0 - p, p]
        else:
            shifted = scores - scores.max(axis=1, keepdims=True)
            e = np.exp(shifted)
            probs = e / e.sum(axis=1, keepdims=True)
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
