"""bp.viz plots of training, graphs and landscapes: each takes ax=None and returns the Axes."""

import matplotlib
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


def _small_graph():
    a, b = bp.Value(2.0, label="a"), bp.Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    out = c + a.tanh()
    out.label = "out"
    out.backward()
    return a, b, c, out


def _box_texts(ax):
    return [t.get_text() for t in ax.texts if "\n" in t.get_text()]


def test_draw_graph_shows_every_node_with_data_and_grad():
    a, _, _, out = _small_graph()
    ax = bp.viz.draw_graph(out)
    texts = _box_texts(ax)
    assert len(texts) == 5  # a, b, c, tanh(a), out
    assert f"a = 2\ngrad {a.grad:.4g}" in texts
    assert "c = -6\ngrad 1" in texts
    ops = sorted(t.get_text() for t in ax.texts if t.get_text() and "\n" not in t.get_text())
    assert ops == ["*", "+", "tanh"]


def test_draw_graph_highlights_and_hides_unknown_grads():
    _, _, c, out = _small_graph()
    ax = bp.viz.draw_graph(out, highlight=c, known_grads=[out])
    by_text = {t.get_text(): t for t in ax.texts}
    assert by_text["c = -6\ngrad ?"].get_bbox_patch().get_facecolor()[:3] == pytest.approx(
        matplotlib.colors.to_rgb("#ffe066"))
    assert "out = -5.036\ngrad 1" in by_text


def test_draw_graph_rejects_non_values_and_huge_graphs():
    with pytest.raises(TypeError, match="bp.Value"):
        bp.viz.draw_graph(3.0)
    x = bp.Value(1.0)
    for _ in range(50):
        x = x * 1.0
    with pytest.raises(ValueError, match="max_nodes"):
        bp.viz.draw_graph(x)


def test_draw_graph_labels_override_names():
    a = bp.Value(1.5, label="a")
    t = a.tanh()
    ax = bp.viz.draw_graph(t, labels={t: "t"}, show_grad=False)
    assert sorted(x.get_text() for x in ax.texts if "=" in x.get_text()) == [
        "a = 1.5", f"t = {np.tanh(1.5):.4g}"]


# ---- landscapes -------------------------------------------------------------------------
def test_landscape_1d_draws_curve_and_path():
    ax = bp.viz.plot_landscape(lambda w: w ** 2, xlim=(-2, 2), path=[1.5, -0.9, 0.54])
    curve, path, start = ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), curve.get_xdata() ** 2)
    np.testing.assert_allclose(path.get_ydata(), [2.25, 0.81, 0.2916])
    assert list(start.get_xdata()) == [1.5]


def test_landscape_2d_draws_contours_and_path():
    ax = bp.viz.plot_landscape(lambda a, b: a ** 2 + 5 * b ** 2, xlim=(-2, 2), ylim=(-1, 1),
                               path=[[1.5, 0.8], [0.9, -0.8]])
    assert ax.collections  # the contour set
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.8, -0.8])
    assert ax.get_ylim() == (-1, 1)


def test_landscape_path_shape_is_checked():
    with pytest.raises(ValueError, match=r"expected \(K, 2\)"):
        bp.viz.plot_landscape(lambda a, b: a + b, ylim=(-1, 1), path=[1.0, 2.0])


@pytest.mark.parametrize("lr, regime", [(0.01, "too small"), (0.2, "good"),
                                        (0.8, "oscillating"), (1.1, "diverging")])
def test_descent_path_regimes_on_a_parabola(lr, regime):
    from bplab.viz.landscape import descent_path, describe_path

    path = descent_path(lambda w: 2 * w, [1.0], lr, 30)
    assert describe_path(path, path[:, 0] ** 2) == regime


def test_descent_path_stops_before_overflow():
    from bplab.viz.landscape import ESCAPE, descent_path

    path = descent_path(lambda w: 2 * w, [1.0], 10.0, 10_000)
    assert len(path) < 100 and np.abs(path[-1, 0]) > ESCAPE and np.all(np.isfinite(path))
