"""The labs in bp.widgets, driven without a browser: set a control, check model and plots."""

import numpy as np
import pytest

import bplab as bp

pytest.importorskip("ipywidgets")


# ---- quiz -------------------------------------------------------------------------------
def test_quiz_says_right_and_explains():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=1, explanation="Count them.")
    q.choice.value = 1
    assert q.check() is True
    assert "Right" in q.feedback.value and "Count them." in q.feedback.value


def test_quiz_says_wrong_and_names_the_answer():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=1, explanation="Count them.")
    q.choice.value = 0
    assert q.check() is False
    assert "Not quite" in q.feedback.value and "<i>4</i>" in q.feedback.value


def test_quiz_check_button_runs_the_check():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=1)
    q.choice.value = 1
    q.button.click()
    assert "Right" in q.feedback.value


def test_quiz_without_a_pick_asks_for_one():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=0)
    assert q.check() is None and "Pick an answer" in q.feedback.value


def test_quiz_displays_as_its_widget():
    q = bp.widgets.quiz("2 + 2?", ["3", "4"], answer=0)
    bundle = q._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == q.widget.model_id


@pytest.mark.parametrize("options, answer, match", [
    (["only"], 0, "at least 2"), (["a", "b"], 2, "answer must be the index"),
    (["a", "b"], "a", "answer must be the index")])
def test_quiz_bad_arguments(options, answer, match):
    with pytest.raises(ValueError, match=match):
        bp.widgets.quiz("?", options, answer)


def test_render_png_changes_with_the_figure():
    from bplab.widgets import new_figure, render_png

    fig = new_figure(2, 2)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    before = render_png(fig)
    line.set_data([0, 1], [1, 0])
    after = render_png(fig)
    assert before[:8] == b"\x89PNG\r\n\x1a\n" and before != after
    assert np.all(np.asarray(line.get_ydata()) == [1, 0])


# ---- backprop stepper -------------------------------------------------------------------
def _expression():
    a, b = bp.Value(2.0, label="a"), bp.Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = (c + a.tanh()) * 0.5
    out.label = "L"
    return a, b, c, out


def test_stepper_walks_backward_and_ends_with_backwards_grads():
    *_, out = _expression()
    stepper = bp.widgets.backprop_stepper(out)
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


def test_stepper_equation_is_local_times_upstream():
    _, b, _, out = _expression()
    stepper = bp.widgets.backprop_stepper(out)
    while stepper.current is not b:
        stepper.step()
    # b is used only by c = a * b: db = a.data * c.grad = 2 * 0.5
    assert "dc/db &times; c.grad" in stepper.equation.value
    assert "(2) &times; (0.5) = <b>1</b>" in stepper.equation.value
    assert b.grad == 1.0


def test_stepper_sums_over_every_use_of_a_node():
    a, *_, out = _expression()
    stepper = bp.widgets.backprop_stepper(out)
    while not stepper.done:
        stepper.step()
    stepper.current = None
    text = stepper.explain(a)  # a feeds c = a * b and tanh(a)
    assert text.count("&times;") >= 4 and f"<b>{a.grad:.4g}</b>" in text


def test_stepper_reset_and_buttons():
    *_, out = _expression()
    stepper = bp.widgets.backprop_stepper(out)
    stepper.step_button.click()
    stepper.step_button.click()
    assert stepper.position == 2
    stepper.reset_button.click()
    assert stepper.position == 0 and out.grad == 0.0 and stepper.current is None


def test_local_derivative_restores_grads():
    from bplab.widgets import local_derivative

    x = bp.Value(3.0)
    y = x * x
    x.grad, y.grad = 7.0, 5.0
    assert local_derivative(y, x) == 6.0  # d(x*x)/dx counts both uses
    assert (x.grad, y.grad) == (7.0, 5.0)


def test_stepper_rejects_non_values():
    with pytest.raises(TypeError, match="bp.Value"):
        bp.widgets.backprop_stepper(1.0)


# ---- learning-rate explorer -------------------------------------------------------------
@pytest.mark.parametrize("lr, regime", [(0.005, "too small"), (0.3, "good"),
                                        (0.7, "oscillating"), (1.5, "diverging")])
def test_lr_explorer_slider_changes_the_regime(lr, regime):
    lab = bp.widgets.lr_explorer()
    before_png, before_path = lab.image.value, lab.lines["1d"].get_xdata().copy()
    lab.lr.value = lr
    assert lab.verdicts["1d"] == regime and regime in lab.readout.value
    assert lab.image.value != before_png
    assert not np.array_equal(lab.lines["1d"].get_xdata(), before_path)


def test_lr_explorer_steps_slider_lengthens_the_path():
    lab = bp.widgets.lr_explorer(lr=0.1, steps=10)
    lab.steps.value = 40
    assert len(lab.lines["2d"].get_xdata()) == 41
    assert lab.verdicts["2d"] in ("good", "too small")
