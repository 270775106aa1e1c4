"""Tests for bplab.viz.calculus: each plot draws what it says, on the Axes it returns."""

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pytest

import bplab as bp
from bplab.viz import calculus


def test_every_name_is_reexported_by_viz():
    for name in calculus.__all__:
        assert getattr(bp.viz, name) is getattr(calculus, name)


def test_difference_errors_central_beats_forward_at_moderate_h():
    hs = np.array([1e-2, 1e-3, 1e-4])
    fwd, ctr = calculus.difference_errors(np.exp, np.exp(1.0), 1.0, hs)
    assert fwd.shape == ctr.shape == (3,)
    assert np.all(ctr < fwd)
    # forward error ~ h f''/2, central error ~ h^2 f'''/6
    np.testing.assert_allclose(fwd, hs * np.e / 2, rtol=0.02)
    np.testing.assert_allclose(ctr, hs ** 2 * np.e / 6, rtol=0.02)


def test_difference_errors_rejects_bad_steps():
    with pytest.raises(ValueError, match="hs must be"):
        calculus.difference_errors(np.exp, 1.0, 0.0, np.array([1e-3, 0.0]))
    with pytest.raises(TypeError, match="must be callable"):
        calculus.difference_errors(3.0, 1.0, 0.0, np.array([1e-3]))


def test_plot_difference_errors_draws_two_curves_and_references():
    ax = calculus.plot_difference_errors(np.sin, np.cos(0.5), 0.5)
    assert len(ax.lines) == 4
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    central = ax.lines[1].get_ydata()
    assert central.min() < 1e-9  # the bottom of the U


def test_plot_activations_values_and_derivatives():
    ax = calculus.plot_activations(derivative=True)
    labels = [line.get_label() for line in ax.lines[:3]]
    assert labels == ["sigmoid'(x)", "tanh'(x)", "relu'(x)"]
    sig = ax.lines[0]
    x, y = sig.get_xdata(), sig.get_ydata()
    assert y[np.argmin(np.abs(x))] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="names must be from"):
        calculus.plot_activations(names=("swish",))


def test_plot_gradient_descent_1d_follows_the_update_rule():
    ax = calculus.plot_gradient_descent_1d(lambda w: w ** 2, lambda w: 2 * w, 2.0, 0.25,
                                           steps=3)
    path = ax.lines[1].get_xdata()
    np.testing.assert_allclose(path, [2.0, 1.0, 0.5, 0.25])
    with pytest.raises(ValueError, match="lr must be > 0"):
        calculus.plot_gradient_descent_1d(lambda w: w, lambda w: 1, 0.0, -1.0)


def test_plot_logistic_boundary_and_shape_errors():
    X, y = bp.data.make_moons(40, rng=0)
    w, b = np.array([1.0, -2.0]), 0.5
    ax = calculus.plot_logistic_boundary(w, b, X, y)
    boundary = ax.collections[1].get_paths()[0].vertices  # the sigmoid = 0.5 contour
    np.testing.assert_allclose(boundary @ w + b, 0.0, atol=1e-2)  # lies on x w + b = 0
    with pytest.raises(ValueError, match=r"expected w \(2,\)"):
        calculus.plot_logistic_boundary(np.ones(3), 0.0, X, y)


def test_plot_gradient_check_colours_failures_red():
    ax = calculus.plot_gradient_check({"W1": 1e-10, "b1": 0.0, "W2": 1e-2})
    colors = [tuple(p.get_facecolor()[:3]) for p in ax.patches]
    green, red = matplotlib.colors.to_rgb("tab:green"), matplotlib.colors.to_rgb("tab:red")
    assert colors == [green, green, red]
    with pytest.raises(ValueError, match="errors is empty"):
        calculus.plot_gradient_check({})


def test_tangent_has_the_given_slope_through_the_point():
    ax = calculus.plot_tangent(np.sin, 0.3, np.cos(0.3))
    xs, ys = ax.lines[1].get_data()
    np.testing.assert_allclose(ys, np.sin(0.3) + np.cos(0.3) * (xs - 0.3))


def test_gradient_field_arrows_are_the_gradient():
    ax = calculus.plot_gradient_field(lambda x, y: x ** 2 + y ** 2,
                                      lambda x, y: (2 * x, 2 * y))
    arrows = next(c for c in ax.collections if hasattr(c, "U"))
    np.testing.assert_allclose(arrows.U, 2 * arrows.X)
    np.testing.assert_allclose(arrows.V, 2 * arrows.Y)


@pytest.mark.parametrize("draw", [
    lambda ax: calculus.plot_course_map(ax=ax),
    lambda ax: calculus.plot_network_diagram((2, 3, 1), ax=ax),
])
def test_plots_draw_on_the_given_axes(draw):
    _fig, ax = plt.subplots()
    assert draw(ax) is ax
    assert ax.lines or ax.collections or ax.patches


def test_plot_network_diagram_rejects_one_layer():
    with pytest.raises(ValueError, match="sizes must have"):
        calculus.plot_network_diagram((3,))
