"""Exercise 1, derivatives and the chain rule: the graded parts.

The learner implements a central difference, derives three chain-rule derivatives and
checks an analytic derivative against the central difference.

The test functions handed to ``central_difference`` and ``derivative_error`` are defined
at module level here, so a case can be sent to another kernel (they pickle by name).
"""

from __future__ import annotations

import numpy as np

from ..casefns import bump, cubic, d_bump_wrong, d_cubic, d_wavy, d_wavy_wrong, wavy
from ..judge import compare_error, make_compare
from ..spec import Bug, Case, Part
from ._draw import distinct, hidden

__all__ = [
    "PARTS",
    "bump",
    "central_difference",
    "cubic",
    "d_bump_wrong",
    "d_cubic",
    "d_exp_tanh",
    "d_sin_of_square",
    "d_wavy",
    "d_wavy_wrong",
    "derivative_error",
    "grad_f",
    "wavy",
]


# ---- functions the cases differentiate (public: they travel by name, see casefns) -------
FUNCTIONS = (cubic, wavy, bump)


# ---- references ------------------------------------------------------------------------
def central_difference(f, x: float, h: float = 1e-5) -> float:
    """(f(x + h) - f(x - h)) / (2h): the derivative of f at x with error O(h**2)."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


def d_sin_of_square(x: np.ndarray) -> np.ndarray:
    """d/dx sin(x**2) = cos(x**2) * 2x (outer derivative at the inner value, times inner)."""
    return np.cos(x ** 2) * 2.0 * x


def d_exp_tanh(x: np.ndarray) -> np.ndarray:
    """d/dx e**tanh(3x) = e**tanh(3x) * (1 - tanh(3x)**2) * 3, outermost first."""
    t = np.tanh(3.0 * x)
    return np.exp(t) * (1.0 - t * t) * 3.0


def grad_f(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of f(x, y) = x**2 y + sin(x y): (2xy + y cos(xy), x**2 + x cos(xy))."""
    c = np.cos(x * y)
    return 2.0 * x * y + y * c, x ** 2 + x * c


def derivative_error(f, df, x: float, h: float = 1e-5) -> float:
    """|df(x) - cd| / max(|df(x)| + |cd|, 1e-8) with cd the central difference of f at x."""
    analytic = df(x)
    numeric = (f(x + h) - f(x - h)) / (2.0 * h)
    return abs(analytic - numeric) / max(abs(analytic) + abs(numeric), 1e-8)


# ---- cases -----------------------------------------------------------------------------
def _central_difference_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for f in FUNCTIONS:
        x = float(rng.uniform(-2.0, 2.0))
        h = float(rng.choice([1e-2, 1e-3]))  # large h: a forward difference is off by h f''/2
        cases.append(Case((f, x), {"h": h}, note=f"f = {f.__name__}, x = {x:.3f}, h = {h:g}"))
    return cases


def _array_cases(rng: np.random.Generator, sizes=(7, (2, 3))) -> list[Case]:
    n, shape = sizes
    x = rng.uniform(-2.0, 2.0, size=n)
    return [Case((x,), note=f"{n} points in [-2, 2]"),
            Case((rng.normal(size=shape),), note=f"a {shape} array: work elementwise")]


def _array_sizes(rng: np.random.Generator) -> tuple:
    """Hidden: a vector's length and a 2-d shape, drawn."""
    return int(rng.integers(3, 12)), distinct(rng, 2)


def _grad_f_cases(rng: np.random.Generator, n: int = 5) -> list[Case]:
    return [Case((rng.uniform(-2, 2, n), rng.uniform(-2, 2, n)), note=f"{n} points (x, y)"),
            Case((float(rng.uniform(0.5, 2)), float(rng.uniform(-2, -0.5))),
                 note="one point, x > 0 > y")]


def _derivative_error_cases(rng: np.random.Generator) -> list[Case]:
    x = float(rng.uniform(-1.5, 1.5))
    far = float(rng.uniform(0.3, 1.5) * rng.choice([-1.0, 1.0]))  # away from the zero at 0
    return [Case((cubic, d_cubic, x), note="cubic with its right derivative (error ~1e-10)"),
            Case((wavy, d_wavy, x), {"h": 1e-4}, note="wavy with its right derivative, h=1e-4"),
            Case((bump, d_bump_wrong, far), note="bump with a WRONG derivative (error large)")]


def _hidden_derivative_error_cases(rng: np.random.Generator) -> list[Case]:
    """The public kinds of case, plus a wrong derivative whose error depends on x: the
    bump's wrong derivative always gives exactly 1/3, an answer the public data shows."""
    cases = _derivative_error_cases(rng)
    while True:
        x = float(rng.uniform(-1.5, 1.5))
        h = float(rng.choice([1e-5, 1e-4]))
        error = derivative_error(wavy, d_wavy_wrong, x, h)
        if 1e-3 < error and abs(error - 1 / 3) > 0.05:   # wrong, and not 1/3 within 5 %
            break
    cases.append(Case((wavy, d_wavy_wrong, x), {"h": h},
                      note=f"wavy with a WRONG derivative at x = {x:.3f}"))
    return cases


BUGS = {
    "ex01.central_difference": [
        Bug("that is a forward difference (one-sided, error O(h)), not the central difference",
            lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, key="forward difference"),
        Bug("off by a factor 2: how far apart are the two points you evaluate f at?",
            lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, key="factor")],
    "ex01.d_sin_of_square": [
        Bug("the inner derivative is missing: the chain rule multiplies by it",
            lambda x: np.cos(x ** 2), key="inner derivative")],
    "ex01.d_exp_tanh": [
        Bug("the derivative of the innermost function is missing",
            lambda x: np.exp(np.tanh(3 * x)) * (1 - np.tanh(3 * x) ** 2), key="inner derivative"),
        Bug("the middle function's derivative (tanh') is missing",
            lambda x: np.exp(np.tanh(3 * x)) * 3, key="inner derivative")],
    "ex01.grad_f": [
        Bug("df/dx and df/dy are swapped: return (df/dx, df/dy) in that order",
            lambda x, y: grad_f(x, y)[::-1], key="swapped")],
}

PARTS = [
    Part("ex01.central_difference", "central_difference", 2, central_difference,
         _central_difference_cases, compare=make_compare(bugs=BUGS["ex01.central_difference"]),
         description="the central-difference estimate of f'(x)", skill="transcribe"),
    Part("ex01.d_sin_of_square", "d_sin_of_square", 1, d_sin_of_square,
         hidden(_array_cases, _array_sizes), public_cases=_array_cases,
         compare=make_compare(bugs=BUGS["ex01.d_sin_of_square"]),
         description="chain rule: d/dx sin(x^2)", skill="derive"),
    Part("ex01.d_exp_tanh", "d_exp_tanh", 2, d_exp_tanh,
         hidden(_array_cases, _array_sizes), public_cases=_array_cases,
         compare=make_compare(bugs=BUGS["ex01.d_exp_tanh"]),
         description="chain rule, three functions deep: d/dx exp(tanh(3x))", skill="derive"),
    Part("ex01.grad_f", "grad_f", 2, grad_f,
         hidden(_grad_f_cases, lambda rng: int(rng.integers(3, 12))), public_cases=_grad_f_cases,
         compare=make_compare(names=("df/dx", "df/dy"), bugs=BUGS["ex01.grad_f"]),
         description="partial derivatives of f(x, y) = x^2 y + sin(xy)", skill="derive"),
    Part("ex01.derivative_error", "derivative_error", 1, derivative_error,
         _hidden_derivative_error_cases, compare=compare_error,
         public_cases=_derivative_error_cases,
         description="relative error between an analytic and a numerical derivative",
         skill="transcribe"),
]
