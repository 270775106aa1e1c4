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


def test_measure_pass_cost_rows_count_parameters_and_time_both_passes():
    from bplab.cost import measure_pass_cost

    rows = measure_pass_cost([2, 5], n_inputs=3, n_classes=4, hidden_layers=2, batch_size=6,
                             repeats=1)
    assert [r.width for r in rows] == [2, 5]
    assert [r.n_params for r in rows] == [(3 + 1) * W + (W + 1) * W + (W + 1) * 4 for W in (2, 5)]
    for r in rows:
        assert r.forward_seconds > 0 and r.backprop_seconds > 0
        assert r.ratio == r.backprop_seconds / r.forward_seconds


def test_measure_jacobian_cost_counts_one_pass_per_output_and_per_input():
    from bplab.cost import measure_jacobian_cost

    rows = measure_jacobian_cost([(5, 2), (2, 5)], hidden=4, repeats=1)
    assert [(r.reverse_passes, r.forward_passes) for r in rows] == [(2, 5), (5, 2)]
    for r in rows:
        assert r.rel_error < 1e-12 and r.reverse_seconds > 0 and r.forward_seconds > 0


def test_measure_checkpointing_trades_stored_bytes_for_recomputation():
    from bplab.cost import measure_checkpointing

    plain, one, two = measure_checkpointing(depth=4, width=3, batch_size=2, segments=(0, 1, 2),
                                            repeats=2)
    layer_bytes = 2 * 3 * 8                                   # one (2, 3) float64 array
    assert plain.stored_bytes == plain.peak_bytes == 4 * 3 * layer_bytes  # X; tanh's X, out
    assert one.stored_bytes == layer_bytes and two.stored_bytes == 2 * layer_bytes
    assert two.peak_bytes < plain.peak_bytes
    assert (plain.layer_forwards, one.layer_forwards, two.layer_forwards) == (8, 16, 16)
    with pytest.raises(ValueError, match="equal segments"):
        measure_checkpointing(depth=4, width=3, batch_size=2, segments=(3,), repeats=1)


def test_limit_blas_threads_limits_and_restores():
    from threadpoolctl import threadpool_info

    from bplab.cost import limit_blas_threads

    with limit_blas_threads(1):
        assert all(pool["num_threads"] == 1 for pool in threadpool_info())
    with pytest.raises(ValueError, match="threads must be an int >= 1"):
        limit_blas_threads(0)
