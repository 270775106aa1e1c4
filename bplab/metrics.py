"""How well a model does: accuracy (whatever shape its scores take) and evaluation.

Letters: N examples, C classes.
"""

from __future__ import annotations

import numpy as np

from .losses import classifies, get_loss

__all__ = ["accuracy", "evaluate", "num_correct"]


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose predicted class equals y.

    scores, by shape:
        (N, C), C > 1 : class scores; the prediction is each row's argmax.
        (N, 1)        : logits of a binary model; the prediction is logit > 0.
        (N,)          : predicted labels when they are whole numbers >= 0, of an int or
                        a float dtype (``np.array([2., 2., 0.])`` is the labels 2, 2, 0);
                        otherwise logits of a binary model (prediction: logit > 0).
    y : (N,) integer labels.
    """
    scores, y = np.asarray(scores), np.asarray(y)
    if scores.ndim == 2 and scores.shape[1] > 1:
        pred = scores.argmax(axis=1)
    elif scores.dtype.kind in "iu" or (scores.ndim == 1 and _are_labels(scores)):
        pred = scores.reshape(-1)
    else:
        pred = (scores.reshape(-1) > 0).astype(np.int64)
    if pred.shape != y.shape:
        raise ValueError(f"accuracy: {pred.shape[0]} predictions but y has shape {y.shape}")
    return float(np.mean(pred == y))


def _are_labels(values: np.ndarray) -> bool:
    """Whether a 1-D float array holds whole numbers >= 0 (labels, not logits)."""
    if values.dtype.kind != "f" or values.size == 0:
        return False
    with np.errstate(invalid="ignore"):
        return bool(np.all(values >= 0) and np.all(np.mod(values, 1) == 0))


def evaluate(model, X: np.ndarray, y: np.ndarray, loss="cross_entropy") -> tuple[float, float]:
    """(loss, accuracy) of model on X (N, D), y (N,); accuracy is nan unless the loss
    classifies (``loss.classifies``)."""
    scores = model.forward(X)
    value, _ = get_loss(loss)(scores, y)
    acc = accuracy(scores, y) if classifies(loss) else float("nan")
    return value, acc


def num_correct(scores: np.ndarray, y: np.ndarray) -> int:
    """Rows of a batch classified right: ``accuracy * len(y)`` without its checks."""
    if scores.ndim == 2 and scores.shape[1] > 1:
        return int(np.count_nonzero(scores.argmax(axis=1) == y))
    return round(accuracy(scores, y) * len(y))
