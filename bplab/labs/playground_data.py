"""What the playground trains on: its data sets, input features and L2 regularisation.

TensorFlow Playground's choices: four classification sets (from ``bplab.data``) and two
regression sets, the inputs x1, x2, x1², x2², x1·x2, sin x1, sin x2, and its L2 rates.
Letters: N points, D input features.
"""

from __future__ import annotations

import numpy as np

from ..layers import is_weight

FEATURES = {  # TensorFlow Playground's input features, each X (N, 2) -> (N,)
    "x1": lambda X: X[:, 0], "x2": lambda X: X[:, 1],
    "x1²": lambda X: X[:, 0] ** 2, "x2²": lambda X: X[:, 1] ** 2,
    "x1·x2": lambda X: X[:, 0] * X[:, 1],
    "sin x1": lambda X: np.sin(X[:, 0]), "sin x2": lambda X: np.sin(X[:, 1]),
}
CLASSIFICATION = ["moons", "spirals", "xor", "circles"]
REGRESSION = ["plane (regression)", "bumps (regression)"]
L2_RATES = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]  # the Playground's


def features(X: np.ndarray, names) -> np.ndarray:
    """The chosen input features of points X (N, 2): (N, D), D = len(names)."""
    return np.column_stack([FEATURES[name](X) for name in names])


def make_regression(name: str, n: int, noise: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """X (n, 2) uniform in [-2, 2]², target y (n, 1) in about [-1, 1], plus noise."""
    gen = np.random.default_rng(rng)
    X = gen.uniform(-2.0, 2.0, size=(n, 2))
    if name.startswith("plane"):
        y = (X[:, 0] + X[:, 1]) / 4.0
    else:
        y = np.sin(1.5 * X[:, 0]) * np.cos(1.5 * X[:, 1])
    return X, (y + noise * gen.standard_normal(n))[:, None]


class WithL2:
    """An optimizer that first adds ``l2 * W`` to each weight's gradient (L2 regularisation).

    d/dW of (l2 / 2) ||W||² is l2 * W; biases are not regularised (as in the Playground).
    """

    def __init__(self, inner, l2: float = 0.0):
        self.inner, self.l2 = inner, l2

    @property
    def lr(self) -> float:
        return self.inner.lr

    def step(self, params: dict, grads: dict) -> None:
        if self.l2:
            for name, g in grads.items():
                if is_weight(name):
                    g += self.l2 * params[name]
        self.inner.step(params, grads)
