"""Weight initialisers. Each takes a shape ``(D, H)`` (fan_in D, fan_out H) and an ``rng``.

Letters: D inputs, H hidden units. A weight matrix is (fan_in, fan_out): (D, H) for a
first layer, (H, H) between hidden layers; the table writes D for fan_in, H for fan_out.

| name     | draws W from                         | keeps the signal's scale for |
|----------|--------------------------------------|------------------------------|
| zeros    | 0                                    | nothing: every unit stays identical (symmetry) |
| small    | N(0, 0.01**2)                        | nothing: signals shrink layer by layer |
| large    | N(0, 1)                              | nothing: signals grow layer by layer |
| normal   | N(0, std**2)                         | whatever you choose |
| xavier   | N(0, 2 / (D + H))  (Glorot)          | tanh, sigmoid |
| he       | N(0, 2 / D)        (Kaiming)         | ReLU |
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._rng import as_rng
from .validation import check_choice, check_real

__all__ = [
    "INITIALIZERS",
    "get_initializer",
    "he",
    "large",
    "normal",
    "small",
    "xavier",
    "zeros",
]


def _check_shape(shape: tuple[int, int]) -> tuple[int, int]:
    """(D, H) as two ints >= 1."""
    if len(shape) != 2 or any(int(s) != s or s < 1 for s in shape):
        raise ValueError(f"shape must be (fan_in, fan_out) with both >= 1, got {shape}")
    return int(shape[0]), int(shape[1])


def zeros(shape: tuple[int, int], rng=0, dtype=np.float64) -> np.ndarray:
    """All zeros, shape (D, H). Every hidden unit then computes the same thing forever."""
    return np.zeros(_check_shape(shape), dtype=dtype)


def normal(shape: tuple[int, int], rng=0, std: float = 0.01, dtype=np.float64) -> np.ndarray:
    """N(0, std**2) weights, shape (D, H)."""
    check_real(std, "std", low=0, low_open=True)
    return (as_rng(rng).standard_normal(_check_shape(shape)) * std).astype(dtype, copy=False)


def small(shape: tuple[int, int], rng=0, dtype=np.float64) -> np.ndarray:
    """N(0, 0.01**2), shape (D, H): too small for deep nets (gradients vanish)."""
    return normal(shape, rng, std=0.01, dtype=dtype)


def large(shape: tuple[int, int], rng=0, dtype=np.float64) -> np.ndarray:
    """N(0, 1), shape (D, H): too large for wide nets (activations saturate or explode)."""
    return normal(shape, rng, std=1.0, dtype=dtype)


def xavier(shape: tuple[int, int], rng=0, dtype=np.float64) -> np.ndarray:
    """Glorot/Xavier normal: std = sqrt(2 / (D + H)), shape (D, H). Suits tanh and sigmoid."""
    fan_in, fan_out = _check_shape(shape)
    return normal(shape, rng, std=np.sqrt(2.0 / (fan_in + fan_out)), dtype=dtype)


def he(shape: tuple[int, int], rng=0, dtype=np.float64) -> np.ndarray:
    """He/Kaiming normal: std = sqrt(2 / D), shape (D, H). Suits ReLU."""
    fan_in, _ = _check_shape(shape)
    return normal(shape, rng, std=np.sqrt(2.0 / fan_in), dtype=dtype)


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros, "small": small, "large": large, "normal": normal,
    "xavier": xavier, "he": he,
}


def get_initializer(name: str | Callable) -> Callable[..., np.ndarray]:
    """Look an initialiser up by name; a callable ``f(shape, rng, dtype=...)`` passes through."""
    if callable(name):
        return name
    return INITIALIZERS[check_choice(name, "init", INITIALIZERS)]
