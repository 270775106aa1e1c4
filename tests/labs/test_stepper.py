"""bp.labs.backprop_stepper: the walk, the equations with formulas, the end of the walk."""

import numpy as np
import pytest

import bplab as bp

pytest.importorskip("ipywidgets")

from bplab import labs
from bplab.labs.stepper import DPI, FONT_PT, local_derivative


def _expression():
    a, b = bp.Value(2.0, label="a"), bp.Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = (c + a.tanh()) * 0.5
    out.label = "L"
    return a, b, c, out


def test_stepper_walks_backward_and_ends_with_backwards_grads():
    *_, out = _expression()
    stepper = labs.backprop_stepper(out)
    assert all(n.grad == 0.0 for n in stepper.order)
    first_png = stepper.image.value
    assert stepper.step() and stepper.current is out and out.grad == 1.0
    assert stepper.image.value != first_png  # the highlight moved
    while stepper.step():
        pass
    got = {id(n): n.grad for n in stepper.order}
    out.backward()
    assert got == {id(n): n.grad for n in stepper.order}
    assert stepper.done and stepper.step() is False


def test_last_step_says_the_walk_is_over_and_disables_step():
    *_, out = _expression()
    stepper = labs.backprop_stepper(out)
    for _ in range(len(stepper.order) - 1):
        stepper.step()
    assert not stepper.step_button.disabled and "walk is over" not in stepper.equation.value
    stepper.step_button.click()
    assert stepper.step_button.disabled and "The walk is over" in stepper.equation.value
    stepper.reset_button.click()
    assert not stepper.step_button.disabled and stepper.position == 0 and out.grad == 0.0


def test_equation_is_local_times_upstream_with_the_formula():
    _, b, _, out = _expression()
    stepper = labs.backprop_stepper(out)
    while stepper.current is not b:
        stepper.step()
    # b is used only by c = a * b (self * other): dc/db = self = a = 2, times c.grad = 0.5
    text = stepper.equation.value
    assert "dc/db &times; c.grad" in text and "(2) &times; (0.5) = <b>1</b>" in text
    assert "c (*): dc/db = <code>self</code> = 2" in text
    assert b.grad == 1.0


def test_tanh_shows_its_formula_next_to_its_number():
    x = bp.Value(0.5, label="x")
    y = x.tanh()
    y.label = "y"
    stepper = labs.backprop_stepper(y)
    stepper.step()
    stepper.step()
    local = 1 - np.tanh(0.5) ** 2
    assert f"dy/dx = <code>1 - out**2</code> = {local:.4g}" in stepper.equation.value


def test_a_node_used_twice_sums_both_positions():
    x = bp.Value(3.0)
    y = x * x
    assert local_derivative(y, x) == (6.0, "other + self")


def test_sums_over_every_use_of_a_node():
    a, *_, out = _expression()
    stepper = labs.backprop_stepper(out)
    while not stepper.done:
        stepper.step()
    text = stepper.explain(a)  # a feeds c = a * b and tanh(a)
    assert text.count("&times;") >= 4 and f"<b>{a.grad:.4g}</b>" in text


def test_graph_text_is_legible_and_ops_are_symbols():
    *_, out = _expression()
    stepper = labs.backprop_stepper(out)
    sizes_px = [t.get_fontsize() * DPI / 72 for t in stepper.ax.texts if t.get_text()]
    assert min(sizes_px) >= 11, f"smallest graph text is {min(sizes_px):.1f} px at 100 %"
    ops = [t.get_text() for t in stepper.ax.texts if t.get_fontsize() > FONT_PT]
    assert "×" in ops and "+" in ops and "*" not in ops


def test_stepper_rejects_non_values():
    with pytest.raises(TypeError, match="bp.Value"):
        labs.backprop_stepper(1.0)


def test_a_wide_graph_stays_within_an_output_area():
    """A PNG wider than the output area is shown scaled down, and its text with it."""
    from bplab.labs.stepper import MAX_WIDTH_IN

    x1, w1, x2, w2, b = (bp.Value(v, label=k) for k, v in
                         (("x1", 2.0), ("w1", -0.5), ("x2", -1.0), ("w2", 1.5), ("b", 2.0)))
    o = ((x1 * w1 + x2 * w2) + b).tanh()  # lesson 02's neuron: five columns
    stepper = labs.backprop_stepper(o)
    assert stepper.fig.get_figwidth() * DPI <= MAX_WIDTH_IN * DPI <= 960
