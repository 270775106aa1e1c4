"""Optimisers. ``step(params, grads)`` updates the parameter arrays in place.

``params`` and ``grads`` are dicts with the same keys (as ``net.params()`` and
``net.grads()`` return); each array has whatever shape its parameter has.
"""

from __future__ import annotations

import math

import numpy as np

from .layers import check_named_arrays
from .validation import check_choice, check_real

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Optimizer", "get_optimizer"]


class Optimizer:
    """Base class: checks that params and grads match, then calls ``_update`` per array."""

    def __init__(self, lr: float):
        self.lr = check_real(lr, "lr", low=0, low_open=True, where=type(self).__name__)
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.t = 0  # steps taken

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every array in ``params`` in place from the matching ``grads`` entry."""
        where = f"{type(self).__name__}.step"
        check_named_arrays(params, "params", where)
        check_named_arrays(grads, "grads", where)
        if params.keys() != grads.keys():
            raise ValueError(f"{type(self).__name__}.step: params have keys {sorted(params)} "
                             f"but grads have keys {sorted(grads)}")
        self.t += 1
        for name, p in params.items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(f"{type(self).__name__}.step: grad {name!r} has shape "
                                 f"{g.shape}, expected {p.shape} like its parameter")
            self._update(name, p, g)

    def reset(self) -> None:
        """Forget the running state (velocities, moments), e.g. after re-initialising."""
        self.state = {}
        self.t = 0


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum.

    v <- momentum * v - lr * g ;  p <- p + v   (momentum = 0 gives p <- p - lr * g)
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.0):
        super().__init__(lr)
        self.momentum = check_real(momentum, "momentum", low=0, high=1, high_open=True,
                                   where="SGD")

    def _update(self, name, p, g):
        if self.momentum == 0.0:
            p -= self.lr * g
            return
        if name not in self.state:
            self.state[name] = {"v": np.zeros_like(p)}
        v = self.state[name]["v"]
        v *= self.momentum
        v -= self.lr * g
        p += v

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr:g}, momentum={self.momentum:g})"


class Adam(Optimizer):
    """Adam: per-parameter steps from running means of g and g**2, bias-corrected.

    m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g**2
    p <- p - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1**t), v_hat = v / (1 - b2**t)
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        super().__init__(lr)
        self.beta1 = check_real(beta1, "beta1", low=0, high=1, high_open=True,
                                where="Adam")
        self.beta2 = check_real(beta2, "beta2", low=0, high=1, high_open=True,
                                where="Adam")
        self.eps = check_real(eps, "eps", low=0, low_open=True, where="Adam")

    def _update(self, name, p, g):
        if name not in self.state:  # tmp: scratch space, so a step allocates no arrays
            self.state[name] = {"m": np.zeros_like(p), "v": np.zeros_like(p),
                                "tmp": np.empty_like(p)}
        m, v, tmp = self.state[name]["m"], self.state[name]["v"], self.state[name]["tmp"]
        m *= self.beta1
        np.multiply(g, 1 - self.beta1, out=tmp)
        m += tmp                                   # m = b1 m + (1 - b1) g
        v *= self.beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - self.beta2
        v += tmp                                   # v = b2 v + (1 - b2) g^2
        # The textbook step lr * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t) and
        # v_hat = v / (1 - b2^t), rearranged so the bias corrections are scalars:
        # lr * c2 / (1 - b1^t) * m / (sqrt(v) + eps * c2), c2 = sqrt(1 - b2^t). Same numbers.
        c2 = math.sqrt(1 - self.beta2 ** self.t)
        np.sqrt(v, out=tmp)
        tmp += self.eps * c2
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr * c2 / (1 - self.beta1 ** self.t)
        p -= tmp

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g})"


OPTIMIZERS = ("adam", "momentum", "sgd")


def get_optimizer(name: str, lr: float | None = None, *, where: str = "get_optimizer") -> Optimizer:
    """A fresh optimiser by name: "sgd", "momentum" (SGD, 0.9) or "adam".

    ``lr=None`` takes the optimiser's default (SGD 0.01, Adam 1e-3).
    """
    check_choice(name, "optimizer", OPTIMIZERS, where=where)
    if name == "adam":
        return Adam() if lr is None else Adam(lr)
    momentum = 0.9 if name == "momentum" else 0.0
    return SGD(momentum=momentum) if lr is None else SGD(lr, momentum=momentum)
