"""Exercise 11, spot the bug: the graded parts.

The notebook hands the learner a broken version of each function below (``BROKEN``, the
same code it shows); the learner finds the bug and writes the fixed function under the
part's name. A learner who submits the broken version unchanged is told so (the bug's
``key`` names it for the class report) without being told where the bug is.

Letters: N batch, D inputs, H outputs of a layer; T (N, H) is a target matrix and t (N,) a
flat target vector. Half-MSE is L = (1/2N) sum (pred - T)^2, the course's one MSE. Cases
use N, D, H all different, N > 1 and inputs of both signs, except where a bug can only be
silent with equal sizes, which is noted on the case.
"""

from __future__ import annotations

import numpy as np

from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import hidden, size_sets

__all__ = ["BROKEN", "PARTS", "SKILLS", "fit_linear", "half_mse_grad", "linear_backward",
           "linear_half_mse_grads", "regression_grads", "relu_backward", "relu_layer_backward",
           "scale_shift_backward"]


# ---- references (the fixed functions) ----------------------------------------------------
def linear_backward(dout, X, W):
    """out = X W + b. dout (N, H) -> (dX (N, D), dW (D, H), db (H,))."""
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


def half_mse_grad(pred, T):
    """Half-MSE L = (1/2N) sum_n ||pred_n - T_n||^2 for pred, T (N, H) -> (L, dpred (N, H))."""
    N = pred.shape[0]
    diff = pred - T
    return float(np.sum(diff ** 2) / (2 * N)), diff / N


def scale_shift_backward(dout, X, gamma):
    """out = X * gamma + beta, gamma and beta (D,) shared by the rows ->
    (dX (N, D), dgamma (D,), dbeta (D,))."""
    return dout * gamma, np.sum(dout * X, axis=0), dout.sum(axis=0)


def relu_layer_backward(dout, X, W, b):
    """out = relu(X W + b). dout (N, H) -> (dX (N, D), dW (D, H), db (H,))."""
    dZ = dout * (X @ W + b > 0)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def relu_backward(dout, X):
    """out = relu(X). dout, X (N, D) -> dX (N, D)."""
    return dout * (X > 0)


def linear_half_mse_grads(X, T, W, b):
    """Gradients {"W": (D, H), "b": (H,)} of half_mse_grad(X W + b, T)'s loss."""
    _, dpred = half_mse_grad(X @ W + b, T)
    return {"W": X.T @ dpred, "b": dpred.sum(axis=0)}


def regression_grads(X, t, w, b):
    """Linear regression with one output: pred = X w + b, w (D, 1), targets t (N,).

    Half-MSE L = (1/2N) sum_n (pred_n - t_n)^2. Returns (L, dw (D, 1), db a float).
    """
    diff = X @ w + b - t.reshape(-1, 1)          # (N, 1): t as a column
    N = X.shape[0]
    return float(np.mean(diff ** 2) / 2), X.T @ (diff / N), float(np.sum(diff / N))


def fit_linear(X, T, lr, num_steps):
    """Full-batch gradient descent on half_mse_grad's loss of X W from W = 0: W (D, H)."""
    W = np.zeros((X.shape[1], T.shape[1]))
    for _ in range(num_steps):
        _, dpred = half_mse_grad(X @ W, T)
        W = W - lr * X.T @ dpred
    return W


# ---- the broken versions the notebook shows ------------------------------------------------
def _linear_backward_transposed(dout, X, W):
    return dout @ W.T, dout.T @ X, dout.sum(axis=0)


def _half_mse_grad_missing_n(pred, T):
    diff = pred - T
    return float(np.sum(diff ** 2) / (2 * pred.shape[0])), diff


def _scale_shift_wrong_axis(dout, X, gamma):
    return dout * gamma, np.sum(dout * X, axis=1), dout.sum(axis=1)


def _relu_layer_missing_mask(dout, X, W, b):
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


def _relu_mask_on_dout(dout, X):
    return dout * (dout > 0)


def _linear_half_mse_extra_n(X, T, W, b):
    _, dpred = half_mse_grad(X @ W + b, T)
    N = X.shape[0]
    return {"W": X.T @ dpred / N, "b": dpred.sum(axis=0) / N}


def _regression_broadcast(X, t, w, b):
    diff = X @ w + b - t                          # (N, 1) - (N,) -> (N, N)
    N = X.shape[0]
    return float(np.mean(diff ** 2) / 2), X.T @ (diff / N), float(np.sum(diff / N))


def _fit_linear_accumulated(X, T, lr, num_steps):
    W = np.zeros((X.shape[1], T.shape[1]))
    dW = np.zeros_like(W)
    for _ in range(num_steps):
        _, dpred = half_mse_grad(X @ W, T)
        dW += X.T @ dpred                         # never reset between steps
        W = W - lr * dW
    return W


BROKEN = {
    "linear_backward": (_linear_backward_transposed, "transposed"),
    "half_mse_grad": (_half_mse_grad_missing_n, "missing 1/N"),
    "scale_shift_backward": (_scale_shift_wrong_axis, "bias axis"),
    "relu_layer_backward": (_relu_layer_missing_mask, "missing mask"),
    "relu_backward": (_relu_mask_on_dout, "mask on dout"),
    "linear_half_mse_grads": (_linear_half_mse_extra_n, "extra 1/N"),
    "regression_grads": (_regression_broadcast, "broadcast"),
    "fit_linear": (_fit_linear_accumulated, "accumulated"),
}


# ---- cases -------------------------------------------------------------------------------
SIZES = ((5, 4, 3), (7, 3, 6))   # (N, D, H)


def _layer_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, H)), rng.normal(size=(N, D)), rng.normal(size=(D, H))),
                 note=f"N={N}, D={D}, H={H}") for N, D, H in sizes]


def _half_mse_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, H)), rng.normal(size=(N, H))), note=f"N={N}, H={H}")
            for N, _, H in sizes]


def _scale_shift_cases(rng, sizes=SIZES + ((4, 4, 4),)):
    """The last size has N = D: there the wrong axis gives the right shape."""
    cases = [Case((rng.normal(size=(N, D)), rng.normal(size=(N, D)), rng.normal(size=D)),
                  note=f"N={N}, D={D}") for N, D, _ in sizes[:-1]]
    n = sizes[-1][0]
    cases.append(Case((rng.normal(size=(n, n)), rng.normal(size=(n, n)), rng.normal(size=n)),
                      note=f"N = D = {n}: the wrong axis gives the right shape here"))
    return cases


def _sizes(rng):
    """Two (N, D, H) of different sizes each, for the hidden cases."""
    return size_sets(rng, 2, 3)


def _scale_shift_sizes(rng):
    """Two (N, D, H), then a square one (N = D), for the hidden cases."""
    n = int(rng.integers(3, 9))
    return size_sets(rng, 2, 3) + ((n, n, n),)


def _relu_layer_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, H)), rng.normal(size=(N, D)), rng.normal(size=(D, H)),
                  rng.normal(size=H)), note=f"N={N}, D={D}, H={H}") for N, D, H in sizes]


def _relu_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, D)), rng.normal(size=(N, D))),
                 note=f"N={N}, D={D}, dout and X of both signs") for N, D, _ in sizes]


def _linear_half_mse_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(D, H)),
                  rng.normal(size=H)), note=f"N={N}, D={D}, H={H}") for N, D, H in sizes]


def _regression_cases(rng, sizes=SIZES):
    return [Case((rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=(D, 1)),
                  float(rng.normal())), note=f"N={N}, D={D}, t of shape ({N},)")
            for N, D, _ in sizes]


def _fit_cases(rng, sizes=SIZES):
    cases = []
    for N, D, H in sizes:
        X = rng.normal(size=(N, D))
        T = X @ rng.normal(size=(D, H)) + 0.1 * rng.normal(size=(N, H))
        cases.append(Case((X, T, 0.1, 20), note=f"N={N}, D={D}, H={H}, lr=0.1, 20 steps"))
    return cases


REFERENCES = {
    "linear_backward": (linear_backward, _layer_cases, ("dX", "dW", "db"), 2),
    "half_mse_grad": (half_mse_grad, _half_mse_cases, ("L", "dpred"), 1),
    "scale_shift_backward": (scale_shift_backward, _scale_shift_cases,
                             ("dX", "dgamma", "dbeta"), 2),
    "relu_layer_backward": (relu_layer_backward, _relu_layer_cases, ("dX", "dW", "db"), 2),
    "relu_backward": (relu_backward, _relu_cases, ("dX",), 1),
    "linear_half_mse_grads": (linear_half_mse_grads, _linear_half_mse_cases, None, 1),
    "regression_grads": (regression_grads, _regression_cases, ("L", "dw", "db"), 2),
    "fit_linear": (fit_linear, _fit_cases, ("W",), 2),
}

BUGS = {f"ex11.{name}": [Bug("this is still the broken version: run its gradient check "
                             "and compare with the numerical gradient", fn, key=key)]
        for name, (fn, key) in BROKEN.items()}


def _half_mse_grad_doubled(pred, T):
    loss, dpred = half_mse_grad(pred, T)
    return loss, 2.0 * dpred


def _regression_doubled(X, t, w, b):
    loss, dw, db = regression_grads(X, t, w, b)
    return loss, 2.0 * dw, 2.0 * db


# A fix that overshoots: the gradient of the mean squared error without the 1/2, here where
# the loss has it (the 2 of the square and the 1/2 cancel).
BUGS["ex11.half_mse_grad"].append(Bug(
    "the gradient is twice the right size: the loss is the half-MSE, and its 1/2 cancels "
    "the 2 of the square", _half_mse_grad_doubled, key="factor 2"))
BUGS["ex11.regression_grads"].append(Bug(
    "dw and db are twice the right size: the loss is the half-MSE, and its 1/2 cancels "
    "the 2 of the square", _regression_doubled, key="factor 2"))

# Every part is "diagnose": the notebook shows the broken code with no comment on where the
# bug is; the learner finds it from what the gradient check (or the loss) prints.
SKILLS = {name: "diagnose" for name in REFERENCES}

PARTS = [Part(f"ex11.{name}", name, points, ref,
              hidden(cases, _scale_shift_sizes if name == "scale_shift_backward" else _sizes),
              compare=make_compare(names=names, bugs=BUGS[f"ex11.{name}"]),
              description=f"the fixed {name}", public_cases=cases, skill=SKILLS[name])
         for name, (ref, cases, names, points) in REFERENCES.items()]
