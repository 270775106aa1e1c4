"""Losses. Each returns ``(loss, dinput)``: the mean over the batch and its gradient.

Letters: N batch, C classes (columns of scores); a regression target has "outputs" columns.

Every loss function carries ``.classifies`` (True when its targets are class labels, so
``fit`` and ``evaluate`` also record accuracy) and ``.name``; pass the function or its
name to ``fit``: ``fit(loss=bp.softmax_cross_entropy)`` = ``fit(loss="cross_entropy")``.
Softmax (shifted, via ``log_softmax``) and the stable sigmoid each live once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .layers import sigmoid
from .validation import check_choice

__all__ = [
    "LOSSES",
    "binary_cross_entropy",
    "classifies",
    "get_loss",
    "log_softmax",
    "loss_function",
    "mse_loss",
    "softmax",
    "softmax_cross_entropy",
]


def _check_labels(y, N: int, num_classes: int, where: str) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (N,):
        raise ValueError(f"{where}: y has shape {y.shape}, expected ({N},) "
                         "(one integer label per row of scores)")
    if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{where}: y must hold integer class labels, got dtype {y.dtype}")
    if N and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{where}: labels must be in [0, {num_classes - 1}] for "
                         f"{num_classes} classes, got values from {y.min()} to {y.max()}")
    return y


def loss_function(name: str, classifies: bool) -> Callable:
    """Mark a function ``(scores, targets) -> (loss, dscores)`` as a loss: sets its
    ``.name`` and ``.classifies`` (whether targets are class labels, so accuracy means
    something). A loss of your own passed to ``fit`` without the mark records no accuracy.
    """
    def mark(fn: Callable) -> Callable:
        fn.name, fn.classifies = name, classifies
        return fn
    return mark


def _check_scores(scores, where: str) -> np.ndarray:
    scores = np.asarray(scores)
    if scores.ndim not in (1, 2) or scores.shape[-1] == 0:
        raise ValueError(f"{where}: scores has shape {scores.shape}, expected (N, C) rows "
                         "of class scores, or (C,) for one row")
    return scores


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise log softmax of scores (N, C) -> (N, C), shifted by the row maximum
    (the log-sum-exp trick), so it never overflows. A 1-D (C,) array is one row -> (C,)."""
    scores = _check_scores(scores, "log_softmax")
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of scores (N, C) -> probs (N, C); never overflows.
    A 1-D (C,) array is one row of scores -> probs (C,)."""
    return np.exp(log_softmax(_check_scores(scores, "softmax")))


@loss_function("cross_entropy", classifies=True)
def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(scores) against integer labels.

    Parameters
    ----------
    scores : ndarray of shape (N, C)
        Unnormalised class scores (logits).
    y : ndarray of shape (N,)
        Integer labels in [0, C).

    Returns
    -------
    loss : float
        -(1/N) sum_n log softmax(scores)[n, y_n]
    dscores : ndarray of shape (N, C)
        (softmax(scores) - onehot(y)) / N
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: scores has shape {scores.shape}, "
                         "expected (N, C)")
    N, C = scores.shape
    y = _check_labels(y, N, C, "softmax_cross_entropy")
    log_probs = log_softmax(scores)
    rows = np.arange(N)
    loss = -log_probs[rows, y].mean()
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    return float(loss), dscores / N


@loss_function("mse", classifies=False)
def mse_loss(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Half the squared error, summed over outputs and averaged over the batch.

    Parameters
    ----------
    pred : ndarray of shape (N,) or (N, outputs)
    target : ndarray of the same shape

    Returns
    -------
    loss : float
        (1/N) sum_n 1/2 ||pred_n - target_n||^2  (for D = 1: 0.5 * mean squared error)
    dpred : ndarray of the shape of pred
        (pred - target) / N
    """
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.shape != target.shape:
        raise ValueError(f"mse_loss: pred has shape {pred.shape} but target has shape "
                         f"{target.shape}; they must match")
    if pred.ndim not in (1, 2):
        raise ValueError(f"mse_loss: pred has shape {pred.shape}, expected (N,) or (N, outputs)")
    N = pred.shape[0]
    diff = pred - target
    return float(0.5 * np.sum(diff * diff) / N), diff / N


@loss_function("bce", classifies=True)
def binary_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of sigmoid(logits) against labels in {0, 1}.

    Takes logits, not probabilities, so it stays finite for logits of +-1e4.

    Parameters
    ----------
    logits : ndarray of shape (N,) or (N, 1)
    y : ndarray of shape (N,) with values 0 or 1

    Returns
    -------
    loss : float
        (1/N) sum_n [max(z, 0) - z y + log(1 + e**-|z|)]
    dlogits : ndarray of the shape of logits
        (sigmoid(z) - y) / N
    """
    logits = np.asarray(logits)
    if logits.ndim == 2 and logits.shape[1] == 1:
        z = logits[:, 0]
    elif logits.ndim == 1:
        z = logits
    else:
        raise ValueError(f"binary_cross_entropy: logits has shape {logits.shape}, "
                         "expected (N,) or (N, 1)")
    N = z.shape[0]
    y = _check_labels(y, N, 2, "binary_cross_entropy")
    loss = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    dz = (sigmoid(z) - y) / N
    return float(loss.mean()), dz.reshape(logits.shape)


LOSSES = {"cross_entropy": softmax_cross_entropy, "mse": mse_loss,
          "bce": binary_cross_entropy,
          # the functions' own names (bp.softmax_cross_entropy ...) are accepted too
          "softmax_cross_entropy": softmax_cross_entropy, "mse_loss": mse_loss,
          "binary_cross_entropy": binary_cross_entropy}


def get_loss(loss) -> Callable:
    """A loss function by name (one of ``LOSSES``); a callable passes through."""
    if callable(loss):
        return loss
    return LOSSES[check_choice(loss, "loss", LOSSES)]


def classifies(loss) -> bool:
    """Whether ``loss`` (a name or a function) takes class labels: its ``.classifies``."""
    return bool(getattr(get_loss(loss), "classifies", False))
