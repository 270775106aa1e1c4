"""Exercise 2, a small autograd engine: the graded parts.

The notebook defines its own small ``Value`` class; the learner writes the ``_backward``
closures of mul, pow, tanh, exp and sigmoid, a topological sort and ``backward``. Each graded
object is a small function of plain numbers that the notebook provides around the
learner's code (e.g. ``mul_grads(a, b, upstream, start)`` runs mul's ``_backward`` once
and returns the grads it left), so answers come back as data. The references of the local
steps are the formulas; the graph-level ones (sort, backward) use ``bp.Value``.
"""

from __future__ import annotations

import math

from ...autograd import Value
from ..judge import check_topological, make_compare
from ..spec import Bug, Case, Part
from ._draw import hidden

__all__ = [
    "PARTS",
    "check_topological",
    "exp_grads",
    "expression_grads",
    "mul_grads",
    "pow_grads",
    "random_dag",
    "sigmoid_grads",
    "tanh_grads",
    "topo_order_of",
]


# ---- references: one local backward step, started from existing grads -------------------
# Written as formulas (input.grad += local derivative * upstream) so they read as the answer
# key and do not depend on how bp.Value stores its closures.
def mul_grads(a: float, b: float, upstream: float, start=(0.0, 0.0)) -> tuple[float, float]:
    """Grads on a and b after out = a * b passes back ``upstream``: start + (b, a) * upstream."""
    return float(start[0] + b * upstream), float(start[1] + a * upstream)


def pow_grads(a: float, k: float, upstream: float, start: float = 0.0) -> float:
    """Grad on a after out = a ** k passes back ``upstream``: start + k a**(k-1) upstream."""
    return float(start + k * a ** (k - 1) * upstream)


def tanh_grads(a: float, upstream: float, start: float = 0.0) -> float:
    """Grad on a after out = tanh(a): start + (1 - tanh(a)**2) upstream."""
    t = math.tanh(a)
    return float(start + (1.0 - t * t) * upstream)


def exp_grads(a: float, upstream: float, start: float = 0.0) -> float:
    """Grad on a after out = e**a: start + e**a upstream."""
    return float(start + math.exp(a) * upstream)


def sigmoid_grads(a: float, upstream: float, start: float = 0.0) -> float:
    """Grad on a after out = sigmoid(a) = 1 / (1 + e**-a): start + s (1 - s) upstream."""
    s = 1.0 / (1.0 + math.exp(-a))
    return float(start + s * (1.0 - s) * upstream)


def _sigmoid(a: float) -> float:
    return 1.0 / (1.0 + math.exp(-a))


def _build(children: dict, root: str) -> Value:
    """Value nodes from {label: [labels of its inputs]}; returns the node ``root``."""
    nodes: dict[str, Value] = {}

    def build(label: str) -> Value:
        if label not in nodes:
            kids = tuple(build(c) for c in children.get(label, []))
            nodes[label] = Value(0.0, label=label, _children=kids)
        return nodes[label]
    return build(root)


def topo_order_of(children: dict, root: str) -> list[str]:
    """Labels of every node ``root`` depends on, each after all of its inputs."""
    return [node.label for node in _build(children, root).topological_order()]


def expression_grads(a: float, b: float, c: float, runs: int = 1) -> tuple[float, float, float]:
    """dL/da, dL/db, dL/dc of L = tanh(a b + c) e**a + a**2, after ``runs`` backward calls."""
    A, B, C = Value(a), Value(b), Value(c)
    L = (A * B + C).tanh() * A.exp() + A ** 2
    for _ in range(runs):
        L.backward()  # resets the grads first, so every run gives the same answer
    return A.grad, B.grad, C.grad


def _expression_grads_without_reset(a: float, b: float, c: float,
                                    runs: int = 1) -> tuple[float, float, float]:
    """What a backward() that forgets the reset returns: every pass adds onto the grads the
    previous one left, intermediate nodes included, so the grads are wrong (exactly 2x only
    for a leaf that feeds the output directly)."""
    A, B, C = Value(a), Value(b), Value(c)
    L = (A * B + C).tanh() * A.exp() + A ** 2
    for _ in range(runs):
        L.backward(accumulate=True)
    return A.grad, B.grad, C.grad


# ---- cases -------------------------------------------------------------------------------
def _u(rng, low=-2.0, high=2.0) -> float:
    return float(rng.uniform(low, high))


def _mul_cases(rng):
    a, b, g = _u(rng), _u(rng), _u(rng, 0.5, 2.0)
    return [Case((a, b, 1.0), note="upstream 1, grads start at 0"),
            Case((a, b, g), note="upstream != 1: multiply by out.grad"),
            Case((a, b, g), {"start": (_u(rng), _u(rng))},
                 note="grads already hold values: add (+=), don't overwrite")]


def _pow_cases(rng):
    a = _u(rng, 0.5, 2.0)
    return [Case((a, 2.0, 1.0), note="a ** 2"),
            Case((a, 3.0, _u(rng, 0.5, 2.0)), note="a ** 3, upstream != 1"),
            Case((a, -1.5, 1.0), {"start": _u(rng)}, note="a ** -1.5, grad already nonzero")]


def _unary_cases(rng):
    return [Case((_u(rng, 0.3, 1.5), 1.0), note="upstream 1"),
            Case((_u(rng, -1.5, -0.3), _u(rng, 0.5, 2.0)), note="negative input, upstream != 1"),
            Case((_u(rng), _u(rng)), {"start": _u(rng)}, note="grad already nonzero: +=")]


def random_dag(rng, n: int) -> tuple[dict, str]:
    """A random graph of n nodes "n0".."n{n-1}"; node i's inputs are nodes < i, some shared."""
    children = {"n0": []}
    for i in range(1, n):
        k = int(rng.integers(1, 3)) if i > 1 else 1
        picks = rng.choice(i, size=min(k, i), replace=False)
        children[f"n{i}"] = [f"n{j}" for j in sorted(picks, reverse=True)]
    last = children[f"n{n - 1}"]
    if f"n{n - 2}" not in last:  # the output uses the node before it, so the graph is deep
        last.append(f"n{n - 2}")
    return children, f"n{n - 1}"


def _topo_cases(rng, sizes=(8, 15)):
    """Two fixed graphs, then random graphs of ``sizes`` nodes."""
    small = {"out": ["a", "b"], "a": [], "b": []}
    diamond = {"L": ["d", "e"], "d": ["c"], "e": ["c"], "c": ["a", "b"], "a": [], "b": []}
    cases = [Case((small, "out"), note="out = a op b"),
             Case((diamond, "L"), note="a diamond: c feeds both d and e")]
    for n in sizes:
        children, root = random_dag(rng, n)
        cases.append(Case((children, root), note=f"a random graph of up to {n} nodes"))
    return cases


def _graph_sizes(rng):
    """Hidden: a small and a large random graph, of drawn sizes."""
    return int(rng.integers(4, 12)), int(rng.integers(12, 30))


def _expression_cases(rng):
    a, b, c = _u(rng, -1, 1), _u(rng, -1, 1), _u(rng, -1, 1)
    return [Case((a, b, c), note="one backward pass"),
            Case((a, b, c), {"runs": 2},
                 note="backward called twice: grads must be reset first, not added onto")]


BUGS = {
    "ex02.mul": [
        Bug("the old grads were overwritten: a node used twice must get both contributions",
            lambda a, b, g, start=(0.0, 0.0): (b * g, a * g), key="overwritten"),
        Bug("the upstream gradient out.grad is not used",
            lambda a, b, g, start=(0.0, 0.0): (start[0] + b, start[1] + a), key="upstream")],
    "ex02.pow": [
        Bug("the exponent of the local derivative is off by one",
            lambda a, k, g, start=0.0: start + k * a ** k * g, key="power")],
    "ex02.tanh": [
        Bug("the local derivative used the input a where it needs the output tanh(a)",
            lambda a, g, start=0.0: start + (1 - a * a) * g, key="input for output")],
    "ex02.exp": [
        Bug("the grad was overwritten instead of added to", lambda a, g, start=0.0: math.exp(a) * g,
            key="overwritten")],
    "ex02.sigmoid": [
        Bug("the sign is flipped: the inner derivative of e^(-a) carries a minus sign too, and "
            "it cancels the outer one", lambda a, g, start=0.0:
            start - _sigmoid(a) * (1 - _sigmoid(a)) * g, key="sign"),
        Bug("the local derivative used the input a where it needs the output, the sigmoid of a",
            lambda a, g, start=0.0: start + a * (1 - a) * g, key="input for output"),
        Bug("one factor of the local derivative is missing: written with the output, it has two",
            lambda a, g, start=0.0: start + _sigmoid(a) * g, key="1 - s")],
    "ex02.backward": [
        Bug("the second call added onto the grads the first one left behind: set every "
            "node's grad to 0 before the backward pass",
            _expression_grads_without_reset, key="accumulated")],
}

PARTS = [
    Part("ex02.mul", "mul_grads", 2, mul_grads, _mul_cases,
         compare=make_compare(names=("a.grad", "b.grad"), bugs=BUGS["ex02.mul"]),
         description="_backward of a * b", skill="transcribe"),
    Part("ex02.pow", "pow_grads", 2, pow_grads, _pow_cases,
         compare=make_compare(names=("a.grad",), bugs=BUGS["ex02.pow"]),
         description="_backward of a ** k", skill="derive"),
    Part("ex02.tanh", "tanh_grads", 1, tanh_grads, _unary_cases,
         compare=make_compare(names=("a.grad",), bugs=BUGS["ex02.tanh"]),
         description="_backward of tanh(a)", skill="transcribe"),
    Part("ex02.exp", "exp_grads", 1, exp_grads, _unary_cases,
         compare=make_compare(names=("a.grad",), bugs=BUGS["ex02.exp"]),
         description="_backward of exp(a)", skill="transcribe"),
    Part("ex02.sigmoid", "sigmoid_grads", 1, sigmoid_grads, _unary_cases,
         compare=make_compare(names=("a.grad",), bugs=BUGS["ex02.sigmoid"]),
         description="_backward of sigmoid(a), derived with the chain rule", skill="derive"),
    Part("ex02.topo_sort", "topo_order_of", 2, topo_order_of,
         hidden(_topo_cases, _graph_sizes), public_cases=_topo_cases,
         compare=check_topological, description="topological sort of a computation graph",
         skill="derive"),
    Part("ex02.backward", "expression_grads", 2, expression_grads, _expression_cases,
         compare=make_compare(names=("a.grad", "b.grad", "c.grad"), bugs=BUGS["ex02.backward"]),
         description="backward(): reset grads, seed 1, run _backward in reverse order",
         skill="transcribe"),
]
