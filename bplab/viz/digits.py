"""Plots for the handwritten digits: a gallery of 8x8 images and a confusion matrix.

Letters: N images, C classes (10 digits).
"""

from __future__ import annotations

import numpy as np

from ._common import _new_axes

__all__ = [
    "plot_confusion_matrix",
    "plot_digit_gallery",
]

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
