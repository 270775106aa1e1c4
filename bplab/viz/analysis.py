"""Plots for lessons 05-09: comparing runs, depth profiles, digits, confusion, gradient cost.

Letters: N examples, C classes, L layers, K runs or sizes.

Every function takes ``ax=None`` (a new figure when None) and returns the Axes, and uses
the same vocabulary as the rest of ``bplab.viz``: ``xlabel, ylabel, xscale, yscale, title``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .training import _new_axes

__all__ = [
    "loglog_slope",
    "plot_confusion_matrix",
    "plot_cost_scaling",
    "plot_depth_profile",
    "plot_digit_gallery",
    "plot_loss_comparison",
    "plot_optimizer_paths",
]


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
    if not isinstance(smooth, (int, np.integer)) or smooth < 1:
        raise ValueError(f"plot_loss_comparison: smooth must be an int >= 1, got {smooth!r}")
    if len(histories) == 0:
        raise ValueError("plot_loss_comparison: histories is empty, expected at least one run")
    ax = _new_axes(ax, (6, 4))
    for label, hist in histories.items():
        loss = _smooth(np.asarray(hist.loss, dtype=float), int(smooth))
        x = np.arange(1, loss.size + 1, dtype=float)
        if per == "epoch" and hist.steps_per_epoch:
            x = x / hist.steps_per_epoch
        diverged = getattr(hist, "diverged_at", None) is not None
        ax.plot(x, loss, label=f"{label} (diverged)" if diverged else label)
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
    for label, values in profiles.items():
        values = np.asarray(values, dtype=float)
        if values.ndim != 1:
            raise ValueError(f"plot_depth_profile: profile {label!r} has shape {values.shape}, "
                             "expected (L,) with one value per layer")
        ax.plot(np.arange(1, values.size + 1), values, "o-", label=label)
    ax.set(xlabel="layer (1 = next to the input)", ylabel=ylabel, yscale=yscale,
           title=title or "")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend()
    return ax


def _tile(images: np.ndarray, ncols: int, pad: int = 1, gap: int = 0) -> np.ndarray:
    """Images (K, h, w) -> one canvas of ceil(K / ncols) rows and ncols columns, NaN padding.

    ``gap`` extra rows of padding above each image leave room for a label.
    """
    K, h, w = images.shape
    nrows = -(-K // ncols)
    canvas = np.full((nrows * (h + pad + gap) + pad, ncols * (w + pad) + pad), np.nan)
    for k in range(K):
        r, c = divmod(k, ncols)
        top, left = pad + gap + r * (h + pad + gap), pad + c * (w + pad)
        canvas[top:top + h, left:left + w] = images[k]
    return canvas


def plot_digit_gallery(X: np.ndarray, y_true: np.ndarray | None = None,
                       y_pred: np.ndarray | None = None, ncols: int = 10,
                       image_shape: tuple[int, int] = (8, 8), ax=None,
                       title: str | None = None):
    """A grid of small images with their labels, wrong predictions in red.

    Parameters
    ----------
    X : ndarray of shape (K, h * w)
        One flattened image per row (e.g. the 8x8 digits, K <= 100 reads well).
    y_true : ndarray of shape (K,), optional
        Shown above each image.
    y_pred : ndarray of shape (K,), optional
        Shown as "true→pred" when given; red where it differs from y_true.
    ncols : int, default 10
    image_shape : (h, w), default (8, 8)

    Returns
    -------
    matplotlib.axes.Axes
    """
    X = np.asarray(X, dtype=float)
    h, w = image_shape
    if X.ndim != 2 or X.shape[1] != h * w:
        raise ValueError(f"plot_digit_gallery: X has shape {X.shape}, expected (K, {h * w}) "
                         f"for images of shape {image_shape}")
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        if labels is not None and np.shape(labels) != (X.shape[0],):
            raise ValueError(f"plot_digit_gallery: {name} has shape {np.shape(labels)}, "
                             f"expected ({X.shape[0]},)")
    ncols = max(1, min(int(ncols), X.shape[0]))
    nrows = -(-X.shape[0] // ncols)
    gap = 3 if y_true is not None else 0  # room above each image for its label
    ax = _new_axes(ax, (0.8 * ncols, 1.1 * nrows + 0.4))
    ax.imshow(_tile(X.reshape(-1, h, w), ncols, gap=gap), cmap="gray_r",
              interpolation="nearest")
    for k in range(X.shape[0] if y_true is not None else 0):
        r, c = divmod(k, ncols)
        text, color = f"{y_true[k]}", "black"
        if y_pred is not None:
            text = f"{y_true[k]}→{y_pred[k]}"
            color = "red" if y_pred[k] != y_true[k] else "black"
        ax.text(1 + c * (w + 1) + w / 2 - 0.5, r * (h + 1 + gap) + gap + 0.2, text,
                ha="center", va="bottom", fontsize=9, color=color)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or "")
    return ax


def plot_confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int | None = None,
                          ax=None, title: str | None = None):
    """Counts of (true class, predicted class): the diagonal is right, the rest are mistakes.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (N,), integer labels in [0, C)
    num_classes : int, optional
        C; by default 1 + the largest label seen.

    Returns
    -------
    matplotlib.axes.Axes
        The image's data (``ax.images[0].get_array()``) is the (C, C) count matrix,
        rows = true class, columns = predicted class.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"plot_confusion_matrix: y_true has shape {y_true.shape} and y_pred "
                         f"{y_pred.shape}, expected two arrays of shape (N,)")
    C = int(num_classes) if num_classes is not None else int(max(y_true.max(), y_pred.max())) + 1
    counts = np.zeros((C, C), dtype=np.int64)
    np.add.at(counts, (y_true.astype(np.int64), y_pred.astype(np.int64)), 1)
    ax = _new_axes(ax, (5, 4.5))
    image = ax.imshow(counts, cmap="Blues")
    for (i, j), n in np.ndenumerate(counts):
        if n:
            color = "white" if n > counts.max() / 2 else ("red" if i != j else "black")
            ax.text(j, i, str(n), ha="center", va="center", fontsize=8, color=color)
    ax.set(xticks=range(C), yticks=range(C), xlabel="predicted class", ylabel="true class",
           title=title or "")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
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
    for label, values in seconds.items():
        values = np.asarray(values, dtype=float)
        if values.shape != n_params.shape:
            raise ValueError(f"plot_cost_scaling: {label!r} has {values.shape} values, "
                             f"expected {n_params.shape} like n_params")
        slope = loglog_slope(n_params, values)
        ax.plot(n_params, values, "o-", label=f"{label}  (slope {slope:.2f})")
    ax.set(xscale="log", yscale="log", xlabel="number of parameters P", ylabel=ylabel,
           title=title or "")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def plot_optimizer_paths(loss, paths: Mapping[str, np.ndarray], ax=None, *,
                         xlim=(-2.0, 2.0), ylim=(-2.0, 2.0),
                         points: Mapping[str, Sequence[float]] | None = None,
                         levels: int = 20, title: str | None = None):
    """Contours of a 2-D loss with the path of each optimiser on top, one colour per path.

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
    from .landscape import plot_landscape

    ax = plot_landscape(loss, _new_axes(ax, (5.5, 4.5)), xlim=xlim, ylim=ylim,
                        levels=levels, title=title)
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
            raise ValueError(f"plot_optimizer_paths: path {label!r} has shape {path.shape}, "
                             "expected (K, 2)")
        color = f"C{(k + 1) % 10}"
        ax.plot(path[:, 0], path[:, 1], ".-", color=color, ms=3, lw=1.2, label=label)
        ax.plot(*path[0], "s", color=color, ms=6)
        ax.plot(*path[-1], "o", color=color, ms=7, markeredgecolor="black")
    for label, (w1, w2) in (points or {}).items():
        ax.plot(w1, w2, "*", color="black", ms=11)
        ax.annotate(label, (w1, w2), textcoords="offset points", xytext=(0, -9), fontsize=9,
                    ha="center", va="top",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    ax.legend(loc="upper right", fontsize=8)
    return ax
