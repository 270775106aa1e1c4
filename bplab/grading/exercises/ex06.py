"""Exercise 6, optimisers: the graded parts.

The update rules, for a parameter array w with gradient dw (any shape):

    momentum:  v <- momentum * v - lr * dw ;   w <- w + v          (as bp.SGD)
    Adam:      m <- b1 m + (1 - b1) dw ;  v <- b2 v + (1 - b2) dw**2
               w <- w - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1**t),
               v_hat = v / (1 - b2**t), with t = 1 on the first step          (as bp.Adam)

The cases run the updates on the quadratic bowl f(w) = 1/2 w^T A w (gradient A w).
"""

from __future__ import annotations

import numpy as np

from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import distinct, hidden

__all__ = [
    "A_BOWL",
    "MAX_STABLE_LR",
    "PARTS",
    "adam_update",
    "optimize_quadratic",
    "sgd_momentum_update",
]

A_BOWL = np.array([[5.0, 2.0], [2.0, 1.0]])   # the notebook's long, narrow bowl
MAX_STABLE_LR = float(2.0 / np.linalg.eigvalsh(A_BOWL).max())   # 2 / largest curvature


# ---- references --------------------------------------------------------------------------
def sgd_momentum_update(w, dw, v, lr: float, momentum: float = 0.9):
    """One momentum step: returns (w_new, v_new), both the shape of w."""
    v_new = momentum * v - lr * dw      # velocity: a running sum of past steps
    return w + v_new, v_new


def adam_update(w, dw, m, v, t: int, lr: float = 1e-3, beta1: float = 0.9,
                beta2: float = 0.999, eps: float = 1e-8):
    """One Adam step number t (t = 1 first): returns (w_new, m_new, v_new)."""
    m_new = beta1 * m + (1 - beta1) * dw
    v_new = beta2 * v + (1 - beta2) * dw ** 2
    m_hat = m_new / (1 - beta1 ** t)    # bias correction: m and v start at zero
    v_hat = v_new / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def optimize_quadratic(A, w0, method: str, lr: float, num_steps: int) -> np.ndarray:
    """Minimise 1/2 w^T A w from w0 with "sgd", "momentum" (0.9) or "adam".

    Returns the path, shape (num_steps + 1, D): w0 first, then w after every step.
    """
    w = np.array(w0, dtype=float)
    v, m = np.zeros_like(w), np.zeros_like(w)
    path = [w.copy()]
    for t in range(1, num_steps + 1):
        dw = A @ w
        if method == "sgd":
            w = w - lr * dw
        elif method == "momentum":
            w, v = sgd_momentum_update(w, dw, v, lr, momentum=0.9)
        elif method == "adam":
            w, m, v = adam_update(w, dw, m, v, t, lr=lr)
        else:
            raise ValueError(f"method must be 'sgd', 'momentum' or 'adam', got {method!r}")
        path.append(w.copy())
    return np.array(path)


# ---- cases -------------------------------------------------------------------------------
def _state(rng, shape):
    return rng.normal(size=shape), rng.normal(size=shape)


def _momentum_cases(rng, sizes=((3, 2), 0.1, 0.05, 0.8)):
    """sizes: the shape of w, the first step's lr, then a later step's lr and momentum."""
    shape, lr1, lr2, momentum = sizes
    (w, dw), v = _state(rng, shape), rng.normal(size=shape) * 0.1
    return [Case((w, dw, np.zeros_like(w), lr1), note="first step: v starts at 0"),
            Case((w, dw, v, lr2), {"momentum": momentum},
                 note=f"v from earlier steps, momentum {momentum}")]


def _adam_cases(rng, sizes=((4,), 0.01, 5, 0.8, 0.99)):
    """sizes: the shape of w, lr, then a later step's number t, beta1 and beta2."""
    shape, lr, t, beta1, beta2 = sizes
    w, dw = _state(rng, shape)
    m, v = rng.normal(size=shape) * 0.1, rng.uniform(0.01, 0.1, shape)
    return [Case((w, dw, np.zeros(shape), np.zeros(shape), 1), {"lr": lr},
                 note="first step (t=1): the bias correction matters most"),
            Case((w, dw, m, v, t), {"lr": lr, "beta1": beta1, "beta2": beta2},
                 note=f"step t={t} with m, v from earlier steps")]


def _path_cases(rng, sizes=(A_BOWL, (25, 25, 10))):
    """sizes: the bowl's matrix A, then the steps of momentum, Adam and plain descent."""
    A, (n_momentum, n_adam, n_sgd) = sizes
    w0 = rng.uniform(-2, 2, len(A))
    return [Case((A, w0, "momentum", 0.02, n_momentum), note=f"momentum, {n_momentum} steps"),
            Case((A, w0, "adam", 0.1, n_adam),
                 note=f"Adam, {n_adam} steps: t counts 1, 2, 3, ..."),
            Case((A, w0, "sgd", 0.1, n_sgd), note=f"plain gradient descent, {n_sgd} steps")]


# ---- hidden sizes, rates and bowls: drawn from the rng -----------------------------------
def _round(x: float) -> float:
    return round(float(x), 3)


def _momentum_sizes(rng):
    return (distinct(rng, 2), _round(rng.uniform(0.01, 0.2)), _round(rng.uniform(0.01, 0.2)),
            _round(rng.uniform(0.5, 0.95)))


def _adam_sizes(rng):
    return ((int(rng.integers(2, 10)),), _round(rng.uniform(0.001, 0.05)),
            int(rng.integers(2, 30)), _round(rng.uniform(0.7, 0.95)),
            _round(rng.uniform(0.95, 0.9999)))


def _bowl_sizes(rng):
    """A random long, narrow bowl of 2 to 4 dimensions (curvatures 0.2 to 6, so lr 0.1
    is stable), and the steps of each run."""
    d = int(rng.integers(2, 5))
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    curvatures = np.concatenate([[0.2, 6.0], rng.uniform(0.2, 6.0, d - 2)])
    A = Q @ np.diag(curvatures) @ Q.T
    return (A + A.T) / 2, tuple(int(n) for n in rng.integers(8, 30, 3))


def _compare_lr(student, reference, case) -> tuple[bool, str]:
    try:
        lr = float(student)
    except (TypeError, ValueError):
        return False, f"expected a number, got {type(student).__name__}"
    ok = abs(lr - reference) <= 0.01 * reference
    return ok, (f"max_stable_lr = {lr:.4g}: right" if ok else
                f"max_stable_lr = {lr:.4g} is not right: gradient descent on a quadratic "
                "diverges when one eigen-direction of A grows at every step")


def _adam_without_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * dw
    v_new = beta2 * v + (1 - beta2) * dw ** 2
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


BUGS = {
    "ex06.momentum": [
        Bug("the learning rate is missing from the velocity",
            lambda w, dw, v, lr, momentum=0.9: (w + momentum * v - dw, momentum * v - dw),
            key="lr")],
    "ex06.adam": [
        Bug("the bias correction is missing: m and v start at zero, so early steps are too "
            "small", _adam_without_correction, key="bias correction")],
}

PARTS = [
    Part("ex06.momentum", "sgd_momentum_update", 2, sgd_momentum_update,
         hidden(_momentum_cases, _momentum_sizes), public_cases=_momentum_cases,
         compare=make_compare(names=("w", "v"), bugs=BUGS["ex06.momentum"]),
         description="one step of SGD with momentum"),
    Part("ex06.adam", "adam_update", 3, adam_update,
         hidden(_adam_cases, _adam_sizes), public_cases=_adam_cases,
         compare=make_compare(names=("w", "m", "v"), bugs=BUGS["ex06.adam"]),
         description="one step of Adam with bias correction"),
    Part("ex06.optimize", "optimize_quadratic", 2, optimize_quadratic,
         hidden(_path_cases, _bowl_sizes), public_cases=_path_cases,
         compare=make_compare(names=("path",), rtol=1e-5),
         description="run an optimiser for several steps, keeping its state"),
    Part("ex06.max_stable_lr", "max_stable_lr", 1, MAX_STABLE_LR, kind="value",
         compare=_compare_lr, description="the largest learning rate that does not diverge"),
]
