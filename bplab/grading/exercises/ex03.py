"""Exercise 3, logistic regression by hand: the graded parts.

Letters: N examples, D features. The model is p = sigmoid(X w + b), the loss the mean
binary cross-entropy. The last part scores the learner's trained ``predict`` on fresh
points from the same distribution (``LabeledCase`` carries their labels to ``compare``).

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
    "bce_loss",
    "logistic_gradients",
    "predict_proba",
    "sigmoid",
    "train_logistic",
]

TARGET_ACCURACY = 0.85   # a straight line gets ~0.88 on the moons; a constant guess 0.5
NOISE = 0.1


# ---- references --------------------------------------------------------------------------
def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-z) elementwise, computed without overflow for large |z|."""
    return _stable_sigmoid(z)


def predict_proba(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """X (N, D), w (D,), b -> p (N,) = sigmoid(X w + b)."""
    return sigmoid(X @ w + b)


def bce_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy -(1/N) sum [y log p + (1 - y) log(1 - p)]; p, y (N,)."""
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def logistic_gradients(X: np.ndarray, y: np.ndarray, w: np.ndarray,
                       b: float) -> tuple[np.ndarray, float]:
    """dL/dw (D,) = X^T (p - y) / N and dL/db = mean(p - y) for the mean cross-entropy."""
    err = predict_proba(X, w, b) - y     # dL/dz for each example, times N
    return X.T @ err / len(y), float(err.mean())


def train_logistic(X: np.ndarray, y: np.ndarray, lr: float,
                   num_steps: int) -> tuple[np.ndarray, float]:
    """Full-batch gradient descent from w = 0, b = 0: ``num_steps`` updates w -= lr dw."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(num_steps):
        dw, db = logistic_gradients(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b


_REFERENCE_MODEL = None


def _trained_predict(X: np.ndarray) -> np.ndarray:
    """The reference classifier: logistic regression trained as the notebook does."""
    global _REFERENCE_MODEL
    if _REFERENCE_MODEL is None:
        X_train, y_train = make_moons(300, noise=NOISE, rng=0)
        _REFERENCE_MODEL = train_logistic(X_train, y_train, lr=1.0, num_steps=500)
    w, b = _REFERENCE_MODEL
    return (predict_proba(X, w, b) > 0.5).astype(np.int64)


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


def _proba_cases(rng, sizes=((5, 3), (4, 2))):
    notes = ("N={} examples, D={} features", "N={}, D={}")
    return [Case(_xwb(rng, N, D), note=note.format(N, D))
            for (N, D), note in zip(sizes, notes)]


def _loss_cases(rng, sizes=(6, 9)):
    cases = []
    for N in sizes:
        p = rng.uniform(0.05, 0.95, N)
        y = rng.integers(0, 2, N)
        y[:2] = [0, 1]  # both classes present
        cases.append(Case((p, y), note=f"N={N}: the MEAN over the batch"))
    return cases


def _gradient_cases(rng, sizes=((6, 3), (5, 2))):
    cases = []
    for N, D in sizes:
        X, w, b = _xwb(rng, N, D)
        y = rng.integers(0, 2, N)
        cases.append(Case((X, y, w, b), note=f"N={N}, D={D}"))
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


def _batch_sizes(rng):
    return distinct(rng, 2, 3, 12)


def _train_sizes(rng):
    return (int(rng.integers(40, 100)), round(float(rng.uniform(0.2, 1.0)), 2),
            int(rng.integers(10, 40)))


def _heldout_size(rng):
    return int(rng.integers(800, 1500))


BUGS = {
    "ex03.predict_proba": [
        Bug("the sigmoid is missing: these are scores, not probabilities",
            lambda X, w, b: X @ w + b, key="activation")],
    "ex03.bce_loss": [
        Bug("that is the SUM over the batch, not the mean",
            lambda p, y: float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))),
            key="missing 1/N")],
    "ex03.logistic_gradients": [
        Bug("the gradients have the wrong sign (they point downhill)",
            lambda X, y, w, b: tuple(-g for g in logistic_gradients(X, y, w, b)), key="sign")],
    "ex03.train_logistic": [
        Bug("the update goes WITH the gradient (uphill)",
            lambda X, y, lr, num_steps: train_logistic(X, y, -lr, num_steps), key="sign")],
}

PARTS = [
    Part("ex03.sigmoid", "sigmoid", 1, sigmoid, hidden(_sigmoid_cases, _sigmoid_sizes),
         public_cases=_sigmoid_cases,
         description="sigmoid(z) = 1 / (1 + e^-z), stable for large |z|"),
    Part("ex03.predict_proba", "predict_proba", 1, predict_proba,
         hidden(_proba_cases, _pairs), public_cases=_proba_cases,
         compare=make_compare(names=("p",), bugs=BUGS["ex03.predict_proba"]),
         description="forward pass: p = sigmoid(X w + b)"),
    Part("ex03.bce_loss", "bce_loss", 2, bce_loss, hidden(_loss_cases, _batch_sizes),
         public_cases=_loss_cases,
         compare=make_compare(names=("loss",), bugs=BUGS["ex03.bce_loss"]),
         description="mean binary cross-entropy"),
    Part("ex03.logistic_gradients", "logistic_gradients", 3, logistic_gradients,
         hidden(_gradient_cases, _pairs), public_cases=_gradient_cases,
         compare=make_compare(names=("dw", "db"), bugs=BUGS["ex03.logistic_gradients"]),
         description="gradients dL/dw and dL/db of the mean cross-entropy"),
    Part("ex03.train_logistic", "train_logistic", 2, train_logistic,
         hidden(_train_cases, _train_sizes), public_cases=_train_cases,
         compare=make_compare(names=("w", "b"), rtol=1e-5, bugs=BUGS["ex03.train_logistic"]),
         description="gradient descent from w = 0, b = 0"),
    Part("ex03.predict", "predict", 2, _trained_predict,
         hidden(_heldout_cases, _heldout_size), public_cases=_heldout_cases,
         compare=accuracy_target,
         description=f"trained classifier: held-out accuracy >= {TARGET_ACCURACY}"),
]
