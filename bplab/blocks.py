"""Blocks modern networks add to plain layers (lessons 10a, 10b): normalisation, dropout,
residual connections, gradient checkpointing and gradient clipping.

Letters: N batch, D features (a block's input and output width).

Every block has ``forward(X)``, ``backward(dout)``, ``params()``, ``grads()`` and ``cache`` like
``bp.Linear``, so ``bp.Sequential`` takes them. ``Stack`` is a ``Sequential`` whose
``linear_layers()`` also finds the Linear layers inside blocks, so ``bp.fit``,
``bp.layer_grad_norms`` and the gradient-flow plot see every layer.

    net = Stack(Linear(2, 32), Residual(Linear(32, 32), Tanh()), LayerNorm(32), Linear(32, 2))
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from ._rng import as_rng
from .layers import ACTIVATIONS, Layer, Linear, check_named_arrays, get_activation
from .nn import Sequential

__all__ = [
    "Checkpoint",
    "ClipGradNorm",
    "Dropout",
    "LayerNorm",
    "Residual",
    "Stack",
    "clip_grad_norm",
    "deep_stack",
    "stored_bytes",
]


class LayerNorm(Layer):
    """Normalise each row to mean 0 and variance 1, then scale and shift.

    out = gamma * xhat + beta,  xhat = (X - mean) / sqrt(var + eps), mean and var over each
    row's D features. params {"gamma": (D,), "beta": (D,)}; X and out have shape (N, D).
    """

    def __init__(self, features: int, eps: float = 1e-5):
        super().__init__()
        if not isinstance(features, (int, np.integer)) or isinstance(features, bool) or features < 1:
            raise ValueError(f"LayerNorm: features must be an int >= 1, got {features!r}")
        self.features, self.eps = int(features), float(eps)
        self._params = {"gamma": np.ones(self.features), "beta": np.zeros(self.features)}
        self._grads = {"gamma": np.zeros(self.features), "beta": np.zeros(self.features)}

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> out : (N, D)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.features:
            raise ValueError(f"LayerNorm.forward: X has shape {X.shape}, expected (N, {self.features})")
        inv_std = 1.0 / np.sqrt(X.var(axis=1, keepdims=True) + self.eps)   # (N, 1)
        xhat = (X - X.mean(axis=1, keepdims=True)) * inv_std
        self.cache, self._out_shape = (xhat, inv_std), X.shape
        return self._params["gamma"] * xhat + self._params["beta"]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout : (N, D) -> dX : (N, D); fills grads() "gamma" and "beta" (D,)."""
        xhat, inv_std = self._cached(dout)
        self._grads["gamma"] = (dout * xhat).sum(axis=0)
        self._grads["beta"] = dout.sum(axis=0)
        dxhat = dout * self._params["gamma"]
        # each row: dX = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / std
        return inv_std * (dxhat - dxhat.mean(axis=1, keepdims=True)
                          - xhat * (dxhat * xhat).mean(axis=1, keepdims=True))

    def __repr__(self) -> str:
        return f"LayerNorm({self.features})"


class Dropout(Layer):
    """Zero each entry with probability p while training; scale the rest by 1 / (1 - p).

    The scaling keeps the expected output equal to X, so at test time (``training=False``)
    the layer is the identity. X and out have any shape (N, D).
    """

    def __init__(self, p: float = 0.5, rng=0):
        super().__init__()
        if not (isinstance(p, (int, float)) and 0 <= p < 1):
            raise ValueError(f"Dropout: p must be in [0, 1), got {p!r}")
        self.p, self.rng, self.training = float(p), as_rng(rng), True

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> out : (N, D), a new random mask on every call while training."""
        X = np.asarray(X, dtype=np.float64)
        mask = (self.rng.random(X.shape) >= self.p) / (1.0 - self.p) if self.training \
            else np.ones_like(X)
        self.cache, self._out_shape = mask, X.shape
        return X * mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout : (N, D) -> dX = dout * mask, the same mask forward used."""
        return dout * self._cached(dout)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


class _Chain(Sequential):
    """Layers run in order inside a block: a Sequential (its params, grads and names
    "<index>.<name>") whose forward and backward the block wraps."""

    def __init__(self, *layers):
        if not layers:
            raise ValueError(f"{type(self).__name__}: needs at least one layer, got none")
        super().__init__(*layers)
        self.cache = None

    def _forward_inner(self, X: np.ndarray) -> np.ndarray:
        return Sequential.forward(self, X)

    def _backward_inner(self, dout: np.ndarray) -> np.ndarray:
        return Sequential.backward(self, dout)

    def _check_ran(self):
        if self.cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward: "
                               "run forward(X) first, then backward(dout)")

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return self.forward(X)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(layer) for layer in self.layers)})"


class Residual(_Chain):
    """out = X + F(X), F the layers given (their output must have X's shape (N, D)).

    Backward: dX = dout + dF/dX^T dout. The identity path carries dout to X unchanged, so
    the gradient reaching early layers never has to pass through every layer's factors.
    """

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> out : (N, D)."""
        X = np.asarray(X, dtype=np.float64)
        F = self._forward_inner(X)
        if F.shape != X.shape:
            raise ValueError(f"Residual.forward: the inner layers map {X.shape} to {F.shape}; "
                             "expected the same shape, to add them")
        self.cache = X.shape
        return X + F

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout : (N, D) -> dX : (N, D): the skip path's dout plus the inner layers' dX."""
        self._check_ran()
        return dout + self._backward_inner(dout)


class Checkpoint(_Chain):
    """Gradient checkpointing: keep only the block's input, recompute the rest in backward.

    forward runs the layers and then drops their caches; backward runs forward again on the
    kept input (the extra compute) and then the backward pass. ``recomputed`` counts the
    extra forward calls; ``peak_bytes`` is the most its layers held at once in backward.
    """

    def __init__(self, *layers):
        super().__init__(*layers)
        self.recomputed, self.peak_bytes = 0, 0

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> out, as the layers compute it; only X stays in memory."""
        X = np.asarray(X, dtype=np.float64)
        out = self._forward_inner(X)
        self._drop_inner_caches()
        self.cache = X
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Recompute the layers' caches from the kept input, then backpropagate dout."""
        self._check_ran()
        self._forward_inner(self.cache)
        self.recomputed += len(self.layers)
        self.peak_bytes = max(self.peak_bytes, sum(stored_bytes(layer) for layer in self.layers))
        dX = self._backward_inner(dout)
        self._drop_inner_caches()
        return dX

    def _drop_inner_caches(self):
        for layer in self.layers:
            layer.cache = None


class Stack(Sequential):
    """A Sequential that may hold blocks; ``linear_layers()`` also finds Linears inside them."""

    def linear_layers(self) -> list[tuple[str, Linear]]:
        """Every Linear layer, first to last, named by its path ("0", "1.0", ...)."""
        return _find_linear(self.layers, "")


def _find_linear(layers, prefix: str) -> list[tuple[str, Linear]]:
    found = []
    for i, layer in enumerate(layers):
        if isinstance(layer, Linear):
            found.append((f"{prefix}{i}", layer))
        elif hasattr(layer, "layers"):
            found += _find_linear(layer.layers, f"{prefix}{i}.")
    return found


def deep_stack(sizes, activation: str = "relu", init: str = "he", kind: str = "plain",
               rng=0) -> Stack:
    """An MLP [D, H, ..., H, C] built three ways, to compare what the blocks do to gradients.

    kind "plain": Linear, activation, ... (as ``bp.MLP``); "residual": every hidden layer
    after the first is ``Residual(Linear(H, H), activation)``; "layernorm": a ``LayerNorm``
    between every hidden Linear and its activation. The Linear layers are drawn from ``rng``
    in the same order in all three, so "plain" equals ``bp.MLP(sizes, ..., rng=rng)``.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 3:
        raise ValueError(f"deep_stack: sizes must list at least [D, H, C], got {sizes}")
    if kind not in ("plain", "residual", "layernorm"):
        raise ValueError(f"deep_stack: kind must be plain, residual or layernorm, got {kind!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"deep_stack: activation must be one of {sorted(ACTIVATIONS)}, "
                         f"got {activation!r}")
    gen, layers = as_rng(rng), []
    for i, (fan_in, fan_out) in enumerate(pairwise(sizes[:-1])):
        linear = Linear(fan_in, fan_out, init=init, rng=gen)
        if kind == "residual" and i > 0 and fan_in == fan_out:
            layers.append(Residual(linear, get_activation(activation)))
            continue
        layers += [linear, LayerNorm(fan_out)] if kind == "layernorm" else [linear]
        layers.append(get_activation(activation))
    layers.append(Linear(sizes[-2], sizes[-1], init=init, rng=gen))
    return Stack(*layers)


def stored_bytes(model) -> int:
    """Bytes of the arrays a model (a layer, block or network) keeps for its backward pass."""
    total = _cache_bytes(getattr(model, "cache", None))
    for layer in getattr(model, "layers", []):
        total += stored_bytes(layer)
    return total


def _cache_bytes(cache) -> int:
    if isinstance(cache, np.ndarray):
        return int(cache.nbytes)
    if isinstance(cache, (tuple, list)):
        return sum(_cache_bytes(item) for item in cache)
    return 0


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Scale every gradient array in place so that their joint L2 norm is at most max_norm.

    The direction of the whole gradient is kept; only its length is capped. Returns the
    norm before clipping (inf or nan when a gradient overflowed: then nothing is scaled).
    """
    if not (isinstance(max_norm, (int, float)) and max_norm > 0):
        raise ValueError(f"clip_grad_norm: max_norm must be > 0, got {max_norm!r}")
    norm = math.sqrt(sum(float(np.dot(g.ravel(), g.ravel())) for g in grads.values()))
    if math.isfinite(norm) and norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm


class ClipGradNorm:
    """An optimizer that clips the gradient's norm to ``max_norm``, then lets ``optimizer`` step.

    ``norms`` records the norm before clipping at every step.
    """

    def __init__(self, optimizer, max_norm: float = 1.0):
        if not hasattr(optimizer, "step"):
            raise TypeError(f"ClipGradNorm: optimizer must have a step method, got "
                            f"{type(optimizer).__name__}")
        clip_grad_norm({}, max_norm)  # validates max_norm
        self.optimizer, self.max_norm, self.norms = optimizer, float(max_norm), []

    @property
    def lr(self) -> float:
        return self.optimizer.lr

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Clip ``grads`` in place, then update ``params`` in place with the wrapped optimizer."""
        check_named_arrays(grads, "grads", "ClipGradNorm.step")
        self.norms.append(clip_grad_norm(grads, self.max_norm))
        self.optimizer.step(params, grads)

    def reset(self) -> None:
        self.norms = []
        if hasattr(self.optimizer, "reset"):
            self.optimizer.reset()

    def __repr__(self) -> str:
        return f"ClipGradNorm({self.optimizer!r}, max_norm={self.max_norm:g})"
