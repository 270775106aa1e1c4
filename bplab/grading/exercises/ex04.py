"""Exercise 4, backpropagation in matrix form: the graded parts.

The network, one example per row of X (so the lesson's W1 x becomes X @ W1):

    A1 = tanh(X W1 + b1),  Y = A1 W2 + b2,  L = 1/(2N) sum (Y - Y_true)**2

Letters (as in lesson 04): N examples, D inputs, H hidden units, C outputs; the
hidden activations are the matrix A1 of shape (N, H) (H is only a width). Shapes: X (N, D), W1 (D, H),
b1 (H,), A1 (N, H), W2 (H, C), b2 (C,), Y and Y_true (N, C). The cases use four different
sizes so that a transposed gradient has the wrong shape, and N > 1 so a missing 1/N shows.
"""

from __future__ import annotations

import numpy as np

from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import hidden, size_sets

__all__ = [
    "PARTS",
    "half_mse",
    "hidden_layer_grads",
    "numerical_gradients",
    "output_layer_grads",
    "random_network",
    "two_layer_backward",
    "two_layer_forward",
]

PARAM_NAMES = ("W1", "b1", "W2", "b2")


# ---- references --------------------------------------------------------------------------
def two_layer_forward(X, W1, b1, W2, b2) -> tuple[np.ndarray, np.ndarray]:
    """Forward pass: returns (Y (N, C), A1 (N, H)); A1 is kept for the backward pass."""
    A1 = np.tanh(X @ W1 + b1)     # hidden layer, f = tanh
    Y = A1 @ W2 + b2              # output layer, g = identity
    return Y, A1


def half_mse(Y, Y_true) -> tuple[float, np.ndarray]:
    """L = 1/(2N) sum (Y - Y_true)**2 and dL/dY = (Y - Y_true) / N, shape (N, C)."""
    N = Y.shape[0]
    diff = Y - Y_true
    return float(0.5 * np.sum(diff ** 2) / N), diff / N


def output_layer_grads(dY, A1, W2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From dL/dY (N, C): dW2 = A1^T dY (H, C), db2 = sum over rows (C,), dA1 = dY W2^T (N, H)."""
    return A1.T @ dY, dY.sum(axis=0), dY @ W2.T


def hidden_layer_grads(dA1, X, A1) -> tuple[np.ndarray, np.ndarray]:
    """From dL/dA1 (N, H): dZ1 = dA1 * (1 - A1**2) (tanh'), dW1 = X^T dZ1 (D, H), db1 (H,)."""
    dZ1 = dA1 * (1.0 - A1 ** 2)
    return X.T @ dZ1, dZ1.sum(axis=0)


def two_layer_backward(X, Y_true, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    """All four gradients {"W1", "b1", "W2", "b2"} of the loss, by backpropagation."""
    Y, A1 = two_layer_forward(X, W1, b1, W2, b2)
    _, dY = half_mse(Y, Y_true)
    dW2, db2, dA1 = output_layer_grads(dY, A1, W2)   # output layer first ...
    dW1, db1 = hidden_layer_grads(dA1, X, A1)        # ... then the hidden layer
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def numerical_gradients(X, Y_true, W1, b1, W2, b2, h: float = 1e-5) -> dict[str, np.ndarray]:
    """Central-difference gradients of the loss for every entry of W1, b1, W2, b2."""
    return _differences(X, Y_true, W1, b1, W2, b2, h)


def _differences(X, Y_true, W1, b1, W2, b2, h=1e-5, *, denominator=2.0, restore=True):
    """(loss(w + h) - loss(w - h)) / (denominator * h) for every entry w, each restored
    after its nudge; the bug models pass ``denominator=1`` (divided by h) or
    ``restore=False`` (the entry left at w - h, so later entries see it moved)."""
    params = {"W1": W1.copy(), "b1": b1.copy(), "W2": W2.copy(), "b2": b2.copy()}

    def loss() -> float:
        return half_mse(two_layer_forward(X, *params.values())[0], Y_true)[0]

    grads = {}
    for name, p in params.items():
        g = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + h
            up = loss()
            p[i] = old - h
            down = loss()
            if restore:
                p[i] = old
            g[i] = (up - down) / (denominator * h)
        grads[name] = g
    return grads


# ---- cases -------------------------------------------------------------------------------
def random_network(rng, N=5, D=4, H=3, C=2):
    """X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), all N(0, 1) (tanh not saturated)."""
    X = rng.normal(size=(N, D))
    W1, b1 = rng.normal(size=(D, H)) / np.sqrt(D), rng.normal(size=H) * 0.5
    W2, b2 = rng.normal(size=(H, C)), rng.normal(size=C)
    return X, W1, b1, W2, b2


SIZES = ((5, 4, 3, 2), (7, 3, 6, 4))   # (N, D, H, C)
LOSS_SIZES = ((5, 2), (8, 3))           # (N, C)


def _note(N, D, H, C):
    return f"N={N}, D={D}, H={H} hidden, C={C} outputs"


def _forward_cases(rng, sizes=SIZES):
    return [Case(random_network(rng, *s), note=_note(*s)) for s in sizes]


def _loss_cases(rng, sizes=LOSS_SIZES):
    return [Case((rng.normal(size=(N, C)), rng.normal(size=(N, C))), note=f"N={N}, C={C}")
            for N, C in sizes]


def _output_cases(rng, sizes=SIZES):
    cases = []
    for N, _, H, C in sizes:
        dY, A, W2 = (rng.normal(size=(N, C)), np.tanh(rng.normal(size=(N, H))),
                     rng.normal(size=(H, C)))
        cases.append(Case((dY, A, W2), note=f"N={N}, H={H}, C={C}"))
    return cases


def _hidden_cases(rng, sizes=SIZES):
    cases = []
    for N, D, H, _ in sizes:
        dA, X = rng.normal(size=(N, H)), rng.normal(size=(N, D))
        A = np.tanh(rng.normal(size=(N, H)) * 1.5)  # |A| well away from 0: tanh' matters
        cases.append(Case((dA, X, A), note=f"N={N}, D={D}, H={H}"))
    return cases


def _backward_cases(rng, sizes=SIZES):
    cases = []
    for N, D, H, C in sizes:
        X, W1, b1, W2, b2 = random_network(rng, N, D, H, C)
        cases.append(Case((X, rng.normal(size=(N, C)), W1, b1, W2, b2), note=_note(N, D, H, C)))
    return cases


def _numeric_cases(rng, sizes=SIZES):
    return _backward_cases(rng, sizes[:1])


def _sizes(rng):
    """Two (N, D, H, C) of four different sizes each, for the hidden cases."""
    return size_sets(rng, 2, 4)


def _loss_sizes(rng):
    return size_sets(rng, 2, 2)


BUGS = {
    "ex04.forward": [
        Bug("the hidden layer's activation is missing",
            lambda X, W1, b1, W2, b2: ((X @ W1 + b1) @ W2 + b2, X @ W1 + b1),
            key="activation")],
    "ex04.hidden_layer": [
        Bug("the gradient skipped the tanh: its local derivative is missing",
            lambda dA1, X, A1: (X.T @ dA1, dA1.sum(axis=0)), key="activation")],
    "ex04.backward": [
        Bug("the gradients are N times too large: the loss is a MEAN over the batch",
            lambda X, Yt, W1, b1, W2, b2: {
                k: v * X.shape[0] for k, v in two_layer_backward(X, Yt, W1, b1, W2, b2).items()},
            key="missing 1/N")],
    "ex04.numerical_gradients": [
        Bug("looks like a one-sided/2h slip: your gradients are about twice the reference. "
            "L(w + h) and L(w - h) are 2h apart: divide their difference by 2h, not h",
            lambda *args: _differences(*args, denominator=1.0), key="numeric h"),
        Bug("an entry you nudged was not restored: after computing L(w + h) and L(w - h), "
            "put the entry back to its old value before nudging the next one (every later "
            "gradient is then slightly off)",
            lambda *args: _differences(*args, restore=False), key="numeric restore")],
}

PARTS = [
    Part("ex04.forward", "two_layer_forward", 2, two_layer_forward,
         hidden(_forward_cases, _sizes), public_cases=_forward_cases,
         compare=make_compare(names=("Y", "H"), bugs=BUGS["ex04.forward"]),
         description="forward: H = tanh(X W1 + b1), Y = H W2 + b2; return (Y, H)"),
    Part("ex04.loss", "half_mse", 1, half_mse,
         hidden(_loss_cases, _loss_sizes), public_cases=_loss_cases,
         compare=make_compare(names=("L", "dY")),
         description="the mean half squared error and dL/dY"),
    Part("ex04.output_layer", "output_layer_grads", 2, output_layer_grads,
         hidden(_output_cases, _sizes), public_cases=_output_cases,
         compare=make_compare(names=("dW2", "db2", "dA1")),
         description="output layer: dW2, db2 and dA1 from dY"),
    Part("ex04.hidden_layer", "hidden_layer_grads", 2, hidden_layer_grads,
         hidden(_hidden_cases, _sizes), public_cases=_hidden_cases,
         compare=make_compare(names=("dW1", "db1"), bugs=BUGS["ex04.hidden_layer"]),
         description="hidden layer: dW1, db1 from dA1 through tanh'"),
    Part("ex04.backward", "two_layer_backward", 2, two_layer_backward,
         hidden(_backward_cases, _sizes), public_cases=_backward_cases,
         compare=make_compare(bugs=BUGS["ex04.backward"]),
         description="the whole backward pass: all four gradients"),
    Part("ex04.numerical_gradients", "numerical_gradients", 1, numerical_gradients,
         hidden(_numeric_cases, _sizes), public_cases=_numeric_cases,
         compare=make_compare(rtol=1e-4, atol=1e-7, bugs=BUGS["ex04.numerical_gradients"]),
         description="central-difference gradients of the loss for the gradient check"),
]
