"""``bp.Value`` against micrograd on micrograd's own moons demo.

The demo: 100 moons points, an MLP 2-16-16-1 of scalar neurons, the SVM hinge loss
mean(relu(1 - y * score)) + 1e-4 * sum(p**2), full batch, lr = 1 - 0.9 k / 100.
Both engines start from the same weights (micrograd's random.seed(1337) draws) and the
bench asserts they compute the same loss at every step, so only the engine differs.

Two bplab rows: the same graph as micrograd (a neuron is a chain of * and +), and a
neuron as one ``Value.dot`` node, in this (bare) process. Then the situation of issue 10
§4: a learner's kernel, where numpy, matplotlib, ipywidgets, scikit-learn and scipy.stats
are loaded (~150,000-300,000 objects the garbage collector tracks). There the cyclic
collector, not the arithmetic, is most of micrograd's time. That row runs in a fresh
subprocess that makes those imports, then times both engines alternately on the same
graph, in the same process state. Every figure is the median of 5 runs.
Target: >= 3x faster than micrograd, in both situations.

Run it alone: ``python -m bench --only value`` (micrograd from bench/requirements.txt).
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from itertools import pairwise

import numpy as np

STEPS_FULL, STEPS_QUICK = 5, 2


def moons_demo_data():
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=100, noise=0.1, random_state=1)
    return X.tolist(), (y * 2 - 1).tolist()


def scalar_mlp(Value, sizes=(2, 16, 16, 1)):
    """micrograd's MLP as lists: layers of (weights, bias); weights drawn as micrograd does."""
    random.seed(1337)
    return [[([Value(random.uniform(-1, 1)) for _ in range(n_in)], Value(0))
             for _ in range(n_out)] for n_in, n_out in pairwise(sizes)]


def forward(layers, x, fused: bool):
    for i, layer in enumerate(layers):
        outs = []
        for w, b in layer:
            if fused:
                act = type(b).dot(w, x, b)
            else:  # exactly micrograd's Neuron.__call__
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
            outs.append(act.relu() if i < len(layers) - 1 else act)
        x = outs
    return x[0]


def train(Value, steps: int, fused: bool = False) -> list[float]:
    """micrograd's demo loop; returns the loss of every step."""
    X, y = moons_demo_data()
    layers = scalar_mlp(Value)
    params = [p for layer in layers for w, b in layer for p in (*w, b)]
    losses = []
    for k in range(steps):
        scores = [forward(layers, list(map(Value, row)), fused) for row in X]
        hinge = [(1 + -yi * s).relu() for yi, s in zip(y, scores)]
        total = sum(hinge) * (1.0 / len(hinge)) + 1e-4 * sum(p * p for p in params)
        for p in params:
            p.grad = 0
        total.backward()
        for p in params:
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        losses.append(float(total.data))
    return losses


def time_engines(steps: int, repeats: int, runs: tuple[str, ...]) -> dict[str, list[float]]:
    """Seconds of ``repeats`` runs of the demo per engine, the engines taking turns.

    ``runs`` names what to time: "micrograd", "same graph" (bplab, micrograd's graph)
    and "Value.dot" (bplab, one node per neuron). Asserts equal losses at every step.
    """
    from micrograd.engine import Value as MicrogradValue

    from bplab import Value

    engines = {"micrograd": (MicrogradValue, False), "same graph": (Value, False),
               "Value.dot": (Value, True)}
    timings: dict[str, list[float]] = {name: [] for name in runs}
    results = {}
    for _ in range(repeats):
        for name in runs:
            engine, fused = engines[name]
            gc.collect()
            start = time.perf_counter()
            results[name] = train(engine, steps, fused)
            gc.collect()  # each engine pays for freeing its own garbage, not the next run
            timings[name].append(time.perf_counter() - start)
    for name in runs:
        np.testing.assert_allclose(results[name], results["micrograd"], rtol=1e-9)
    return timings


def learner_kernel_imports() -> int:
    """Import what a learner's kernel holds after lesson 00, plus one more large library
    (scipy.stats); return how many objects the garbage collector then tracks."""
    import ipywidgets  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import scipy.stats  # noqa: F401
    import sklearn.datasets
    import sklearn.ensemble
    import sklearn.neural_network  # noqa: F401

    import bplab  # noqa: F401

    return len(gc.get_objects())


def in_learner_kernel(steps: int, repeats: int) -> dict:
    """Time micrograd and bplab (same graph) in a fresh process with a learner's imports."""
    code = ("import json, bench.bench_value as b; n = b.learner_kernel_imports(); "
            f"t = b.time_engines({steps}, {repeats}, ('micrograd', 'same graph')); "
            "print(json.dumps({'tracked': n, 'timings': t}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(name: str, ours: list[float], peer: list[float], note: str = "") -> dict:
    ours_s, peer_s = statistics.median(ours), statistics.median(peer)
    return {"name": name, "ours": ours_s, "peer": peer_s, "ratio": ours_s / peer_s,
            "target": ">= 3x faster", "met": peer_s / ours_s >= 3,
            "note": f"peer: micrograd; {peer_s / ours_s:.1f}x faster, median of "
                    f"{len(ours)}{note}"}


def run(quick: bool = False) -> list[dict]:
    steps = STEPS_QUICK if quick else STEPS_FULL
    repeats = 5  # the figure is the median of 5, quick or not
    timings = time_engines(steps, repeats, ("micrograd", "same graph", "Value.dot"))
    rows = [_row(f"Value moons demo 2-16-16-1, {steps} steps ({name})", timings[name],
                 timings["micrograd"]) for name in ("same graph", "Value.dot")]
    kernel_steps = 1 if quick else 3
    kernel = in_learner_kernel(kernel_steps, repeats)
    rows.append(_row(f"Value moons demo, {kernel_steps} steps, learner's kernel (same graph)",
                     kernel["timings"]["same graph"], kernel["timings"]["micrograd"],
                     f"; {kernel['tracked']:,} gc-tracked objects"))
    return rows
