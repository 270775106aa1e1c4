"""bplab.viz.functions: tangents, finite differences, activations, gradient checks."""

import matplotlib
import matplotlib.colors
import numpy as np
import pytest

import bplab as bp


@pytest.mark.parametrize("k", [0.0, 1.0, 2.0, -0.5])
def test_loglog_slope_recovers_a_power_law(k):
    x = np.array([10.0, 100.0, 1000.0, 5000.0])
    assert bp.viz.loglog_slope(x, 3.0 * x ** k) == pytest.approx(k, abs=1e-12)


def test_loglog_slope_rejects_non_positive_and_short_inputs():
    with pytest.raises(ValueError, match="must be > 0"):
        bp.viz.loglog_slope([1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="length >= 2"):
        bp.viz.loglog_slope([1.0], [1.0])


def test_cost_scaling_is_log_log_with_slopes_in_the_legend():
    P = np.array([10, 100, 1000])
    ax = bp.viz.plot_cost_scaling(P, {"fd": 1e-6 * P ** 2.0, "bp": 1e-5 * P})
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["fd  (slope 2.00)", "bp  (slope 1.00)"]
    with pytest.raises(ValueError, match="expected"):
        bp.viz.plot_cost_scaling(P, {"fd": [1.0, 2.0]})


def test_difference_errors_central_beats_forward_at_moderate_h():
    hs = np.array([1e-2, 1e-3, 1e-4])
    fwd, ctr = bp.viz.difference_errors(np.exp, np.exp(1.0), 1.0, hs)
    assert fwd.shape == ctr.shape == (3,)
    assert np.all(ctr < fwd)
    # forward error ~ h f''/2, central error ~ h^2 f'''/6
    np.testing.assert_allclose(fwd, hs * np.e / 2, rtol=0.02)
    np.testing.assert_allclose(ctr, hs ** 2 * np.e / 6, rtol=0.02)


def test_difference_errors_rejects_bad_steps():
    with pytest.raises(ValueError, match="hs must be"):
        bp.viz.difference_errors(np.exp, 1.0, 0.0, np.array([1e-3, 0.0]))
    with pytest.raises(TypeError, match="must be callable"):
        bp.viz.difference_errors(3.0, 1.0, 0.0, np.array([1e-3]))


def test_plot_difference_errors_draws_two_curves_and_references():
    ax = bp.viz.plot_difference_errors(np.sin, np.cos(0.5), 0.5)
    assert len(ax.lines) == 4
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    central = ax.lines[1].get_ydata()
    assert central.min() < 1e-9  # the bottom of the U


def test_plot_activations_values_and_derivatives():
    ax = bp.viz.plot_activations(derivative=True)
    labels = [line.get_label() for line in ax.lines[:3]]
    assert labels == ["sigmoid'(x)", "tanh'(x)", "relu'(x)"]
    sig = ax.lines[0]
    x, y = sig.get_xdata(), sig.get_ydata()
    assert y[np.argmin(np.abs(x))] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="names must be from"):
        bp.viz.plot_activations(names=("swish",))


def test_plot_logistic_boundary_and_shape_errors():
    X, y = bp.data.make_moons(40, rng=0)
    w, b = np.array([1.0, -2.0]), 0.5
    ax = bp.viz.plot_logistic_boundary(w, b, X, y)
    boundary = ax.collections[1].get_paths()[0].vertices  # the sigmoid = 0.5 contour
    np.testing.assert_allclose(boundary @ w + b, 0.0, atol=1e-2)  # lies on x w + b = 0
    with pytest.raises(ValueError, match=r"expected w \(2,\)"):
        bp.viz.plot_logistic_boundary(np.ones(3), 0.0, X, y)


def test_plot_gradient_check_marks_failures_by_colour_and_hatch():
    ax = bp.viz.plot_gradient_check({"W1": 1e-10, "b1": 0.0, "W2": 1e-2})
    colors = [tuple(p.get_facecolor()[:3]) for p in ax.patches]
    ok, bad = (matplotlib.colors.to_rgb(c) for c in ("#0072B2", "#D55E00"))  # blue, vermilion
    assert colors == [ok, ok, bad]
    assert [p.get_hatch() or "" for p in ax.patches] == ["", "", "//"]  # not colour alone
    with pytest.raises(ValueError, match="errors is empty"):
        bp.viz.plot_gradient_check({})


def test_tangent_has_the_given_slope_through_the_point():
    ax = bp.viz.plot_tangent(np.sin, 0.3, np.cos(0.3))
    xs, ys = ax.lines[1].get_data()
    np.testing.assert_allclose(ys, np.sin(0.3) + np.cos(0.3) * (xs - 0.3))
