"""What a gradient costs: finite differences against backpropagation (lesson 09); reverse
against forward mode, and memory against checkpointing (lesson 10a).

Letters: N batch, D inputs, H hidden units, C classes, P parameters.

Finite differences need two forward passes per parameter (central differences): 2P
passes. Backpropagation needs one forward and one backward pass, whatever P is. So the
ratio of their costs grows like P. (A forward pass itself costs about P multiply-adds
once the network is big enough to outweigh Python's fixed overhead per call, which
makes finite differences about P**2 and backprop about P.)

    rows = measure_gradient_cost([1, 8, 64, 512], repeats=3, rng=0)
    [(r.n_params, r.fd_forward_passes) for r in rows]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._rng import as_rng
from .gradcheck import numerical_gradient, rel_error
from .losses import get_loss
from .nn import MLP, forward_backward

__all__ = [
    "CheckpointCost",
    "GradientCost",
    "JacobianCost",
    "PassCost",
    "backprop_gradients",
    "best_time",
    "fd_gradients",
    "limit_blas_threads",
    "measure_checkpointing",
    "measure_gradient_cost",
    "measure_jacobian_cost",
    "measure_pass_cost",
]


def limit_blas_threads(threads: int = 1):
    """Limit numpy's (and scikit-learn's) BLAS to ``threads`` threads, for steady timings.

    On a shared or busy machine, threads of a multi-threaded BLAS wait for cores, and
    timings of small matrix products vary several-fold. Returns the limiter; its
    ``restore_original_limits()`` undoes it, and it also works as a context manager.
    """
    if not isinstance(threads, (int, np.integer)) or isinstance(threads, bool) or threads < 1:
        raise ValueError(f"limit_blas_threads: threads must be an int >= 1, got {threads!r}")
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    return threadpool_limits(limits=int(threads))


def fd_gradients(model, X: np.ndarray, y: np.ndarray, loss: str = "cross_entropy",
                 h: float = 1e-5) -> tuple[dict[str, np.ndarray], int]:
    """Every parameter's gradient by central differences, and the forward passes it took.

    Parameters
    ----------
    model : Sequential or MLP
    X : ndarray of shape (N, D)
    y : ndarray of shape (N,)
    loss : str, default "cross_entropy"
    h : float, default 1e-5

    Returns
    -------
    grads : dict name -> ndarray, the shapes of ``model.params()``
    forward_passes : int, 2 P for P parameters
    """
    loss_fn, passes = get_loss(loss), 0

    def f(_):
        nonlocal passes
        passes += 1
        return loss_fn(model.forward(X), y)[0]

    grads = {name: numerical_gradient(f, p, h) for name, p in model.params().items()}
    return grads, passes


def backprop_gradients(model, X: np.ndarray, y: np.ndarray,
                       loss: str = "cross_entropy") -> dict[str, np.ndarray]:
    """Every parameter's gradient by one forward and one backward pass.

    X : (N, D), y : (N,). Returns a dict name -> copy of the gradient array.
    """
    forward_backward(model, X, y, get_loss(loss))
    return {name: g.copy() for name, g in model.grads().items()}


def best_time(fn: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` wall-clock timings of ``fn()``, in seconds.

    The minimum is the least noisy estimate on a busy machine: noise only adds time.
    """
    if not isinstance(repeats, (int, np.integer)) or repeats < 1:
        raise ValueError(f"best_time: repeats must be an int >= 1, got {repeats!r}")
    best = float("inf")
    for _ in range(int(repeats)):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@dataclass
class GradientCost:
    """One row of ``measure_gradient_cost``: a network size and what its gradient cost."""

    hidden: int
    n_params: int
    fd_forward_passes: int
    fd_seconds: float
    bp_seconds: float
    rel_error: float

    @property
    def speedup(self) -> float:
        """How many times faster backprop was than finite differences."""
        return self.fd_seconds / self.bp_seconds


def _measure_one(net, hidden: int, X, y, repeats: int) -> GradientCost:
    out = {}  # the last result of each method, to compare them
    fd_seconds = best_time(lambda: out.update(fd=fd_gradients(net, X, y)), repeats)
    bp_seconds = best_time(lambda: out.update(bp=backprop_gradients(net, X, y)), repeats)
    (fd, passes), bp = out["fd"], out["bp"]
    error = max(rel_error(fd[name], bp[name]) for name in bp)
    return GradientCost(hidden=hidden, n_params=int(net.num_params()), fd_forward_passes=passes,
                        fd_seconds=fd_seconds, bp_seconds=bp_seconds, rel_error=error)


def measure_gradient_cost(hidden_sizes: Sequence[int], n_inputs: int = 4, n_classes: int = 3,
                          batch_size: int = 16, repeats: int = 3, rng=0,
                          threads: int | None = 1) -> list[GradientCost]:
    """Time both gradient methods on MLPs [n_inputs, H, n_classes] for each H in hidden_sizes.

    P = (n_inputs + 1) H + (H + 1) n_classes parameters. Each row also checks that the two
    gradients agree (``rel_error``, the largest over all parameters).

    Parameters
    ----------
    hidden_sizes : sequence of int, the widths H to try
    n_inputs, n_classes, batch_size : int
    repeats : int, timings per method (the fastest is kept)
    rng : int or Generator; the data and the weights
    threads : int or None, default 1
        BLAS threads while timing (None: leave as is). One thread keeps the timings
        steady on a busy machine, where threads of a multi-threaded BLAS wait for cores.

    Returns
    -------
    list of GradientCost, one per H, in the order given
    """
    gen, X, y = _random_batch(rng, batch_size, n_inputs, n_classes)
    rows = []
    with limit_blas_threads(threads):
        for H in hidden_sizes:
            net = MLP([n_inputs, int(H), n_classes], activation="tanh", init="xavier", rng=gen)
            rows.append(_measure_one(net, int(H), X, y, repeats))
    return rows


def _random_batch(rng, batch_size: int, n_inputs: int, n_classes: int):
    """(Generator, X (batch_size, n_inputs) standard normal, y (batch_size,) labels)."""
    gen = as_rng(rng)
    return gen, gen.standard_normal((batch_size, n_inputs)), gen.integers(0, n_classes, batch_size)


@dataclass
class PassCost:
    """One row of ``measure_pass_cost``: a network size, one forward pass, one gradient."""

    width: int
    n_params: int
    forward_seconds: float
    backprop_seconds: float

    @property
    def ratio(self) -> float:
        """A backprop gradient (forward + loss + backward) in forward passes."""
        return self.backprop_seconds / self.forward_seconds


def measure_pass_cost(widths: Sequence[int], n_inputs: int = 64, n_classes: int = 10,
                      hidden_layers: int = 2, batch_size: int = 64, repeats: int = 3, rng=0,
                      threads: int | None = 1) -> list[PassCost]:
    """Time one forward pass and one backprop gradient on MLPs of growing width.

    The networks are [n_inputs, W, ..., W, n_classes] with ``hidden_layers`` hidden layers
    of width W, so P grows like W**2. Once W is a few hundred, the matrix products outweigh
    Python's fixed cost per call and both times grow like P; their ratio stays near 3
    (the backward pass does two matrix products per layer to the forward's one).

    Parameters
    ----------
    widths : sequence of int, the widths W to try
    n_inputs, n_classes, hidden_layers, batch_size : int
    repeats : int, timings of each (the fastest is kept)
    rng : int or Generator; the data and the weights
    threads : int or None, default 1; BLAS threads while timing (None: leave as is)

    Returns
    -------
    list of PassCost, one per W, in the order given
    """
    gen, X, y = _random_batch(rng, batch_size, n_inputs, n_classes)
    rows = []
    with limit_blas_threads(threads):
        for W in widths:
            sizes = [n_inputs] + [int(W)] * hidden_layers + [n_classes]
            net = MLP(sizes, activation="relu", init="he", rng=gen)
            rows.append(_time_passes(net, int(W), X, y, repeats))
    return rows


def _time_passes(net, width: int, X, y, repeats: int) -> PassCost:
    forward = best_time(lambda: net.forward(X), repeats)
    backprop = best_time(lambda: backprop_gradients(net, X, y), repeats)
    return PassCost(width=width, n_params=int(net.num_params()),
                    forward_seconds=forward, backprop_seconds=backprop)


@dataclass
class JacobianCost:
    """One row of ``measure_jacobian_cost``: a network R^D -> R^C and its Jacobian's cost."""

    n_inputs: int
    n_outputs: int
    reverse_passes: int
    forward_passes: int
    reverse_seconds: float
    forward_seconds: float
    rel_error: float


def measure_jacobian_cost(shapes: Sequence[tuple[int, int]], hidden: int = 64, repeats: int = 3,
                          rng=0, threads: int | None = 1) -> list[JacobianCost]:
    """Time the Jacobian (C, D) of MLPs [D, hidden, hidden, C] at one input, both modes.

    Reverse mode takes C backward passes, forward mode D forward-mode passes (see
    ``bplab.jacobian``). Each row also checks that the two Jacobians agree.

    Parameters
    ----------
    shapes : sequence of (D, C) pairs
    hidden : int, the width of the two hidden layers
    repeats : int, timings of each mode (the fastest is kept)
    rng : int or Generator; the inputs and the weights
    threads : int or None, default 1; BLAS threads while timing

    Returns
    -------
    list of JacobianCost, one per (D, C)
    """
    from .jacobian import jacobian_forward, jacobian_reverse

    gen, rows, out = as_rng(rng), [], {}
    with limit_blas_threads(threads):
        for D, C in shapes:
            net = MLP([int(D), hidden, hidden, int(C)], activation="tanh", init="xavier", rng=gen)
            x = gen.standard_normal(int(D))
            rev = best_time(lambda: out.update(rev=jacobian_reverse(net, x)), repeats)  # noqa: B023
            fwd = best_time(lambda: out.update(fwd=jacobian_forward(net, x)), repeats)  # noqa: B023
            (J_rev, n_rev), (J_fwd, n_fwd) = out["rev"], out["fwd"]
            rows.append(JacobianCost(int(D), int(C), n_rev, n_fwd, rev, fwd, rel_error(J_rev, J_fwd)))
    return rows


@dataclass
class CheckpointCost:
    """``measure_checkpointing``'s result for one network, plain or checkpointed."""

    segments: int
    stored_bytes: int
    peak_bytes: int
    layer_forwards: int
    seconds: float


def measure_checkpointing(depth: int = 16, width: int = 256, batch_size: int = 256,
                          segments: Sequence[int] = (1, 4, 16), repeats: int = 3, rng=0,
                          threads: int | None = 1) -> list[CheckpointCost]:
    """Memory and compute of one gradient of a deep tanh MLP, plain and checkpointed.

    The hidden part, ``depth`` Linear+Tanh layers of ``width``, is cut into k equal segments,
    each a ``bp.blocks.Checkpoint`` (k = 1 with no Checkpoint at all is the plain network:
    pass 0). ``stored_bytes``: what the network holds between forward and backward;
    ``peak_bytes``: that plus the largest segment's recomputed caches; ``layer_forwards``:
    layer forward calls per gradient; ``seconds``: the fastest forward + backward.
    """
    from .blocks import Checkpoint, Stack, stored_bytes
    from .layers import Linear, Tanh

    gen = as_rng(rng)
    X = gen.standard_normal((batch_size, width))
    dout = gen.standard_normal((batch_size, width))
    hidden = [layer for _ in range(depth)
              for layer in (Linear(width, width, init="xavier", rng=gen), Tanh())]
    rows = []
    with limit_blas_threads(threads):
        for k in segments:
            if k == 0:
                net = Stack(*hidden)
            else:
                if depth % k:
                    raise ValueError(f"measure_checkpointing: depth {depth} does not split into "
                                     f"{k} equal segments")
                size = 2 * depth // k
                net = Stack(*[Checkpoint(*hidden[i:i + size]) for i in range(0, 2 * depth, size)])
            seconds = best_time(lambda: (net.forward(X), net.backward(dout)), repeats)  # noqa: B023
            net.forward(X)
            stored = stored_bytes(net)
            blocks = [b for b in net.layers if isinstance(b, Checkpoint)]
            peak = stored + max((b.peak_bytes for b in blocks), default=0)
            extra = sum(b.recomputed for b in blocks) // (repeats or 1)
            rows.append(CheckpointCost(k, stored, peak, len(hidden) + extra, seconds))
            for layer in hidden:
                layer.cache = None
    return rows
