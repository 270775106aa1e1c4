"""Tests for bplab.cost: finite differences against backprop."""

import time

import numpy as np
import pytest

import bplab as bp
from bplab.cost import (
    backprop_gradients,
    best_time,
    fd_gradients,
    measure_gradient_cost,
)


def _net_and_batch():
    net = bp.MLP([3, 5, 4], activation="tanh", init="xavier", rng=1)
    gen = np.random.default_rng(2)
    return net, gen.standard_normal((6, 3)), gen.integers(0, 4, 6)


def test_fd_and_backprop_agree_and_fd_takes_two_passes_per_parameter():
    net, X, y = _net_and_batch()
    fd, passes = fd_gradients(net, X, y)
    bp_grads = backprop_gradients(net, X, y)
    assert fd.keys() == bp_grads.keys() == net.params().keys()
    for name in fd:
        assert bp.rel_error(fd[name], bp_grads[name]) < 1e-7, name
    assert passes == 2 * net.num_params() == 2 * (3 * 5 + 5 + 5 * 4 + 4)


def test_fd_gradients_leaves_the_parameters_unchanged():
    net, X, y = _net_and_batch()
    before = {k: v.copy() for k, v in net.params().items()}
    fd_gradients(net, X, y)
    for name, p in net.params().items():
        np.testing.assert_array_equal(p, before[name])


def test_backprop_gradients_returns_copies():
    net, X, y = _net_and_batch()
    grads = backprop_gradients(net, X, y)
    net.backward(np.ones((6, 4)))
    assert not np.allclose(grads["2.W"], net.grads()["2.W"])


def test_best_time_calls_repeats_times_and_validates():
    calls = []
    best_time(lambda: calls.append(1), repeats=4)
    assert len(calls) == 4
    assert 0.002 <= best_time(lambda: time.sleep(0.002), repeats=2) < 1.0
    with pytest.raises(ValueError, match="repeats must be"):
        best_time(lambda: None, repeats=0)


def test_measure_gradient_cost_rows():
    rows = measure_gradient_cost([1, 3], n_inputs=2, n_classes=3, batch_size=4, repeats=1)
    assert [r.hidden for r in rows] == [1, 3]
    assert [r.n_params for r in rows] == [(2 + 1) * H + (H + 1) * 3 for H in (1, 3)]
    for r in rows:
        assert r.fd_forward_passes == 2 * r.n_params
        assert r.rel_error < 1e-7
        assert r.fd_seconds > 0 and r.bp_seconds > 0
