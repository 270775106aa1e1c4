"""Exercise 6, optimisers: the graded parts.

The update rules, for a parameter array w with gradient dw (any shape):

    momentum:  v <- momentum * v - lr * dw ;   w <- w + v          (as bp.SGD)
    Adam:      m <- b1 m + (1 - b1) dw ;  v <- b2 v + (1 - b2) dw**2
               w <- w - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1**t),
               v_hat = v / (1 - b2**t), with t = 1 on the first step          (as bp.Adam)

The cases run the updates on the quadratic bowl f(w) = 1/2 w^T A w (gradient A w).

Critical points (lesson 06b, section 1): the Hessian H (D, D) by central differences,

    H_ij = [f(w + h e_i + h e_j) - f(w + h e_i - h e_j) - f(w - h e_i + h e_j)
            + f(w - h e_i - h e_j)] / (4 h^2),

and a point's kind from the gradient and the signs of H's eigenvalues: "not critical"
(|grad| > tol), "saddle" (an eigenvalue < -tol and one > tol), "degenerate" (otherwise, if
some |eigenvalue| <= tol), "minimum" (all > tol), "maximum" (all < -tol).
"""

from __future__ import annotations

import numpy as np

from ..casefns import coupled_quartic, three_term
from ..feedback import Diagnosis
from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import distinct, hidden

__all__ = [
    "A_BOWL",
    "FASTEST_LR",
    "MAX_STABLE_LR",
    "PARTS",
    "adam_update",
    "classify_critical_points",
    "numerical_hessian",
    "optimize_quadratic",
    "sgd_momentum_update",
]

A_BOWL = np.array([[5.0, 2.0], [2.0, 1.0]])   # the notebook's long, narrow bowl
MAX_STABLE_LR = float(2.0 / np.linalg.eigvalsh(A_BOWL).max())   # 2 / largest curvature
# the rate that minimises max |1 - lr * lambda| over A's eigenvalues: both ends shrink equally
FASTEST_LR = float(2.0 / (np.linalg.eigvalsh(A_BOWL).min() + np.linalg.eigvalsh(A_BOWL).max()))


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


def numerical_hessian(f, w, h: float = 1e-4) -> np.ndarray:
    """The Hessian (D, D) of the scalar function f at w (D,), by central differences."""
    w = np.asarray(w, dtype=float)
    D = len(w)
    H = np.zeros((D, D))
    steps = np.eye(D) * h
    for i in range(D):
        for j in range(D):
            ei, ej = steps[i], steps[j]
            H[i, j] = (f(w + ei + ej) - f(w + ei - ej) - f(w - ei + ej)
                       + f(w - ei - ej)) / (4 * h * h)
    return H


def _kind(grad, H, tol: float) -> str:
    if np.linalg.norm(grad) > tol:
        return "not critical"
    eig = np.linalg.eigvalsh(H)
    if eig.min() < -tol and eig.max() > tol:
        return "saddle"               # curves up one way, down another
    if np.any(np.abs(eig) <= tol):
        return "degenerate"           # a flat direction: second derivatives cannot tell
    return "minimum" if eig.min() > 0 else "maximum"


def classify_critical_points(grads, hessians, tol: float = 1e-6) -> list[str]:
    """The kind of each point: grads (K, D), hessians (K, D, D) -> K strings."""
    return [_kind(g, H, tol) for g, H in zip(np.asarray(grads), np.asarray(hessians))]


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


def _hessian_cases(rng, sizes=(3,)):
    """sizes: the dimensions D of the coupled quartic's points (the 2-D function first)."""
    cases = [Case((three_term, rng.uniform(-1.5, 1.5, 2)), note="x^3 + y^3 - 3xy, a point in 2-D")]
    for D in sizes:
        cases.append(Case((coupled_quartic, rng.uniform(-1.5, 1.5, D)),
                          note=f"coupled quartic, a point in {D}-D"))
    return cases


def _symmetric(rng, eigenvalues) -> np.ndarray:
    D = len(eigenvalues)
    Q, _ = np.linalg.qr(rng.normal(size=(D, D)))
    H = Q @ np.diag(eigenvalues) @ Q.T
    return (H + H.T) / 2


def _public_points(rng):
    """Five 2-D points, one of each kind; H of the saddle has a positive diagonal and H of
    the degenerate point two positive entries, so reading the diagonal misleads."""
    lam = rng.uniform(0.5, 2.0)
    hessians = [_symmetric(rng, [lam, 2 * lam]),                 # minimum
                np.array([[1.0, 2.0], [2.0, 1.0]]) * lam,        # saddle (eigenvalues 3, -1)
                _symmetric(rng, [-lam, -3 * lam]),               # maximum
                np.array([[1.0, 1.0], [1.0, 1.0]]) * lam,        # degenerate (2, 0)
                _symmetric(rng, [lam, 3 * lam])]                 # not critical (grad below)
    grads = np.zeros((5, 2))
    grads[:4] = rng.normal(size=(4, 2)) * 1e-9                   # zero, up to round-off
    grads[4] = rng.normal(size=2) * 0.3
    return grads, np.array(hessians)


def _classify_cases(rng, sizes=None):
    """sizes: None (the five public points) or (K, D): K points in D dimensions, kinds drawn."""
    if sizes is None:
        grads, hessians = _public_points(rng)
        return [Case((grads, hessians), note="five 2-D points, one of each kind")]
    K, D = sizes
    grads, hessians = np.zeros((K, D)), np.zeros((K, D, D))
    kinds = np.r_[np.arange(5), rng.integers(0, 5, K - 5)]
    for k, kind in enumerate(rng.permutation(kinds)):
        size = rng.uniform(0.3, 3.0, D)
        signs = {0: np.ones(D), 1: np.r_[1.0, -1.0, rng.choice([-1.0, 1.0], D - 2)],
                 2: -np.ones(D), 3: np.r_[0.0, np.ones(D - 1)], 4: np.ones(D)}[kind]
        hessians[k] = _symmetric(rng, size * signs)
        grads[k] = rng.normal(size=D) * (0.3 if kind == 4 else 1e-9)
    return [Case((grads, hessians), note=f"{K} points in {D}-D")]


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


def _hessian_sizes(rng):
    return (int(rng.integers(4, 7)),)


def _classify_sizes(rng):
    return int(rng.integers(6, 10)), int(rng.integers(2, 4))


def _compare_lr(student, reference, case, *, bugs=()) -> Diagnosis:
    try:
        lr = float(student)
    except (TypeError, ValueError):
        return Diagnosis(False, f"expected a number, got {type(student).__name__}")
    ok = abs(lr - reference) <= 0.01 * reference
    return Diagnosis(ok, (f"max_stable_lr = {lr:.4g}: right" if ok else
                f"max_stable_lr = {lr:.4g} is not right: gradient descent on a quadratic "
                "diverges when one eigen-direction of A grows at every step"))


def _compare_fastest(student, reference, case, *, bugs=()) -> Diagnosis:
    try:
        lr = float(student)
    except (TypeError, ValueError):
        return Diagnosis(False, f"expected a number, got {type(student).__name__}")
    ok = abs(lr - reference) <= 0.005 * reference
    if ok:
        return Diagnosis(True, f"fastest_lr = {lr:.4g}: right")
    lam = np.linalg.eigvalsh(A_BOWL)
    if abs(lr - 1 / lam.max()) <= 0.005 / lam.max():
        return Diagnosis(False, (f"fastest_lr = {lr:.4g} is 1 / (largest eigenvalue): it wipes out the steep "
                       "direction in one step, but the shallow one then crawls"))
    return Diagnosis(False, (f"fastest_lr = {lr:.4g} is not right: per step the error along each "
                   "eigenvector is multiplied by |1 - lr * eigenvalue|; the slowest one decides"))


def _adam_without_correction(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * dw
    v_new = beta2 * v + (1 - beta2) * dw ** 2
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new


def _hessian_diagonal_only(f, w, h=1e-4):
    full = numerical_hessian(f, w, h)
    return np.diag(np.diag(full))


def _hessian_over_h2(f, w, h=1e-4):
    return 4 * numerical_hessian(f, w, h)


def _kinds_by(rule):
    def classify(grads, hessians, tol=1e-6):
        return [rule(np.asarray(g), np.asarray(H), tol) for g, H in zip(grads, hessians)]
    return classify


def _swapped(g, H, tol):
    kind = _kind(g, H, tol)
    return {"minimum": "maximum", "maximum": "minimum"}.get(kind, kind)


def _zero_ignored(g, H, tol):
    if np.linalg.norm(g) > tol:
        return "not critical"
    eig = np.linalg.eigvalsh(H)
    if eig.min() < -tol and eig.max() > tol:
        return "saddle"
    return "minimum" if eig.max() > tol else "maximum"


def _diagonal_read(g, H, tol):
    return _kind(g, np.diag(np.diag(H)), tol)


def _gradient_ignored(g, H, tol):
    return _kind(np.zeros_like(g), H, tol)


BUGS = {
    "ex06.momentum": [
        Bug("the learning rate is missing from the velocity",
            lambda w, dw, v, lr, momentum=0.9: (w + momentum * v - dw, momentum * v - dw),
            key="lr")],
    "ex06.adam": [
        Bug("the bias correction is missing: m and v start at zero, so early steps are too "
            "small", _adam_without_correction, key="bias correction")],
    "ex06.hessian": [
        Bug("the mixed second derivatives (off the diagonal) are missing", _hessian_diagonal_only,
            key="mixed terms"),
        Bug("4 times too large: the four-point mixed difference spans 2h, not h, in each "
            "direction", _hessian_over_h2, key="4h^2")],
    "ex06.classify": [
        Bug("minimum and maximum are swapped: positive curvature in every direction means the "
            "surface curves up, a minimum", _kinds_by(_swapped), key="sign"),
        Bug("a zero eigenvalue was ignored: with a flat direction (|eigenvalue| <= tol) the "
            "second derivatives cannot decide, the point is degenerate", _kinds_by(_zero_ignored),
            key="zero eigenvalue"),
        Bug("the signs of H's diagonal entries were read, not its eigenvalues: with "
            "off-diagonal terms they differ", _kinds_by(_diagonal_read), key="diagonal"),
        Bug("the gradient was not checked: a point where it is not zero is not a critical point",
            _kinds_by(_gradient_ignored), key="gradient")],
}

PARTS = [
    Part("ex06.momentum", "sgd_momentum_update", 2, sgd_momentum_update,
         hidden(_momentum_cases, _momentum_sizes), public_cases=_momentum_cases,
         compare=make_compare(names=("w", "v"), bugs=BUGS["ex06.momentum"]),
         description="one step of SGD with momentum", skill="transcribe"),
    Part("ex06.adam", "adam_update", 3, adam_update,
         hidden(_adam_cases, _adam_sizes), public_cases=_adam_cases,
         compare=make_compare(names=("w", "m", "v"), bugs=BUGS["ex06.adam"]),
         description="one step of Adam with bias correction", skill="derive"),
    Part("ex06.optimize", "optimize_quadratic", 2, optimize_quadratic,
         hidden(_path_cases, _bowl_sizes), public_cases=_path_cases,
         compare=make_compare(names=("path",), rtol=1e-5),
         description="run an optimiser for several steps, keeping its state",
         skill="transcribe"),
    Part("ex06.max_stable_lr", "max_stable_lr", 1, MAX_STABLE_LR, kind="value",
         compare=_compare_lr, description="the largest learning rate that does not diverge",
         skill="recall"),
    Part("ex06.fastest_lr", "fastest_lr", 1, FASTEST_LR, kind="value",
         compare=_compare_fastest, description="the learning rate that converges fastest on the bowl",
         skill="derive"),
    Part("ex06.hessian", "numerical_hessian", 2, numerical_hessian,
         hidden(_hessian_cases, _hessian_sizes), public_cases=_hessian_cases,
         compare=make_compare(names=("H",), rtol=1e-4, atol=1e-5, bugs=BUGS["ex06.hessian"]),
         description="the Hessian of f at w by central differences", skill="derive"),
    Part("ex06.classify", "classify_critical_points", 2, classify_critical_points,
         hidden(_classify_cases, _classify_sizes), public_cases=_classify_cases,
         compare=make_compare(names=("kinds",), bugs=BUGS["ex06.classify"]),
         description="minimum, maximum, saddle, degenerate or not critical, from the Hessian",
         skill="derive"),
]
