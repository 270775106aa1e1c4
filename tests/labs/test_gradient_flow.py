"""bp.labs.gradient_flow_lab: verdicts, the heatmap, the output bar, Play/Pause."""

import asyncio

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from bplab import labs


@pytest.fixture
def gf():
    return labs.gradient_flow_lab(steps=20)


def test_sigmoid_deep_small_init_vanishes(gf):
    gf.depth.value, gf.activation.value, gf.init.value = 8, "sigmoid", "small"
    assert gf.norms.shape == (20, 9)
    assert gf.verdict.startswith("vanishing")
    assert gf.norms[0, 0] < 1e-8 * gf.norms[0, -1]
    heat = gf.heat.get_array()
    assert heat.shape == (9, 20) and heat[0, 0] < heat[-1, 0] - 8


def test_he_relu_is_healthy_and_large_init_explodes(gf):
    gf.depth.value, gf.activation.value, gf.init.value = 8, "relu", "he"
    assert gf.verdict.startswith("healthy")
    gf.init.value = "large"
    assert gf.verdict.startswith("exploding")
    assert gf.history.diverged_at is not None and gf.message_text.get_visible()
    assert np.isnan(gf.norms[-1]).all()  # steps never taken stay empty (grey)


def test_relu_zero_init_says_no_layer_gets_a_gradient_and_marks_the_bars(gf):
    gf.init.value = "zeros"
    assert gf.verdict.startswith("zero: no layer gets a gradient")
    layers = gf.norms.shape[1]
    assert [m.get_text() for m in gf.marks[:layers]] == ["0"] * layers


def test_the_last_bar_is_labelled_as_the_output_layer(gf):
    gf.depth.value = 8
    labels = [t.get_text() for t in gf.ax_bars.get_xticklabels()]
    assert labels == [*"12345678", "out"]
    assert "8 hidden layers + the output layer" in gf.readout.value


def test_step_slider_moves_the_bars_only(gf):
    model, png = gf.model, gf.image.value
    gf.step.value = 10
    assert gf.model is model and gf.image.value != png
    heights = [b.get_height() for b in gf.bars[:gf.norms.shape[1]]]
    np.testing.assert_allclose(heights, gf.norms[10])
    assert list(gf.marker.get_xdata()) == [11, 11]


def test_depth_slider_changes_the_rows(gf):
    gf.depth.value = 2
    assert gf.heat.get_array().shape == (3, 20)
    assert sum(b.get_visible() for b in gf.bars) == 3


def test_step_button_trains_one_more_epoch(gf):
    gf.step_button.click()
    assert len(gf.history.grad_norms) == 20 + 7  # 200 points / 32 -> 7 batches
    assert gf.step.value == 26 and gf.norms.shape[0] == 27


def test_play_grows_the_heatmap_until_pause(gf):
    async def scenario():
        gf.play_button.click()
        await asyncio.sleep(0.8)
        gf.play_button.click()
        await gf.player.task

    asyncio.run(scenario())
    steps = len(gf.history.grad_norms)
    assert steps > 40 and gf.step.value == steps - 1 and gf.heat.get_array().shape[1] == steps
    assert gf.play_button.description == "Play"


# ---- verdicts that are true ------------------------------------------------------------------
@pytest.mark.parametrize("depth", [8, 3])
def test_relu_small_init_is_vanishing_not_healthy(gf, depth):
    gf.depth.value, gf.activation.value, gf.init.value = depth, "relu", "small"
    assert gf.norms[0].max() < 1e-4  # He init gives ~1e-1 here
    assert gf.verdict.startswith("vanishing: every layer's gradient is tiny")
    assert "with init='small'" in gf.verdict and "try init='he'" in gf.verdict


def test_dead_relus_of_a_small_init_do_not_speak_of_zero_weights():
    lab = labs.gradient_flow_lab(steps=60)
    lab.depth.value, lab.activation.value, lab.init.value = 8, "relu", "small"
    for step in (9, 59):
        lab.step.value = step
        assert np.all(lab.norms[step] == 0)
        assert "all-zero weights" not in lab.verdict and "zeros" not in lab.verdict
        assert "init='small'" in lab.verdict and "dead" in lab.verdict
    lab.init.value = "zeros"
    assert "all-zero weights (init='zeros')" in lab.verdict


def test_a_diverged_run_advises_this_labs_controls_not_a_learning_rate(gf):
    gf.depth.value, gf.activation.value, gf.init.value = 8, "relu", "large"
    assert gf.history.diverged_at is not None
    shown = gf.message_text.get_text().replace("\n", " ")
    assert "lr" not in shown and "learning rate" not in shown
    assert "init='large'" in shown and "try init='he'" in shown
    gf.step_button.click()  # Step on a diverged run says the same
    assert "lr" not in gf.message and "learning rate" not in gf.message


def test_bars_below_the_axis_floor_carry_a_mark_with_their_value(gf):
    gf.depth.value, gf.activation.value, gf.init.value = 8, "sigmoid", "small"
    floor = gf.ax_bars.get_ylim()[0]
    below = [k for k, v in enumerate(gf.norms[0]) if v < floor]
    assert below[:4] == [0, 1, 2, 3]
    for k in below:
        assert "▼" in gf.marks[k].get_text()
        assert f"{gf.norms[0, k]:.0e}" in gf.marks[k].get_text()
    assert gf.marks[len(gf.norms[0]) - 1].get_text() == ""  # the output bar is drawn
