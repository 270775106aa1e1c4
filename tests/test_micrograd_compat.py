"""``bp.Value`` keeps micrograd's contract (issue 17 §2): ``Value(x, (a, b), '+')``."""

import pytest

import bplab as bp


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
