"""Exercise 10, backprop by hand: the graded parts.

No formula is given in the notebook: the learner derives each backward pass (from the
Jacobian, or node by node through the forward computation) and checks it numerically.
Letters: N batch, D features, C classes. ``p`` is the DROP probability of dropout;
``mask`` (N, D) holds 1 where a unit is kept, 0 where dropped (given as an input so the
answer is deterministic); inverted dropout scales the kept units by 1/(1 - p).

Every reference here is checked against central differences in
tests/test_exercise_parts.py; the cases use N > 1, D != C and non-trivial gamma so a
missing 1/N, a missing 1/(1 - p) or the variance's mean term cannot hide.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from ..judge import make_compare
from ..spec import Bug, Case, Part
from ._draw import distinct, hidden, size_sets

__all__ = [
    "PARTS",
    "SKILLS",
    "dropout_backward",
    "dropout_forward",
    "l2_penalty",
    "layernorm_backward",
    "layernorm_forward",
    "layernorm_param_grads",
    "regularized_grads",
    "softmax",
    "softmax_backward",
    "softmax_ce_backward",
    "softmax_jacobian",
]

EPS = 1e-5


# ---- references --------------------------------------------------------------------------
def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of scores (..., C), shifted by the row max so exp cannot overflow."""
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(p: np.ndarray) -> np.ndarray:
    """J (C, C), J[i, j] = d p_i / d s_j = p_i (delta_ij - p_j), for one row p = softmax(s)."""
    return np.diag(p) - np.outer(p, p)


def softmax_backward(dprobs: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """dscores (N, C) = J^T dprobs row by row, without building J: p * (dp - <dp, p>)."""
    return probs * (dprobs - np.sum(dprobs * probs, axis=1, keepdims=True))


def softmax_ce_backward(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """dL/dscores (N, C) of L = mean_n -log softmax(scores)[n, y_n]: (p - onehot(y)) / N."""
    N = scores.shape[0]
    dscores = softmax(scores)
    dscores[np.arange(N), y] -= 1.0
    return dscores / N


def layernorm_forward(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = EPS) -> np.ndarray:
    """out (N, D) = gamma * (X - mean) / sqrt(var + eps) + beta, statistics over each ROW."""
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True)
    return gamma * (X - mu) / np.sqrt(var + eps) + beta


def _xhat(X: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """(xhat (N, D), std (N, 1)) of layer normalisation."""
    std = np.sqrt(X.var(axis=1, keepdims=True) + eps)
    return (X - X.mean(axis=1, keepdims=True)) / std, std


def layernorm_param_grads(dout: np.ndarray, X: np.ndarray,
                          eps: float = EPS) -> tuple[np.ndarray, np.ndarray]:
    """(dgamma (D,), dbeta (D,)): gamma and beta are shared by every row, so sum over N."""
    xhat, _ = _xhat(X, eps)
    return np.sum(dout * xhat, axis=0), dout.sum(axis=0)


def layernorm_backward(dout: np.ndarray, X: np.ndarray, gamma: np.ndarray,
                       eps: float = EPS) -> np.ndarray:
    """dX (N, D): with g = dout * gamma, dX = (g - mean(g) - xhat * mean(g * xhat)) / std,
    means over each row. The middle term comes from the mean, the last from the variance."""
    xhat, std = _xhat(X, eps)
    g = dout * gamma
    return (g - g.mean(axis=1, keepdims=True)
            - xhat * np.mean(g * xhat, axis=1, keepdims=True)) / std


def dropout_forward(X: np.ndarray, mask: np.ndarray, p: float) -> np.ndarray:
    """Inverted dropout in training: X * mask / (1 - p), so the expected output is X."""
    return X * mask / (1.0 - p)


def dropout_backward(dout: np.ndarray, mask: np.ndarray, p: float) -> np.ndarray:
    """dX (N, D) = dout * mask / (1 - p): the same mask and the same scale as forward."""
    return dout * mask / (1.0 - p)


def l2_penalty(weights: list, lam: float) -> tuple[float, list]:
    """R = lam * sum_l ||W_l||^2 (squared Frobenius norms) and [dR/dW_l] = [2 lam W_l]."""
    penalty = lam * sum(float(np.sum(W ** 2)) for W in weights)
    return penalty, [2.0 * lam * W for W in weights]


def regularized_grads(X: np.ndarray, y: np.ndarray, W: np.ndarray, b: np.ndarray,
                      lam: float) -> dict:
    """Gradients {"W": (D, C), "b": (C,)} of L = CE(softmax(X W + b), y) + lam ||W||^2.

    W feeds two branches of the graph (the scores and the penalty), so its gradient is the
    sum of both; the bias is not penalised.
    """
    dscores = softmax_ce_backward(X @ W + b, y)
    return {"W": X.T @ dscores + 2.0 * lam * W, "b": dscores.sum(axis=0)}


# ---- cases -------------------------------------------------------------------------------
def _probs(rng, N, C):
    return softmax(rng.normal(size=(N, C)) * 1.5)


def _jacobian_cases(rng, sizes=(3, 5)):
    return [Case((_probs(rng, 1, C)[0],), note=f"C={C}") for C in sizes]


def _softmax_backward_cases(rng, sizes=((4, 3), (6, 5))):
    return [Case((rng.normal(size=(N, C)), _probs(rng, N, C)), note=f"N={N}, C={C}")
            for N, C in sizes]


def _ce_cases(rng, sizes=((5, 3), (8, 4), (4, 3))):
    """The last (N, C) gets scores near 800."""
    cases = [Case((rng.normal(size=(N, C)) * 2, rng.integers(0, C, N)), note=f"N={N}, C={C}")
             for N, C in sizes[:-1]]
    N, C = sizes[-1]
    big = rng.normal(size=(N, C)) * 10 + 800.0
    cases.append(Case((big, rng.integers(0, C, N)), note="scores near 800 (exp overflows)"))
    return cases


def _layernorm_cases(rng, with_gamma, sizes=((4, 5), (6, 3))):
    cases = []
    for N, D in sizes:
        X = rng.normal(size=(N, D)) * 2 + 1
        dout, gamma = rng.normal(size=(N, D)), rng.normal(size=D) + 1
        args = (dout, X, gamma) if with_gamma else (dout, X)
        cases.append(Case(args, note=f"N={N}, D={D}"))
    return cases


def _dropout_cases(rng, sizes=(((4, 5), 0.3), ((6, 3), 0.2))):
    cases = []
    for (N, D), p in sizes:
        mask = (rng.random((N, D)) >= p).astype(float)
        mask[0, 0], mask[0, 1] = 0.0, 1.0            # at least one of each
        cases.append(Case((rng.normal(size=(N, D)), mask, p), note=f"N={N}, D={D}, p={p}"))
    return cases


def _l2_cases(rng, sizes=((((4, 3), (3, 2)), 0.1), (((4, 3), (3, 2)), 0.03))):
    count = {2: "two", 3: "three"}
    return [Case(([rng.normal(size=shape) for shape in shapes], lam),
                 note=f"{count[len(shapes)]} weight matrices, lam={lam}") for shapes, lam in sizes]


def _regularized_cases(rng, sizes=(((6, 4, 3), 0.1), ((5, 3, 4), 0.05))):
    cases = []
    for (N, D, C), lam in sizes:
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, N)
        W, b = rng.normal(size=(D, C)), rng.normal(size=C)
        cases.append(Case((X, y, W, b, lam), note=f"N={N}, D={D}, C={C}, lam={lam}"))
    return cases


# ---- hidden sizes (and dropout p, penalty lam): drawn from the rng -------------------------
def _lam(rng) -> float:
    return round(float(rng.uniform(0.01, 0.2)), 3)


def _classes(rng):
    return distinct(rng, 2, 3, 9)


def _pairs(rng):
    return size_sets(rng, 2, 2)


def _ce_sizes(rng):
    return size_sets(rng, 3, 2)


def _dropout_sizes(rng):
    return tuple((pair, round(float(rng.uniform(0.1, 0.6)), 2)) for pair in size_sets(rng, 2, 2))


def _l2_sizes(rng):
    out = []
    for _ in range(2):
        widths = distinct(rng, int(rng.integers(3, 5)), 2, 10)   # two or three matrices
        out.append((tuple(pairwise(widths)), _lam(rng)))
    return tuple(out)


def _regularized_sizes(rng):
    return tuple((sizes, _lam(rng)) for sizes in size_sets(rng, 2, 3))


# ---- the usual mistakes ------------------------------------------------------------------
def _ln_without_mean_of_variance(dout, X, gamma, eps=EPS):
    """dX forgetting that the variance depends on X too (only the mean's term)."""
    _, std = _xhat(X, eps)
    g = dout * gamma
    return (g - g.mean(axis=1, keepdims=True)) / std


def _ln_constant_stats(dout, X, gamma, eps=EPS):
    """dX treating mean and variance as constants."""
    return dout * gamma / _xhat(X, eps)[1]


def _regularized(factor, penalise_bias=False):
    def grads(X, y, W, b, lam):
        dscores = softmax_ce_backward(X @ W + b, y)
        db = dscores.sum(axis=0) + (factor * lam * b if penalise_bias else 0.0)
        return {"W": X.T @ dscores + factor * lam * W, "b": db}
    return grads


BUGS = {
    "ex10.softmax_jacobian": [
        Bug("only the diagonal is there: p_i also depends on every other score s_j",
            lambda p: np.diag(p * (1 - p)), key="diagonal only"),
        Bug("the diagonal term is missing", lambda p: -np.outer(p, p), key="diagonal")],
    "ex10.softmax_backward": [
        Bug("that is the elementwise derivative only: each probability depends on every "
            "score of its row", lambda dp, p: dp * p * (1 - p), key="diagonal only"),
        Bug("the row sum was taken over the wrong axis",
            lambda dp, p: p * (dp - np.sum(dp * p, axis=0, keepdims=True)), key="axis")],
    "ex10.softmax_ce_backward": [
        Bug("dscores is N times too large: the loss is a mean over the batch",
            lambda s, y: softmax_ce_backward(s, y) * s.shape[0], key="missing 1/N"),
        Bug("the gradient has the wrong sign", lambda s, y: -softmax_ce_backward(s, y),
            key="sign")],
    "ex10.layernorm_param_grads": [
        Bug("dgamma must be weighted by the normalised input, not by X",
            lambda dout, X, eps=EPS: (np.sum(dout * X, axis=0), dout.sum(axis=0)),
            key="xhat"),
        Bug("summed over the wrong axis: gamma and beta are shared by the rows",
            lambda dout, X, eps=EPS: tuple(a.sum(axis=1) for a in (dout * _xhat(X, eps)[0],
                                                                 dout)), key="bias axis")],
    "ex10.layernorm_backward": [
        Bug("the variance's term is missing: the variance depends on X too",
            _ln_without_mean_of_variance, key="variance term"),
        Bug("mean and variance were treated as constants: they depend on X",
            _ln_constant_stats, key="constant stats")],
    "ex10.dropout_forward": [
        Bug("the kept units are not scaled: inverted dropout rescales them in training",
            lambda X, mask, p: X * mask, key="mask not scaled"),
        Bug("scaled by p where the keep probability belongs",
            lambda X, mask, p: X * mask / p, key="factor")],
    "ex10.dropout_backward": [
        Bug("the mask is not scaled in the backward pass as it was in the forward pass",
            lambda dout, mask, p: dout * mask, key="mask not scaled"),
        Bug("the mask is missing: dropped units passed a gradient",
            lambda dout, mask, p: dout / (1 - p), key="missing mask")],
    "ex10.l2_penalty": [
        Bug("the gradient is half the right size: forgot the 2 from the square",
            lambda Ws, lam: l2_penalty(Ws, lam)[:1] + ([lam * W for W in Ws],),
            key="factor"),
        Bug("lam is missing from the gradient",
            lambda Ws, lam: l2_penalty(Ws, lam)[:1] + ([2 * W for W in Ws],), key="lambda")],
    "ex10.regularized_grads": [
        Bug("the penalty's gradient is missing: W feeds the penalty too",
            _regularized(0.0), key="branch"),
        Bug("the penalty's gradient is half the right size (forgot the 2)",
            _regularized(1.0), key="factor"),
        Bug("the bias was penalised: only W is in the penalty", _regularized(2.0, True),
            key="bias")],
}


# What each part asks (spec.SKILLS), judged against the task text and lessons 01-10b.
# Lessons 10a-10b teach Jacobians and VJPs, layer norm's forward pass, inverted dropout (mask,
# expected value kept) and the L2 penalty as a node of the graph, but prints none of these
# backward formulas. softmax + cross-entropy is the exception: lesson 05 prints
# dscores = (softmax - onehot) / N, so part 3 checks a formula the learner has seen.
SKILLS = {
    "softmax_jacobian": "derive",        # quotient rule, two cases, in terms of p
    "softmax_backward": "derive",        # J^T v simplified to one row sum
    "softmax_ce_backward": "transcribe",  # the result is printed in lesson 05
    "layernorm_param_grads": "derive",   # gamma, beta shared by the rows: sum over N
    "layernorm_backward": "derive",      # three paths through mean and variance
    "dropout_forward": "derive",         # the scale that keeps the expectation (not printed)
    "dropout_backward": "derive",        # local derivative of a masked, scaled copy
    "l2_penalty": "derive",              # the gradient of a sum of squares
    "regularized_grads": "derive",       # W used twice: the two paths add
}


def _part(pid, name, points, ref, cases, names, description, draw):
    """A part whose public cases are ``cases(rng)``, its hidden ones ``cases(rng, draw(rng))``."""
    return Part(f"ex10.{pid}", name, points, ref, hidden(cases, draw),
                compare=make_compare(names=names, bugs=BUGS[f"ex10.{pid}"]),
                description=description, public_cases=cases, skill=SKILLS[pid])


def _ln_param_cases(rng, sizes=((4, 5), (6, 3))):
    return _layernorm_cases(rng, False, sizes)


def _ln_cases(rng, sizes=((4, 5), (6, 3))):
    return _layernorm_cases(rng, True, sizes)


PARTS = [
    _part("softmax_jacobian", "softmax_jacobian", 2, softmax_jacobian, _jacobian_cases,
          ("J",), "the Jacobian of softmax for one row", _classes),
    _part("softmax_backward", "softmax_backward", 2, softmax_backward,
          _softmax_backward_cases, ("dscores",), "softmax backward without building J", _pairs),
    _part("softmax_ce_backward", "softmax_ce_backward", 2, softmax_ce_backward, _ce_cases,
          ("dscores",), "the gradient of softmax + mean cross-entropy", _ce_sizes),
    _part("layernorm_param_grads", "layernorm_param_grads", 1, layernorm_param_grads,
          _ln_param_cases, ("dgamma", "dbeta"), "layer normalisation: dgamma and dbeta",
          _pairs),
    _part("layernorm_backward", "layernorm_backward", 3, layernorm_backward,
          _ln_cases, ("dX",), "layer normalisation: dX", _pairs),
    _part("dropout_forward", "dropout_forward", 1, dropout_forward, _dropout_cases,
          ("out",), "inverted dropout, forward (mask given)", _dropout_sizes),
    _part("dropout_backward", "dropout_backward", 1, dropout_backward, _dropout_cases,
          ("dX",), "inverted dropout, backward", _dropout_sizes),
    _part("l2_penalty", "l2_penalty", 1, l2_penalty, _l2_cases, ("penalty", "grads"),
          "an L2 penalty and its gradients", _l2_sizes),
    _part("regularized_grads", "regularized_grads", 2, regularized_grads,
          _regularized_cases, None, "gradients of a softmax classifier with an L2 penalty",
          _regularized_sizes),
]
