"""bplab.viz.digits: the digit gallery and the confusion matrix."""

import numpy as np
import pytest

import bplab as bp


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


def test_digit_gallery_without_labels_has_no_text_and_no_label_rows():
    ax = bp.viz.plot_digit_gallery(np.ones((4, 64)), ncols=2)
    assert len(ax.texts) == 0 and ax.images[0].get_array().shape == (2 * 9 + 1, 2 * 9 + 1)
