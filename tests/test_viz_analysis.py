"""Tests for bplab.viz.analysis: the plots of lessons 05-09."""

import numpy as np
import pytest

import bplab as bp
from bplab.viz import analysis


def test_reexported_by_viz_package():
    for name in analysis.__all__:
        assert getattr(bp.viz, name) is getattr(analysis, name)


def test_confusion_matrix_counts_pairs():
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    ax = bp.viz.plot_confusion_matrix(y_true, y_pred)
    counts = np.asarray(ax.images[0].get_array())
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(counts, expected)
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"


def test_confusion_matrix_num_classes_and_bad_shapes():
    ax = bp.viz.plot_confusion_matrix(np.array([0, 1]), np.array([1, 1]), num_classes=4)
    assert np.asarray(ax.images[0].get_array()).shape == (4, 4)
    with pytest.raises(ValueError, match="y_true has shape"):
        bp.viz.plot_confusion_matrix(np.array([0, 1, 2]), np.array([0, 1]))


def test_digit_gallery_marks_wrong_predictions_in_red():
    X, y = bp.data.load_digits()
    pred = y[:12].copy()
    pred[[3, 7]] = (pred[[3, 7]] + 1) % 10
    ax = bp.viz.plot_digit_gallery(X[:12], y[:12], pred, ncols=5)
    red = [t.get_text() for t in ax.texts if t.get_color() == "red"]
    assert red == [f"{y[3]}→{pred[3]}", f"{y[7]}→{pred[7]}"]
    assert len(ax.texts) == 12
    # 3 rows of 8 pixels + 1 pad + 3 label rows, 5 columns of 8 pixels + 1 pad
    assert ax.images[0].get_array().shape == (3 * 12 + 1, 5 * 9 + 1)


def test_digit_gallery_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"expected \(K, 64\)"):
        bp.viz.plot_digit_gallery(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="y_pred has shape"):
        bp.viz.plot_digit_gallery(np.zeros((3, 64)), np.zeros(3, int), np.zeros(2, int))


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


def test_digit_gallery_without_labels_has_no_text_and_no_label_rows():
    ax = bp.viz.plot_digit_gallery(np.ones((4, 64)), ncols=2)
    assert len(ax.texts) == 0 and ax.images[0].get_array().shape == (2 * 9 + 1, 2 * 9 + 1)
