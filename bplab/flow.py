"""``flow_verdict``: what one step's per-layer gradient norms ||dL/dW|| (L,) show, in words.

Letters: L Linear layers (the hidden layers plus the output layer, bar L).

The verdict judges both the SIZE of the gradients (every layer below ``TINY_GRAD``: a step
of lr x gradient hardly moves a weight) and their spread between layers (the first layer
over 100x smaller or larger than the output layer). Given the ``init`` and ``activation``
that produced them, it names them and advises only settings other than the current ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RECOMMENDED_INIT", "SETTLED_LOSS", "TINY_GRAD", "flow_advice", "flow_verdict"]

TINY_GRAD = 1e-4  # every ||dW|| below this: lr=0.1 moves a weight by < 1e-5 a step
SETTLED_LOSS = 0.05  # a loss this small explains small gradients: the run has learnt
RECOMMENDED_INIT = {"relu": "he", "tanh": "xavier", "sigmoid": "xavier"}


def flow_verdict(norms, init: str | None = None, activation: str | None = None,
                 loss: float | None = None) -> str:
    """Name what one step's per-layer gradient norms ||dL/dW|| (L,) show, first layer first.

    Bar L (the last) is the output layer; bars 1 to L-1 are the hidden layers.
    ``init`` and ``activation`` (optional) are the network's: the verdict names them and
    never advises the one already chosen. ``loss`` (optional) is that step's loss: a small
    one explains small gradients ("settled") instead of a vanishing signal.

    Examples
    --------
    >>> flow_verdict([0.0, 0.0, 0.0], init="zeros").split(",")[0]
    'zero: no layer gets a gradient'
    >>> flow_verdict([4e-6, 4e-6, 3e-6], init="small", activation="relu").split(":")[:2]
    ['vanishing', " every layer's gradient is tiny (at most 4.0e-06)"]
    """
    norms = np.asarray(norms, dtype=np.float64).reshape(-1)
    if norms.size == 0:
        raise ValueError("flow_verdict: norms is empty, expected one norm per layer (L,)")
    out = f"the output layer (bar {norms.size})"
    if not np.all(np.isfinite(norms)):
        return "exploding: the gradients overflowed (inf or nan)" + flow_advice(
            "exploding", norms.size, init, activation)
    if np.all(norms == 0) or (norms.size > 1 and np.all(norms[:-1] == 0)):
        return _zero_verdict(norms, out, init, activation)
    first, last, biggest = norms[0], norms[-1], norms.max()
    if biggest < TINY_GRAD:
        if loss is not None and loss < SETTLED_LOSS:
            return (f"settled: the loss is down to {loss:.2g}, so every layer's gradient is "
                    f"small too (at most {biggest:.1e}); the run has learnt (most of) the training data")
        return (f"vanishing: every layer's gradient is tiny (at most {biggest:.1e}): a step "
                "of lr x gradient hardly moves a weight" +
                flow_advice("vanishing", norms.size, init, activation))
    if last > 0 and first / last < 1e-2:
        return (f"vanishing: the first layer's gradient is {first / last:.1e} x that of {out}" +
                flow_advice("vanishing", norms.size, init, activation))
    if biggest > 1e2 or (last > 0 and first / last > 1e2):
        return (f"exploding: gradients reach {biggest:.1e} "
                f"(first layer / {out} = {first / last:.1e})" +
                flow_advice("exploding", norms.size, init, activation))
    return (f"healthy: every layer, up to {out}, gets a gradient of a similar size "
            f"({norms.min():.1e} to {biggest:.1e})")


def _zero_verdict(norms: np.ndarray, out: str, init: str | None,
                  activation: str | None) -> str:
    """The verdict when every hidden layer's norm (bars 1 to L-1) is exactly 0."""
    if norms[-1] != 0:
        why = ("(symmetry is never broken)" if init == "zeros" else
               "(the output layer's zero weights pass nothing back)" if init is None else
               "(nothing flows back through the output layer)")
        return f"zero: only {out} gets a gradient; every hidden layer gets none {why}"
    head = f"zero: no layer gets a gradient, {out} neither: "
    if init == "zeros":
        return head + ("with all-zero weights (init='zeros') every hidden unit outputs the "
                       "same and passes back nothing; only the output bias can move" +
                       flow_advice("zero", norms.size, init, activation))
    if init is None:
        return head + ("the last hidden layer outputs 0 for every input (all-zero weights, "
                       "or dead relu units), so nothing flows back; only the output bias can "
                       "move")
    units = "its relu units are dead" if activation == "relu" else "its units output 0"
    return head + (f"with init='{init}', the last hidden layer outputs 0 for every input "
                   f"({units}), so nothing flows back; only the output bias can move" +
                   flow_advice("zero", norms.size, init, activation))


def flow_advice(kind: str, layers: int, init: str | None, activation: str | None) -> str:
    """The tail "; <cause>: try <settings>" of a verdict of ``kind``; never the current setting.

    The settings are those a gradient-flow lab has: init, activation and depth.
    """
    if init is None and activation is None:
        return "; try a better-scaled init (he for relu, xavier for tanh) or fewer layers"
    best = RECOMMENDED_INIT.get(activation or "")
    grows = "up" if kind == "exploding" else "down"
    if init in ("small", "large"):
        cause = f"with init='{init}' every layer scales the signal {grows}"
    elif kind == "vanishing" and activation == "sigmoid":
        cause = (f"with init='{init}' and sigmoid (slope at most 0.25) every layer scales "
                 "the gradient down")
    else:
        cause = f"with init='{init}' every layer scales the gradient {grows}"
    tips = []
    if best and init != best:
        tips.append(f"init='{best}'")
    elif not best and init not in ("he", "xavier"):
        tips.append("a better-scaled init (he for relu, xavier for tanh)")
    if kind == "vanishing" and activation == "sigmoid":
        tips.append("activation='tanh'")
    if layers > 2 and kind != "zero":
        tips.append("fewer hidden layers")
    if kind == "zero":
        return f"; try {' or '.join(tips)}" if tips else ""
    return f"; {cause}: try {' or '.join(tips)}" if tips else f"; {cause}"
