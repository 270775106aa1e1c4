"""bplab's network code against peers, measured side by side in one process.

1. An MLP train step (forward, loss, backward, SGD update) through bplab's objects vs the
   same math as a plain numpy loop. Target: <= 1.15x (the abstraction costs <= 15%).
2. ``bp.fit`` on digits vs scikit-learn's MLPClassifier with the same hidden sizes,
   epochs, batch size and optimizer (Adam). Target: <= 0.6x its time at >= its accuracy.
Timings interleave ours and the peer's. The train step keeps the best of several runs
(shared machine); fit vs scikit-learn reports the median of 5 runs, as issue 10 §4 asks.
"""

from __future__ import annotations

import statistics
import time
import warnings

import numpy as np

import bplab as bp


def _timed_pair(ours, peer, repeats: int) -> tuple[list[float], list[float]]:
    """Seconds of two callables, run alternately ``repeats`` times (both sides then share
    the machine's conditions)."""
    t_ours, t_peer = [], []
    for _ in range(repeats):
        for fn, times in ((ours, t_ours), (peer, t_peer)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return t_ours, t_peer


def _best_pair(ours, peer, repeats: int) -> tuple[float, float]:
    """Best (minimum) seconds of each: the run least disturbed by other work on a shared
    machine, as timeit recommends."""
    t_ours, t_peer = _timed_pair(ours, peer, repeats)
    return min(t_ours), min(t_peer)


def _median_pair(ours, peer, repeats: int) -> tuple[float, float]:
    """Median seconds of each, over ``repeats`` alternating runs."""
    t_ours, t_peer = _timed_pair(ours, peer, repeats)
    return statistics.median(t_ours), statistics.median(t_peer)


def numpy_train_step(Ws, bs, X, y, lr):
    """The plain loop: ReLU MLP, softmax cross-entropy, SGD. Ws[i] (D_i, D_i+1), bs[i]."""
    N = X.shape[0]
    hs = [X]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(np.maximum(hs[-1] @ W + b, 0))
    scores = hs[-1] @ Ws[-1] + bs[-1]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    d = np.exp(log_probs)
    d[np.arange(N), y] -= 1
    d /= N
    for i in range(len(Ws) - 1, -1, -1):
        dW, db = hs[i].T @ d, d.sum(axis=0)
        if i > 0:
            d = (d @ Ws[i].T) * (hs[i] > 0)
        Ws[i] -= lr * dW
        bs[i] -= lr * db
    return loss


def bench_train_step(sizes, dtype, steps: int, repeats: int) -> dict:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((128, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], 128)
    net = bp.MLP(sizes, activation="relu", init="he", rng=0, dtype=dtype)
    Ws = [layer.params()["W"].copy() for _, layer in net.linear_layers()]
    bs = [layer.params()["b"].copy() for _, layer in net.linear_layers()]
    opt = bp.SGD(lr=1e-3)
    loss_ours = bp.train_step(net, X, y, bp.softmax_cross_entropy, opt)
    loss_peer = numpy_train_step(Ws, bs, X, y, 1e-3)
    assert abs(loss_ours - loss_peer) < 1e-4 * max(1.0, abs(loss_peer)), (loss_ours, loss_peer)

    def ours():
        for _ in range(steps):
            bp.train_step(net, X, y, bp.softmax_cross_entropy, opt)

    def peer():
        for _ in range(steps):
            numpy_train_step(Ws, bs, X, y, 1e-3)

    t_ours, t_peer = _best_pair(ours, peer, repeats)
    name = f"train step {'-'.join(map(str, sizes))} b128 {np.dtype(dtype).name}"
    ratio = t_ours / t_peer
    return {"name": name, "ours": t_ours / steps, "peer": t_peer / steps, "ratio": ratio,
            "target": "<= 1.15x", "met": ratio <= 1.15, "note": "peer: plain numpy loop"}


def bench_fit_vs_sklearn(epochs: int, repeats: int) -> dict:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = bp.data.load_digits()
    X_train, X_test, y_train, y_test = bp.data.train_test_split(X, y, test_size=0.2, rng=0)
    X_train, X_test = bp.data.standardize(X_train, X_test)
    result = {}

    def ours():
        net = bp.MLP([64, 256, 10], activation="relu", init="he", rng=0)
        bp.fit(net, X_train, y_train, optimizer=bp.Adam(1e-3), epochs=epochs, batch_size=32)
        result["ours"] = bp.accuracy(net.forward(X_test), y_test)

    def peer():
        clf = MLPClassifier(hidden_layer_sizes=(256,), activation="relu", solver="adam",
                            learning_rate_init=1e-3, batch_size=32, max_iter=epochs, alpha=0.0,
                            tol=0.0, n_iter_no_change=epochs + 1, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_train, y_train)
        result["peer"] = clf.score(X_test, y_test)

    t_ours, t_peer = _median_pair(ours, peer, repeats)
    ratio = t_ours / t_peer
    return {"name": f"fit digits 64-256-10, {epochs} epochs, b32, Adam", "ours": t_ours,
            "peer": t_peer, "ratio": ratio, "target": "<= 0.6x at >= its accuracy",
            "met": ratio <= 0.6 and result["ours"] >= result["peer"],
            "note": f"peer: sklearn MLPClassifier; test acc {result['ours']:.4f} vs "
                    f"{result['peer']:.4f}; median of {repeats}"}


def run(quick: bool = False) -> list[dict]:
    repeats = 3 if quick else 7
    rows = []
    for sizes, steps in (([64, 128, 128, 10], 200), ([784, 256, 256, 10], 30)):
        for dtype in (np.float64, np.float32):
            rows.append(bench_train_step(sizes, dtype, steps // (4 if quick else 1), repeats))
    rows.append(bench_fit_vs_sklearn(epochs=30, repeats=5))
    return rows
