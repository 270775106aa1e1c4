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


# ---- playground -------------------------------------------------------------------------
@pytest.fixture
def pg():
    return bp.widgets.playground(n=120, train_epochs=3, resolution=20)


def test_playground_starts_untrained_with_views_drawn(pg):
    assert pg.history.loss == [] and pg.model.sizes == [2, 8, 8, 2]
    assert pg.image.value[:4] == b"\x89PNG"
    assert sum(bar.get_visible() for bar in pg.grad_bars) == 3
    np.testing.assert_allclose([b.get_height() for b in pg.grad_bars[:3]], pg.grad_norms)
    assert len(pg.points.get_offsets()) == len(pg.y) == 84  # 70 % of 120


def test_playground_depth_slider_rebuilds_the_network_and_the_plot(pg):
    before_png = pg.image.value
    pg.depth.value = 5
    assert pg.model.sizes == [2, 8, 8, 8, 8, 8, 2]
    assert sum(bar.get_visible() for bar in pg.grad_bars) == 6
    assert [t.get_text() for t in pg.ax_grads.get_xticklabels()] == list("123456")
    assert pg.image.value != before_png and "[2, 8, 8, 8, 8, 8, 2]" in pg.readout.value


def test_playground_lr_and_optimizer_reach_the_optimizer(pg):
    png = pg.image.value
    pg.optimizer_name.value = "momentum"
    pg.lr.value = 0.5
    assert pg.ax_loss.get_title() == "Loss (momentum, lr 5.0e-01)" and pg.image.value != png
    assert isinstance(pg.optimizer, bp.SGD) and pg.optimizer.momentum == 0.9
    assert pg.optimizer.lr == pytest.approx(0.5) and "lr=5.0e-01" in pg.readout.value


def test_playground_train_updates_every_view_in_place(pg):
    line, image, bars = pg.train_line, pg.boundary_image, pg.grad_bars
    before = image.get_array().copy()
    pg.train()
    assert len(pg.history.loss) == 3 * 6 and len(pg.history.val_loss) == 3  # 84 / 16 -> 6
    assert pg.train_line is line and pg.boundary_image is image and pg.grad_bars is bars
    np.testing.assert_allclose(line.get_ydata(), pg.history.loss)
    np.testing.assert_allclose(pg.val_line.get_ydata(), pg.history.val_loss)
    assert not np.allclose(image.get_array(), before)
    np.testing.assert_allclose([b.get_height() for b in bars[:3]], pg.history.grad_norms[-1])
    assert "val acc" in pg.readout.value


def test_playground_step_continues_the_same_history(pg):
    pg.step_button.click()
    pg.step_button.click()
    assert pg.history.epochs == 2 and len(pg.history.loss) == 12
    pg.reset_button.click()
    assert pg.history.loss == []


def test_playground_learns_the_moons():
    lab = bp.widgets.playground(resolution=10)  # the default sizes a learner starts with
    lab.train()
    assert lab.history.val_acc[-1] >= 0.9


def test_playground_dataset_change_brings_new_points_and_classes(pg):
    pg.dataset.value = "spirals"
    assert pg.model.sizes[-1] == 3 and set(np.unique(pg.y)) == {0, 1, 2}
    np.testing.assert_allclose(pg.points.get_offsets(), pg.X)
    old = pg.X.copy()
    pg.noise.value = 0.3
    assert not np.allclose(pg.X, old)


def test_playground_divergence_is_a_message_on_the_plot(pg):
    pg.activation.value = "relu"
    pg.lr.value = 10.0
    pg.train()  # must not raise (warnings are errors in this test run)
    assert pg.history.diverged_at is not None
    assert pg.message_text.get_visible() and "diverged" in pg.message_text.get_text()
    assert np.all(np.isfinite(pg.train_line.get_ydata()))
    pg.train()
    assert "Press Reset" in pg.message
    pg.lr.value = 0.01
    assert pg.message == "" and not pg.message_text.get_visible()


def test_playground_dead_network_says_so(pg):
    pg.init.value = "zeros"
    pg.activation.value = "relu"
    assert np.all(np.asarray(pg.grad_norms) == 0)
    assert "Every gradient is 0" in pg.grads_text.get_text()


# ---- gradient-flow lab ------------------------------------------------------------------
@pytest.fixture
def gf():
    return bp.widgets.gradient_flow_lab(steps=20)


def test_gradient_flow_sigmoid_deep_small_init_vanishes(gf):
    gf.depth.value, gf.activation.value, gf.init.value = 8, "sigmoid", "small"
    assert gf.norms.shape == (20, 9)
    assert gf.verdict.startswith("vanishing")
    assert gf.norms[0, 0] < 1e-8 * gf.norms[0, -1]
    heat = gf.heat.get_array()
    assert heat.shape == (9, 20) and heat[0, 0] < heat[-1, 0] - 8


def test_gradient_flow_he_relu_is_healthy_and_large_init_explodes(gf):
    gf.depth.value, gf.activation.value, gf.init.value = 8, "relu", "he"
    assert gf.verdict.startswith("healthy")
    gf.init.value = "large"
    assert gf.verdict.startswith("exploding")
    assert gf.history.diverged_at is not None and gf.message_text.get_visible()
    assert np.isnan(gf.norms[-1]).all()  # steps never taken stay empty (grey)


def test_gradient_flow_zero_init_has_no_gradient_below_the_top(gf):
    gf.init.value = "zeros"
    assert gf.verdict.startswith("zero")


def test_gradient_flow_step_slider_moves_the_bars_only(gf):
    model, png = gf.model, gf.image.value
    gf.step.value = 10
    assert gf.model is model and gf.image.value != png
    heights = [b.get_height() for b in gf.bars[:gf.norms.shape[1]]]
    np.testing.assert_allclose(heights, gf.norms[10])
    assert list(gf.marker.get_xdata()) == [11, 11]


def test_gradient_flow_depth_slider_changes_the_rows(gf):
    gf.depth.value = 2
    assert gf.heat.get_array().shape == (3, 20)
    assert sum(b.get_visible() for b in gf.bars) == 3
