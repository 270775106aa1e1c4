"""Exercise 4, backpropagation in matrix form: the graded parts.

Not lesson 04's network (tanh hidden layer, sigmoid output, half-MSE): a ReLU hidden layer,
a residual block (a ReLU layer with a skip connection around it), a linear output and the
Huber loss, one example per row of X:

    Z1 = X W1 + b1,   A1 = relu(Z1)             hidden layer     (N, H)
    Z2 = A1 W2 + b2,  A2 = A1 + relu(Z2)        residual block   (N, H), W2 is (H, H)
    Y  = A2 W3 + b3                             linear output    (N, C)
    loss = 1/N sum_{n,c} huber(Y - T),  huber(r) = r**2 / 2 if |r| <= 1 else |r| - 1/2

Letters (as in lesson 04): N examples, D inputs, H hidden units, C outputs; T (N, C) the
targets. Shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, H), b2 (H,), W3 (H, C), b3 (C,).
The cases use four different sizes N, D, H, C so that a transposed gradient has the wrong
shape (W2 is square: its transposes are named by value), and N > 1 so a missing 1/N shows.
The notebook gives ``forward`` (the network's definition); the learner derives the rest.
"""

from __future__ import annotations

import numpy as np

from ..feedback import Diagnosis
from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import hidden, size_sets

__all__ = [
    "DIAGNOSIS_OPTIONS",
    "PARTS",
    "backward",
    "block_backward",
    "classmate_problem",
    "forward",
    "huber_loss",
    "numerical_gradients",
    "random_network",
    "step_losses",
]

PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


# ---- references --------------------------------------------------------------------------
def relu(Z):
    """max(0, Z) entry by entry, any shape."""
    return np.maximum(Z, 0.0)


def forward(X, params) -> tuple[np.ndarray, dict]:
    """Y (N, C) and the cache {"Z1", "A1", "Z2", "A2"} (each (N, H)) the backward pass needs."""
    Z1 = X @ params["W1"] + params["b1"]
    A1 = relu(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = A1 + relu(Z2)                       # the skip connection adds the block's input
    Y = A2 @ params["W3"] + params["b3"]
    return Y, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def huber_loss(Y, T) -> tuple[float, np.ndarray]:
    """The Huber loss (delta = 1) summed over outputs, averaged over the N rows, and dY (N, C)."""
    N = Y.shape[0]
    R = Y - T
    quadratic = np.abs(R) <= 1.0
    loss = np.sum(np.where(quadratic, 0.5 * R ** 2, np.abs(R) - 0.5)) / N
    return float(loss), np.clip(R, -1.0, 1.0) / N


def block_backward(dA2, A1, Z2, W2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Through A2 = A1 + relu(A1 W2 + b2): dW2 (H, H), db2 (H,), dA1 (N, H)."""
    dZ2 = dA2 * (Z2 > 0)
    return A1.T @ dZ2, dZ2.sum(axis=0), dA2 + dZ2 @ W2.T   # skip path + path through relu


def _backward(X, T, params, *, loss_grad=None, block=block_backward, first_mask=True):
    """The backward pass; the keywords let the bug models change one step of it."""
    Y, cache = forward(X, params)
    dY = (loss_grad or (lambda Y, T: huber_loss(Y, T)[1]))(Y, T)
    dW3, db3, dA2 = cache["A2"].T @ dY, dY.sum(axis=0), dY @ params["W3"].T
    dW2, db2, dA1 = block(dA2, cache["A1"], cache["Z2"], params["W2"])
    dZ1 = dA1 * (cache["Z1"] > 0) if first_mask else dA1
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


def backward(X, T, params) -> dict[str, np.ndarray]:
    """All six gradients {"W1", "b1", "W2", "b2", "W3", "b3"} of the loss, by backpropagation."""
    return _backward(X, T, params)


def numerical_gradients(X, T, params, h: float = 1e-5) -> dict[str, np.ndarray]:
    """Central-difference gradients of the loss for every entry of every parameter."""
    return _differences(X, T, params, h)


def _differences(X, T, params, h=1e-5, *, denominator=2.0, restore=True):
    """(loss(w + h) - loss(w - h)) / (denominator * h) for every entry w, each restored
    after its nudge; the bug models pass ``denominator=1`` (divided by h) or
    ``restore=False`` (the entry left at w - h, so later entries see it moved)."""
    params = {name: np.array(p, dtype=float) for name, p in params.items()}

    def loss() -> float:
        return huber_loss(forward(X, params)[0], T)[0]

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


def _loss(X, T, params) -> float:
    return huber_loss(forward(X, params)[0], T)[0]


def step_losses(X, T, params, lrs) -> list[float]:
    """The loss after one gradient-descent step from ``params``, for each learning rate in
    ``lrs``, each step from the same start (the caller's arrays are left unchanged)."""
    grads = backward(X, T, params)
    return [_loss(X, T, {name: params[name] - lr * grads[name] for name in params})
            for lr in lrs]


# ---- bug models --------------------------------------------------------------------------
def _block_without_skip(dA2, A1, Z2, W2):
    dZ2 = dA2 * (Z2 > 0)
    return A1.T @ dZ2, dZ2.sum(axis=0), dZ2 @ W2.T


def _block_without_mask(dA2, A1, Z2, W2):
    return A1.T @ dA2, dA2.sum(axis=0), dA2 + dA2 @ W2.T


def _block_mask_on_output(dA2, A1, Z2, W2):
    dZ2 = dA2 * (A1 + relu(Z2) > 0)           # the mask of A2, the block's output
    return A1.T @ dZ2, dZ2.sum(axis=0), dA2 + dZ2 @ W2.T


def _block_untransposed_W2(dA2, A1, Z2, W2):
    dZ2 = dA2 * (Z2 > 0)
    return A1.T @ dZ2, dZ2.sum(axis=0), dA2 + dZ2 @ W2


def _steps_uphill(X, T, params, lrs):
    grads = backward(X, T, params)
    return [_loss(X, T, {name: params[name] + lr * grads[name] for name in params})
            for lr in lrs]


def _steps_in_place(X, T, params, lrs):
    """Each step updates the caller's arrays, so the next learning rate starts from there."""
    params = {name: np.array(p, dtype=float) for name, p in params.items()}
    grads = backward(X, T, params)
    out = []
    for lr in lrs:
        for name in params:
            params[name] -= lr * grads[name]
        out.append(_loss(X, T, params))
    return out


def _steps_weights_only(X, T, params, lrs):
    grads = backward(X, T, params)
    return [_loss(X, T, {name: params[name] - lr * grads[name] if name.startswith("W")
                         else params[name] for name in params}) for lr in lrs]


def _loss_before(X, T, params, lrs):
    return [_loss(X, T, params) for _ in lrs]


def _mse_grad(Y, T):
    return (Y - T) / Y.shape[0]


BUGS = {
    "ex04.huber_loss": [
        Bug("dY is not capped: beyond |Y - T| > 1 the Huber loss grows like |r|, so its "
            "slope stays at size 1 there (you used the squared error's slope everywhere)",
            lambda Y, T: (huber_loss(Y, T)[0], _mse_grad(Y, T)), key="huber cap"),
        Bug("dY has the right size only outside |r| <= 1: inside, the loss is the quadratic "
            "piece, whose slope shrinks to 0 with r (you used the sign of r everywhere)",
            lambda Y, T: (huber_loss(Y, T)[0], np.sign(Y - T) / Y.shape[0]),
            key="huber quadratic zone"),
        Bug("the loss and dY are C times too small: the loss SUMS over the C outputs and "
            "averages over the N examples only",
            lambda Y, T: tuple(v / Y.shape[1] for v in huber_loss(Y, T)), key="mean over C")],
    "ex04.block_backward": [
        Bug("dA1 misses the skip connection: A1 reaches the block's output by two paths "
            "(through the ReLU layer and straight across), and their gradients add",
            _block_without_skip, key="skip path"),
        Bug("the ReLU's local derivative is missing: the gradient must stop where the "
            "block's ReLU was inactive", _block_without_mask, key="missing mask"),
        Bug("the ReLU mask is taken from the block's output A2 (always >= 0 here), not from "
            "the ReLU's own input Z2", _block_mask_on_output, key="mask on wrong quantity"),
        Bug("dA1 goes back through W2 itself, not its transpose (W2 is square, so the shape "
            "cannot tell): check which index of W2 belongs to A1's units",
            _block_untransposed_W2, key="transposed")],
    "ex04.backward": [
        Bug("the gradients are N times too large: the loss is a MEAN over the batch",
            lambda X, T, params: {k: v * X.shape[0] for k, v in backward(X, T, params).items()},
            key="missing 1/N"),
        Bug("dW1 and db1 miss the skip connection: the first layer's output A1 reaches the "
            "loss by two paths, and their gradients add",
            lambda X, T, params: _backward(X, T, params, block=_block_without_skip),
            key="skip path"),
        Bug("dW1 and db1 miss the first layer's ReLU derivative: mask dA1 where that ReLU "
            "was inactive", lambda X, T, params: _backward(X, T, params, first_mask=False),
            key="missing mask"),
        Bug("the output gradient is the squared error's, not the Huber loss's (it is "
            "not capped where |Y - T| > 1)",
            lambda X, T, params: _backward(X, T, params, loss_grad=_mse_grad), key="huber cap")],
    "ex04.numerical_gradients": [
        Bug("looks like a one-sided/2h slip: your gradients are about twice the reference. "
            "L(w + h) and L(w - h) are 2h apart: divide their difference by 2h, not h",
            lambda *args: _differences(*args, denominator=1.0), key="numeric h"),
        Bug("an entry you nudged was not restored: after computing L(w + h) and L(w - h), "
            "put the entry back to its old value before nudging the next one (every later "
            "gradient is then slightly off)",
            lambda *args: _differences(*args, restore=False), key="numeric restore")],
    "ex04.step_losses": [
        Bug("the step went uphill: the loss rises. Gradient descent moves AGAINST the "
            "gradient (subtract lr times it)", _steps_uphill, key="sign"),
        Bug("only the first learning rate starts from the given parameters: your step "
            "changed the caller's arrays in place (-=), so the next step started from the "
            "moved ones. Build new arrays instead", _steps_in_place, key="in place"),
        Bug("the biases did not move: every parameter takes a step, b1, b2 and b3 too",
            _steps_weights_only, key="biases"),
        Bug("these are the losses BEFORE the step: evaluate the loss at the new parameters",
            _loss_before, key="no step")],
}


# ---- cases -------------------------------------------------------------------------------
def random_network(rng, N=5, D=4, H=3, C=2):
    """X (N, D), T (N, C) and params whose ReLUs are partly active; T ~ N(0, 2^2) puts some
    residuals on each side of the Huber loss's |r| = 1."""
    X = rng.normal(size=(N, D))
    params = {"W1": rng.normal(size=(D, H)) / np.sqrt(D), "b1": rng.normal(size=H) * 0.5,
              "W2": rng.normal(size=(H, H)) / np.sqrt(H), "b2": rng.normal(size=H) * 0.5,
              "W3": rng.normal(size=(H, C)) / np.sqrt(H), "b3": rng.normal(size=C) * 0.5}
    T = rng.normal(size=(N, C)) * 2.0
    return X, T, params


SIZES = ((5, 4, 3, 2), (7, 3, 6, 4))   # (N, D, H, C), four different sizes each
LOSS_SIZES = ((5, 2), (8, 3))           # (N, C)
LRS = (0.01, 0.1, 0.5)


def _note(N, D, H, C):
    return f"N={N}, D={D}, H={H} hidden, C={C} outputs"


def _loss_cases(rng, sizes=LOSS_SIZES):
    cases = []
    for N, C in sizes:
        Y = rng.normal(size=(N, C))
        cases.append(Case((Y, Y + rng.normal(size=(N, C)) * 1.5),
                          note=f"N={N}, C={C}, residuals on both sides of 1"))
    return cases


def _block_cases(rng, sizes=SIZES):
    cases = []
    for N, _, H, _ in sizes:
        dA2, A1 = rng.normal(size=(N, H)), relu(rng.normal(size=(N, H)))
        Z2, W2 = rng.normal(size=(N, H)), rng.normal(size=(H, H))
        cases.append(Case((dA2, A1, Z2, W2), note=f"N={N}, H={H}"))
    return cases


def _backward_cases(rng, sizes=SIZES):
    return [Case(random_network(rng, *s), note=_note(*s)) for s in sizes]


def _numeric_cases(rng, sizes=SIZES):
    return _backward_cases(rng, sizes[:1])


def _step_cases(rng, sizes=SIZES):
    return [Case((*random_network(rng, *s), list(LRS)), note=f"{_note(*s)}, lrs {list(LRS)}")
            for s in sizes]


def _sizes(rng):
    """Two (N, D, H, C) of four different sizes each, for the hidden cases."""
    return size_sets(rng, 2, 4)


def _loss_sizes(rng):
    return size_sets(rng, 2, 2)


# ---- the diagnosis: a classmate's gradients, printed as numbers in the notebook ----------
DIAGNOSIS_SEED, DIAGNOSIS_SIZES = 3, (6, 2, 3, 1)   # (N, D, H, C)
DIAGNOSIS_OPTIONS = {
    "a": "the loss gradient dY is missing its 1/N",
    "b": "the block's ReLU mask is missing",
    "c": "the skip connection's path is missing from dA1",
    "d": "dY is the squared error's, not capped like the Huber loss's",
}
DIAGNOSIS_ANSWER = "c"


def classmate_problem():
    """The notebook's diagnosis problem: (X, T, params) and the classmate's gradients."""
    X, T, params = random_network(np.random.default_rng(DIAGNOSIS_SEED), *DIAGNOSIS_SIZES)
    return X, T, params, _backward(X, T, params, block=_block_without_skip)


def _compare_diagnosis(student, reference, case, *, bugs=()) -> Diagnosis:
    answer = str(student).strip().lower().strip("()")
    if answer not in DIAGNOSIS_OPTIONS:
        return Diagnosis(False, f"expected one letter of {sorted(DIAGNOSIS_OPTIONS)}, got {student!r}")
    if answer == reference:
        return Diagnosis(True, ("right: W3, b3, W2 and b2 agree with central differences, W1 and b1 "
                      "do not, so the error enters at dA1, where the skip path joins"))
    return Diagnosis(False, ("not quite: run your gradient check on the classmate's gradients and "
                   "see which parameters' errors are large, and which are not"))


PARTS = [
    Part("ex04.huber_loss", "huber_loss", 2, huber_loss,
         hidden(_loss_cases, _loss_sizes), public_cases=_loss_cases,
         compare=make_compare(names=("loss", "dY"), bugs=BUGS["ex04.huber_loss"]),
         description="the Huber loss, mean over the batch, and dL/dY", skill="derive"),
    Part("ex04.block_backward", "block_backward", 3, block_backward,
         hidden(_block_cases, _sizes), public_cases=_block_cases,
         compare=make_compare(names=("dW2", "db2", "dA1"), bugs=BUGS["ex04.block_backward"]),
         description="the residual block's backward: dW2, db2, dA1", skill="derive"),
    Part("ex04.backward", "backward", 3, backward,
         hidden(_backward_cases, _sizes), public_cases=_backward_cases,
         compare=make_compare(bugs=BUGS["ex04.backward"]),
         description="the whole backward pass: all six gradients", skill="derive"),
    Part("ex04.numerical_gradients", "numerical_gradients", 1, numerical_gradients,
         hidden(_numeric_cases, _sizes), public_cases=_numeric_cases,
         compare=make_compare(bugs=BUGS["ex04.numerical_gradients"]),
         description="central-difference gradients of the loss for the gradient check",
         skill="transcribe"),
    Part("ex04.diagnosis", "diagnosis", 1, DIAGNOSIS_ANSWER, kind="value",
         compare=_compare_diagnosis, description="which bug the classmate's gradients show",
         skill="diagnose"),
    Part("ex04.step_losses", "step_losses", 2, step_losses,
         hidden(_step_cases, _sizes), public_cases=_step_cases,
         compare=make_compare(names=("losses",), bugs=BUGS["ex04.step_losses"]),
         description="the loss after one gradient-descent step, per learning rate",
         skill="transcribe"),
]
