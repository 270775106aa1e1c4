"""What to watch while a network trains (cs231n's and Zero to Hero's diagnostics, lesson 08).

- the **update/weight ratio** of every layer, step by step: ||ΔW|| / ||W||, about 1e-3
  when the learning rate suits the layer (much larger: steps too big; much smaller: the
  layer hardly learns);
- **saturation**: the fraction of tanh (or sigmoid) activations stuck near their limits,
  or of ReLU units that output 0 for every example (dead: no gradient reaches their weights);
- the **first layer's weights** as images: column k of W1 (D, H) is what hidden unit k
  looks for in the input, an 8x8 picture for the digits.

Letters: N examples, D inputs, H hidden units, L Linear layers, S training steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..layers import ReLU, Sigmoid, Tanh
from ._common import PALETTE, _new_axes, _style, series_style
from .digits import _tile

__all__ = [
    "UPDATE_RATIO_GUIDE",
    "UpdateRatios",
    "plot_first_layer_weights",
    "plot_saturation",
    "plot_update_ratios",
    "saturation",
]

UPDATE_RATIO_GUIDE = 1e-3   # cs231n's rule of thumb for ||update|| / ||W|| per step
SATURATED = 0.97            # |tanh| above this: the unit's local derivative is below 0.06


class UpdateRatios:
    """A ``bp.fit`` callback that records ||W_after - W_before|| / ||W_after|| per layer.

    ``hist = bp.fit(net, X, y, callback=UpdateRatios(net))`` keeps a copy of every Linear
    layer's W, and after each step appends one ratio per layer to ``ratios``.

    Attributes
    ----------
    names : list of L str, "layer 1", "layer 2", ... (the Linear layers, first to last)
    ratios : ndarray of shape (S, L), one row per training step recorded so far
    """

    def __init__(self, model):
        if not hasattr(model, "linear_layers"):
            raise TypeError(f"UpdateRatios: expected a bp.Sequential or bp.MLP, got "
                            f"{type(model).__name__}")
        self._layers = [layer for _, layer in model.linear_layers()]
        self.names = [f"layer {k + 1}" for k in range(len(self._layers))]
        self._before = [layer.params()["W"].copy() for layer in self._layers]
        self._rows: list[list[float]] = []

    def __call__(self, history=None) -> bool:
        """Record one step's ratios; returns False (never stops training)."""
        row = []
        for k, layer in enumerate(self._layers):
            W = layer.params()["W"]
            row.append(float(np.linalg.norm(W - self._before[k]) / np.linalg.norm(W)))
            self._before[k][...] = W
        self._rows.append(row)
        return False

    @property
    def ratios(self) -> np.ndarray:
        return np.asarray(self._rows, dtype=float).reshape(-1, len(self._layers))


def plot_update_ratios(recorder: UpdateRatios, ax=None, *, guide: float = UPDATE_RATIO_GUIDE,
                       smooth: int = 20, title: str | None = None):
    """Every layer's update/weight ratio against the step, log scale, with the guide line.

    Parameters
    ----------
    recorder : UpdateRatios, after training (ratios of shape (S, L))
    guide : float, default 1e-3; drawn as a dashed line
    smooth : int, default 20; a running mean over this many steps (1: raw)

    Returns
    -------
    matplotlib.axes.Axes
    """
    ratios = recorder.ratios
    if ratios.shape[0] == 0:
        raise ValueError("plot_update_ratios: no steps recorded yet (pass the recorder to "
                         "bp.fit as callback=...)")
    window = max(1, min(int(smooth), ratios.shape[0]))
    kernel = np.ones(window) / window
    ax = _new_axes(ax, (7, 3.5))
    steps = np.arange(window, ratios.shape[0] + 1)
    for k, name in enumerate(recorder.names):
        ax.plot(steps, np.convolve(ratios[:, k], kernel, mode="valid"), lw=1.3, label=name,
                **series_style(k))
    ax.axhline(guide, color="black", ls="--", lw=1, label=f"guide {guide:g}")
    return _style(ax, "step", "||ΔW|| / ||W||", title, yscale="log", legend=True)


def saturation(model, X: np.ndarray, threshold: float = SATURATED) -> dict[str, float]:
    """The fraction of saturated units of every hidden activation layer, on inputs X.

    tanh: activations with |a| > threshold; sigmoid: |2a - 1| > threshold (both over all
    N x H entries); ReLU: units that output 0 for every one of the N examples (dead).

    Parameters
    ----------
    model : bp.Sequential or bp.MLP
    X : ndarray of shape (N, D)
    threshold : float, default 0.97

    Returns
    -------
    dict "layer k (tanh)" -> fraction in [0, 1], one entry per activation layer
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"saturation: X has shape {X.shape}, expected (N, D)")
    fractions, k = {}, 0
    for layer in model.layers:
        X = layer.forward(X)
        if isinstance(layer, (Tanh, Sigmoid, ReLU)):
            k += 1
            if isinstance(layer, ReLU):
                fractions[f"layer {k} (dead relu)"] = float(np.mean(np.all(X <= 0, axis=0)))
            else:
                a = X if isinstance(layer, Tanh) else 2 * X - 1
                name = "tanh" if isinstance(layer, Tanh) else "sigmoid"
                fractions[f"layer {k} ({name})"] = float(np.mean(np.abs(a) > threshold))
    return fractions


_HATCHES = ("", "//", "..", "xx", "\\\\")


def plot_saturation(fractions: Mapping[str, Mapping[str, float]], ax=None,
                    title: str | None = None):
    """Grouped bars: for each moment (e.g. "before", "after"), each layer's saturated fraction.

    Parameters
    ----------
    fractions : mapping of label -> ``saturation(...)`` result (the same layers in each)

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not fractions:
        raise ValueError("plot_saturation: fractions is empty, expected e.g. "
                         "{'before training': saturation(net, X)}")
    layers = list(next(iter(fractions.values())))
    ax = _new_axes(ax, (6, 3.5))
    width = 0.8 / len(fractions)
    for i, (label, values) in enumerate(fractions.items()):
        if list(values) != layers:
            raise ValueError(f"plot_saturation: {label!r} has layers {list(values)}, "
                             f"expected {layers}")
        xs = np.arange(len(layers)) + (i - (len(fractions) - 1) / 2) * width
        bars = ax.bar(xs, [100 * values[name] for name in layers], width, label=label,
                      color=PALETTE[i % len(PALETTE)], edgecolor="black",
                      hatch=_HATCHES[i % len(_HATCHES)])  # never colour alone
        ax.bar_label(bars, fmt="%.1f %%", fontsize=8)
    ax.set_xticks(range(len(layers)), layers)
    ax.set_ylim(0, 100)
    return _style(ax, None, "saturated units (%)", title, legend=True)


def plot_first_layer_weights(W: np.ndarray, count: int = 32, ncols: int = 16,
                             image_shape: Sequence[int] = (8, 8), ax=None,
                             title: str | None = None):
    """The first ``count`` columns of W (D, H) as images: red positive, blue negative.

    Each image is scaled to its own largest |weight|, so the pattern shows, not the size.

    Parameters
    ----------
    W : ndarray of shape (D, H), D = h * w (64 for the 8x8 digits)
    count : int, default 32; how many hidden units to show
    ncols : int, default 16
    image_shape : (h, w), default (8, 8)

    Returns
    -------
    matplotlib.axes.Axes
    """
    W = np.asarray(W, dtype=float)
    h, w = (int(n) for n in image_shape)
    if W.ndim != 2 or W.shape[0] != h * w:
        raise ValueError(f"plot_first_layer_weights: W has shape {W.shape}, expected "
                         f"({h * w}, H) for images of shape {(h, w)}")
    columns = W[:, :max(1, min(int(count), W.shape[1]))].T
    scale = np.abs(columns).max(axis=1, keepdims=True)
    images = (columns / np.where(scale > 0, scale, 1.0)).reshape(-1, h, w)
    ncols = max(1, min(int(ncols), len(images)))
    ax = _new_axes(ax, (0.6 * ncols, 0.7 * -(-len(images) // ncols) + 0.4))
    ax.imshow(_tile(images, ncols), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or "")
    return ax
