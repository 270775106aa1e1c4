"""Exercise 3, logistic regression by hand: the graded parts.

Letters: N examples, D features. The model is p = sigmoid(z), z = X w + b (the logits), the
loss 𝓛 the mean binary cross-entropy. Lessons 03a/03b teach the chain rule through a sigmoid
on half-MSE; the cross-entropy's stable form and its gradient are the learner's to derive.
``train_logistic`` is a diagnosis: the notebook hands out a loop with two bugs to find.
The last part scores the learner's trained ``predict`` on fresh points from the same
distribution (``LabeledCase`` carries their labels to ``compare``).

``LabeledCase`` and ``accuracy_target`` are shared with exercises 5 and 8.
"""

from __future__ import annotations

import numpy as np

from ...data import make_moons
from ...layers import sigmoid as _stable_sigmoid
from ..judge import accuracy_target, make_compare
from ..spec import Bug, Case, LabeledCase, Part
from ._draw import distinct, hidden, size_sets

__all__ = [
    "PARTS",
    "TARGET_ACCURACY",
    "LabeledCase",
    "accuracy_target",
    "logistic_gradients",
    "logistic_loss",
    "sigmoid",
    "train_logistic",
]

TARGET_ACCURACY = 0.85   # a straight line gets ~0.88 on the moons; a constant guess 0.5
NOISE = 0.1


# ---- references --------------------------------------------------------------------------
def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-z) elementwise, computed without overflow for large |z|."""
    return _stable_sigmoid(z)


def logistic_loss(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    """Mean binary cross-entropy of p = sigmoid(X w + b) against y, from the logits z.

    X (N, D), y (N,) of 0/1, w (D,), b a number. -[y log p + (1-y) log(1-p)] equals
    log(1 + e^z) - y z, and ``np.logaddexp(0, z)`` is log(1 + e^z) without overflow, so the
    loss stays finite for |z| = 1000 where log(p) would be log(0).
    """
    z = X @ w + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def logistic_gradients(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                       b: float) -> tuple[np.ndarray, float]:
    """d𝓛/dw (D,) = X^T (p - y) / N and d𝓛/db = mean(p - y) for the mean cross-entropy."""
    err = sigmoid(X @ w + b) - y     # N * d𝓛/dz for each example
    return X.T @ err / len(y), float(err.mean())


def train_logistic(X: np.ndarray, y: np.ndarray, lr: float,
                   num_steps: int) -> tuple[np.ndarray, float]:
    """Full-batch gradient descent from w = 0, b = 0: ``num_steps`` updates w -= lr dw."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_steps):
        dw, db = logistic_gradients(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b


def _train_as_given(X, y, lr, num_steps, fresh_gradient=False, downhill=False):
    """The loop the notebook hands out, with its two bugs switched on or off: the gradient
    computed once before the loop (stale) and the update going uphill."""
    w, b = np.zeros(X.shape[1]), 0.0
    sign = -1.0 if downhill else 1.0
    dw, db = logistic_gradients(X, y, w, b)
    for _ in range(num_steps):
        if fresh_gradient:
            dw, db = logistic_gradients(X, y, w, b)
        w, b = w + sign * lr * dw, b + sign * lr * db
    return w, b


_REFERENCE_MODEL = None


def _trained_predict(X: np.ndarray) -> np.ndarray:
    """The reference classifier: logistic regression trained as the notebook does."""
    global _REFERENCE_MODEL
    if _REFERENCE_MODEL is None:
        X_train, y_train = make_moons(300, noise=NOISE, rng=0)
        _REFERENCE_MODEL = train_logistic(X_train, y_train, lr=1.0, num_steps=500)
    w, b = _REFERENCE_MODEL
    return (X @ w + b > 0).astype(np.int64)


# ---- cases -------------------------------------------------------------------------------
def _sigmoid_cases(rng, sizes=(6, (3, 4), None)):
    """sizes: a vector's length, an array's shape, then large |z| (None: the fixed five)."""
    n, shape, big = sizes
    big = np.array([-800.0, -50.0, 0.0, 50.0, 800.0]) if big is None else big
    return [Case((rng.normal(size=n),), note=f"{n} values near 0"),
            Case((rng.normal(size=shape) * 5,), note=f"a {shape} array"),
            Case((big,), note="large |z|: no overflow, results in [0, 1]")]


def _xwb(rng, N, D):
    return rng.normal(size=(N, D)), rng.normal(size=D), float(rng.normal())


def _labels(rng, N):
    y = rng.integers(0, 2, N)
    y[:2] = [0, 1]  # both classes present
    return y


def _loss_cases(rng, sizes=((6, 3), (9, 2), (5, 2))):
    """Two batches of moderate logits, then one whose logits reach several hundred."""
    cases = []
    for (N, D), scale in zip(sizes, (1.0, 1.0, 300.0)):
        X, w, b = _xwb(rng, N, D)
        big = scale > 1
        note = (f"N={N}, D={D}: logits up to ±{np.abs(X * scale @ w).max():.0f}, "
                "no overflow and no log(0)" if big else f"N={N}, D={D}: the MEAN over the batch")
        cases.append(Case((X * scale, _labels(rng, N), w, b), note=note))
    return cases


def _gradient_cases(rng, sizes=((6, 3), (5, 2))):
    cases = []
    for N, D in sizes:
        X, w, b = _xwb(rng, N, D)
        cases.append(Case((X, _labels(rng, N), w, b), note=f"N={N}, D={D}"))
    return cases


def _train_cases(rng, sizes=(60, 0.5, 30)):
    n, lr, steps = sizes
    X, y = make_moons(n, noise=NOISE, rng=rng)
    return [Case((X, y), {"lr": lr, "num_steps": steps}, note=f"{n} moons points, {steps} steps")]


def _heldout_cases(rng, n=1000):
    X, y = make_moons(n, noise=NOISE, rng=rng)
    return [LabeledCase((X,), note=f"{n} fresh moons points", y=y, target=TARGET_ACCURACY)]


# ---- hidden sizes (and the training run's lr and steps): drawn from the rng ----------------
def _sigmoid_sizes(rng):
    big = rng.uniform(40.0, 900.0, int(rng.integers(3, 8))) * rng.choice([-1.0, 1.0], 1)
    big[0] = -abs(big[0])
    big[-1] = abs(big[-1])      # both signs
    return int(rng.integers(3, 12)), distinct(rng, 2), big


def _pairs(rng):
    return size_sets(rng, 2, 2)


def _triples(rng):
    return size_sets(rng, 3, 2)


def _train_sizes(rng):
    return (int(rng.integers(40, 100)), round(float(rng.uniform(0.2, 1.0)), 2),
            int(rng.integers(10, 40)))


def _heldout_size(rng):
    return int(rng.integers(800, 1500))


def _loss_through_clipped_p(X, y, w, b):
    p = np.clip(sigmoid(X @ w + b), 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _gradients_with_sigmoid_factor(X, y, w, b):
    p = sigmoid(X @ w + b)
    dz = (p - y) * p * (1 - p)
    return X.T @ dz / len(y), float(dz.mean())


BUGS = {
    "ex03.logistic_loss": [
        Bug("that is the SUM over the batch, not the mean",
            lambda X, y, w, b: logistic_loss(X, y, w, b) * len(y), key="missing 1/N"),
        Bug("p was clipped away from 0 and 1 before the log: for large |z| the loss is capped "
            "near 34.5 per example instead of growing with |z|; write the loss from z itself",
            _loss_through_clipped_p, key="clipped")],
    "ex03.logistic_gradients": [
        Bug("the gradients have the wrong sign (they point downhill)",
            lambda X, y, w, b: tuple(-g for g in logistic_gradients(X, y, w, b)), key="sign"),
        Bug("the gradients are N times too large: the loss is a mean over the batch",
            lambda X, y, w, b: tuple(g * len(y) for g in logistic_gradients(X, y, w, b)),
            key="missing 1/N"),
        Bug("there is an extra factor p(1 - p): that is the half-MSE chain of lesson 03a; "
            "for the cross-entropy that factor cancels",
            _gradients_with_sigmoid_factor, key="sigmoid factor")],
    "ex03.train_logistic": [
        Bug("this is the loop as handed out: both bugs are still there",
            lambda X, y, lr, num_steps: _train_as_given(X, y, lr, num_steps), key="as given"),
        Bug("the update still goes WITH the gradient (uphill)",
            lambda X, y, lr, num_steps: _train_as_given(X, y, lr, num_steps,
                                                        fresh_gradient=True), key="sign"),
        Bug("the gradient is still computed once, before the loop: every step reuses the "
            "gradient at the starting point (w and b zero)",
            lambda X, y, lr, num_steps: _train_as_given(X, y, lr, num_steps, downhill=True),
            key="stale gradient")],
}

PARTS = [
    Part("ex03.sigmoid", "sigmoid", 1, sigmoid, hidden(_sigmoid_cases, _sigmoid_sizes),
         public_cases=_sigmoid_cases, skill="derive",
         description="sigmoid(z), stable for large |z|"),
    Part("ex03.logistic_loss", "logistic_loss", 2, logistic_loss,
         hidden(_loss_cases, _triples), public_cases=_loss_cases, skill="derive",
         compare=make_compare(names=("loss",), bugs=BUGS["ex03.logistic_loss"]),
         description="mean binary cross-entropy from the logits, finite for large |z|"),
    Part("ex03.logistic_gradients", "logistic_gradients", 3, logistic_gradients,
         hidden(_gradient_cases, _pairs), public_cases=_gradient_cases, skill="derive",
         compare=make_compare(names=("dw", "db"), bugs=BUGS["ex03.logistic_gradients"]),
         description="gradients d𝓛/dw and d𝓛/db of the mean cross-entropy"),
    Part("ex03.train_logistic", "train_logistic", 2, train_logistic,
         hidden(_train_cases, _train_sizes), public_cases=_train_cases, skill="diagnose",
         compare=make_compare(names=("w", "b"), rtol=1e-5, bugs=BUGS["ex03.train_logistic"]),
         description="the broken training loop, fixed"),
    Part("ex03.predict", "predict", 2, _trained_predict,
         hidden(_heldout_cases, _heldout_size), public_cases=_heldout_cases,
         compare=accuracy_target, skill="transcribe",
         description=f"trained classifier: held-out accuracy >= {TARGET_ACCURACY}"),
]
