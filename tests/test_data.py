"""Data sets, splitting and batching."""

import numpy as np
import pytest

from bplab import data


@pytest.mark.parametrize("name", sorted(data.DATASETS))
def test_toy_sets_shapes_determinism_and_classes(name):
    X, y = data.make_dataset(name, n=101, noise=0.1, rng=3)
    X2, _ = data.make_dataset(name, n=101, noise=0.1, rng=3)
    assert X.shape == (101, 2) and y.shape == (101,)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, X2)
    assert set(np.unique(y)) == set(range(y.max() + 1)) and y.max() >= 1


def test_spirals_class_count():
    _, y = data.make_spirals(300, classes=4, rng=0)
    assert np.bincount(y).tolist() == [75, 75, 75, 75]


def test_load_digits():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0 and set(np.unique(y)) == set(range(10))


def test_train_test_split_is_stratified_and_disjoint():
    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.repeat([0, 1, 2, 3], 25)
    Xtr, Xte, _, yte = data.train_test_split(X, y, test_size=0.2, rng=0)
    assert len(Xte) == 20 and len(Xtr) == 80
    assert np.bincount(yte).tolist() == [5, 5, 5, 5]
    assert not set(Xtr[:, 0]) & set(Xte[:, 0])


def test_batches_cover_every_row_once():
    X, y = np.arange(10, dtype=float).reshape(10, 1), np.arange(10)
    got = list(data.batches(X, y, batch_size=4, rng=0))
    assert [len(b) for b, _ in got] == [4, 4, 2]
    assert sorted(np.concatenate([yb for _, yb in got]).tolist()) == list(range(10))


def test_bad_arguments():
    with pytest.raises(ValueError, match="n must be an int >= 2, got 1"):
        data.make_moons(1)
    with pytest.raises(ValueError, match="make_moons: noise must be >= 0, got -1"):
        data.make_moons(10, noise=-1)
    with pytest.raises(ValueError, match=r"dataset must be one of .* got 'swirl'"):
        data.make_dataset("swirl")
    with pytest.raises(ValueError, match="test_size must be in"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(4), test_size=1.5)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        next(data.batches(np.zeros((4, 1)), np.zeros(4), batch_size=0))
    with pytest.raises(ValueError, match="batches: batch_size must be an int >= 1, got True"):
        next(data.batches(np.zeros((4, 1)), np.zeros(4), batch_size=True))
    with pytest.raises(ValueError, match="X has 4 rows but y has 3"):
        data.train_test_split(np.zeros((4, 1)), np.zeros(3))


def test_stratify_takes_labels_as_scikit_learn_does():
    """`stratify=y` used to raise "truth value ... ambiguous"; now it is scikit-learn's form."""
    X, y = data.make_moons(200, noise=0.2, rng=0)
    by_labels = data.train_test_split(X, y, test_size=0.25, rng=0, stratify=y)
    by_default = data.train_test_split(X, y, test_size=0.25, rng=0)
    for a, b in zip(by_labels, by_default):
        np.testing.assert_array_equal(a, b)
    groups = np.arange(200) % 4  # strata of its own: each keeps its share of the test set
    _, _, _, y_test = data.train_test_split(X, groups, test_size=0.25, rng=0, stratify=groups)
    assert np.bincount(y_test).tolist() == [12, 12, 12, 12]  # round(0.25 * 50) each
    plain = data.train_test_split(X, y, test_size=0.25, rng=0, stratify=None)
    assert len(plain[1]) == 50
    with pytest.raises(ValueError, match=r"labels of shape \(200,\)"):
        data.train_test_split(X, y, stratify=y[:10])


def test_standardize_always_returns_a_tuple_one_array_per_input():
    X = np.arange(12.0).reshape(6, 2)
    one = data.standardize(X)
    two = data.standardize(X, X[:3])
    assert isinstance(one, tuple) and len(one) == 1 and isinstance(two, tuple) and len(two) == 2
    np.testing.assert_allclose(one[0], two[0])
