"""Networks built from layers: ``Sequential`` and ``MLP``.

Letters: N batch, D inputs, H hidden units, C classes (outputs).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable
from itertools import pairwise

import numpy as np

from ._rng import as_rng
from .init import INITIALIZERS
from .layers import ACTIVATIONS, Layer, Linear, ParamsView, composite, get_activation
from .validation import check_choice, check_int

__all__ = ["MLP", "Sequential", "forward_backward", "takes_input_grad"]


def takes_input_grad(component) -> bool:
    """Whether ``component.backward`` accepts ``input_grad=`` (a Linear's and a Sequential's
    do; a learner's own layer may not): the one test, for layers and networks alike."""
    backward = getattr(component.backward, "__func__", component.backward)
    try:
        return _backward_takes_input_grad(backward)
    except TypeError:  # an unhashable callable: look it up every time
        return _backward_takes_input_grad.__wrapped__(backward)


@functools.lru_cache(maxsize=64)
def _backward_takes_input_grad(backward) -> bool:
    """``takes_input_grad`` for one backward function, looked up once (train_step runs it
    every step)."""
    try:
        return "input_grad" in inspect.signature(backward).parameters
    except (TypeError, ValueError):  # a builtin or C callable without a signature
        return False


def forward_backward(model, X: np.ndarray, y: np.ndarray, loss_fn,
                     input_grad: bool = True) -> tuple[float, np.ndarray]:
    """One forward pass, the loss and one backward pass: the sequence every trainer, timer
    and gradient check runs. Fills the model's grads; returns (loss, scores (N, C)).

    ``loss_fn(scores, y) -> (loss, dscores)``; ``input_grad=False`` asks the model's backward
    to skip dL/dX of the input (only for a backward that takes the argument).
    """
    scores = model.forward(X)
    loss, dscores = loss_fn(scores, y)
    if input_grad:
        model.backward(dscores)
    else:
        model.backward(dscores, input_grad=False)
    return loss, scores


class Sequential:
    """Layers applied in order; backward runs them in reverse.

    Parameters and gradients are named ``"<index>.<name>"``, e.g. ``"0.W"``, ``"2.b"``.
    """

    def __init__(self, *layers: Layer):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward")):
                raise TypeError(f"Sequential: layer {i} ({type(layer).__name__}) has no "
                                "forward/backward")
        self.layers = list(layers)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> scores : (N, C)."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    __call__ = forward

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """dout : (N, C) -> dX : (N, D); fills every layer's grads.

        ``input_grad=False`` skips dX of the first layer (training never needs it).
        """
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0 and not input_grad and takes_input_grad(layer):
                return layer.backward(dout, input_grad=False)
            dout = layer.backward(dout)
        return dout

    def params(self) -> ParamsView:
        """Every parameter array by name, e.g. {"0.W": (D, H), "0.b": (H,), ...}: the
        layers' own arrays, so an optimiser updating them in place updates the layers."""
        return composite(self.layers, "params", type(self).__name__)

    def grads(self) -> ParamsView:
        """The gradients from the last backward, with the same names as ``params()``."""
        return composite(self.layers, "grads", type(self).__name__)

    def linear_layers(self) -> list[tuple[str, Linear]]:
        """The Linear layers with their names ("0", "2", ...), first to last."""
        return [(str(i), layer) for i, layer in enumerate(self.layers)
                if isinstance(layer, Linear)]

    def predict(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> predicted class (N,): argmax of the scores, or scores > 0 for C = 1."""
        scores = self.forward(X)
        if scores.ndim == 2 and scores.shape[1] > 1:
            return scores.argmax(axis=1)
        return (scores.reshape(-1) > 0).astype(np.int64)

    def num_params(self) -> int:
        return sum(p.size for p in self.params().values())

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"{type(self).__name__}({inner})"


class MLP(Sequential):
    """A multilayer perceptron: Linear, activation, Linear, activation, ..., Linear.

    Parameters
    ----------
    sizes : list of int
        [D, H1, ..., C]: inputs, hidden widths, outputs. At least two entries.
    activation : str, default "relu"
        One of relu, leaky_relu, tanh, sigmoid, identity (between the Linear layers).
    init : str, default "he"
        One of zeros, small, large, normal, xavier, he.
    rng : int or numpy.random.Generator, default 0
        Seed of the weights (every ``rng`` in bplab defaults to 0).
    dtype : numpy dtype, default float64

    Examples
    --------
    >>> net = MLP([2, 16, 16, 2], activation="relu", init="he", rng=0)
    >>> sorted(net.params())[:3]
    ['0.W', '0.b', '2.W']
    """

    def __init__(self, sizes, activation: str = "relu", init: str = "he", rng=0,
                 dtype=np.float64):
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
            raise TypeError(f"MLP: sizes must be a list of layer sizes like [2, 16, 1] "
                            f"(inputs, hidden widths, outputs), got {sizes!r}")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"MLP: sizes must list at least [inputs, outputs], got {sizes!r}")
        sizes = [check_int(n, f"sizes[{i}]", where="MLP") for i, n in enumerate(sizes)]
        check_choice(activation, "activation", ACTIVATIONS, where="MLP")
        if not callable(init):
            check_choice(init, "init", INITIALIZERS, where="MLP")
        gen = as_rng(rng)
        layers: list[Layer] = []
        for i, (fan_in, fan_out) in enumerate(pairwise(sizes)):
            layers.append(Linear(fan_in, fan_out, init=init, rng=gen, dtype=dtype))
            if i < len(sizes) - 2:
                layers.append(get_activation(activation))
        super().__init__(*layers)
        self.sizes, self.activation, self.init = [int(s) for s in sizes], activation, init

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, activation={self.activation!r}, init={self.init!r})"
