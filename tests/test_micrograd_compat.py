"""``bp.Value`` keeps micrograd's contract (issue 17 §2).

micrograd's own test/test_engine.py checks its engine against PyTorch on two expressions
(test_sanity_check, test_more_ops). That file runs here unchanged (tests/vendor/, checked
byte for byte), with ``micrograd.engine.Value`` meaning ``bp.Value``, against PyTorch
2.13.0 (CPU build, pinned in requirements.txt). Besides it, the same expressions are
checked without any engine: the data by plain arithmetic, every gradient by the complex
step (f(x + ih).imag / h, exact to rounding, no cancellation), with a central finite
difference as a second witness. The expressions run on

- ``bp.Value``;
- ``micrograd.engine.Value`` itself;
- micrograd's own methods (``__add__``, ``__mul__``, ``__pow__``, ``relu``, ``backward``
  ...: the very function objects of micrograd/engine.py) with ``Value`` bound to a
  subclass of ``bp.Value``: the code a learner copies from the lesson, run on this engine.

Then the three parts of the contract one at a time: ``Value(x, (a, b), '+')``,
``out._backward = _backward`` and ``** k`` keeping k as a number.
"""

import hashlib
import math
import sys
import types
from pathlib import Path

import pytest

import bplab as bp

micrograd_engine = pytest.importorskip(
    "micrograd.engine", reason="micrograd is pinned in requirements.txt: make test installs it")
MicrogradValue = micrograd_engine.Value
TOL = 1e-6


# ---- micrograd's two expressions, for any number type ------------------------------------
def sanity_check(x, relu):
    """micrograd test_engine.py, test_sanity_check."""
    z = 2 * x + 2 + x
    q = relu(z) + z * x
    h = relu(z * z)
    y = h + q + q * x
    return y


def more_ops(a, b, relu):
    """micrograd test_engine.py, test_more_ops."""
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g


EXPRESSIONS = {  # name: (function of the inputs and relu, the inputs)
    "sanity_check": (sanity_check, (-4.0,)),
    "more_ops": (more_ops, (-4.0, 2.0)),
}


def number_relu(z):
    """relu of a float or of a complex step (the branch follows the real part)."""
    return z if z.real > 0 else 0 * z


def reference(name):
    """(data, grads) of the expression in float64: complex-step gradients."""
    fn, inputs = EXPRESSIONS[name]
    data = fn(*inputs, number_relu)
    grads, h = [], 1e-30
    for i in range(len(inputs)):
        args = [complex(v) for v in inputs]
        args[i] += 1j * h
        grads.append(fn(*args, number_relu).imag / h)
    return data, grads


def finite_differences(name, h=1e-5):
    fn, inputs = EXPRESSIONS[name]
    grads = []
    for i in range(len(inputs)):
        up, down = list(inputs), list(inputs)
        up[i] += h
        down[i] -= h
        grads.append((fn(*up, number_relu) - fn(*down, number_relu)) / (2 * h))
    return grads


class MicrogradCodeOnBp(bp.Value):
    """bp.Value running micrograd's own methods, with ``Value`` meaning this class."""


for _name in ("__add__", "__mul__", "__pow__", "relu", "backward", "__neg__", "__radd__",
              "__sub__", "__rsub__", "__rmul__", "__truediv__", "__rtruediv__"):
    _fn = getattr(MicrogradValue, _name)
    _globals = {**_fn.__globals__, "Value": MicrogradCodeOnBp}
    setattr(MicrogradCodeOnBp, _name, types.FunctionType(
        _fn.__code__, _globals, _fn.__name__, _fn.__defaults__, _fn.__closure__))

ENGINES = {"bp.Value": bp.Value, "micrograd": MicrogradValue,
           "micrograd's code on bp.Value": MicrogradCodeOnBp}


def run(engine, name):
    fn, inputs = EXPRESSIONS[name]
    leaves = [engine(v) for v in inputs]
    out = fn(*leaves, lambda v: v.relu())
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


# ---- 4. micrograd's test_engine.py ------------------------------------------------------
@pytest.mark.parametrize("name", EXPRESSIONS)
def test_the_reference_itself_agrees_with_finite_differences(name):
    _, grads = reference(name)
    assert grads == pytest.approx(finite_differences(name), rel=1e-6)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", EXPRESSIONS)
def test_micrograd_test_engine_expressions_match_float64(name, engine):
    data, grads = run(ENGINES[engine], name)
    ref_data, ref_grads = reference(name)
    assert data == pytest.approx(ref_data, rel=TOL, abs=TOL)
    assert grads == pytest.approx(ref_grads, rel=TOL, abs=TOL)


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_bp_value_gives_micrograds_data_and_grads(name):
    ours, theirs = run(bp.Value, name), run(MicrogradValue, name)
    assert ours[0] == pytest.approx(theirs[0], rel=TOL, abs=TOL)
    assert ours[1] == pytest.approx(theirs[1], rel=TOL, abs=TOL)
    mixed = run(MicrogradCodeOnBp, name)
    assert mixed[0] == pytest.approx(theirs[0], rel=TOL, abs=TOL)
    assert mixed[1] == pytest.approx(theirs[1], rel=TOL, abs=TOL)


# ---- micrograd's own test file, unchanged, against bp.Value -----------------------------
VENDORED = Path(__file__).parent / "vendor" / "micrograd_test_engine.py"
UPSTREAM_SHA256 = "27142177f5badd0f3aa0ae1a78ae91b0017cd08d9e44a3e0f774142c0f53d531"


def micrograds_tests_on(engine) -> dict:
    """micrograd's test/test_engine.py (tests/vendor/, byte for byte), run as a module whose
    ``from micrograd.engine import Value`` gives ``engine``: {test name: function}."""
    source = VENDORED.read_bytes()
    assert hashlib.sha256(source).hexdigest() == UPSTREAM_SHA256, "the vendored file changed"
    shim = types.ModuleType("micrograd.engine")
    shim.Value = engine
    saved = sys.modules.get("micrograd.engine")
    sys.modules["micrograd.engine"] = shim
    try:
        namespace = {"__name__": "micrograd_test_engine", "__file__": str(VENDORED)}
        exec(compile(source, str(VENDORED), "exec"), namespace)  # noqa: S102 - a pinned file
    finally:
        if saved is None:
            del sys.modules["micrograd.engine"]
        else:
            sys.modules["micrograd.engine"] = saved
    assert namespace["Value"] is engine
    return {k: v for k, v in namespace.items() if k.startswith("test_") and callable(v)}


@pytest.mark.parametrize("engine", ["bp.Value", "micrograd"])
@pytest.mark.parametrize("test", ["test_sanity_check", "test_more_ops"])
def test_micrograds_own_test_file_passes(engine, test):
    """The file compares the engine with PyTorch (2.13.0, CPU build, pinned for this)."""
    pytest.importorskip("torch", reason="torch==2.13.0 is pinned in requirements.txt")
    tests = micrograds_tests_on(ENGINES[engine])
    assert sorted(tests) == ["test_more_ops", "test_sanity_check"]
    tests[test]()


def test_micrograds_test_file_fails_an_engine_with_a_wrong_gradient():
    """The file can fail: an engine whose inputs report twice their gradient."""
    pytest.importorskip("torch", reason="torch==2.13.0 is pinned in requirements.txt")

    class TwiceTheGradient(bp.Value):
        @property
        def grad(self):
            return 2 * bp.Value.grad.__get__(self)

        @grad.setter
        def grad(self, value):
            bp.Value.grad.__set__(self, value)

    tests = micrograds_tests_on(TwiceTheGradient)
    for name in ("test_sanity_check", "test_more_ops"):
        with pytest.raises(AssertionError):
            tests[name]()


# ---- 1. Value(data, _children, _op), micrograd's order ----------------------------------
def test_positional_children_and_op_work_as_in_micrograd():
    a, b = bp.Value(2.0, label="a"), bp.Value(-3.0, label="b")
    out = bp.Value(a.data + b.data, (a, b), "+")
    assert out.children == (a, b) and out._prev == (a, b)
    assert out.op == "+" and out._op == "+" and out.label == ""
    assert bp.Value(1.0, (a,), "relu", "r").label == "r"  # label: micrograd lecture's 4th


def test_a_label_where_micrograd_puts_the_children_says_what_to_write():
    with pytest.raises(TypeError, match=r"label='a'"):
        bp.Value(2.0, "a")


def test_children_as_a_list_or_set_work_and_non_values_are_refused():
    a, b = bp.Value(2.0), bp.Value(3.0)
    assert bp.Value(5.0, [a, b], "+").children == (a, b)
    assert set(bp.Value(5.0, {a, b}, "+").children) == {a, b}  # micrograd keeps a set
    with pytest.raises(TypeError, match="hold Values"):
        bp.Value(5.0, [a, 3.0], "+")


# ---- 2. out._backward = _backward ---------------------------------------------------------
def cube(self):
    """A learner's new op, written micrograd's way against bp.Value."""
    out = bp.Value(self.data ** 3, (self,), "cube")

    def _backward():
        self.grad += 3 * self.data ** 2 * out.grad
    out._backward = _backward
    return out


def mul(self, other):
    """micrograd's __mul__, as the brief and lesson 02 write it."""
    other = other if isinstance(other, bp.Value) else bp.Value(other)
    out = bp.Value(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad
    out._backward = _backward
    return out


def test_an_assigned_closure_is_what_backward_calls():
    x, w = bp.Value(0.7), bp.Value(-1.3)

    def f(x, w):
        return (cube(mul(x, w)) + x).tanh()

    out = f(x, w)
    out.backward()
    h = 1e-6
    num_x = (f(bp.Value(0.7 + h), w).data - f(bp.Value(0.7 - h), w).data) / (2 * h)
    num_w = (f(x, bp.Value(-1.3 + h)).data - f(x, bp.Value(-1.3 - h)).data) / (2 * h)
    assert x.grad == pytest.approx(num_x, rel=1e-6)
    assert w.grad == pytest.approx(num_w, rel=1e-6)
    xw = out.children[0].children[0].children[0]
    assert xw.op == "*" and xw.children == (x, w)


def test_the_assigned_closure_reads_back_and_runs_by_hand():
    x = bp.Value(2.0)
    out = cube(x)
    closure = out._backward
    assert closure.__name__ == "_backward" and closure.__code__.co_argcount == 0
    out.grad = 1.0
    out._backward()  # micrograd's call, by hand
    assert x.grad == 12.0
    assert out.local_grads() == (12.0,)  # the stepper's view runs the same closure


def test_a_closure_of_out_and_a_wrong_one():
    x = bp.Value(3.0)
    out = bp.Value(x.data * 2, (x,), "double")

    def _backward(out):  # this engine's own style: one argument, out
        out.children[0].grad += 2 * out.grad
    out._backward = _backward
    out.backward()
    assert x.grad == 2.0
    with pytest.raises(TypeError, match="def _backward"):
        out._backward = lambda a, b: None
    with pytest.raises(TypeError, match="expected a function"):
        out._backward = 3.0


def test_built_in_ops_still_expose_a_callable_backward():
    a, b = bp.Value(2.0), bp.Value(-3.0)
    out = a * b
    out.grad = 1.0
    out._backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)


# ---- 3. ** k keeps k as a number ----------------------------------------------------------
K = 0.1234567891234


def test_pow_gradient_is_exact_for_any_exponent():
    x = bp.Value(2.0)
    out = x ** K
    out.backward()
    assert x.grad == pytest.approx(K * 2.0 ** (K - 1), abs=1e-12)
    assert out.local_grads()[0] == pytest.approx(K * 2.0 ** (K - 1), abs=1e-12)


def test_pow_keeps_the_exponent_exactly_in_op_and_formula():
    out = bp.Value(2.0) ** K
    assert float(out.op[2:]) == K
    (formula,) = out.local_grad_formulas()
    value = eval(formula, {"self": 2.0})  # the formula a learner reads, evaluated
    assert value == pytest.approx(K * 2.0 ** (K - 1), abs=1e-12)
    assert (bp.Value(3.0) ** 2).op == "**2"  # short numbers keep their short text
    assert (bp.Value(3.0) ** 2).local_grad_formulas() == ("2 * self**1",)
    assert (bp.Value(3.0) ** 0.5).op == "**0.5"


def test_pow_of_a_node_built_by_hand_reads_its_op_text():
    x = bp.Value(2.0)
    out = bp.Value(x.data ** 3, (x,), "**3")  # micrograd's f"**{other}"
    assert out.local_grad_formulas() == ("3 * self**2",)
    assert not math.isnan(out.data)
