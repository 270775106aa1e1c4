"""Value: every op against central differences, re-running backward, deep graphs, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import away_from_zero, finite, off_the_kink, positive

import bplab as bp
from bplab import Value

UNARY = {
    "neg": (lambda v: -v, finite),
    "exp": (lambda v: v.exp(), finite),
    "log": (lambda v: v.log(), positive),
    "tanh": (lambda v: v.tanh(), finite),
    "sigmoid": (lambda v: v.sigmoid(), finite),
    "relu": (lambda v: v.relu(), off_the_kink),
    "pow3": (lambda v: v ** 3, away_from_zero),
    "pow-half": (lambda v: v ** -0.5, positive),
    "rsub": (lambda v: 2.0 - v, finite),
    "rdiv": (lambda v: 2.0 / v, positive),
}
BINARY = {
    "add": (lambda a, b: a + b, finite),
    "sub": (lambda a, b: a - b, finite),
    "mul": (lambda a, b: a * b, finite),
    "div": (lambda a, b: a / b, positive),
}


def numeric_grads(f, xs):
    """Central differences of f (a function of floats) at xs, via bp.numerical_gradient."""
    x = np.array(xs, dtype=np.float64)
    return bp.numerical_gradient(lambda arr: f(*[Value(float(v)) for v in arr]).data, x)


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_ops_match_numerical_gradient(name, data):
    op, strategy = UNARY[name]
    x = data.draw(strategy)
    a = Value(x)
    op(a).backward()
    assert bp.rel_error(np.array([a.grad]), numeric_grads(op, [x])) < 1e-7


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_ops_match_numerical_gradient(name, data):
    op, strategy = BINARY[name]
    x, y = data.draw(strategy), data.draw(strategy)
    a, b = Value(x), Value(y)
    op(a, b).backward()
    assert bp.rel_error(np.array([a.grad, b.grad]), numeric_grads(op, [x, y])) < 1e-7


@given(st.lists(finite, min_size=6, max_size=6))
def test_composite_expression_matches_numerical_gradient(xs):
    def f(a, b, c, d, e, g):
        return (a * b + c.tanh()) * (d.sigmoid() - e) + (g * g).exp() / 10 + a * a

    vals = [Value(x) for x in xs]
    f(*vals).backward()
    assert bp.rel_error(np.array([v.grad for v in vals]), numeric_grads(f, xs)) < 1e-7


def test_dot_equals_chained_ops():
    ws, xs = [Value(0.5), Value(-1.5)], [Value(2.0), Value(3.0)]
    out = Value.dot(ws, xs, bias=Value(0.25))
    out.backward()
    assert out.data == pytest.approx(0.5 * 2 - 1.5 * 3 + 0.25)
    assert [w.grad for w in ws] == [2.0, 3.0] and [x.grad for x in xs] == [0.5, -1.5]


def test_design_example_and_rerun_gives_same_grads():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b + a.tanh()
    c.backward()
    first = (a.grad, b.grad)
    c.backward()
    assert (a.grad, b.grad) == first == pytest.approx((-3 + 1 - math.tanh(2) ** 2, 2.0))


def test_node_used_twice_accumulates_within_one_backward():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0


def test_accumulate_true_shows_micrograds_doubling():
    a = Value(3.0)
    out = a * a
    out.backward()
    out.backward(accumulate=True)
    assert a.grad == 12.0  # 2 * (2a): the bug a training loop avoids by resetting


def test_ten_thousand_node_chain_does_not_recurse():
    x = Value(0.5)
    y = x
    for _ in range(10_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0)
    assert len(y.topological_order()) > 20_000


def test_slots_forbid_new_attributes():
    with pytest.raises(AttributeError):
        Value(1.0).typo = 3


@pytest.mark.parametrize("x", [1e4, -1e4])
def test_sigmoid_and_tanh_are_stable_at_extremes(x):
    for out in (Value(x).sigmoid(), Value(x).tanh()):
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(out.grad)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(TypeError, match="real number"):
        Value("3")
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(ValueError, match="expected data > 0, got -1"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="cannot combine"):
        Value(1.0) + "a"
    with pytest.raises(OverflowError, match="overflows"):
        Value(1000.0).exp()
    with pytest.raises(ValueError, match="2 weights but 1 inputs"):
        Value.dot([Value(1.0), Value(2.0)], [1.0])


def test_repr_shows_label_value_and_grad():
    assert repr(Value(2.0, label="a")) == "Value(a=2, grad=0)"


# ---- public graph names: children, op, local_grads, local_grad_formulas ------------------
# Each op as a function of floats, building exactly one node from leaves (so that node's
# local gradients are the op's partial derivatives).
ONE_NODE_OPS = {
    "+": (lambda a, b: a + b, 2, finite),
    "*": (lambda a, b: a * b, 2, finite),
    "**3": (lambda a: a ** 3, 1, away_from_zero),
    "**-0.5": (lambda a: a ** -0.5, 1, positive),
    "exp": (lambda a: a.exp(), 1, finite),
    "log": (lambda a: a.log(), 1, positive),
    "tanh": (lambda a: a.tanh(), 1, finite),
    "sigmoid": (lambda a: a.sigmoid(), 1, finite),
    "relu": (lambda a: a.relu(), 1, off_the_kink),
    "dot": (lambda w1, w2, x1, x2, b: Value.dot([w1, w2], [x1, x2], b), 5, finite),
}


@pytest.mark.parametrize("op", sorted(ONE_NODE_OPS))
@given(data=st.data())
def test_local_grads_match_numerical_partial_derivatives(op, data):
    f, arity, strategy = ONE_NODE_OPS[op]
    xs = [data.draw(strategy) for _ in range(arity)]
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    assert out.op == op and out.children == tuple(leaves)
    grads_before = [leaf.grad for leaf in leaves]
    assert bp.rel_error(np.array(out.local_grads()), numeric_grads(f, xs)) < 1e-7
    assert [leaf.grad for leaf in leaves] == grads_before and out.grad == 0.0  # restored


@pytest.mark.parametrize("op", sorted(ONE_NODE_OPS))
@given(data=st.data())
def test_local_grad_formulas_evaluate_to_local_grads(op, data):
    f, arity, strategy = ONE_NODE_OPS[op]
    leaves = [Value(data.draw(strategy)) for _ in range(arity)]
    out = f(*leaves)
    names = {"out": out.data, "self": leaves[0].data, "other": leaves[-1].data}
    if op == "dot":  # children w1, w2, x1, x2, bias
        names.update(w1=leaves[0].data, w2=leaves[1].data, x1=leaves[2].data, x2=leaves[3].data)
    formulas = out.local_grad_formulas()
    assert len(formulas) == len(out.children)
    values = [eval(text, {}, names) for text in formulas]  # the formulas are our own text
    np.testing.assert_allclose(values, out.local_grads(), rtol=1e-12)


def test_formulas_read_like_the_lesson():
    x = Value(0.3)
    assert x.tanh().local_grad_formulas() == ("1 - out**2",)
    assert (x * x).local_grad_formulas() == ("other", "self")
    assert (x ** 2).local_grad_formulas() == ("2 * self**1",)
    assert x.local_grad_formulas() == () and x.local_grads() == () and x.op == ""


def test_a_node_used_twice_is_two_children_whose_local_grads_sum():
    a = Value(3.0)
    out = a * a
    assert out.children == (a, a) and out.local_grads() == (3.0, 3.0)
    out.backward()
    assert a.grad == sum(out.local_grads())


def test_public_names_are_read_only_and_private_names_still_work():
    a, b = Value(1.0), Value(2.0)
    out = a + b
    assert out._prev == out.children and out._op == out.op == "+"
    with pytest.raises(AttributeError):
        out.children = ()
    out.grad = 1.0
    out._backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


# ---- few objects for the garbage collector (issue 10 §4) ----------------------------------
def test_a_node_is_one_gc_tracked_object_and_forms_no_cycle():
    import gc

    x = Value(0.5)
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        y = x
        for _ in range(1000):
            y = (y * 1.0001 + 0.5).tanh()  # 5 nodes a round: two constants, *, +, tanh
        grew = len(gc.get_objects()) - before
    finally:
        gc.enable()
    nodes = len(y.topological_order())
    assert nodes == 5001 and grew <= nodes + 10  # micrograd: ~7 per node
    del y
    assert gc.collect() == 0  # nothing was left for the cycle collector


def test_nodes_of_an_op_share_one_backward_and_a_capturing_closure_is_refused():
    a, b = Value(1.0), Value(2.0)
    assert (a * b)._backward_fn is (b * a)._backward_fn
    assert (a + b)._backward_fn is not (a * b)._backward_fn

    def captures(out):
        return a

    with pytest.raises(TypeError, match="captures"):
        bp.autograd._shared(captures)
