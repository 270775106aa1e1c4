"""Exercise 5, training an MLP from your own layers: the graded parts.

Letters: N batch, H units of a layer, C classes (or outputs). Lesson 05 prints none of what
these parts ask: a PReLU layer's backward (its slope ``a`` is a parameter), the softmax
cross-entropy's gradient (lesson 05 folds its own under "After the exercise"), a Huber loss,
and the mini-batch SGD loop, checked against the key step for step (the same seed gives the
same weights). The cases use N > 1, N != H and inputs of both signs, so a missing batch sum,
a mask taken from the wrong array or a missing 1/N all fail. The last part scores the
learner's trained network on fresh spiral points it never saw.
"""

from __future__ import annotations

import numpy as np

from ...data import make_spirals
from ...nn import MLP
from ...optim import Adam
from ...train import fit
from ..judge import accuracy_target, make_compare
from ..spec import Bug, Case, LabeledCase, Part
from ._draw import distinct, hidden, size_sets

__all__ = [
    "PARTS",
    "SPIRALS",
    "TARGET_ACCURACY",
    "huber_loss",
    "minibatch_sgd",
    "prelu_backward",
    "softmax_cross_entropy",
]

TARGET_ACCURACY = 0.95
SPIRALS = {"classes": 3, "noise": 0.2}   # the notebook trains on make_spirals(300, rng=0)


# ---- references --------------------------------------------------------------------------
def prelu_backward(dout: np.ndarray, X: np.ndarray,
                   a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PReLU out = X where X > 0, else a * X (one learned slope a_h per unit).

    dout, X (N, H), a (H,) -> dX (N, H) = dout * (1 where X > 0, else a) and
    da (H,) = sum over the batch of dout * X where X <= 0.
    """
    negative = X <= 0
    dX = dout * np.where(negative, a, 1.0)
    da = (dout * X * negative).sum(axis=0)
    return dX, da


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


def huber_loss(Y: np.ndarray, T: np.ndarray, delta: float) -> tuple[float, np.ndarray]:
    """Huber loss of predictions Y against targets T (both (N, C)), and dY (N, C).

    𝓛 = (1/N) sum_n sum_c h(Y - T), h(r) = r^2 / 2 for |r| <= delta, else
    delta (|r| - delta / 2): half-MSE near the target, a straight line far from it.
    dY = clip(Y - T, -delta, delta) / N.
    """
    N = Y.shape[0]
    r = Y - T
    small = np.abs(r) <= delta
    h = np.where(small, 0.5 * r**2, delta * (np.abs(r) - 0.5 * delta))
    return float(h.sum() / N), np.clip(r, -delta, delta) / N


def _sgd(X, y, W, b, lr, batch_size, num_epochs, seed, *, shuffle=True, together=True,
         drop_last=False, summed=False, reseed=False):
    """Mini-batch SGD on a softmax classifier scores = X W + b; the keyword switches turn
    on one typical mistake each (the bug models)."""
    W, b = np.array(W, dtype=float), np.array(b, dtype=float)
    N = len(X)
    rng = np.random.default_rng(seed)
    for _ in range(num_epochs):
        if reseed:
            rng = np.random.default_rng(seed)
        order = rng.permutation(N) if shuffle else np.arange(N)
        order_y = order if together else rng.permutation(N)
        stop = N - N % batch_size if drop_last else N
        for start in range(0, stop, batch_size):
            rows, rows_y = order[start:start + batch_size], order_y[start:start + batch_size]
            Xb = X[rows]
            _, dscores = softmax_cross_entropy(Xb @ W + b, y[rows_y])
            if summed:
                dscores = dscores * len(rows)
            W -= lr * (Xb.T @ dscores)
            b -= lr * dscores.sum(axis=0)
    return W, b


def minibatch_sgd(X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray, lr: float,
                  batch_size: int, num_epochs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train scores = X W + b with the mean softmax cross-entropy by mini-batch SGD.

    X (N, D), y (N,), W (D, C), b (C,). ``rng = np.random.default_rng(seed)`` once; each
    epoch draws ``order = rng.permutation(N)`` and visits ``order[start:start + batch_size]``
    for start = 0, batch_size, ...; the last, smaller batch is kept (every example once per
    epoch). One plain update W -= lr dW, b -= lr db per batch. Returns the new (W, b);
    the arrays passed in are not changed.
    """
    return _sgd(X, y, W, b, lr, batch_size, num_epochs, seed)


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
PRELU_SIZES = ((4, 3), (6, 5))           # (N, H), N != H
SOFTMAX_SIZES = ((5, 3), (8, 4), (4, 3))   # (N, C); the last one's scores are near 1000
HUBER_SIZES = ((6, 2), (5, 3))            # (N, C)
SGD_SIZES = ((50, 3, 3, 8, 3), (37, 2, 4, 5, 2))   # (N, D, C, batch_size, epochs), N % B != 0


def _prelu_cases(rng, sizes=PRELU_SIZES):
    return [Case((rng.normal(size=(N, H)), rng.normal(size=(N, H)),
                  rng.uniform(0.05, 0.5, H)), note=f"N={N}, H={H}, X of both signs")
            for N, H in sizes]


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


def _huber_cases(rng, sizes=HUBER_SIZES):
    """Residuals of 3 standard deviations around delta = 1: both branches, both signs."""
    return [Case((rng.normal(size=(N, C)) * 3, rng.normal(size=(N, C)), 1.0),
                 note=f"N={N}, C={C}, delta=1: residuals on both sides of ±delta")
            for N, C in sizes]


def _sgd_cases(rng, sizes=SGD_SIZES):
    cases = []
    for N, D, C, B, epochs in sizes:
        X = rng.normal(size=(N, D))
        y = rng.integers(0, C, N)
        W, b = rng.normal(size=(D, C)) * 0.1, np.zeros(C)
        seed = int(rng.integers(0, 10_000))
        cases.append(Case((X, y, W, b), {"lr": 0.5, "batch_size": B, "num_epochs": epochs,
                                         "seed": seed},
                          note=f"N={N}, batch_size={B} (last batch {N % B}), {epochs} epochs, "
                               f"seed {seed}"))
    return cases


def _heldout_cases(rng, n=1500):
    X, y = make_spirals(n, rng=rng, **SPIRALS)
    return [LabeledCase((X,), note=f"{n} fresh spiral points", y=y, target=TARGET_ACCURACY)]


def _pairs(rng):
    return size_sets(rng, 2, 2)


def _softmax_sizes(rng):
    return size_sets(rng, 3, 2)


def _sgd_sizes(rng):
    sizes = []
    for _ in range(2):
        B = int(rng.integers(3, 9))
        N = int(rng.integers(4, 8)) * B + int(rng.integers(1, B))   # a last, smaller batch
        D, C = distinct(rng, 2, 2, 5)
        sizes.append((N, D, C, B, int(rng.integers(2, 4))))
    return tuple(sizes)


def _heldout_size(rng):
    return int(rng.integers(1000, 2000))


def _softmax_sum(s, y):
    loss, dscores = softmax_cross_entropy(s, y)
    return loss, dscores * s.shape[0]


BUGS = {
    "ex05.prelu_backward": [
        Bug("da has one entry per example: the slope a_h is shared by the whole batch, so "
            "its gradient sums over the batch",
            lambda dout, X, a: (prelu_backward(dout, X, a)[0], dout * X * (X <= 0)),
            key="bias axis"),
        Bug("dX is zero where X <= 0: that is ReLU's backward; PReLU's slope there is a",
            lambda dout, X, a: (dout * (X > 0), prelu_backward(dout, X, a)[1]),
            key="missing slope"),
        Bug("da misses the factor X: on the negative side the output is a times X",
            lambda dout, X, a: (prelu_backward(dout, X, a)[0], (dout * (X <= 0)).sum(axis=0)),
            key="missing input"),
        Bug("the mask was taken from dout, not from the layer's input X",
            lambda dout, X, a: (dout * np.where(dout <= 0, a, 1.0),
                                (dout * X * (dout <= 0)).sum(axis=0)),
            key="mask on dout")],
    "ex05.softmax_cross_entropy": [
        Bug("dscores is N times too large: the loss is a mean over the batch, so is its gradient",
            _softmax_sum, key="missing 1/N"),
        Bug("dscores is softmax(scores) / N: the one-hot of the right class was not subtracted",
            lambda s, y: (softmax_cross_entropy(s, y)[0],
                          softmax_cross_entropy(s, y)[1] + np.eye(s.shape[1])[y] / s.shape[0]),
            key="missing one-hot")],
    "ex05.huber_loss": [
        Bug("dY is not clipped: that is the half-MSE gradient, right only where |Y - T| <= delta",
            lambda Y, T, delta: (huber_loss(Y, T, delta)[0], (Y - T) / Y.shape[0]),
            key="not clipped"),
        Bug("dY is N times too large: the loss is a mean over the batch, so is its gradient",
            lambda Y, T, delta: (huber_loss(Y, T, delta)[0], huber_loss(Y, T, delta)[1] * Y.shape[0]),
            key="missing 1/N"),
        Bug("the loss and dY are C times too small: 𝓛 averages over the N examples and sums "
            "over the C outputs (like half-MSE)",
            lambda Y, T, delta: tuple(v / Y.shape[1] for v in huber_loss(Y, T, delta)),
            key="extra 1/C"),
        Bug("dY has the wrong sign: it is d𝓛/dY, and 𝓛 grows as Y moves away from T",
            lambda Y, T, delta: (huber_loss(Y, T, delta)[0], -huber_loss(Y, T, delta)[1]),
            key="sign")],
    "ex05.minibatch_sgd": [
        Bug("the batches come in the same order every epoch (0, 1, 2, ...): draw "
            "rng.permutation(N) at the start of each epoch",
            lambda *a, **k: _sgd(*a, **k, shuffle=False), key="no shuffle"),
        Bug("X and y were shuffled with two different permutations: every example lost its label",
            lambda *a, **k: _sgd(*a, **k, together=False), key="shuffled apart"),
        Bug("the last, smaller batch was dropped: every example should be visited once per epoch",
            lambda *a, **k: _sgd(*a, **k, drop_last=True), key="dropped batch"),
        Bug("the gradient is batch_size times too large: the batch loss is the MEAN over the "
            "batch, not the sum",
            lambda *a, **k: _sgd(*a, **k, summed=True), key="missing 1/N"),
        Bug("every epoch visits the examples in the same shuffled order: the rng was made "
            "again inside the epoch loop; make it once, before the loop",
            lambda *a, **k: _sgd(*a, **k, reseed=True), key="same order")],
}

PARTS = [
    Part("ex05.prelu_backward", "prelu_backward", 3, prelu_backward,
         hidden(_prelu_cases, _pairs), public_cases=_prelu_cases, skill="derive",
         compare=make_compare(names=("dX", "da"), bugs=BUGS["ex05.prelu_backward"]),
         description="PReLU backward: dX and the slope's gradient da"),
    Part("ex05.softmax_cross_entropy", "softmax_cross_entropy", 3, softmax_cross_entropy,
         hidden(_softmax_cases, _softmax_sizes), public_cases=_softmax_cases, skill="derive",
         compare=make_compare(names=("loss", "dscores"), bugs=BUGS["ex05.softmax_cross_entropy"]),
         description="softmax cross-entropy loss and dscores"),
    Part("ex05.huber_loss", "huber_loss", 2, huber_loss,
         hidden(_huber_cases, _pairs), public_cases=_huber_cases, skill="derive",
         compare=make_compare(names=("loss", "dY"), bugs=BUGS["ex05.huber_loss"]),
         description="Huber loss and its gradient dY"),
    Part("ex05.minibatch_sgd", "minibatch_sgd", 3, minibatch_sgd,
         hidden(_sgd_cases, _sgd_sizes), public_cases=_sgd_cases, skill="derive",
         compare=make_compare(names=("W", "b"), rtol=1e-6,
                              bugs=BUGS["ex05.minibatch_sgd"]),
         description="the mini-batch SGD loop: same seed, same weights"),
    Part("ex05.predict", "predict", 2, _trained_predict,
         hidden(_heldout_cases, _heldout_size), public_cases=_heldout_cases,
         compare=accuracy_target, skill="transcribe",
         description=f"trained MLP: held-out accuracy >= {TARGET_ACCURACY} on spirals"),
]
