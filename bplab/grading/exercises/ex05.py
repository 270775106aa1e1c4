"""Exercise 5, training an MLP from your own layers: the graded parts.

Letters: N batch, D inputs, H outputs of a layer, C classes. The cases use N > 1, D != H
and inputs of both signs, so a transposed gradient, a missing 1/N, a bias summed over
the wrong axis or a missing ReLU mask all fail. The last part scores the learner's trained
network on fresh spiral points it never saw.
"""

from __future__ import annotations

import numpy as np

from ...data import make_spirals
from ...nn import MLP
from ...optim import Adam
from ...train import fit
from ..judge import accuracy_target, make_compare
from ..spec import Bug, Case, LabeledCase, Part
from ._draw import hidden, size_sets

__all__ = [
    "PARTS",
    "SPIRALS",
    "TARGET_ACCURACY",
    "linear_backward",
    "linear_forward",
    "relu_backward",
    "softmax_cross_entropy",
]

TARGET_ACCURACY = 0.95
SPIRALS = {"classes": 3, "noise": 0.2}   # the notebook trains on make_spirals(300, rng=0)


# ---- references --------------------------------------------------------------------------
def linear_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """out = X W + b: X (N, D), W (D, H), b (H,) -> (N, H)."""
    return X @ W + b


def linear_backward(dout: np.ndarray, X: np.ndarray,
                    W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dout (N, H) -> dX = dout W^T (N, D), dW = X^T dout (D, H), db = sum of rows (H,)."""
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


def relu_backward(dout: np.ndarray, X: np.ndarray) -> np.ndarray:
    """dX = dout where X > 0, else 0 (the ReLU's local derivative is a mask)."""
    return dout * (X > 0)


def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(scores) (N, C) vs labels y (N,), and dscores (N, C).

    dscores = (softmax(scores) - onehot(y)) / N. Scores are shifted by their row maximum
    first so that exp never overflows.
    """
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    rows = np.arange(N)
    loss = -np.mean(np.log(probs[rows, y]))
    dscores = probs.copy()
    dscores[rows, y] -= 1.0
    return float(loss), dscores / N


_REFERENCE_NET = None


def _trained_predict(X: np.ndarray) -> np.ndarray:
    """The reference network, trained as the notebook does, predicting classes (N,)."""
    global _REFERENCE_NET
    if _REFERENCE_NET is None:
        X_train, y_train = make_spirals(300, rng=0, **SPIRALS)
        _REFERENCE_NET = MLP([2, 64, 64, 3], activation="relu", init="he", rng=0)
        fit(_REFERENCE_NET, X_train, y_train, optimizer=Adam(lr=1e-2), epochs=60,
            batch_size=32, rng=0)
    return _REFERENCE_NET.predict(X)


# ---- cases -------------------------------------------------------------------------------
SIZES = ((4, 5, 3), (6, 2, 7))   # (N, D, H): all different, so a transpose cannot hide
SOFTMAX_SIZES = ((5, 3), (8, 4), (4, 3))   # (N, C); the last one's scores are near 1000


def _forward_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, D)), rng.normal(size=(D, H)), rng.normal(size=H)),
                 note=f"N={N}, D={D}, H={H}") for N, D, H in sizes]


def _backward_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, H)), rng.normal(size=(N, D)), rng.normal(size=(D, H))),
                 note=f"N={N}, D={D}, H={H}") for N, D, H in sizes]


def _relu_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, H)), rng.normal(size=(N, H))),
                 note=f"N={N}, H={H}, X of both signs") for N, _, H in sizes]


def _softmax_cases(rng, sizes=SOFTMAX_SIZES):
    cases = []
    for N, C in sizes[:-1]:
        y = rng.integers(0, C, N)
        cases.append(Case((rng.normal(size=(N, C)), y), note=f"N={N}, C={C}"))
    N, C = sizes[-1]
    y = rng.integers(0, C, N)
    big = rng.normal(size=(N, C)) * 10 + 1000.0
    cases.append(Case((big, y), note="scores near 1000: shift by the row max so exp can't overflow"))
    return cases


def _heldout_cases(rng, n=1500):
    X, y = make_spirals(n, rng=rng, **SPIRALS)
    return [LabeledCase((X,), note=f"{n} fresh spiral points", y=y, target=TARGET_ACCURACY)]


def _layer_sizes(rng):
    return size_sets(rng, 2, 3)


def _softmax_sizes(rng):
    return size_sets(rng, 3, 2)


def _heldout_size(rng):
    return int(rng.integers(1000, 2000))


BUGS = {
    "ex05.linear_forward": [
        Bug("the bias is missing", lambda X, W, b: X @ W, key="bias")],
    "ex05.relu_backward": [
        Bug("the ReLU mask is missing: the gradient passed through where X <= 0 too",
            lambda dout, X: dout, key="missing mask"),
        Bug("the mask was taken from dout, not from the layer's input X",
            lambda dout, X: dout * (dout > 0), key="mask on dout")],
    "ex05.softmax_cross_entropy": [
        Bug("dscores is N times too large: the loss is a mean over the batch, so is its gradient",
            lambda s, y: (softmax_cross_entropy(s, y)[0],
                          softmax_cross_entropy(s, y)[1] * s.shape[0]), key="missing 1/N")],
}

PARTS = [
    Part("ex05.linear_forward", "linear_forward", 1, linear_forward,
         hidden(_forward_cases, _layer_sizes), public_cases=_forward_cases, compare=make_compare(names=("out",), bugs=BUGS["ex05.linear_forward"]),
         description="Linear forward: X W + b"),
    Part("ex05.linear_backward", "linear_backward", 3, linear_backward,
         hidden(_backward_cases, _layer_sizes), public_cases=_backward_cases, compare=make_compare(names=("dX", "dW", "db")),
         description="Linear backward: dX, dW, db"),
    Part("ex05.relu_backward", "relu_backward", 1, relu_backward,
         hidden(_relu_cases, _layer_sizes), public_cases=_relu_cases, compare=make_compare(names=("dX",), bugs=BUGS["ex05.relu_backward"]),
         description="ReLU backward: pass dout where X > 0"),
    Part("ex05.softmax_cross_entropy", "softmax_cross_entropy", 3, softmax_cross_entropy,
         hidden(_softmax_cases, _softmax_sizes), public_cases=_softmax_cases,
         compare=make_compare(names=("loss", "dscores"), bugs=BUGS["ex05.softmax_cross_entropy"]),
         description="softmax cross-entropy loss and dscores"),
    Part("ex05.predict", "predict", 2, _trained_predict,
         hidden(_heldout_cases, _heldout_size), public_cases=_heldout_cases,
         compare=accuracy_target,
         description=f"trained MLP: held-out accuracy >= {TARGET_ACCURACY} on spirals"),
]
