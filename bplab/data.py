"""Data sets and batching. Every generator takes ``rng`` and returns float64 X, int64 y.

Letters: N examples, D features, C classes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ._rng import as_rng
from .validation import check_choice, check_int, check_real

__all__ = [
    "DATASETS",
    "batches",
    "load_digits",
    "make_circles",
    "make_dataset",
    "make_moons",
    "make_spirals",
    "make_xor",
    "standardize",
    "train_test_split",
]


def _check_n(n: int, noise: float, where: str) -> None:
    check_int(n, "n", min_value=2, where=where)
    check_real(noise, "noise", low=0, where=where)


def _shuffled(X: np.ndarray, y: np.ndarray, gen: np.random.Generator):
    order = gen.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def make_moons(n: int = 200, noise: float = 0.1, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles. X : (n, 2), y : (n,) in {0, 1}."""
    _check_n(n, noise, "make_moons")
    gen = as_rng(rng)
    n0 = n // 2
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)],
                        np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0), np.ones(n - n0)]
    return _shuffled(X + gen.normal(0, noise, X.shape), y, gen)


def make_spirals(n: int = 300, classes: int = 3, noise: float = 0.2,
                 rng=0) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms (the cs231n set). X : (n, 2), y : (n,) in [0, classes)."""
    _check_n(n, noise, "make_spirals")
    check_int(classes, "classes", min_value=2, where="make_spirals")
    gen = as_rng(rng)
    y = np.arange(n) % classes
    r = np.concatenate([np.linspace(0.05, 1, np.sum(y == k)) for k in range(classes)])
    y = np.sort(y)
    theta = y * (2 * np.pi / classes) + r * 4 + gen.normal(0, noise, n)
    X = np.c_[r * np.sin(theta), r * np.cos(theta)]
    return _shuffled(X, y, gen)


def make_xor(n: int = 200, noise: float = 0.1, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Four clusters at the corners of a square; opposite corners share a class.

    X : (n, 2), y : (n,) in {0, 1}: y = 1 where exactly one coordinate is positive.
    """
    _check_n(n, noise, "make_xor")
    gen = as_rng(rng)
    corners = gen.integers(0, 4, n)
    signs = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=np.float64)
    X = 0.5 * signs[corners] + gen.normal(0, noise + 0.15, (n, 2))
    y = (corners >= 2).astype(np.int64)
    return X, y


def make_circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
                 rng=0) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1) inside a large one (class 0). X : (n, 2), y : (n,)."""
    _check_n(n, noise, "make_circles")
    check_real(factor, "factor", low=0, high=1, low_open=True, high_open=True,
               where="make_circles")
    gen = as_rng(rng)
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]])
    y = np.r_[np.zeros(n0), np.ones(n - n0)]
    return _shuffled(X + gen.normal(0, noise, X.shape), y, gen)


DATASETS = {"moons": make_moons, "spirals": make_spirals, "xor": make_xor,
            "circles": make_circles}


def make_dataset(name: str, n: int = 200, noise: float = 0.1, rng=0):
    """One of ``DATASETS`` by name: X : (n, 2), y : (n,)."""
    return DATASETS[check_choice(name, "dataset", DATASETS)](n=n, noise=noise, rng=rng)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits bundled with scikit-learn (no download).

    Returns
    -------
    X : ndarray of shape (1797, 64), pixel intensities scaled to [0, 1]
        (``X[i].reshape(8, 8)`` is the image).
    y : ndarray of shape (1797,), the digit 0-9.
    """
    from sklearn.datasets import load_digits as sk_load_digits

    digits = sk_load_digits()
    return digits.data.astype(np.float64) / 16.0, digits.target.astype(np.int64)


def train_test_split(X: np.ndarray, y: np.ndarray, test_size: float = 0.2, rng=0,
                     stratify=True):
    """Split into train and test parts, by default keeping each class's share.

    X : (N, D), y : (N,) -> X_train (N - T, D), X_test (T, D), y_train, y_test,
    where T = round(test_size * N) (about that, per class, when stratified).
    stratify : True (keep the shares of y's classes when y holds integer labels), False or
        None (a plain random split), or labels (N,) whose shares to keep, as scikit-learn's.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} rows but y has {len(y)}")
    check_real(test_size, "test_size", low=0, high=1, low_open=True, high_open=True,
               where="train_test_split")
    gen = as_rng(rng)
    groups = [np.flatnonzero(labels == k) for k in np.unique(labels)] if (
        labels := _strata(stratify, y)) is not None else [np.arange(len(y))]
    test = np.concatenate([gen.permutation(g)[:round(test_size * len(g))] for g in groups])
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test] = True
    train_idx, test_idx = gen.permutation(np.flatnonzero(~is_test)), gen.permutation(test)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def _strata(stratify, y: np.ndarray) -> np.ndarray | None:
    """The labels whose shares train_test_split keeps, or None for a plain split."""
    if stratify is None or stratify is False:
        return None
    if stratify is True:
        return y if y.dtype.kind in "iu" else None
    labels = np.asarray(stratify)
    if labels.shape != y.shape[:1]:
        raise ValueError(f"train_test_split: stratify must be True, False or labels of shape "
                         f"({len(y)},), got {type(stratify).__name__} of shape {labels.shape}")
    return labels


def standardize(X_train: np.ndarray, *others: np.ndarray, eps: float = 0.1):
    """Shift and scale every feature by the TRAINING set's mean and std.

    X_train : (N, D); others : (M, D) each, e.g. X_test. Returns a tuple of the arrays in
    the same order, always a tuple (``Z_train, = standardize(X_train)`` for one), standardized
    with the training statistics only (the test set must not leak
    into training). ``eps`` is added to the std so constant pixels do not divide by 0.
    """
    X_train = np.asarray(X_train, dtype=np.float64)
    if X_train.ndim != 2:
        raise ValueError(f"standardize: X_train has shape {X_train.shape}, expected (N, D)")
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0) + eps
    out = [(X_train - mean) / scale]
    for i, X in enumerate(others):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != X_train.shape[1]:
            raise ValueError(f"standardize: array {i + 1} has shape {X.shape}, "
                             f"expected (M, {X_train.shape[1]})")
        out.append((X - mean) / scale)
    return tuple(out)


def batches(X: np.ndarray, y: np.ndarray, batch_size: int = 32, rng=0,
            shuffle: bool = True) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Mini-batches of (X (B, D), y (B,)); the last one may be smaller. Shuffled with rng.

    ``rng`` defaults to 0 like every seed in bplab, so the same seed gives the same order:
    pass the epoch number (``rng=epoch``) or one Generator for a new order every epoch.
    """
    check_int(batch_size, "batch_size", where="batches")
    if len(X) != len(y):
        raise ValueError(f"batches: X has {len(X)} rows but y has {len(y)}")
    order = as_rng(rng).permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def load_digits_development() -> tuple[np.ndarray, np.ndarray]:
    """The 80 % of the digits that exercise 8 trains and validates on (no download).

    The other 20 % are held out by the grader: they are not in this package.

    Returns
    -------
    X : ndarray of shape (1438, 64), pixel intensities scaled to [0, 1]
    y : ndarray of shape (1438,), the digit 0-9.
    """
    from pathlib import Path

    with np.load(Path(__file__).parent / "datasets" / "digits_development.npz") as data:
        return data["X"].astype(np.float64) / 16.0, data["y"].astype(np.int64)
