"""Training: ``train_step`` (one mini-batch) and ``fit`` (epochs of them), recorded in ``History``.

Letters: N examples, D inputs, C classes; L Linear layers, S steps taken, B a batch's rows.

``fit`` is duck-typed: a model is anything with ``forward``, ``backward``, ``params()``
and ``grads()`` (``Sequential``, ``MLP`` or a learner's own class).

A run whose loss turns non-finite, or grows past ``DIVERGENCE_FACTOR`` times where it
started, stops: ``History.diverged_at`` records the step, ``History.message`` says what
to try, and a ``DivergenceWarning`` is issued. No NaN is ever appended to a History.

A run that stopped learning (its loss oscillates above where it started, or climbed back
well above its best) is named too: ``History.stalled_at`` and ``History.message``; it keeps
training unless ``fit(stop_on_stall=True)``. ``flow_verdict`` (from ``bplab.flow``) reads
per-layer gradient norms.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._rng import as_rng
from .data import batches
from .flow import flow_verdict
from .layers import is_weight, named_arrays
from .losses import classifies, get_loss
from .metrics import evaluate, num_correct
from .nn import forward_backward, takes_input_grad
from .optim import OPTIMIZERS, Adam, Optimizer, get_optimizer
from .validation import check_array, check_int

__all__ = [
    "DIVERGENCE_FACTOR",
    "STALL_FACTOR",
    "DivergenceWarning",
    "History",
    "fit",
    "flow_verdict",
    "layer_grad_norms",
    "train_step",
]

DIVERGENCE_FACTOR = 100.0
STALL_FACTOR = 3.0  # "well above its best": the recent loss over 3x the best window's


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss blew up."""


@dataclass
class History:
    """What ``fit`` recorded.

    Attributes
    ----------
    loss : list of float, length S
        Training loss of every mini-batch step.
    val_loss, val_acc : list of float, one per epoch
        On the validation set, when ``fit`` was given ``val``.
    train_acc : list of float, one per epoch
        Over the epoch's training batches as they were seen (a running figure, as Keras
        reports it: free, since each step computed those scores; classification only).
    grad_norms : list of list of float, shape (S, L) as an array
        ||dW|| of every Linear layer at every step, first layer first.
    layer_names : list of str, length L
    steps_per_epoch : int
    diverged_at : int or None
        The step at which the loss turned non-finite or blew up, else None.
    diverged_loss : float or None
        That step's loss (inf, nan or the blown-up value; never in ``loss``), else None.
    stalled_at : int or None
        The step by which the run had stopped learning (its loss oscillating above where
        it started, or back well above its best), else None. Training went on.
    message : str
        Why training stopped early, or stopped learning, and what to try; else "".
    """

    loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    layer_names: list = field(default_factory=list)
    steps_per_epoch: int = 0
    diverged_at: int | None = None
    diverged_loss: float | None = None
    stalled_at: int | None = None
    message: str = ""

    @property
    def epochs(self) -> int:
        """Epochs completed (those with a recorded evaluation, or whole epochs of steps)."""
        if self.train_acc or self.val_loss:
            return max(len(self.train_acc), len(self.val_loss))
        return len(self.loss) // self.steps_per_epoch if self.steps_per_epoch else 0

    def __repr__(self) -> str:
        parts = [f"steps={len(self.loss)}", f"epochs={self.epochs}"]
        if self.loss:
            parts.append(f"loss={self.loss[-1]:.4g}")
        if self.val_acc:
            parts.append(f"val_acc={self.val_acc[-1]:.4f}")
        if self.diverged_at is not None:
            parts.append(f"diverged_at={self.diverged_at}")
        if self.stalled_at is not None:
            parts.append(f"stalled_at={self.stalled_at}")
        return f"History({', '.join(parts)})"


def train_step(model, X: np.ndarray, y: np.ndarray, loss, optimizer: Optimizer) -> float:
    """One step of gradient descent on a mini-batch X (B, D), y (B,); returns the loss.

    ``loss`` is a loss function or its name, as in ``fit(loss=...)``; ``optimizer`` an
    Optimizer object (it keeps state from step to step, so not a name)."""
    named_arrays(model, "params", where="train_step")  # a clear error before any work
    return _step(model, X, y, get_loss(loss), optimizer, takes_input_grad(model))[0]


def _step(model, X, y, loss_fn, optimizer, skip_dX: bool = False, where: str = "train_step"):
    """``train_step`` that also returns the batch's scores (B, C) and the grads it used.

    ``skip_dX``: the model's backward takes ``input_grad=False`` (training never needs
    dL/dX of the input, so the first layer skips computing it).
    """
    # 1. forward propagation, the loss, 2. backward propagation
    loss, scores = forward_backward(model, X, y, loss_fn, input_grad=not skip_dX)
    grads = named_arrays(model, "grads", where)
    params = named_arrays(model, "params", where)
    optimizer.step(params, grads)                   # 3. w <- w - lr * dL/dw (or Adam's step)
    return loss, scores, grads


def layer_grad_norms(model, X: np.ndarray, y: np.ndarray, loss="cross_entropy") -> list[float]:
    """||dL/dW|| of each Linear layer, first layer first, for one pass over X (N, D), y (N,).

    One forward and one backward pass; no weight is updated. A network whose signals
    overflow gives inf or nan entries, without numpy warnings (that is what they show).
    """
    with np.errstate(all="ignore"):
        forward_backward(model, X, y, get_loss(loss))
        return _last_grad_norms(model)


def _weight_grads(grads: dict) -> list[np.ndarray]:
    """dL/dW of each weight matrix (grads named "W" or "<layer>.W"), first layer first."""
    return [g for name, g in grads.items() if is_weight(name)]


def _last_grad_norms(model, grads: dict | None = None) -> list[float]:
    """||dW|| of each Linear layer from the last backward pass (``grads``: model.grads())."""
    weights = _weight_grads(model.grads() if grads is None else grads)
    return [math.sqrt(float(np.dot(g.ravel(), g.ravel()))) for g in weights]


def _check_fit_args(model, X, y, loss, epochs, batch_size):
    for name in ("forward", "backward"):
        if not hasattr(model, name):
            raise TypeError(f"fit: model must have forward, backward, params and grads; "
                            f"{type(model).__name__} has no {name}")
    named_arrays(model, "params", where="fit")
    named_arrays(model, "grads", where="fit")
    X = check_array(X, "X", finite=True, where="fit")
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"fit: X has shape {X.shape}, expected (N, D) with N >= 1")
    y = check_array(y, "y", where="fit")
    if y.ndim == 0:
        raise ValueError(f"fit: y must be an array of N labels (or targets), one per row of "
                         f"X, got {y.item()!r}")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"fit: X has {X.shape[0]} rows but y has {y.shape[0]}")
    get_loss(loss)
    check_int(epochs, "epochs", where="fit")
    check_int(batch_size, "batch_size", where="fit")
    scores = _probe(model, X)
    if classifies(loss):  # every label, not just the first batch's
        get_loss(loss)(np.zeros((len(y), *scores.shape[1:])), y)
    return X, y


def _probe(model, X: np.ndarray) -> np.ndarray:
    """The model's scores for X's first row; a clear error when X has the wrong D."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(model.forward(X[:1]))
    except (ValueError, TypeError) as error:
        expected = _first_layer_inputs(model)
        if expected is not None and expected != X.shape[1]:
            raise ValueError(f"fit: X has D={X.shape[1]} columns but the network's first "
                             f"layer expects {expected} inputs") from error
        raise


def _first_layer_inputs(model) -> int | None:
    """How many inputs the model's first weight matrix W (D, H) takes, if it has one."""
    weights = [w for w in _weight_grads(model.params()) if np.ndim(w) == 2]
    return int(np.shape(weights[0])[0]) if weights else None


def _get_optimizer(optimizer):
    """fit's ``optimizer``: an Optimizer (anything with ``step``), a name, or None (Adam)."""
    if optimizer is None:
        return Adam(1e-3)
    if isinstance(optimizer, str):
        return get_optimizer(optimizer, where="fit")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"fit: optimizer must be an optimizer like bp.Adam(lr=1e-3) or "
                        f"bp.SGD(lr=0.1), or one of the names {list(OPTIMIZERS)}, got "
                        f"{optimizer!r} (a {type(optimizer).__name__})")
    return optimizer


def _divergence_message(step: int, loss: float, start: float, optimizer) -> str:
    lr = getattr(optimizer, "lr", None)
    what = "became non-finite" if not math.isfinite(loss) else f"grew to {loss:.3g}"
    advice = (f"the learning rate lr={lr:g} is probably too large: try lr={lr / 10:g}"
              if lr is not None else "try a smaller learning rate")
    return (f"Training diverged at step {step}: the loss {what} (it started at {start:.3g}). "
            f"Stopped early; {advice}, or a better-scaled init (he for relu, xavier for tanh).")


def _stall_message(hist: History, recent: float, start: float, best: float,
                   window: int, optimizer) -> str:
    lr = getattr(optimizer, "lr", None)
    where = (f"higher than where it started ({start:.3g})" if recent > start else
             f"over {STALL_FACTOR:g}x its best ({best:.3g})")
    advice = (f"the learning rate lr={lr:g} is probably too large: try lr={lr / 10:g}"
              if lr is not None else "try a smaller learning rate")
    return (f"Training stopped learning by step {hist.stalled_at}: over the last {window} "
            f"steps the loss (median {recent:.3g}) is {where}; it oscillates instead of "
            f"going down. Training went on; {advice}.")


def _check_stalled(hist: History, batch_size: int, optimizer) -> bool:
    """Record in ``hist`` (once) that the run stopped learning; True when it just did.

    Medians over windows of ``window`` steps (two epochs, at least 20 steps) smooth the
    mini-batch noise. Stopped: the last window's median is above the starting loss (the
    first ~16 examples' losses, before any update counts), or above half of it and over
    STALL_FACTOR times the best earlier window's median.
    """
    window = max(2 * hist.steps_per_epoch, 20)
    if hist.stalled_at is not None or len(hist.loss) < 2 * window:
        return False
    losses = np.asarray(hist.loss, dtype=np.float64)
    start = float(np.median(losses[:math.ceil(16 / batch_size)]))
    recent = float(np.median(losses[-window:]))
    best = min(float(np.median(losses[i:i + window]))
               for i in range(0, len(losses) - window, window))
    if not (recent > start or (recent > start / 2 and recent > STALL_FACTOR * best)):
        return False
    hist.stalled_at = len(hist.loss)
    hist.message = _stall_message(hist, recent, start, best, window, optimizer)
    return True


def _print_epoch(epoch: int, epochs: int, hist: History) -> None:
    """One line of progress: the epoch, its last loss, the accuracies and validation loss."""
    line = f"epoch {epoch:>3}/{epochs}  loss {hist.loss[-1]:.4f}"
    if hist.train_acc:
        line += f"  train_acc {hist.train_acc[-1]:.4f}"
    if hist.val_loss:
        line += f"  val_loss {hist.val_loss[-1]:.4f}"
    if hist.val_acc:
        line += f"  val_acc {hist.val_acc[-1]:.4f}"
    print(line, flush=True)


def fit(model, X: np.ndarray, y: np.ndarray, loss="cross_entropy", optimizer=None,
        epochs: int = 10, batch_size: int = 32, val=None, rng=0, verbose: bool | int = False,
        callback: Callable | None = None, history: History | None = None,
        stop_on_stall: bool = False) -> History:
    """Train ``model`` with mini-batch gradient descent and record what happened.

    Parameters
    ----------
    model : Sequential, MLP, or anything with forward, backward, params(), grads()
    X : ndarray of shape (N, D)
    y : ndarray of shape (N,) integer labels (or (N, C) targets for loss="mse")
    loss : "cross_entropy", "bce", "mse", or a loss function (``bp.softmax_cross_entropy``
        ...); accuracy is recorded when it classifies (``loss.classifies``)
    optimizer : Optimizer, or a name ("adam", "momentum", "sgd") for one with its default
        lr; default Adam(lr=1e-3)
    epochs, batch_size : int
    val : (X_val, y_val), optional; evaluated after every epoch
    rng : int or Generator, default 0; shuffles the batches
    verbose : bool or int; print a line every epoch (True) or every ``verbose`` epochs
    callback : callable(history) -> bool, optional; called after every step, stops when True
    history : History, optional; continue recording into it (e.g. a Step button)
    stop_on_stall : bool, default False; return as soon as the run stopped learning
        (``History.stalled_at``); by default it is recorded and training goes on

    Returns
    -------
    History
    """
    X, y = _check_fit_args(model, X, y, loss, epochs, batch_size)
    loss_fn, optimizer = get_loss(loss), _get_optimizer(optimizer)
    gen, hist = as_rng(rng), history if history is not None else History()
    hist.steps_per_epoch = math.ceil(X.shape[0] / batch_size)
    if not hist.layer_names:
        hist.layer_names = [f"layer {k + 1}" for k in range(len(_weight_grads(model.grads())))]
    start = hist.loss[0] if hist.loss else None
    classify, skip_dX = classifies(loss), takes_input_grad(model)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # reported below
        for epoch in range(1, epochs + 1):
            correct = 0
            for Xb, yb in batches(X, y, batch_size, rng=gen):
                value, scores, grads = _step(model, Xb, yb, loss_fn, optimizer, skip_dX, "fit")
                start = value if start is None else start
                if not math.isfinite(value) or value > DIVERGENCE_FACTOR * max(start, 1.0):
                    return _stop_diverged(hist, value, start, optimizer)
                hist.loss.append(value)
                hist.grad_norms.append(_last_grad_norms(model, grads))
                if classify:
                    correct += num_correct(scores, yb)
                if callback is not None and callback(hist):
                    return hist
            _end_epoch(hist, model, loss, val, correct / len(y) if classify else None)
            stalled = _check_stalled(hist, batch_size, optimizer)
            if verbose and (epoch % int(verbose) == 0 or epoch == epochs):
                _print_epoch(epoch, epochs, hist)
            if verbose and stalled:
                print(hist.message, flush=True)
            if stalled and stop_on_stall:
                return hist
    return hist


def _end_epoch(hist: History, model, loss, val, train_acc: float | None) -> None:
    """Record the epoch's running train accuracy and, when ``val`` is given, its loss and
    accuracy on the validation set."""
    if train_acc is not None:
        hist.train_acc.append(train_acc)
    if val is not None:
        val_loss, val_acc = evaluate(model, *val, loss=loss)
        hist.val_loss.append(val_loss)
        if train_acc is not None:
            hist.val_acc.append(val_acc)


def _stop_diverged(hist: History, value: float, start: float, optimizer) -> History:
    hist.diverged_at, hist.diverged_loss = len(hist.loss), float(value)
    hist.message = _divergence_message(hist.diverged_at, value, start, optimizer)
    warnings.warn(hist.message, DivergenceWarning, stacklevel=3)
    return hist
