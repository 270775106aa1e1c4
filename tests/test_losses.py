"""Losses: gradients against central differences, stability at +-1e4, bad labels."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import score_shapes, seeds

import bplab as bp

sizes = score_shapes


def numeric(loss_fn, x, target):
    return bp.numerical_gradient(lambda arr: loss_fn(arr, target)[0], x)


@given(sizes, seeds)
def test_softmax_cross_entropy_gradient(size, seed):
    rng = np.random.default_rng(seed)
    N, C = size
    scores, y = rng.standard_normal((N, C)) * 3, rng.integers(0, C, N)
    _, dscores = bp.softmax_cross_entropy(scores, y)
    assert bp.rel_error(dscores, numeric(bp.softmax_cross_entropy, scores, y)) < 1e-7


@given(sizes, seeds, st.booleans())
def test_mse_gradient(size, seed, flat):
    rng = np.random.default_rng(seed)
    shape = size[:1] if flat else size
    pred, target = rng.standard_normal(shape), rng.standard_normal(shape)
    _, dpred = bp.mse_loss(pred, target)
    assert bp.rel_error(dpred, numeric(bp.mse_loss, pred, target)) < 1e-7


@given(st.integers(1, 8), seeds, st.booleans())
def test_binary_cross_entropy_gradient(N, seed, column):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((N, 1) if column else N) * 3
    y = rng.integers(0, 2, N)
    _, dlogits = bp.binary_cross_entropy(logits, y)
    assert dlogits.shape == logits.shape
    assert bp.rel_error(dlogits, numeric(bp.binary_cross_entropy, logits, y)) < 1e-7


def test_known_values():
    loss, _ = bp.softmax_cross_entropy(np.zeros((4, 10)), np.arange(4))
    assert loss == pytest.approx(np.log(10))
    loss, _ = bp.mse_loss(np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]))
    assert loss == pytest.approx(0.5 * 5)   # 1/N sum 1/2 ||pred - target||^2
    loss, _ = bp.binary_cross_entropy(np.zeros(3), np.array([0, 1, 1]))
    assert loss == pytest.approx(np.log(2))


@pytest.mark.parametrize("big", [1e4, -1e4])
def test_extreme_logits_give_finite_loss_and_gradient(big):
    scores = np.array([[big, 0.0, -big], [0.0, big, 0.0]])
    for y in (np.array([0, 1]), np.array([2, 0])):
        loss, d = bp.softmax_cross_entropy(scores, y)
        assert np.isfinite(loss) and np.all(np.isfinite(d))
    loss, d = bp.binary_cross_entropy(np.array([big, -big]), np.array([0, 1]))
    assert loss == pytest.approx(max(big, 0.0)) and np.all(np.isfinite(d))
    assert np.all(np.isfinite(bp.softmax(scores))) and np.all(np.isfinite(bp.sigmoid(scores)))


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\] for 3 classes, got values "
                                         r"from 0 to 3"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="labels must be in"):
        bp.binary_cross_entropy(np.zeros(2), np.array([0, -1]))


def test_label_shape_and_type():
    with pytest.raises(ValueError, match=r"y has shape \(3,\), expected \(2,\)"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="integer class labels"):
        bp.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match=r"scores has shape \(3,\), expected \(N, C\)"):
        bp.softmax_cross_entropy(np.zeros(3), np.array([0, 1, 2]))


def test_mse_shape_mismatch():
    with pytest.raises(ValueError, match=r"pred has shape \(2, 1\) but target has shape \(2,\)"):
        bp.mse_loss(np.zeros((2, 1)), np.zeros(2))


# ---- issue 17 §5: API traps ----------------------------------------------------------------
def test_a_loss_is_accepted_by_its_functions_name():
    assert bp.losses.get_loss("softmax_cross_entropy") is bp.softmax_cross_entropy
    assert bp.losses.get_loss("mse_loss") is bp.mse_loss
    X, y = bp.data.make_moons(40, rng=0)
    hist = bp.fit(bp.MLP([2, 4, 2]), X, y, loss="softmax_cross_entropy", epochs=1)
    assert len(hist.train_acc) == 1


def test_an_unknown_loss_name_lists_every_accepted_name():
    with pytest.raises(ValueError, match="loss must be one of") as info:
        bp.losses.get_loss("hinge")
    for name in bp.losses.LOSSES:
        assert repr(name) in str(info.value)


def test_softmax_of_one_row_of_scores():
    s = np.array([1.0, 2.0, 3.0])
    probs = bp.softmax(s)
    assert probs.shape == (3,)
    np.testing.assert_allclose(probs, bp.softmax(s[None, :])[0])
    np.testing.assert_allclose(bp.losses.log_softmax(s), np.log(probs))


def test_softmax_names_the_shapes_it_takes():
    with pytest.raises(ValueError, match=r"softmax: scores has shape \(2, 2, 2\), expected \(N, C\)"):
        bp.softmax(np.zeros((2, 2, 2)))
