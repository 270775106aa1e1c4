"""bplab.viz.diagnostics: update/weight ratios, saturated and dead units, first-layer weights."""

import numpy as np
import pytest

import bplab as bp


def _moons_run(lr, steps=20):
    X, y = bp.data.make_moons(64, noise=0.1, rng=0)
    net = bp.MLP([2, 16, 16, 2], activation="relu", init="he", rng=0)
    ratios = bp.viz.UpdateRatios(net)
    bp.fit(net, X, y, optimizer=bp.SGD(lr=lr), epochs=steps, batch_size=64, rng=0,
           callback=ratios)
    return net, ratios


def test_update_ratios_record_one_row_per_step_and_one_column_per_layer():
    _, ratios = _moons_run(0.1)
    assert ratios.ratios.shape == (20, 3) and ratios.names == ["layer 1", "layer 2", "layer 3"]
    assert np.all(ratios.ratios > 0)


def test_update_ratio_is_the_step_size_relative_to_the_weights():
    """By hand for one SGD step: ||lr * dW|| / ||W - lr * dW||."""
    X, y = bp.data.make_moons(32, noise=0.1, rng=1)
    net = bp.MLP([2, 8, 2], rng=0)
    W0 = net.layers[0].params()["W"].copy()
    ratios = bp.viz.UpdateRatios(net)
    bp.fit(net, X, y, optimizer=bp.SGD(lr=0.5), epochs=1, batch_size=32, rng=0,
           callback=ratios)
    W1 = net.layers[0].params()["W"]
    assert ratios.ratios[0, 0] == pytest.approx(np.linalg.norm(W1 - W0) / np.linalg.norm(W1))


def test_a_ten_times_larger_learning_rate_gives_ten_times_larger_first_ratios():
    _, small = _moons_run(0.01, steps=1)
    _, large = _moons_run(0.1, steps=1)
    np.testing.assert_allclose(large.ratios[0] / small.ratios[0], 10, rtol=0.05)


def test_plot_update_ratios_draws_the_guide_on_a_log_scale():
    _, ratios = _moons_run(0.1)
    ax = bp.viz.plot_update_ratios(ratios, smooth=5)
    assert ax.get_yscale() == "log"
    assert any(np.allclose(line.get_ydata(), 1e-3) for line in ax.get_lines())
    assert len(ax.get_lines()) == 4
    with pytest.raises(ValueError, match="no steps recorded"):
        bp.viz.plot_update_ratios(bp.viz.UpdateRatios(bp.MLP([2, 3, 2])))


def test_saturation_counts_dead_relus_per_unit_and_saturated_tanh_per_entry():
    net = bp.MLP([2, 4, 2], activation="relu", rng=0)
    W = net.layers[0].params()["W"]
    W[:] = [[1.0, -1.0, 1.0, -1.0], [0.0, 0.0, 0.0, 0.0]]
    net.layers[0].params()["b"][:] = [0.0, 0.0, -10.0, -10.0]
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [2.0, 0.0]])
    # unit 0 fires for x > 0, unit 1 for x < 0, units 2 and 3 never (bias -10): 2 of 4 dead
    assert bp.viz.saturation(net, X) == {"layer 1 (dead relu)": 0.5}
    tanh = bp.MLP([1, 2, 1], activation="tanh", rng=0)
    tanh.layers[0].params()["W"][:] = [[1.0, 10.0]]
    frac = bp.viz.saturation(tanh, np.array([[0.1], [1.0]]))
    # entries tanh(0.1), tanh(1.0) | tanh(1.0), tanh(10): only tanh(10) > 0.97, 1 of 4
    assert frac == {"layer 1 (tanh)": 0.25}


def test_plot_saturation_and_first_layer_weights():
    net = bp.MLP([64, 8, 10], rng=0)
    X, _ = bp.data.load_digits()
    ax = bp.viz.plot_saturation({"start": bp.viz.saturation(net, X[:50])})
    assert len(ax.patches) == 1
    ax = bp.viz.plot_first_layer_weights(net.layers[0].params()["W"], count=8, ncols=4)
    image = np.asarray(ax.images[0].get_array())
    assert np.nanmax(np.abs(image)) == pytest.approx(1.0)    # each image scaled to its own max
    with pytest.raises(ValueError, match="expected \\(64, H\\)"):
        bp.viz.plot_first_layer_weights(np.zeros((10, 3)))
