"""bplab.viz.training: loss curves, run comparisons, gradient flow, decision boundaries."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

import bplab as bp
from bplab.viz import training


@pytest.fixture(scope="module")
def trained():
    X, y = bp.data.make_moons(120, noise=0.1, rng=0)
    net = bp.MLP([2, 8, 8, 2], rng=0)
    hist = bp.fit(net, X, y, optimizer=bp.Adam(1e-2), epochs=5, batch_size=32, val=(X, y))
    return net, X, y, hist


def test_loss_curve_draws_train_and_validation(trained):
    _, _, _, hist = trained
    ax = bp.viz.plot_loss_curve(hist)
    train, val = ax.get_lines()
    np.testing.assert_allclose(train.get_ydata(), hist.loss)
    np.testing.assert_allclose(val.get_ydata(), hist.val_loss)
    assert val.get_xdata()[-1] == len(hist.loss)  # the last epoch ends at the last step
    assert ax.get_yscale() == "log"


def test_loss_curve_uses_given_axes_and_plain_lists():
    _, ax = plt.subplots()
    assert bp.viz.plot_loss_curve([3.0, 2.0, 1.0], ax=ax, yscale="linear") is ax
    assert list(ax.get_lines()[0].get_ydata()) == [3.0, 2.0, 1.0]


def test_loss_curve_writes_the_divergence_message():
    hist = bp.History(loss=[1.0, 5.0], diverged_at=2, message="Training diverged at step 2")
    ax = bp.viz.plot_loss_curve(hist)
    assert any("diverged at step 2" in t.get_text() for t in ax.texts)


def test_loss_curve_refuses_an_empty_history():
    with pytest.raises(ValueError, match="no losses"):
        bp.viz.plot_loss_curve(bp.History())


def test_grad_flow_bars_show_one_step(trained):
    _, _, _, hist = trained
    ax = bp.viz.plot_grad_flow(hist, step=0)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, hist.grad_norms[0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layer 1", "layer 2", "layer 3"]


def test_grad_flow_heatmap_is_layers_by_steps(trained):
    _, _, _, hist = trained
    ax = bp.viz.plot_grad_flow(hist, kind="heatmap")
    image = ax.get_images()[0].get_array()
    assert image.shape == (3, len(hist.loss))
    np.testing.assert_allclose(image[:, 0], np.log10(hist.grad_norms[0]))


def test_grad_flow_zero_gradients_sit_at_the_floor():
    ax = bp.viz.plot_grad_flow(np.array([[0.0, 1.0]]), kind="heatmap")
    assert ax.get_images()[0].get_array()[0, 0] == np.log10(training.GRAD_FLOOR)


@pytest.mark.parametrize("kwargs, match", [({"kind": "pie"}, "kind"), ({"step": 5}, "step")])
def test_grad_flow_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bp.viz.plot_grad_flow([[1.0, 2.0]], **kwargs)


def test_decision_boundary_colours_follow_the_model(trained):
    net, X, y, _ = trained
    ax = bp.viz.plot_decision_boundary(net, X, y, resolution=40)
    rgb = ax.get_images()[0].get_array()
    assert rgb.shape == (40, 40, 3)
    # every pixel is nearer the pale colour of the class the model predicts there
    grid, _ = training.boundary_grid(X, 40)
    pale = 0.45 * training.CLASS_COLORS[:2] + 0.55
    dist = ((rgb.reshape(-1, 1, 3) - pale[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(dist.argmin(axis=1), net.predict(grid))
    assert len(np.unique(net.predict(grid))) == 2
    assert len(ax.collections[0].get_offsets()) == len(X)


def test_decision_boundary_of_a_diverged_model_is_uniform_without_warnings():
    X, y = bp.data.make_xor(50, rng=0)
    net = bp.MLP([2, 4, 2], rng=0)
    net.params()["0.W"][...] = np.inf
    ax = bp.viz.plot_decision_boundary(net, X, y, resolution=10)
    rgb = ax.get_images()[0].get_array()
    assert np.allclose(rgb, rgb[0, 0])


def test_decision_boundary_needs_two_features():
    with pytest.raises(ValueError, match=r"X has shape \(5, 3\)"):
        bp.viz.plot_decision_boundary(bp.MLP([3, 2]), np.zeros((5, 3)), np.zeros(5, int))


def _history(losses, diverged_at=None, steps_per_epoch=2):
    return bp.History(loss=list(losses), steps_per_epoch=steps_per_epoch,
                      diverged_at=diverged_at)


def test_loss_comparison_one_line_per_run_and_divergence_marker():
    runs = {"lr=0.1": _history([1.0, 0.5, 0.25, 0.2]),
            "lr=10": _history([1.0, 50.0], diverged_at=2)}
    ax = bp.viz.plot_loss_comparison(runs, per="epoch")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[0] == "lr=0.1" and labels[1] == "lr=10 (diverged)"
    marker = ax.get_lines()[2]
    assert marker.get_marker() == "x"
    assert marker.get_xdata()[0] == pytest.approx(1.0)  # step 2 of 2 per epoch
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [0.5, 1.0, 1.5, 2.0])


def test_loss_comparison_smooths_with_a_moving_average():
    ax = bp.viz.plot_loss_comparison({"run": _history([4.0, 2.0, 6.0, 0.0])}, smooth=2)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [4.0, 3.0, 4.0, 3.0])


def test_loss_comparison_rejects_bad_arguments():
    with pytest.raises(ValueError, match="per must be"):
        bp.viz.plot_loss_comparison({"a": _history([1.0])}, per="batch")
    with pytest.raises(ValueError, match="smooth must be"):
        bp.viz.plot_loss_comparison({"a": _history([1.0])}, smooth=0)
    with pytest.raises(ValueError, match="empty"):
        bp.viz.plot_loss_comparison({})


def test_depth_profile_puts_layer_one_first():
    ax = bp.viz.plot_depth_profile({"sigmoid": [1e-4, 1e-2, 1.0]}, yscale="log")
    line = ax.get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [1e-4, 1e-2, 1.0])
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="one value per layer"):
        bp.viz.plot_depth_profile({"bad": [[1.0, 2.0]]})


def test_gradient_variance_plot_draws_the_measurement_and_the_1_over_b_line():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bplab.viz import plot_gradient_variance
    ax = plot_gradient_variance([1, 4, 16], [2.0, 0.5, 0.1], per_example=2.0)
    measured, reference = ax.lines[1], ax.lines[0]
    assert list(measured.get_ydata()) == [2.0, 0.5, 0.1]
    assert list(reference.get_ydata()) == [2.0, 0.5, 0.125]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="expected two equal"):
        plot_gradient_variance([1, 2], [1.0], per_example=1.0)
    plt.close("all")
