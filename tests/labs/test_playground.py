"""bp.labs.playground driven without a browser: controls, training, Play/Pause, unit view."""

import asyncio
import time

import numpy as np
import pytest

import bplab as bp

pytest.importorskip("ipywidgets")

from bplab import labs
from bplab.labs.playground_data import FEATURES, WithL2, features


@pytest.fixture
def pg():
    return labs.playground(n=120, resolution=20)


def test_starts_untrained_with_views_drawn(pg):
    assert pg.history.loss == [] and pg.model.sizes == [2, 8, 8, 2]
    assert pg.image.value[:4] == b"\x89PNG" and pg.net_image.value[:4] == b"\x89PNG"
    assert sum(bar.get_visible() for bar in pg.grad_bars) == 3
    np.testing.assert_allclose([b.get_height() for b in pg.grad_bars[:3]], pg.grad_norms)
    assert len(pg.points.get_offsets()) == len(pg.y) == 84  # 70 % of 120
    assert pg.play_button.description == "Play"


def test_depth_slider_rebuilds_the_network_and_labels_the_output_bar(pg):
    before_png = pg.image.value
    pg.depth.value = 5
    assert pg.model.sizes == [2, 8, 8, 8, 8, 8, 2]
    assert sum(bar.get_visible() for bar in pg.grad_bars) == 6
    assert [t.get_text() for t in pg.ax_grads.get_xticklabels()] == [*"12345", "out"]
    assert pg.image.value != before_png and "[2, 8, 8, 8, 8, 8, 2]" in pg.readout.value


def test_lr_and_optimizer_act_on_the_running_network(pg):
    pg.train(2)
    model, history, png = pg.model, pg.history, pg.image.value
    pg.optimizer_name.value = "momentum"
    pg.lr.value = 0.5
    assert pg.model is model and pg.history is history  # no reset: the run goes on
    assert pg.ax_loss.get_title() == "Loss (momentum, lr 5.0e-01, epoch 2)"
    assert pg.image.value != png and "lr=5.0e-01" in pg.readout.value
    assert isinstance(pg.optimizer.inner, bp.SGD) and pg.optimizer.inner.momentum == 0.9
    assert pg.optimizer.lr == pytest.approx(0.5)


def test_train_updates_every_view_in_place(pg):
    line, image, bars = pg.train_line, pg.boundary_image, pg.grad_bars
    before = image.get_array().copy()
    pg.train(3)
    assert len(pg.history.loss) == 3 * 6 and len(pg.history.val_loss) == 3  # 84 / 16 -> 6
    assert pg.train_line is line and pg.boundary_image is image and pg.grad_bars is bars
    np.testing.assert_allclose(line.get_ydata(), pg.history.loss)
    np.testing.assert_allclose(pg.val_line.get_ydata(), pg.history.val_loss)
    assert not np.allclose(image.get_array(), before)
    np.testing.assert_allclose([b.get_height() for b in bars[:3]], pg.history.grad_norms[-1])
    assert "test acc" in pg.readout.value


def test_step_continues_the_same_history_and_reset_starts_over(pg):
    pg.step_button.click()
    pg.step_button.click()
    assert pg.history.epochs == 2 and len(pg.history.loss) == 12
    pg.reset_button.click()
    assert pg.history.loss == []


def test_learns_the_moons_at_the_default_sizes():
    lab = labs.playground(resolution=10)
    lab.train(30)
    assert lab.history.val_acc[-1] >= 0.9


def test_dataset_change_brings_new_points_and_classes(pg):
    pg.dataset.value = "spirals"
    assert pg.model.sizes[-1] == 3 and set(np.unique(pg.y)) == {0, 1, 2}
    np.testing.assert_allclose(pg.points.get_offsets(), pg.X)
    old = pg.X.copy()
    pg.noise.value = 0.3
    assert not np.allclose(pg.X, old)


def test_divergence_is_a_message_on_the_plot(pg):
    pg.activation.value = "relu"
    pg.lr.value = 10.0
    pg.train(30)  # must not raise (warnings are errors in this test run)
    assert pg.history.diverged_at is not None
    assert pg.message_text.get_visible() and "diverged" in pg.message_text.get_text()
    assert np.all(np.isfinite(pg.train_line.get_ydata()))
    pg.step()
    assert "Press Reset" in pg.message
    pg.reset()
    assert pg.message == "" and not pg.message_text.get_visible()


def test_a_run_that_stopped_learning_pauses_and_says_so():
    lab = labs.playground(resolution=10)  # tanh + Adam, lesson 05's lr = 10
    lab.lr.value = 10.0
    lab.train(40)
    assert lab.history.diverged_at is None and lab.history.stalled_at is not None
    assert "stopped learning" in lab.message and lab.message_text.get_visible()
    assert len(lab.history.loss) == lab.history.stalled_at  # train() stopped right there


def test_dead_network_says_so_and_marks_the_zero_bars(pg):
    pg.init.value = "zeros"
    pg.activation.value = "relu"
    assert np.all(np.asarray(pg.grad_norms) == 0)
    assert "Every gradient is 0" in pg.grads_text.get_text()
    assert [m.get_text() for m in pg.grad_marks[:3]] == ["0", "0", "0"]


# ---- TensorFlow Playground's extras ------------------------------------------------------------
def test_features_are_the_playgrounds_seven():
    X = np.array([[0.5, -2.0]])
    got = features(X, list(FEATURES))
    np.testing.assert_allclose(got, [[0.5, -2.0, 0.25, 4.0, -1.0, np.sin(0.5), np.sin(-2.0)]])


def test_feature_toggles_change_the_input_layer(pg):
    pg.feature_buttons["x1²"].value = True
    pg.feature_buttons["x1·x2"].value = True
    assert pg.model.sizes[0] == 4 and pg.Xf.shape == (84, 4)
    assert "x1², x1·x2" in pg.readout.value
    pg.train(1)
    assert np.isfinite(pg.history.loss[-1])


def test_l2_adds_l2_times_w_to_weight_gradients_only():
    params = {"0.W": np.array([[1.0, -2.0]]), "0.b": np.array([3.0, 3.0])}
    grads = {"0.W": np.zeros((1, 2)), "0.b": np.zeros(2)}
    WithL2(bp.SGD(lr=1.0), l2=0.5).step(params, grads)
    np.testing.assert_allclose(params["0.W"], [[0.5, -1.0]])  # W - 1.0 * 0.5 W
    np.testing.assert_allclose(params["0.b"], [3.0, 3.0])


def test_l2_slider_shrinks_the_weights(pg):
    pg.train(5)
    plain = sum(np.sum(W ** 2) for k, W in pg.model.params().items() if k.endswith("W"))
    pg.reset()
    pg.l2.value = 0.3
    pg.train(5)
    decayed = sum(np.sum(W ** 2) for k, W in pg.model.params().items() if k.endswith("W"))
    assert decayed < 0.8 * plain and "L2=0.3" in pg.readout.value


@pytest.mark.parametrize("name", ["plane (regression)", "bumps (regression)"])
def test_regression_data_sets_train_with_mse(pg, name):
    pg.dataset.value = name
    assert pg.model.sizes[-1] == 1 and pg.y.shape == (84, 1) and pg.loss_name == "mse"
    pg.train(15)
    assert pg.history.val_loss[-1] < pg.history.val_loss[0]
    assert "predicted value" in pg.ax_boundary.get_title()


def test_train_ratio_and_show_test_data(pg):
    pg.train_percent.value = 50
    assert len(pg.y) == 60 and len(pg.y_test) == 60
    assert not pg.test_points.get_visible()
    pg.show_test.value = True
    assert pg.test_points.get_visible() and len(pg.test_points.get_offsets()) == 60


def test_unit_view_draws_every_unit_and_the_links(pg):
    view = pg.network_view
    shown = [im for im in view.images if im.get_visible()]
    assert len(shown) == 2 + 8 + 8 + 1  # inputs, two hidden layers, the output
    assert len(view.links.get_segments()) == 2 * 8 + 8 * 8 + 8
    widths = np.asarray(view.links.get_linewidths())
    W0 = pg.model.layers[0].params()["W"]
    k = int(np.argmax(np.abs(W0)))  # the largest first-layer weight has the widest link
    assert widths[k] == pytest.approx(widths[:16].max())


def test_unit_heatmap_is_the_units_output_over_the_plane(pg):
    from bplab.labs.network_view import GRID, unit_colors

    h = np.tanh(features(pg.unit_grid, pg.feature_names) @ pg.model.layers[0].params()["W"]
                + pg.model.layers[0].params()["b"])
    unit = h[:, 3].reshape(GRID, GRID)
    np.testing.assert_allclose(pg.network_view.images[2 + 3].get_array(),
                               unit_colors(unit / np.abs(unit).max()))


def test_unit_view_beyond_the_playgrounds_sizes_says_so(pg):
    pg.depth.value = 7
    assert not any(im.get_visible() for im in pg.network_view.images)
    assert "up to 6 hidden layers of up to 8 units" in pg.network_view.note.get_text()
    pg.depth.value, pg.width.value = 3, 9
    assert "3 hidden layers of 9" in pg.network_view.note.get_text()


def test_unit_view_off_hides_its_image(pg):
    pg.unit_view.value = False
    assert pg.net_image.layout.display == "none"


# ---- Play / Pause ----------------------------------------------------------------------------
def test_play_trains_in_the_background_until_pause(pg):
    async def scenario():
        pg.play_button.click()
        assert pg.play_button.description == "Pause"
        await asyncio.sleep(0.8)
        mid = pg.history.epochs
        pg.lr.value = 0.003  # acts on the running network
        await asyncio.sleep(0.5)
        start = time.perf_counter()
        pg.play_button.click()
        await pg.player.task
        return mid, time.perf_counter() - start

    mid, stop_seconds = asyncio.run(scenario())
    assert mid >= 2 and pg.history.epochs > mid and pg.player.frames >= 2
    assert stop_seconds < 0.5 and pg.play_button.description == "Play"
    assert pg.optimizer.lr == pytest.approx(0.003) and "epoch" in pg.ax_loss.get_title()
    epochs = pg.history.epochs
    pg.step()
    assert pg.history.epochs == epochs + 1


def test_play_survives_a_rebuild_and_keeps_playing(pg):
    async def scenario():
        pg.play()
        await asyncio.sleep(0.4)
        pg.depth.value = 3
        await asyncio.sleep(0.6)
        playing, epochs = pg.player.playing, pg.history.epochs
        pg.pause()
        await pg.player.task
        return playing, epochs

    playing, epochs = asyncio.run(scenario())
    assert playing and epochs >= 1 and pg.model.sizes == [2, 8, 8, 8, 2]


def test_play_pauses_on_divergence_with_the_message(pg):
    pg.activation.value, pg.lr.value = "relu", 10.0

    async def scenario():
        pg.play()
        await asyncio.wait_for(pg.player.task, timeout=20)

    asyncio.run(scenario())
    assert not pg.player.playing and pg.history.diverged_at is not None
    assert "diverged" in pg.message_text.get_text()


def test_callbacks_from_another_thread_wait_for_the_training_chunk(pg):
    """ipykernel may run widget callbacks on another thread than the Play task.

    A callback's drawing runs a forward pass over the plot grid; between a training
    step's forward and backward it would leave the wrong cache. Callbacks hold the lab's
    lock, and so does the Play task around each chunk of training.
    """
    import threading

    from bplab.labs.playground import Playground

    grid = features(pg.grid, pg.feature_names)

    def poke():
        for _ in range(300):
            with pg.lock:  # what every @locked callback does
                pg.model.forward(grid)

    async def scenario():
        pg.play()
        thread = threading.Thread(target=poke)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.01)
        pg.pause()
        await pg.player.task

    asyncio.run(scenario())
    assert "error" not in pg.message and pg.history.epochs >= 1
    for name in ("redraw", "reset", "on_data_change", "on_optimizer_change", "step", "train"):
        assert hasattr(getattr(Playground, name), "__wrapped__"), f"{name} is not @locked"


# ---- a diverged run: true readouts and messages, and Play goes on at a lower lr ----------------
@pytest.fixture
def diverged():
    """Lesson 05's playground (tanh, xavier, adam) trained at lr 0.03, then at lr 10."""
    lab = labs.playground(resolution=10)
    lab.train(20)
    lab.lr.value = 10.0
    lab.train(30)
    assert lab.history.diverged_at is not None
    return lab


def test_divergence_refreshes_the_readout(diverged):
    h = diverged.history
    assert f"train loss {h.loss[-1]:.3f}" not in diverged.readout.value  # the stale one
    assert f"test loss {h.val_loss[-1]:.3f}" not in diverged.readout.value
    assert f"diverged at step {h.diverged_at}" in diverged.readout.value
    assert f"train loss {h.diverged_loss:.3g}" in diverged.readout.value


def test_divergence_speaks_of_the_loss_just_before_and_not_of_the_current_init(diverged):
    h, message = diverged.history, diverged.message
    assert "started at" not in message
    assert "xavier" not in message  # tanh + xavier is what is selected
    assert f"grew to {h.diverged_loss:.3g}, from {h.loss[-1]:.3g} the step before" in message
    assert "lr=1.0e+01" in message and "Lower the learning rate" in message


def test_divergence_suggests_an_init_only_when_it_is_not_the_selected_one(pg):
    pg.activation.value, pg.init.value, pg.lr.value = "relu", "xavier", 10.0
    pg.train(5)
    assert pg.history.diverged_at is not None and "init='he'" in pg.message
    pg.init.value = "he"
    pg.train(5)
    assert pg.history.diverged_at is not None and "init" not in pg.message  # he is selected


def test_lowering_the_lr_lets_play_go_on_from_the_weights_before_the_divergence(diverged):
    h = diverged.history
    diverged.step()  # at lr 10 still: says what to do, trains nothing
    assert h.diverged_at is not None and "Press Reset" in diverged.message
    refused, steps = diverged.message, len(h.loss)
    diverged.lr.value = 0.1

    async def scenario():
        diverged.play()
        await asyncio.sleep(0.6)
        diverged.pause()
        await diverged.player.task

    asyncio.run(scenario())
    assert h.diverged_at is None and len(h.loss) > steps + 6
    assert np.all(np.isfinite(h.loss)) and h.loss[-1] < 1.0
    assert "Lower the learning rate, then Play or Step goes on" in refused
    assert "Resumed at lr=1.0e-01 from the weights of step" in diverged.message
    assert "diverged at step" not in diverged.readout.value
