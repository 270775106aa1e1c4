"""Exercise 7, initialisation and vanishing gradients: the graded parts.

Letters: D fan_in (inputs of a layer), H fan_out (its outputs), N batch, L layers.

Random initialisers cannot be compared number by number (the learner may draw them any
way), so their compare checks the shape and the spread: std within 4 % of the target
(on >= 40,000 draws the sampling error is < 1 %), mean near zero, values all different.
The broken network is ``BROKEN``; the learner's ``fixed_config`` is rebuilt here and its
first-layer gradient must no longer vanish (nor explode).
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from ...data import load_digits
from ...nn import MLP
from ...train import layer_grad_norms
from ..feedback import Diagnosis
from ..judge import compare_init, make_compare
from ..spec import Bug, Case, Part
from ._draw import distinct, hidden

__all__ = ["BROKEN", "PARTS", "SIZES", "first_and_last_grad_norms", "gradient_norms",
           "growth_factor", "he_init", "xavier_init"]

SIZES = [64] + [64] * 8 + [10]                       # 9 Linear layers on the digits
BROKEN = {"activation": "sigmoid", "init": "small"}  # first-layer grad ~1e-14: vanished
ACTIVATIONS = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
}


# ---- references --------------------------------------------------------------------------
def xavier_init(fan_in: int, fan_out: int, rng: int) -> np.ndarray:
    """W (fan_in, fan_out) ~ N(0, 2 / (fan_in + fan_out)) (Glorot), drawn with seed ``rng``."""
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return np.random.default_rng(rng).normal(0.0, std, size=(fan_in, fan_out))


def he_init(fan_in: int, fan_out: int, rng: int) -> np.ndarray:
    """W (fan_in, fan_out) ~ N(0, 2 / fan_in) (He/Kaiming), drawn with seed ``rng``."""
    std = np.sqrt(2.0 / fan_in)
    return np.random.default_rng(rng).normal(0.0, std, size=(fan_in, fan_out))


def gradient_norms(weights: list, X: np.ndarray, dout: np.ndarray,
                   activation: str) -> list[float]:
    """||dL/dW|| of every layer, first to last, for out = W_L f(... f(X W_1)) (no biases).

    The activation f follows every layer but the last; dout (N, H_L) is dL/dout.
    """
    f, df = ACTIVATIONS[activation]
    inputs, pre, post = [], [], []
    A = X
    for i, W in enumerate(weights):              # forward: keep what backward needs
        inputs.append(A)
        Z = A @ W
        A = f(Z) if i < len(weights) - 1 else Z
        pre.append(Z)
        post.append(A)
    norms = []
    grad = dout
    for i in range(len(weights) - 1, -1, -1):    # backward: last layer first
        if i < len(weights) - 1:
            grad = grad * df(pre[i], post[i])    # through the activation
        norms.append(float(np.linalg.norm(inputs[i].T @ grad)))
        grad = grad @ weights[i].T
    return norms[::-1]


def growth_factor(norms) -> tuple[float, str]:
    """The per-layer factor by which ||dW|| grows from the last layer back to the first
    (norms: first layer first, L >= 2 values), and "exploding" (> 1.25), "vanishing"
    (< 0.8) or "stable"."""
    norms = np.asarray(norms, dtype=float)
    factor = float((norms[0] / norms[-1]) ** (1.0 / (len(norms) - 1)))   # geometric mean
    verdict = "exploding" if factor > 1.25 else "vanishing" if factor < 0.8 else "stable"
    return factor, verdict


def first_and_last_grad_norms(config: dict, num_examples: int = 200) -> tuple[float, float]:
    """||dW|| of the first and last layers of an MLP(SIZES, **config) on digits, seed 0."""
    X, y = load_digits()
    net = MLP(SIZES, activation=config["activation"], init=config["init"], rng=0)
    norms = layer_grad_norms(net, X[:num_examples], y[:num_examples])
    return norms[0], norms[-1]


# ---- compares ----------------------------------------------------------------------------
def _compare_diagnosis(student, reference, case, *, bugs=()) -> Diagnosis:
    answer = str(student).strip().lower()
    if answer == reference:
        return Diagnosis(True, "right: the first layer's gradient is ~1e-13 of the last layer's")
    return Diagnosis(False, ("not quite: compare the gradient norms of the first and last layers, "
                   "printed by the diagnosis cell"))


def _compare_fix(student, reference, case, *, bugs=()) -> Diagnosis:
    if not isinstance(student, dict) or not {"activation", "init"} <= set(student):
        return Diagnosis(False, 'expected a dict like {"activation": ..., "init": ...}')
    try:
        first, last = first_and_last_grad_norms(student)
    except (ValueError, TypeError) as err:
        return Diagnosis(False, f"cannot build that network: {err}")
    ratio = first / last if last > 0 else 0.0
    ok = 0.1 <= first <= 100 and 0.2 <= ratio <= 5
    what = (f"first-layer ||dW|| = {first:.2g}, last-layer ||dW|| = {last:.2g} "
            f"(ratio {ratio:.2g})")
    if ok:
        return Diagnosis(True, f"{what}: the gradient reaches the first layer")
    hint = ("still vanishing" if first < 0.1 or ratio < 0.2 else "now exploding")
    return Diagnosis(False, f"{what}: {hint}; aim for a ratio between 0.2 and 5 and ||dW1|| >= 0.1")


# ---- cases -------------------------------------------------------------------------------
PUBLIC_FANS = ((500, 100), (100, 400))   # (fan_in, fan_out) of the public cases


def _spreads(fan_in: int, fan_out: int) -> tuple[float, float]:
    """The Xavier and He spreads of a (fan_in, fan_out) layer."""
    return float(np.sqrt(2.0 / (fan_in + fan_out))), float(np.sqrt(2.0 / fan_in))


def _far_from_public(fan_in: int, fan_out: int, margin: float = 0.08) -> bool:
    """Both spreads differ by more than ``margin`` from those of every public case, so a
    spread read from the public data is off by twice compare_init's 4 % tolerance."""
    mine = _spreads(fan_in, fan_out)
    return all(abs(a / b - 1.0) > margin
               for fans in PUBLIC_FANS for a, b in zip(mine, _spreads(*fans)))


def _hidden_fans(rng, narrowing: bool) -> tuple[int, int]:
    """Fans drawn from ``rng``: 20,000 to 60,000 weights (std within 1.5 % at 3 sigma),
    fan_out >= fan_in / 4 (so Xavier and He differ by > 8 %), far from the public fans."""
    while True:
        fan_in, fan_out = int(rng.integers(30, 400)), int(rng.integers(30, 1500))
        if (narrowing == (fan_in > fan_out) and 20_000 <= fan_in * fan_out <= 60_000
                and 4 * fan_out >= fan_in and _far_from_public(fan_in, fan_out)):
            return fan_in, fan_out


def _public_init_cases(rng):
    seed = int(rng.integers(0, 2**31))
    return [Case((fan_in, fan_out, seed + i), note=f"fan_in {fan_in}, fan_out {fan_out}")
            for i, (fan_in, fan_out) in enumerate(PUBLIC_FANS)]


def _init_cases(rng):
    """Hidden: a narrowing and a widening layer of sizes drawn here, and fresh seeds."""
    cases = []
    for narrowing in (True, False):
        fan_in, fan_out = _hidden_fans(rng, narrowing)
        cases.append(Case((fan_in, fan_out, int(rng.integers(0, 2**31))),
                          note=f"fan_in {fan_in}, fan_out {fan_out}"))
    return cases


def _norm_cases(rng, sizes=(((4, 5, 6, 3), 7),) * 3):
    """sizes: per activation, the layer widths (input first) and the batch N."""
    cases = []
    for activation, (widths, N) in zip(("sigmoid", "tanh", "relu"), sizes):
        weights = [rng.normal(size=s) for s in pairwise(widths)]
        X, dout = rng.normal(size=(N, widths[0])), rng.normal(size=(N, widths[-1]))
        path = " -> ".join(str(w) for w in widths)
        cases.append(Case((weights, X, dout, activation),
                          note=f"{len(widths) - 1} layers {path}, {activation}, N={N}"))
    return cases


def _norm_sizes(rng):
    """Hidden: 2 to 4 layers of drawn widths, and a drawn batch, for each activation."""
    return tuple((distinct(rng, int(rng.integers(3, 6))), int(rng.integers(2, 12)))
                 for _ in range(3))


def _norms_without_activation_grad(weights, X, dout, activation):
    f, _ = ACTIVATIONS[activation]
    inputs, A = [], X
    for i, W in enumerate(weights):
        inputs.append(A)
        A = f(A @ W) if i < len(weights) - 1 else A @ W
    norms, grad = [], dout
    for i in range(len(weights) - 1, -1, -1):
        norms.append(float(np.linalg.norm(inputs[i].T @ grad)))
        grad = grad @ weights[i].T
    return norms[::-1]


def _growth_cases(rng, sizes=((10, 1.45), (6, 0.3), (8, 1.05))):
    """sizes: (number of layers, true per-layer factor) of each profile; the profiles are
    geometric with multiplicative noise, like measured norms."""
    cases = []
    for L, factor in sizes:
        noise = np.exp(rng.normal(0.0, 0.15, L))
        norms = rng.uniform(0.1, 3.0) * factor ** np.arange(L - 1, -1, -1) * noise
        cases.append(Case((norms,), note=f"{L} layers, about x{factor:g} per layer backwards"))
    return cases


def _growth_sizes(rng):
    """Hidden: the three regimes, with drawn depths (4 to 14 layers) and factors."""
    return tuple((int(rng.integers(4, 15)), round(float(f), 3)) for f in
                 (rng.uniform(1.4, 3.0), rng.uniform(0.1, 0.7), rng.uniform(0.9, 1.1)))


def _growth_inverted(norms):
    return growth_factor(np.asarray(norms)[::-1])


def _growth_mean_ratio(norms):
    norms = np.asarray(norms, dtype=float)
    factor = float(np.mean(norms[:-1] / norms[1:]))
    return factor, "exploding" if factor > 1.25 else "vanishing" if factor < 0.8 else "stable"


def _growth_wrong_root(norms):
    norms = np.asarray(norms, dtype=float)
    factor = float((norms[0] / norms[-1]) ** (1.0 / len(norms)))
    return factor, "exploding" if factor > 1.25 else "vanishing" if factor < 0.8 else "stable"


BUGS = {
    "ex07.gradient_norms": [
        Bug("the activation's derivative is missing on the way back through each activation",
            _norms_without_activation_grad, key="activation")],
    "ex07.growth_factor": [
        Bug("the factor is upside down: backwards means from the last layer to the first, "
            "so divide the first layer's norm by the last's", _growth_inverted, key="direction"),
        Bug("one root too many: L layers have L - 1 steps between them", _growth_wrong_root,
            key="L - 1"),
        Bug("the arithmetic mean of the layer-to-layer ratios: growth multiplies, so take "
            "the geometric mean", _growth_mean_ratio, key="arithmetic mean")],
}

PARTS = [
    Part("ex07.xavier_init", "xavier_init", 2, xavier_init, _init_cases,
         compare=compare_init, description="Xavier/Glorot initialisation",
         public_cases=_public_init_cases, skill="derive"),
    Part("ex07.he_init", "he_init", 2, he_init, _init_cases, compare=compare_init,
         description="He/Kaiming initialisation", public_cases=_public_init_cases,
         skill="derive"),
    Part("ex07.gradient_norms", "gradient_norms", 3, gradient_norms,
         hidden(_norm_cases, _norm_sizes), public_cases=_norm_cases,
         compare=make_compare(names=("norms",), bugs=BUGS["ex07.gradient_norms"]),
         description="per-layer gradient norms of a deep network, by backprop",
         skill="transcribe"),
    Part("ex07.growth_factor", "growth_factor", 1, growth_factor,
         hidden(_growth_cases, _growth_sizes), public_cases=_growth_cases,
         compare=make_compare(names=("factor", "verdict"), rtol=1e-6,
                              bugs=BUGS["ex07.growth_factor"]),
         description="the per-layer growth factor of the gradient, and its verdict",
         skill="measure"),
    Part("ex07.diagnosis", "diagnosis", 1, "b", kind="value", compare=_compare_diagnosis,
         description="what goes wrong in the broken network", skill="diagnose"),
    Part("ex07.fix", "fixed_config", 2, {"activation": "relu", "init": "he"}, kind="value",
         compare=_compare_fix, description="an activation and init whose gradients don't vanish",
         skill="diagnose"),
]
