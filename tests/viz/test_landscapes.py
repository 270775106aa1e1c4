"""bplab.viz.landscapes: loss surfaces, gradient fields, descent paths."""

import numpy as np
import pytest

import bplab as bp


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
    from bplab.viz.landscapes import descent_path, describe_path

    path = descent_path(lambda w: 2 * w, [1.0], lr, 30)
    assert describe_path(path, path[:, 0] ** 2) == regime


def test_descent_path_stops_before_overflow():
    from bplab.viz.landscapes import ESCAPE, descent_path

    path = descent_path(lambda w: 2 * w, [1.0], 10.0, 10_000)
    assert len(path) < 100 and np.abs(path[-1, 0]) > ESCAPE and np.all(np.isfinite(path))


def test_optimizer_paths_one_line_per_path_and_named_points():
    paths = {"sgd": np.array([[1.0, 1.0], [0.5, 0.5], [0.1, 0.1]]),
             "adam": np.array([[1.0, -1.0], [0.0, 0.0]])}
    ax = bp.viz.plot_optimizer_paths(lambda a, b: a ** 2 + b ** 2, paths,
                                     points={"minimum": (0.0, 0.0)})
    labelled = {line.get_label(): line for line in ax.get_lines()
                if not line.get_label().startswith("_")}
    assert set(labelled) == {"sgd", "adam"}
    np.testing.assert_array_equal(labelled["sgd"].get_xdata(), [1.0, 0.5, 0.1])
    assert [t.get_text() for t in ax.texts] == ["minimum"]
    with pytest.raises(ValueError, match=r"expected \(K, 2\)"):
        bp.viz.plot_optimizer_paths(lambda a, b: a + b, {"bad": np.zeros((3, 3))})


def test_plot_gradient_descent_1d_follows_the_update_rule():
    ax = bp.viz.plot_gradient_descent_1d(lambda w: w ** 2, lambda w: 2 * w, 2.0, 0.25,
                                           steps=3)
    path = ax.lines[1].get_xdata()
    np.testing.assert_allclose(path, [2.0, 1.0, 0.5, 0.25])
    with pytest.raises(ValueError, match="lr must be > 0"):
        bp.viz.plot_gradient_descent_1d(lambda w: w, lambda w: 1, 0.0, -1.0)


def test_gradient_field_arrows_are_the_gradient():
    ax = bp.viz.plot_gradient_field(lambda x, y: x ** 2 + y ** 2,
                                      lambda x, y: (2 * x, 2 * y))
    arrows = next(c for c in ax.collections if hasattr(c, "U"))
    np.testing.assert_allclose(arrows.U, 2 * arrows.X)
    np.testing.assert_allclose(arrows.V, 2 * arrows.Y)
